// utf8.hpp - one UTF-8 decoder for the whole project: well-formedness checks, the audit log's
// repair and the password hash's code points all step through text with it. Pure; depends on
// nothing.
#pragma once

#include <cstddef>
#include <string_view>

namespace tsna {

inline constexpr char32_t kUtf8ReplacementCharacter = 0xFFFD;

// One step through UTF-8 text: a well-formed sequence, or the maximal subpart of an ill-formed
// one (Unicode ch. 3, table 3-7 and "U+FFFD Substitution of Maximal Subparts"), the unit that
// Python's errors="replace" turns into one U+FFFD.
struct Utf8Step {
  char32_t cp;         // the code point; kUtf8ReplacementCharacter when !valid
  std::size_t length;  // bytes consumed, >= 1
  bool valid;          // a well-formed sequence (no overlongs, no surrogates, <= U+10FFFF)
};

// Decodes the step starting at text[at]; requires at < text.size(). The bytes after the first
// of an ill-formed subpart are continuation bytes, so no well-formed sequence starts inside it.
Utf8Step decode_utf8(std::string_view text, std::size_t at);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace tsna
