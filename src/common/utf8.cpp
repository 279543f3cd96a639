// utf8.cpp - the UTF-8 decoder by Unicode's table of well-formed byte sequences (table 3-7).
// Pure: no allocation, no I/O.
#include "common/utf8.hpp"

namespace tsna {

Utf8Step decode_utf8(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (lead < 0x80) {
    return {lead, 1, true};
  }
  std::size_t trailing = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    trailing = 1;
  } else if (lead == 0xE0) {
    trailing = 2;
    low = 0xA0;  // no overlong forms
  } else if (lead == 0xED) {
    trailing = 2;
    high = 0x9F;  // no surrogates
  } else if (lead >= 0xE1 && lead <= 0xEF) {
    trailing = 2;
  } else if (lead == 0xF0) {
    trailing = 3;
    low = 0x90;  // no overlong forms
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    trailing = 3;
  } else if (lead == 0xF4) {
    trailing = 3;
    high = 0x8F;  // nothing above U+10FFFF
  } else {
    return {kUtf8ReplacementCharacter, 1, false};  // 80..C1, F5..FF never start a sequence
  }
  char32_t cp = lead & (0x3F >> trailing);
  std::size_t length = 1;
  for (std::size_t k = 0; k < trailing; ++k) {
    if (at + length >= text.size()) {
      return {kUtf8ReplacementCharacter, length, false};
    }
    const auto b = static_cast<unsigned char>(text[at + length]);
    if (b < low || b > high) {
      return {kUtf8ReplacementCharacter, length, false};
    }
    cp = (cp << 6) | (b & 0x3F);
    ++length;
    low = 0x80;
    high = 0xBF;
  }
  return {cp, length, true};
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Step step = decode_utf8(text, i);  // same file: the compiler may inline it
    if (!step.valid) {
      return false;
    }
    i += step.length;
  }
  return true;
}

}  // namespace tsna
