// json_check.cpp - recursive-descent JSON reader (depth-limited) and the audit record rules.
// Tests only; depends on nothing but the standard library.
#include "support/json_check.hpp"

#include <cstdint>

namespace tsna::testing {
namespace {

constexpr int kMaxDepth = 64;

class Reader {
 public:
  Reader(std::string_view text, JsonStrictness strictness) : s_(text), strictness_(strictness) {}

  bool at_end() {
    skip_space();
    return i_ == s_.size();
  }

  // A whole value; `out` (if not null) gets its kind and, for scalars, its text.
  bool value(JsonMember* out, int depth) {
    skip_space();
    if (i_ >= s_.size() || depth > kMaxDepth) {
      return false;
    }
    JsonMember m;
    bool ok = false;
    switch (s_[i_]) {
      case '{':
        m.kind = JsonKind::kObject;
        ok = object(nullptr, depth + 1);
        break;
      case '[':
        m.kind = JsonKind::kArray;
        ok = array(depth + 1);
        break;
      case '"':
        m.kind = JsonKind::kString;
        ok = string(m.value);
        break;
      case 't':
        m.kind = JsonKind::kBool;
        ok = literal("true", m.value);
        break;
      case 'f':
        m.kind = JsonKind::kBool;
        ok = literal("false", m.value);
        break;
      case 'n':
        m.kind = JsonKind::kNull;
        ok = literal("null", m.value);
        m.value.clear();
        break;
      default:
        m.kind = JsonKind::kNumber;
        ok = number(m.value);
        break;
    }
    if (ok && out != nullptr) {
      *out = std::move(m);
    }
    return ok;
  }

  // An object; its members go to `members`, in order, when it is not null.
  bool object(JsonMembers* members, int depth) {
    skip_space();
    if (!eat('{')) {
      return false;
    }
    JsonMembers local;
    JsonObject seen;
    skip_space();
    if (eat('}')) {
      if (members != nullptr) {
        *members = std::move(local);
      }
      return true;
    }
    for (;;) {
      skip_space();
      std::string key;
      if (!string(key)) {
        return false;
      }
      skip_space();
      if (!eat(':')) {
        return false;
      }
      JsonMember m;
      if (!value(&m, depth)) {
        return false;
      }
      if (!seen.emplace(key, m).second) {
        return false;  // duplicate key
      }
      local.emplace_back(std::move(key), std::move(m));
      skip_space();
      if (eat('}')) {
        break;
      }
      if (!eat(',')) {
        return false;
      }
    }
    if (members != nullptr) {
      *members = std::move(local);
    }
    return true;
  }

 private:
  void skip_space() {
    while (!strictness_.compact && i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
      ++i_;
    }
  }

  bool eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }

  bool digit() const { return i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9'; }

  bool literal(std::string_view word, std::string& out) {
    if (s_.substr(i_, word.size()) != word) {
      return false;
    }
    i_ += word.size();
    out.assign(word);
    return true;
  }

  bool array(int depth) {
    if (!eat('[')) {
      return false;
    }
    skip_space();
    if (eat(']')) {
      return true;
    }
    for (;;) {
      if (!value(nullptr, depth)) {
        return false;
      }
      skip_space();
      if (eat(']')) {
        return true;
      }
      if (!eat(',')) {
        return false;
      }
    }
  }

  bool number(std::string& out) {
    const std::size_t start = i_;
    eat('-');
    if (eat('0')) {
      if (digit()) {
        return false;  // leading zero
      }
    } else if (digit()) {
      while (digit()) {
        ++i_;
      }
    } else {
      return false;
    }
    if (eat('.')) {
      if (!digit()) {
        return false;
      }
      while (digit()) {
        ++i_;
      }
    }
    if (eat('e') || eat('E')) {
      if (!eat('+')) {
        eat('-');
      }
      if (!digit()) {
        return false;
      }
      while (digit()) {
        ++i_;
      }
    }
    out.assign(s_.substr(start, i_ - start));
    return true;
  }

  bool hex4(std::uint32_t& v) {
    if (i_ + 4 > s_.size()) {
      return false;
    }
    v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // One well-formed UTF-8 sequence starting at i_ (Unicode table 3-7), copied to `out`.
  bool utf8_sequence(std::string& out) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s_[k]); };
    const unsigned char b0 = byte(i_);
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      len = 3;
      lo = b0 == 0xE0 ? 0xA0 : 0x80;
      hi = b0 == 0xED ? 0x9F : 0xBF;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      len = 4;
      lo = b0 == 0xF0 ? 0x90 : 0x80;
      hi = b0 == 0xF4 ? 0x8F : 0xBF;
    } else {
      return false;
    }
    if (i_ + len > s_.size()) {
      return false;
    }
    for (std::size_t k = 1; k < len; ++k) {
      const unsigned char b = byte(i_ + k);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) {
        return false;
      }
    }
    out.append(s_.substr(i_, len));
    i_ += len;
    return true;
  }

  bool string(std::string& out) {
    if (!eat('"')) {
      return false;
    }
    out.clear();
    while (i_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) {
        return false;  // raw control character
      }
      if (c >= 0x80) {
        if (!utf8_sequence(out)) {
          return false;
        }
        continue;
      }
      ++i_;
      if (c != '\\') {
        out += static_cast<char>(c);
        continue;
      }
      if (i_ >= s_.size()) {
        return false;
      }
      const char e = s_[i_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) {
            return false;
          }
          if (strictness_.ascii_escapes_only && cp >= 0x80) {
            return false;
          }
          if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;  // lone low surrogate
          }
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t low = 0;
            if (!eat('\\') || !eat('u') || !hex4(low) || low < 0xDC00 || low > 0xDFFF) {
              return false;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default:
          return false;
      }
    }
    return false;  // unterminated
  }

  std::string_view s_;
  JsonStrictness strictness_;
  std::size_t i_ = 0;
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// "YYYY-MM-DDTHH:MM:SS.mmmZ" with plausible field ranges.
bool is_rfc3339_millis(std::string_view ts) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (ts.size() != kShape.size()) {
    return false;
  }
  for (std::size_t k = 0; k < ts.size(); ++k) {
    if (kShape[k] == 'd' ? !is_digit(ts[k]) : ts[k] != kShape[k]) {
      return false;
    }
  }
  const auto two = [&](std::size_t at) { return (ts[at] - '0') * 10 + (ts[at + 1] - '0'); };
  return two(5) >= 1 && two(5) <= 12 && two(8) >= 1 && two(8) <= 31 && two(11) <= 23 &&
         two(14) <= 59 && two(17) <= 60;
}

}  // namespace

bool has_secret_hex_run(std::string_view text) {
  std::size_t run = 0;
  for (const char c : text) {
    const bool hex = is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    run = hex ? run + 1 : 0;
    if (run >= 32) {
      return true;
    }
  }
  return false;
}

std::optional<JsonMembers> parse_json_members(std::string_view text, JsonStrictness strictness) {
  Reader r(text, strictness);
  JsonMembers members;
  if (!r.object(&members, 1) || !r.at_end()) {
    return std::nullopt;
  }
  return members;
}

std::optional<JsonObject> parse_json_object(std::string_view text) {
  std::optional<JsonMembers> members = parse_json_members(text);
  if (!members) {
    return std::nullopt;
  }
  JsonObject object;
  for (auto& [key, member] : *members) {
    object.emplace(std::move(key), std::move(member));
  }
  return object;
}

std::string audit_record_problem(std::string_view line) {
  const std::optional<JsonObject> o = parse_json_object(line);
  if (!o) {
    return "not one JSON object";
  }
  const bool has_login = o->find("login") != o->end();
  if (o->size() != (has_login ? 7u : 6u)) {
    return "has " + std::to_string(o->size()) + " members, not 6 (7 with login)";
  }
  const auto member = [&](std::string_view name) -> const JsonMember* {
    const auto it = o->find(name);
    return it == o->end() ? nullptr : &it->second;
  };
  const JsonMember* ts = member("ts");
  const JsonMember* peer = member("peer");
  const JsonMember* user = member("user");
  const JsonMember* dialect = member("dialect");
  const JsonMember* cmd = member("cmd");
  const JsonMember* code = member("code");
  if (!ts || !peer || !user || !dialect || !cmd || !code) {
    return "lacks one of ts, peer, user, dialect, cmd, code";
  }
  if (ts->kind != JsonKind::kString || !is_rfc3339_millis(ts->value)) {
    return "ts is not RFC 3339 UTC with milliseconds";
  }
  if (peer->kind != JsonKind::kString || peer->value.empty()) {
    return "peer is not a non-empty string";
  }
  if (user->kind != JsonKind::kString && user->kind != JsonKind::kNull) {
    return "user is neither a string nor null";
  }
  if (dialect->kind != JsonKind::kString ||
      (dialect->value != "classic" && dialect->value != "tsna2")) {
    return "dialect is neither \"classic\" nor \"tsna2\"";
  }
  if (cmd->kind != JsonKind::kString || cmd->value.size() > 512) {
    return "cmd is not a string of at most 512 bytes";
  }
  if (has_secret_hex_run(cmd->value)) {
    return "cmd holds a run of 32 or more hex digits (an unredacted secret)";
  }
  if (const JsonMember* login = member("login")) {
    if (login->kind != JsonKind::kString || login->value.empty() || cmd->value != "***") {
      return "login is not a non-empty string on the record of a challenge answer (cmd \"***\")";
    }
    if (has_secret_hex_run(login->value)) {
      return "login holds a run of 32 or more hex digits (an unredacted secret)";
    }
  }
  if (code->kind != JsonKind::kNull &&
      (code->kind != JsonKind::kNumber ||
       (code->value != "200" && code->value != "300" && code->value != "400"))) {
    return "code is not 200, 300, 400 or null";
  }
  return "";
}

AuditLogCheck check_audit_log(std::string_view text, std::size_t first_line) {
  AuditLogCheck result;
  std::size_t line_no = first_line;
  for (;;) {
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos) {
      result.torn_tail_bytes = text.size();
      return result;
    }
    const std::string why = audit_record_problem(text.substr(0, end));
    if (why.empty()) {
      ++result.records;
    } else {
      result.problems.push_back("line " + std::to_string(line_no) + ": " + why + ": " +
                                std::string(text.substr(0, std::min<std::size_t>(end, 200))));
    }
    text.remove_prefix(end + 1);
    ++line_no;
  }
}

}  // namespace tsna::testing
