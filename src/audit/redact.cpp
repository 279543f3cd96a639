// redact.cpp - the audit log's secret masking and UTF-8 repair (SPEC 4.3). Pure: no I/O, no JSON.
// Works byte by byte on string_views and appends to the caller's string; no other allocation.
#include "audit/redact.hpp"

#include "common/secret_arguments.hpp"
#include "common/utf8.hpp"
#include "common/words.hpp"

namespace tsna {
namespace {

constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD in UTF-8
// A 32-hex-digit run is a password hash, a nonce or a MAC half (SPEC 1.2, 2.2): never logged.
constexpr std::size_t kSecretHexRun = 32;

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Appends one word (no separators inside) with hex runs of 32+ digits masked. Splitting the
// word at hex digits cannot change the UTF-8 repair: an ASCII byte always ends an ill-formed
// subpart.
void append_word(std::string& out, std::string_view word) {
  std::size_t i = 0;
  while (i < word.size()) {
    std::size_t j = i;
    if (is_hex(word[i])) {
      while (j < word.size() && is_hex(word[j])) {
        ++j;
      }
      if (j - i >= kSecretHexRun) {
        out += kRedacted;
      } else {
        out.append(word.substr(i, j - i));
      }
    } else {
      while (j < word.size() && !is_hex(word[j])) {
        ++j;
      }
      append_valid_utf8(out, word.substr(i, j - i));
    }
    i = j;
  }
}

// Cuts what was appended since `start` to at most max_bytes, backing up to the start of a UTF-8
// sequence. The text since `start` is valid UTF-8.
void cut(std::string& out, std::size_t start, std::size_t max_bytes) {
  if (out.size() - start <= max_bytes) {
    return;
  }
  std::size_t end = start + max_bytes;  // the first byte that goes
  while (end > start && is_continuation(out[end])) {
    --end;
  }
  out.resize(end);
}

}  // namespace

void append_valid_utf8(std::string& out, std::string_view raw) {
  std::size_t done = 0;  // raw[0, done) is appended
  std::size_t i = 0;
  while (i < raw.size()) {
    if (static_cast<unsigned char>(raw[i]) < 0x80) {
      ++i;
      continue;
    }
    const Utf8Step step = decode_utf8(raw, i);
    if (!step.valid) {
      out.append(raw.substr(done, i - done));
      out += kReplacementChar;
      done = i + step.length;
    }
    i += step.length;
  }
  out.append(raw.substr(done));
}

namespace {

// Appends `raw` word by word with separators kept; with `use_secret_table`, the arguments of a
// secret-bearing command are masked from its first secret one on.
void append_words(std::string& out, std::string_view raw, bool use_secret_table,
                  std::size_t max_bytes) {
  const std::size_t start = out.size();
  // Words are counted from 0 (the command); from `first_secret` on they are masked.
  std::size_t word_index = 0;
  std::size_t first_secret = 0;  // 0: nothing is masked
  std::size_t i = 0;
  // Stops early once past the cap: whatever follows would be cut anyway.
  while (i < raw.size() && out.size() - start <= max_bytes) {
    std::size_t j = i;
    if (is_word_separator(raw[i])) {
      while (j < raw.size() && is_word_separator(raw[j])) {
        ++j;
      }
      out.append(raw.substr(i, j - i));
    } else {
      while (j < raw.size() && !is_word_separator(raw[j])) {
        ++j;
      }
      const std::string_view word = raw.substr(i, j - i);
      if (word_index == 0 && use_secret_table) {
        if (const SecretBearingCommand* c = find_secret_bearing_command(word)) {
          first_secret = c->first_secret_argument;
        }
      }
      if (first_secret != 0 && word_index >= first_secret) {
        out += kRedacted;
      } else {
        append_word(out, word);
      }
      ++word_index;
    }
    i = j;
  }
  cut(out, start, max_bytes);
}

}  // namespace

void append_redacted_command(std::string& out, std::string_view raw, bool is_answer,
                             std::size_t max_bytes) {
  if (is_answer) {
    const std::size_t start = out.size();
    out += kRedacted;
    cut(out, start, max_bytes);
    return;
  }
  append_words(out, raw, /*use_secret_table=*/true, max_bytes);
}

void append_prepared_command(std::string& out, std::string_view text, std::size_t max_bytes) {
  append_words(out, text, /*use_secret_table=*/false, max_bytes);
}

}  // namespace tsna
