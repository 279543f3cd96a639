// credentials.cpp - user-name and hash syntax checks (SPEC 2.2); UTF-8 decoding is utf8.cpp's.
#include "common/credentials.hpp"

#include "common/utf8.hpp"

namespace tsna {
namespace {

bool is_unicode_space_or_control(char32_t cp) {
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

bool is_valid_username(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return false;
  }
  std::size_t i = 0;
  while (i < name.size()) {
    const Utf8Step step = decode_utf8(name, i);
    if (!step.valid || step.cp == ':' || is_unicode_space_or_control(step.cp)) {
      return false;
    }
    i += step.length;
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
