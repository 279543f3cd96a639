// credentials.cpp - user-name, hash and UTF-8 syntax checks (SPEC 2.2).
#include "common/credentials.hpp"

#include <cstdint>

namespace tsna {
namespace {

// Decodes one UTF-8 sequence at text[i]; returns its length, or 0 if malformed.
// Stores the code point in `cp`.
std::size_t decode_one(std::string_view text, std::size_t i, std::uint32_t& cp) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  std::size_t len = 0;
  std::uint32_t min = 0;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > text.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

bool is_unicode_space_or_control(std::uint32_t cp) {
  if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
    return true;  // C0, DEL, C1
  }
  switch (cp) {
    case 0x20:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0x85:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t n = decode_one(text, i, cp);
    if (n == 0) {
      return false;
    }
    i += n;
  }
  return true;
}

bool is_valid_username(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return false;
  }
  std::size_t i = 0;
  while (i < name.size()) {
    std::uint32_t cp = 0;
    const std::size_t n = decode_one(name, i, cp);
    if (n == 0 || cp == ':' || is_unicode_space_or_control(cp)) {
      return false;
    }
    i += n;
  }
  return true;
}

bool is_password_hash(std::string_view hash) {
  if (hash.size() != 32) {
    return false;
  }
  for (const char c : hash) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace tsna
