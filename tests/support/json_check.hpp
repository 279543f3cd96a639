// json_check.hpp - a tiny strict JSON (RFC 8259) reader and the audit log's JSON Lines check
// (SPEC 4.3), written independently of src/audit so that it can catch what the writer gets
// wrong. Tests only; depends on nothing.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tsna::testing {

enum class JsonKind { kNull, kBool, kNumber, kString, kArray, kObject };

struct JsonMember {
  JsonKind kind = JsonKind::kNull;
  std::string value;  // strings decoded; numbers, true/false as written; empty otherwise
};
using JsonObject = std::map<std::string, JsonMember, std::less<>>;

// Parses `text` as exactly one JSON object (whitespace around it allowed) and returns its
// top-level members. Strict: no comments, trailing commas, leading zeros, single quotes, raw
// control characters or invalid UTF-8 in strings, lone surrogate escapes, or duplicate keys.
std::optional<JsonObject> parse_json_object(std::string_view text);

// Stricter than RFC 8259, for checking the exact form the audit log writes.
struct JsonStrictness {
  bool compact = false;             // no whitespace between tokens or around the object
  bool ascii_escapes_only = false;  // no escaped code point at or above U+0080
};

// The top-level members in document order.
using JsonMembers = std::vector<std::pair<std::string, JsonMember>>;

// As parse_json_object, with the members in the order they appear.
std::optional<JsonMembers> parse_json_members(std::string_view text,
                                              JsonStrictness strictness = {});

// True when `text` holds a run of 32 or more hex digits: a password hash, nonce or MAC half.
bool has_secret_hex_run(std::string_view text);

// "" when `line` (without its '\n') is one audit record: exactly the members ts (RFC 3339 UTC
// with milliseconds), peer (string), user (string or null), dialect ("classic" or "tsna2"), cmd
// (string of at most 512 bytes with no run of 32 or more hex digits) and code (200, 300, 400
// or null), and on the record of a challenge answer (cmd "***") also login (a non-empty string,
// the name the login was for); otherwise what is wrong with it.
std::string audit_record_problem(std::string_view line);

struct AuditLogCheck {
  std::size_t records = 0;            // complete lines that are audit records
  std::size_t torn_tail_bytes = 0;    // bytes after the last '\n' (a write cut by a crash)
  std::vector<std::string> problems;  // "line N: why" for each complete line that is not
};

// Checks `text` as JSON Lines of audit records; a tail after the last '\n' is counted as torn,
// not checked. `first_line` numbers the lines in the problems.
AuditLogCheck check_audit_log(std::string_view text, std::size_t first_line = 1);

}  // namespace tsna::testing
