// fuzz_support.hpp - shared checks for the libFuzzer targets: a failing check prints what broke
// and aborts, and the reply checker knows every reply text TSNA may send (SPEC 1-2). Fuzz-only:
// depends on src/ headers, never linked into the product.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/scram_verifier.hpp"
#include "commands/messages.hpp"
#include "commands/number.hpp"
#include "common/credentials.hpp"
#include "protocol/handshake.hpp"

namespace tsna::fuzz {

// `bytes` as a C string literal's body: printable ASCII as is, everything else as \xNN.
inline std::string escape(std::string_view bytes, std::size_t max = 2048) {
  std::string out;
  for (const char c : bytes.substr(0, max)) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') {
      out.push_back(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", b);
      out += hex;
    }
  }
  if (bytes.size() > max) {
    out += "...";
  }
  return out;
}

// Prints `what` and `detail` (escaped) to stderr and aborts, so libFuzzer saves the input.
[[noreturn]] inline void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "\n== fuzz check failed: %s\n", what);
  if (!detail.empty()) {
    std::fprintf(stderr, "== detail (%zu bytes): \"%s\"\n", detail.size(), escape(detail).c_str());
  }
  std::abort();
}

#define TSNA_FUZZ_CHECK(cond, detail)                                                \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      ::tsna::fuzz::fail(__FILE__ ":" TSNA_FUZZ_STR(__LINE__) ": " #cond, (detail)); \
    }                                                                                \
  } while (false)
#define TSNA_FUZZ_STR(x) TSNA_FUZZ_STR2(x)
#define TSNA_FUZZ_STR2(x) #x

// UTF-8 by arithmetic rather than by table (an oracle independent of src/common/utf8): a prefix
// of a sequence is well-formed so far when some completion decodes to a scalar value that needs
// that many bytes. Completions of a prefix cover one interval of code points, from filling the
// rest with 0x80 to filling it with 0xBF.
inline bool utf8_prefix_completable(std::string_view seq, std::size_t length) {
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  std::uint32_t lo = static_cast<unsigned char>(seq[0]) & (0x7Fu >> length);
  std::uint32_t hi = lo;
  for (std::size_t k = 1; k < length; ++k) {
    const std::uint32_t b = k < seq.size() ? static_cast<unsigned char>(seq[k]) & 0x3Fu : 0;
    lo = lo << 6 | b;
    hi = hi << 6 | (k < seq.size() ? b : 0x3Fu);
  }
  lo = lo < kMin[length] ? kMin[length] : lo;
  hi = hi > 0x10FFFF ? 0x10FFFF : hi;
  if (lo > hi) {
    return false;
  }
  return !(lo >= 0xD800 && hi <= 0xDFFF);  // not only surrogates
}

// Replaces each maximal ill-formed subpart with U+FFFD (Unicode ch. 3), by the rule above.
inline std::string reference_utf8_repair(std::string_view raw) {
  std::string out;
  std::size_t i = 0;
  while (i < raw.size()) {
    const auto lead = static_cast<unsigned char>(raw[i]);
    const std::size_t length = lead < 0x80           ? 1
                               : (lead >> 5) == 0x6  ? 2
                               : (lead >> 4) == 0xE  ? 3
                               : (lead >> 3) == 0x1E ? 4
                                                     : 0;
    if (length == 1) {
      out.push_back(raw[i++]);
      continue;
    }
    std::size_t k = 0;  // bytes of raw[i..] that are a completable prefix
    while (length != 0 && k < length && i + k < raw.size() &&
           (k == 0 || (static_cast<unsigned char>(raw[i + k]) >> 6) == 0x2) &&
           utf8_prefix_completable(raw.substr(i, k + 1), length)) {
      ++k;
    }
    if (length != 0 && k == length) {
      out.append(raw.substr(i, k));
    } else {
      out += "\xEF\xBF\xBD";
      k = k == 0 ? 1 : k;
    }
    i += k;
  }
  return out;
}

inline bool reference_is_valid_utf8(std::string_view raw) {
  return reference_utf8_repair(raw) == raw;
}

inline std::string_view as_chars(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline bool is_lower_hex(std::string_view s) {
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

inline bool is_decimal(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (const char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

// A number reply is exactly repr(x) of a finite x: it parses and prints back to itself.
inline bool is_python_repr_number(std::string_view text) {
  const std::optional<double> v = parse_number(text);
  return v && python_repr(*v) == text;
}

// The name inside "<prefix><name><suffix>", when `text` has that shape and the name is valid.
inline bool has_name_between(std::string_view text, std::string_view prefix,
                             std::string_view suffix) {
  if (!text.starts_with(prefix) || !text.ends_with(suffix) ||
      text.size() < prefix.size() + suffix.size()) {
    return false;
  }
  return is_valid_username(text.substr(prefix.size(), text.size() - prefix.size() - suffix.size()));
}

// True when `text` is base64 of a SCRAM message that starts with `attribute`.
inline bool is_scram_message(std::string_view text, std::string_view attribute) {
  const auto bytes = auth::from_base64(text);
  return bytes && std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size())
                      .starts_with(attribute);
}

// The two-line SCRAM success: the server-final message ("v=..."), then the seed's text.
inline bool is_scram_success(std::string_view text) {
  const std::size_t nl = text.find('\n');
  return nl != std::string_view::npos && text.substr(nl + 1) == msg::kLoginOk &&
         is_scram_message(text.substr(0, nl), "v=");
}

// True when `text` is a reply TSNA may send with `code` (200, 300 or 400): one of the fixed
// texts of commands/messages.hpp, or a number, a user-name message, a throttle wait or a
// challenge. The greeting and the classic raw challenge are not replies and are checked apart.
inline bool is_known_reply(int code, std::string_view text) {
  static constexpr std::string_view kOk[] = {
      msg::kHelpLoggedOut, msg::kHelpLoggedIn,    msg::kDisconnected,
      msg::kLoginOk,       msg::kPasswordChanged, kTsna2Accepted,
  };
  static constexpr std::string_view kFail[] = {
      msg::kInvalidLoggedOut,
      msg::kInvalidLoggedIn,
      msg::kWhatAreYouDoing,
      msg::kUserExists,
      msg::kRegisterTooFew,
      msg::kRegisterTooMany,
      msg::kRegisterWhileLoggedIn,
      msg::kLoginTooFewClassic,
      msg::kLoginTooManyClassic,
      msg::kLoginRetiredTsna2,
      msg::kNoSuchUser,
      msg::kWrongPassword,
      msg::kAuthFailed,
      msg::kClassicLoginDisabled,
      msg::kPasswordBlank,
      msg::kSamePassword,
      msg::kInvalidUsername,
      msg::kInvalidHash,
      msg::kLackOfNumber,
      msg::kInvalidNumber,
      msg::kSubtractUsage,
      msg::kDivideUsage,
      msg::kDivideByZero,
      msg::kOutOfRange,
      msg::kTooLong,
      msg::kUnsupportedVersion,
      msg::kStoreFailed,
      msg::kServiceUnavailable,
  };
  switch (code) {
    case 200:
      for (const std::string_view t : kOk) {
        if (text == t) {
          return true;
        }
      }
      return has_name_between(text, msg::kRegisteredPrefix, "") ||
             has_name_between(text, msg::kLogoutPrefix, "") || is_python_repr_number(text) ||
             is_scram_success(text);
    case 300:
      return is_scram_message(text, "r=");
    case 400:
      for (const std::string_view t : kFail) {
        if (text == t) {
          return true;
        }
      }
      if (has_name_between(text, msg::kLoggedInPrefix, msg::kLoggedInSuffix)) {
        return true;
      }
      if (text.starts_with(msg::kTooManyFailuresPrefix) && text.ends_with(" s")) {
        return is_decimal(text.substr(msg::kTooManyFailuresPrefix.size(),
                                      text.size() - msg::kTooManyFailuresPrefix.size() - 2));
      }
      return false;
    default:
      return false;
  }
}

struct Reply {
  int code = 0;
  std::string text;
};

// Parses a classic reply "<code>:<text>" (the whole of `chunk`); nullopt if it is not one.
inline std::optional<Reply> parse_classic_reply(std::string_view chunk) {
  if (chunk.size() < 4 || chunk[3] != ':') {
    return std::nullopt;
  }
  const std::string_view digits = chunk.substr(0, 3);
  if (digits != "200" && digits != "300" && digits != "400") {
    return std::nullopt;
  }
  return Reply{(digits[0] - '0') * 100, std::string(chunk.substr(4))};
}

// Parses TSNA/2 output into whole replies: every line "<code>-<text>\n" or "<code>:<text>\n",
// a '-' line continued by one of the same code. nullopt (and `why` set) if any part of `out`
// is not a complete reply.
inline std::optional<std::vector<Reply>> parse_tsna2_replies(std::string_view out,
                                                             std::string& why) {
  std::vector<Reply> replies;
  std::optional<Reply> open;  // a reply whose '-' lines came, but not its ':' line yet
  while (!out.empty()) {
    const std::size_t nl = out.find('\n');
    if (nl == std::string_view::npos) {
      why = "output ends inside a line";
      return std::nullopt;
    }
    const std::string_view line = out.substr(0, nl);
    out.remove_prefix(nl + 1);
    if (line.size() < 4 || (line[3] != '-' && line[3] != ':')) {
      why = "line without <code>- or <code>:";
      return std::nullopt;
    }
    const std::string_view digits = line.substr(0, 3);
    if (digits != "200" && digits != "300" && digits != "400") {
      why = "unknown status code";
      return std::nullopt;
    }
    const int code = (digits[0] - '0') * 100;
    if (open && open->code != code) {
      why = "a multi-line reply changes its code";
      return std::nullopt;
    }
    if (!open) {
      open = Reply{code, {}};
    } else {
      open->text.push_back('\n');
    }
    open->text.append(line.substr(4));
    if (line[3] == ':') {
      replies.push_back(std::move(*open));
      open.reset();
    }
  }
  if (open) {
    why = "output ends inside a multi-line reply";
    return std::nullopt;
  }
  return replies;
}

}  // namespace tsna::fuzz
