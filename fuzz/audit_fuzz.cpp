// audit_fuzz.cpp - libFuzzer target for the audit log's text handling (SPEC 4.3):
// append_valid_utf8, append_redacted_command and append_json_line. No secret survives
// redaction, the cap holds and never splits a character, and every record is one line of JSON
// that reads back to the redacted fields. Input: [flags][cap][user length][user...][cmd...].
// Fuzz-only; depends on src/audit and src/common.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/json_line.hpp"
#include "audit/redact.hpp"
#include "common/secret_arguments.hpp"
#include "fuzz_support.hpp"

namespace tsna {
namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::size_t longest_hex_run(std::string_view s) {
  std::size_t best = 0;
  std::size_t run = 0;
  for (const char c : s) {
    run = is_hex(c) ? run + 1 : 0;
    best = std::max(best, run);
  }
  return best;
}

// Words and the separator runs between them, in order.
struct Tokens {
  std::vector<std::string_view> words;
  std::vector<std::string_view> separators;  // before each word, and one after the last
};

Tokens tokens_of(std::string_view s) {
  Tokens t;
  for (;;) {
    const std::size_t word = std::min(s.find_first_not_of(" \t"), s.size());
    t.separators.push_back(s.substr(0, word));
    s.remove_prefix(word);
    if (s.empty()) {
      return t;
    }
    const std::size_t end = std::min(s.find_first_of(" \t"), s.size());
    t.words.push_back(s.substr(0, end));
    s.remove_prefix(end);
  }
}

std::string redact(std::string_view raw, bool is_answer, std::size_t cap) {
  std::string out;
  append_redacted_command(out, raw, is_answer, cap);
  return out;
}

void check_redaction(std::string_view raw, bool is_answer, std::size_t cap) {
  const std::string full = redact(raw, is_answer, std::numeric_limits<std::size_t>::max());
  const std::string cut = redact(raw, is_answer, cap);
  TSNA_FUZZ_CHECK(is_valid_utf8(full) && is_valid_utf8(cut), cut);
  TSNA_FUZZ_CHECK(longest_hex_run(full) < 32, "a secret survived: " + full);
  // The cap: at most `cap` bytes, a prefix of the uncut text, short of the cap by less than
  // one character.
  TSNA_FUZZ_CHECK(cut.size() <= cap && full.starts_with(cut), cut + " of " + full);
  TSNA_FUZZ_CHECK(cut.size() + 3 >= std::min(cap, full.size()), cut + " of " + full);
  std::string appended = "x\xc3\xa9";
  append_redacted_command(appended, raw, is_answer, cap);
  TSNA_FUZZ_CHECK(appended == "x\xc3\xa9" + cut, appended);
  if (is_answer) {
    TSNA_FUZZ_CHECK(full == kRedacted, full);
    return;
  }
  // Separators are kept exactly; from a secret-bearing command's first secret argument on
  // (common/secret_arguments.hpp), every word is "***", and the words before it are untouched.
  const Tokens in = tokens_of(raw);
  const Tokens out = tokens_of(full);
  TSNA_FUZZ_CHECK(in.separators == out.separators && in.words.size() == out.words.size(), full);
  const SecretBearingCommand* command =
      in.words.empty() ? nullptr : find_secret_bearing_command(in.words[0]);
  const bool secret = command != nullptr;
  for (std::size_t i = 1; secret && i < out.words.size(); ++i) {
    if (i >= command->first_secret_argument) {
      TSNA_FUZZ_CHECK(out.words[i] == kRedacted, full);
    } else if (is_valid_utf8(in.words[i]) && longest_hex_run(in.words[i]) < 32) {
      TSNA_FUZZ_CHECK(out.words[i] == in.words[i], full);
    }
  }
  if (!secret && is_valid_utf8(raw) && longest_hex_run(raw) < 32) {
    TSNA_FUZZ_CHECK(full == raw, full);
  }
}

void check_valid_utf8(std::string_view raw) {
  std::string out = "y";
  append_valid_utf8(out, raw);
  const std::string_view repaired = std::string_view(out).substr(1);
  TSNA_FUZZ_CHECK(repaired == fuzz::reference_utf8_repair(raw),
                  std::string(repaired) + " vs reference " + fuzz::reference_utf8_repair(raw));
  TSNA_FUZZ_CHECK(is_valid_utf8(raw) == fuzz::reference_is_valid_utf8(raw), raw);
  TSNA_FUZZ_CHECK(is_valid_utf8(repaired), out);
  // Every replacement stands for at least one byte; ASCII is never replaced.
  const std::size_t ascii_in = static_cast<std::size_t>(
      std::count_if(raw.begin(), raw.end(), [](char c) { return (c & 0x80) == 0; }));
  const std::size_t ascii_out = static_cast<std::size_t>(
      std::count_if(repaired.begin(), repaired.end(), [](char c) { return (c & 0x80) == 0; }));
  TSNA_FUZZ_CHECK(ascii_in == ascii_out, out);
}

// Reads one JSON string at the front of `s` (after its opening quote), unescaped.
std::optional<std::string> json_string(std::string_view& s) {
  if (s.empty() || s.front() != '"') {
    return std::nullopt;
  }
  s.remove_prefix(1);
  std::string out;
  while (!s.empty()) {
    const char c = s.front();
    s.remove_prefix(1);
    if (c == '"') {
      return out;
    }
    if (static_cast<unsigned char>(c) < 0x20) {
      return std::nullopt;
    }
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (s.empty()) {
      return std::nullopt;
    }
    const char e = s.front();
    s.remove_prefix(1);
    switch (e) {
      case '"':
      case '\\':
      case '/':
        out.push_back(e);
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        if (s.size() < 4) {
          return std::nullopt;
        }
        unsigned v = 0;
        for (int k = 0; k < 4; ++k) {
          const char h = s[static_cast<std::size_t>(k)];
          if (!is_hex(h)) {
            return std::nullopt;
          }
          v = v * 16 + static_cast<unsigned>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
        }
        s.remove_prefix(4);
        if (v >= 0x80) {
          return std::nullopt;  // the formatter escapes control characters only
        }
        out.push_back(static_cast<char>(v));
        break;
      }
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

bool take(std::string_view& s, std::string_view literal) {
  if (!s.starts_with(literal)) {
    return false;
  }
  s.remove_prefix(literal.size());
  return true;
}

// UTC "YYYY-MM-DDTHH:MM:SS.mmmZ" by gmtime_r, truncating to the millisecond.
std::string reference_timestamp(std::int64_t ns) {
  std::int64_t seconds = ns / 1'000'000'000;
  std::int64_t rest = ns % 1'000'000'000;
  if (rest < 0) {
    --seconds;
    rest += 1'000'000'000;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(rest / 1'000'000));
  return buf;
}

void check_json_line(const AuditEvent& e, std::int64_t ns, std::size_t cap) {
  std::string line = "previous\n";
  append_json_line(line, e, cap);
  std::string_view s = line;
  TSNA_FUZZ_CHECK(take(s, "previous\n"), line);
  const std::string whole(s);
  TSNA_FUZZ_CHECK(is_valid_utf8(s) && s.ends_with("}\n") && s.find('\n') == s.size() - 1, whole);
  for (const char c : s.substr(0, s.size() - 1)) {
    TSNA_FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7F, whole);
  }
  TSNA_FUZZ_CHECK(take(s, "{\"ts\":"), whole);
  const std::optional<std::string> ts = json_string(s);
  TSNA_FUZZ_CHECK(ts && *ts == reference_timestamp(ns), whole + " vs " + reference_timestamp(ns));
  TSNA_FUZZ_CHECK(take(s, ",\"peer\":"), whole);
  std::string expected;
  append_valid_utf8(expected, e.peer);
  const std::optional<std::string> peer = json_string(s);
  TSNA_FUZZ_CHECK(peer && *peer == expected, whole);
  TSNA_FUZZ_CHECK(take(s, ",\"user\":"), whole);
  if (e.user) {
    expected.clear();
    append_valid_utf8(expected, *e.user);
    const std::optional<std::string> user = json_string(s);
    TSNA_FUZZ_CHECK(user && *user == expected, whole);
  } else {
    TSNA_FUZZ_CHECK(take(s, "null"), whole);
  }
  TSNA_FUZZ_CHECK(take(s, ",\"dialect\":\""), whole);
  TSNA_FUZZ_CHECK(take(s, dialect_name(e.dialect)) && take(s, "\",\"cmd\":"), whole);
  const std::optional<std::string> cmd = json_string(s);
  TSNA_FUZZ_CHECK(cmd && *cmd == redact(e.cmd, e.is_answer, cap), whole);
  if (e.login) {
    // The name a login was for: redacted as any text (a hex run of 32+ is "***").
    TSNA_FUZZ_CHECK(take(s, ",\"login\":"), whole);
    const std::optional<std::string> login = json_string(s);
    TSNA_FUZZ_CHECK(login && *login == redact(*e.login, false, cap), whole);
    TSNA_FUZZ_CHECK(longest_hex_run(*login) < 32, whole);
  }
  TSNA_FUZZ_CHECK(take(s, ",\"code\":"), whole);
  TSNA_FUZZ_CHECK(take(s, e.code == 0 ? std::string("null") : std::to_string(e.code)), whole);
  TSNA_FUZZ_CHECK(s == "}\n", whole);
}

}  // namespace
}  // namespace tsna

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tsna;
  if (size < 3) {
    return 0;
  }
  const std::uint8_t flags = data[0];
  const std::size_t cap = data[1] == 255 ? 512 : data[1];  // 512: the production cap
  const std::size_t user_len = std::min<std::size_t>(data[2], size - 3);
  const std::string user(fuzz::as_chars(data + 3, user_len));
  const std::string cmd(fuzz::as_chars(data + 3 + user_len, size - 3 - user_len));

  check_valid_utf8(cmd);
  check_redaction(cmd, (flags & 1) != 0, cap);

  // A timestamp anywhere in system_clock's range, with sub-millisecond parts to truncate.
  std::uint64_t bits = 1'731'168'720'477'717'000;
  for (std::size_t i = 0; i < std::min<std::size_t>(user_len, 8) && (flags & 0x20) != 0; ++i) {
    bits = bits * 131 + data[3 + i];
  }
  const auto ns = static_cast<std::int64_t>(bits);
  AuditEvent e;
  e.ts = WallTime(std::chrono::duration_cast<WallTime::duration>(std::chrono::nanoseconds(ns)));
  e.peer = (flags & 0x40) != 0 ? std::string_view(user) : "[::1]:6016";
  if ((flags & 8) != 0) {
    e.user = user;
  }
  e.dialect = (flags & 0x10) != 0 ? Dialect::kTsna2 : Dialect::kClassic;
  e.cmd = cmd;
  e.is_answer = (flags & 1) != 0;
  if (e.is_answer && (flags & 0x80) != 0) {
    e.login = user;
  }
  constexpr int kCodes[] = {0, 200, 300, 400};
  e.code = kCodes[(flags >> 1) & 3];
  check_json_line(e, ns, cap);
  return 0;
}
