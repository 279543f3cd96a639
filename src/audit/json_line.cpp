// json_line.cpp - the audit log's JSON Lines formatter (SPEC 4.3). Pure: no I/O, no locks.
// Escapes in place at the end of the caller's buffer, so a record costs no allocation of its own.
#include "audit/json_line.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>

#include "audit/redact.hpp"
#include "common/dialect.hpp"
#include "common/secret_arguments.hpp"
#include "common/words.hpp"

namespace tsna {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

std::size_t escaped_size(unsigned char c) {
  switch (c) {
    case '"':
    case '\\':
    case '\n':
    case '\r':
    case '\t':
      return 2;
    default:
      return (c < 0x20 || c == 0x7F) ? 6 : 1;
  }
}

// JSON-escapes out[from, end) in place: grows `out` once, then rewrites back to front.
void escape_tail(std::string& out, std::size_t from) {
  const std::size_t old_size = out.size();
  std::size_t extra = 0;
  for (std::size_t i = from; i < old_size; ++i) {
    extra += escaped_size(static_cast<unsigned char>(out[i])) - 1;
  }
  if (extra == 0) {
    return;
  }
  out.resize(old_size + extra);
  char* d = out.data();
  std::size_t w = old_size + extra;
  for (std::size_t r = old_size; r-- > from;) {
    const auto c = static_cast<unsigned char>(d[r]);
    char short_form = 0;
    switch (c) {
      case '"':
        short_form = '"';
        break;
      case '\\':
        short_form = '\\';
        break;
      case '\n':
        short_form = 'n';
        break;
      case '\r':
        short_form = 'r';
        break;
      case '\t':
        short_form = 't';
        break;
      default:
        break;
    }
    if (short_form != 0) {
      d[--w] = short_form;
      d[--w] = '\\';
    } else if (c < 0x20 || c == 0x7F) {
      d[--w] = kHexDigits[c & 0x0F];
      d[--w] = kHexDigits[c >> 4];
      d[--w] = '0';
      d[--w] = '0';
      d[--w] = 'u';
      d[--w] = '\\';
    } else {
      d[--w] = static_cast<char>(c);
    }
  }
}

// Writes `value` as exactly `width` decimal digits (value < 10^width) ending at `end`.
void put_digits(char* end, unsigned value, int width) {
  for (int k = 0; k < width; ++k) {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// True when `text` is printable ASCII that JSON needs no escape for: it can be copied as is.
bool is_plain_ascii(std::string_view text) {
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
      return false;
    }
  }
  return true;
}

// The common command: printable ASCII, short, not a secret-carrying command, no run of 32 hex
// digits. Then redaction and escaping change nothing and the text is copied in one pass.
bool is_plain_command(std::string_view cmd, std::size_t max_bytes) {
  if (cmd.size() > max_bytes) {
    return false;
  }
  std::size_t hex_run = 0;
  for (const char ch : cmd) {  // is_plain_ascii and the hex-run check in one pass
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
      return false;
    }
    const bool hex = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
    hex_run = hex ? hex_run + 1 : 0;
    if (hex_run >= 32) {
      return false;
    }
  }
  return find_secret_bearing_command(first_word(cmd)) == nullptr;
}

// Appends the JSON number `code`, or null for 0.
void append_code(std::string& out, int code) {
  if (code == 0) {
    out += "null";
    return;
  }
  char buf[16];
  const auto result = std::to_chars(buf, buf + sizeof buf, code);
  out.append(buf, result.ptr);
}

}  // namespace

void append_rfc3339_millis(std::string& out, WallTime ts) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(ts);
  // Records come many per second: the date and time up to the second are formatted once per
  // second per thread.
  thread_local std::int64_t cached_second = INT64_MIN;
  thread_local char cached[20];
  const std::int64_t second_count = floor<seconds>(ms).time_since_epoch().count();
  if (second_count == cached_second) {
    char tail[] = ".000Z";
    put_digits(tail + 4, static_cast<unsigned>((ms - floor<seconds>(ms)).count()), 3);
    out.append(cached, sizeof cached - 1);
    out.append(tail, sizeof tail - 1);
    return;
  }
  const auto day = floor<days>(ms);
  const year_month_day date{day};
  auto in_day = static_cast<unsigned>((ms - day).count());  // [0, 86'400'000)
  const unsigned millis = in_day % 1000;
  in_day /= 1000;
  const unsigned second = in_day % 60;
  in_day /= 60;
  const unsigned minute = in_day % 60;
  const unsigned hour = in_day / 60;
  // system_clock counts int64 nanoseconds: years 1677..2262 only, so always four digits.
  const int year = static_cast<int>(date.year());
  char buf[] = "0000-00-00T00:00:00.000Z";
  put_digits(buf + 4, static_cast<unsigned>(year < 0 ? 0 : year % 10000), 4);
  put_digits(buf + 7, static_cast<unsigned>(date.month()), 2);
  put_digits(buf + 10, static_cast<unsigned>(date.day()), 2);
  put_digits(buf + 13, hour, 2);
  put_digits(buf + 16, minute, 2);
  put_digits(buf + 19, second, 2);
  put_digits(buf + 23, millis, 3);
  out.append(buf, sizeof buf - 1);
  std::copy_n(buf, sizeof cached - 1, cached);
  cached[sizeof cached - 1] = '\0';
  cached_second = second_count;
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  if (is_plain_ascii(text)) {
    out.append(text);
    out += '"';
    return;
  }
  const std::size_t from = out.size();
  append_valid_utf8(out, text);
  escape_tail(out, from);
  out += '"';
}

void append_json_head(std::string& out, const AuditEvent& e) {
  out += R"({"ts":")";
  append_rfc3339_millis(out, e.ts);
  out += '"';
}

void append_json_identity(std::string& out, const AuditEvent& e) {
  out += R"(,"peer":)";
  append_json_string(out, e.peer);
  out += R"(,"user":)";
  if (e.user) {
    append_json_string(out, *e.user);
  } else {
    out += "null";
  }
  out += R"(,"dialect":")";
  out += dialect_name(e.dialect);
  out += '"';
}

void append_json_tail(std::string& out, const AuditEvent& e, std::size_t cmd_max_bytes) {
  constexpr std::string_view kCmd = R"(,"cmd":")";
  constexpr std::string_view kCode = R"(","code":)";
  if (!e.is_answer && !e.prepared && !e.login && e.code > 0 && e.code < 1000 &&
      is_plain_command(e.cmd, cmd_max_bytes)) {
    // The common record, written in one go: ,"cmd":"<cmd>","code":<3 digits>}\n
    const std::size_t at = out.size();
    out.resize(at + kCmd.size() + e.cmd.size() + kCode.size() + 3 + 2);
    char* p = out.data() + at;
    p = std::copy(kCmd.begin(), kCmd.end(), p);
    p = std::copy(e.cmd.begin(), e.cmd.end(), p);
    p = std::copy(kCode.begin(), kCode.end(), p);
    p = std::to_chars(p, p + 3, e.code).ptr;
    *p++ = '}';
    *p++ = '\n';
    out.resize(static_cast<std::size_t>(p - out.data()));  // fewer than 3 digits
    return;
  }
  out += kCmd;
  if (!e.is_answer && !e.prepared && is_plain_command(e.cmd, cmd_max_bytes)) {
    out.append(e.cmd);
  } else {
    const std::size_t cmd_from = out.size();
    if (e.prepared) {
      append_prepared_command(out, e.cmd, cmd_max_bytes);
    } else {
      append_redacted_command(out, e.cmd, e.is_answer, cmd_max_bytes);
    }
    escape_tail(out, cmd_from);
  }
  out += '"';
  if (e.login) {
    // A name, redacted as any other text: a name that is a run of 32 hex digits is "***" too.
    out += R"(,"login":")";
    const std::size_t login_from = out.size();
    append_redacted_command(out, *e.login, false, cmd_max_bytes);
    escape_tail(out, login_from);
    out += '"';
  }
  out += R"(,"code":)";
  append_code(out, e.code);
  out += "}\n";
}

void append_json_line(std::string& out, const AuditEvent& e, std::size_t cmd_max_bytes) {
  append_json_head(out, e);
  append_json_identity(out, e);
  append_json_tail(out, e, cmd_max_bytes);
}

}  // namespace tsna
