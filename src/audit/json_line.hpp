// json_line.hpp - formats one AuditEvent as one JSON Lines record (SPEC 4.3). Pure: no I/O, no
// locks, no time zone database; depends on common and redact.hpp only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "audit/audit_sink.hpp"
#include "common/clock.hpp"

namespace tsna {

// Appends one record and '\n', keys in this order:
//   {"ts":"2024-11-09T16:12:00.477Z","peer":"127.0.0.1:49117","user":"bob" or null,
//    "dialect":"classic" or "tsna2","cmd":"<append_redacted_command>",
//    "login":"carol" (only when e.login is set: the record of a challenge answer),
//    "code":200 or null}
// `code` is null when e.code == 0. Strings go through append_json_string. Allocates nothing
// beyond growing `out`.
void append_json_line(std::string& out, const AuditEvent& e, std::size_t cmd_max_bytes);

// The three pieces append_json_line() joins, for a writer that caches the middle one:
//   {"ts":"<ts>"                      append_json_head
//   ,"peer":..,"user":..,"dialect":.. append_json_identity (depends on e.identity's fields only)
//   ,"cmd":"..",["login":"..",]"code":..}\n   append_json_tail
void append_json_head(std::string& out, const AuditEvent& e);
void append_json_identity(std::string& out, const AuditEvent& e);
void append_json_tail(std::string& out, const AuditEvent& e, std::size_t cmd_max_bytes);

// Appends ts as UTC RFC 3339 with milliseconds, "YYYY-MM-DDTHH:MM:SS.mmmZ", truncating (not
// rounding) to the millisecond, e.g. 1731168720477 ms -> "2024-11-09T16:12:00.477Z". Pure
// civil-date arithmetic (std::chrono::year_month_day): no gmtime, no locks, no cache.
void append_rfc3339_millis(std::string& out, WallTime ts);

// Appends `text` as a quoted JSON string: invalid UTF-8 becomes U+FFFD (append_valid_utf8);
// `"` `\` and LF, CR, TAB become \" \\ \n \r \t; other bytes below 0x20 and 0x7F become \u00XX.
void append_json_string(std::string& out, std::string_view text);

}  // namespace tsna
