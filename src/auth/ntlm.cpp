// ntlm.cpp - the seed's password hash and both challenge responses, on OpenSSL 3 (MD5 from the
// default provider, one-shot HMAC-SHA256, CRYPTO_memcmp). No sockets, no state, no other layer.
#include "auth/ntlm.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <stdexcept>
#include <vector>

#include "auth/hex.hpp"

namespace tsna::auth {
namespace {

constexpr char32_t kReplacementCharacter = 0xFFFD;
// A non-null address for empty inputs: OpenSSL is not asked to accept null pointers.
constexpr unsigned char kEmpty[1] = {0};

// Length of the well-formed UTF-8 sequence at the start of `s` (Unicode Table 3-7: no
// overlongs, no surrogates, nothing past U+10FFFF) with its code point in `cp`, or 0 if the
// first byte does not start one.
std::size_t decode_utf8(std::string_view s, char32_t& cp) {
  const auto byte = [&s](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t length = 0;
  unsigned char second_low = 0x80;
  unsigned char second_high = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 == 0xE0) {
    length = 3;
    second_low = 0xA0;
  } else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) {
    length = 3;
  } else if (b0 == 0xED) {
    length = 3;
    second_high = 0x9F;
  } else if (b0 == 0xF0) {
    length = 4;
    second_low = 0x90;
  } else if (b0 >= 0xF1 && b0 <= 0xF3) {
    length = 4;
  } else if (b0 == 0xF4) {
    length = 4;
    second_high = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < length || byte(1) < second_low || byte(1) > second_high) {
    return 0;
  }
  char32_t value = b0 & (0xFF >> (length + 1));
  for (std::size_t i = 1; i < length; ++i) {
    if (i > 1 && (byte(i) < 0x80 || byte(i) > 0xBF)) {
      return 0;
    }
    value = (value << 6) | (byte(i) & 0x3F);
  }
  cp = value;
  return length;
}

// Appends `cp` as lowercase hex with at least two digits ('%02x'), each ASCII digit followed by
// 0x00: the UTF-16LE encoding of the seed's hex string.
void append_hex_utf16le(std::vector<unsigned char>& out, char32_t cp) {
  constexpr char kDigits[] = "0123456789abcdef";
  char digits[8];
  std::size_t count = 0;
  do {
    digits[count++] = kDigits[cp & 0xF];
    cp >>= 4;
  } while (cp != 0);
  if (count < 2) {
    digits[count++] = '0';
  }
  while (count > 0) {
    out.push_back(static_cast<unsigned char>(digits[--count]));
    out.push_back(0x00);
  }
}

Digest hmac_sha256(std::string_view key, std::span<const std::uint8_t> message) {
  if (key.size() > static_cast<std::size_t>(INT_MAX)) {
    throw std::length_error("auth: HMAC key too long");
  }
  Digest out{};
  unsigned int out_length = 0;
  const void* key_bytes = key.empty() ? static_cast<const void*>(kEmpty) : key.data();
  const unsigned char* message_bytes = message.empty() ? kEmpty : message.data();
  if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()), message_bytes, message.size(),
           out.data(), &out_length) == nullptr ||
      out_length != out.size()) {
    throw std::runtime_error("auth: HMAC-SHA256 failed");
  }
  return out;
}

}  // namespace

std::string ntlm_hash(std::string_view password_utf8) {
  std::vector<unsigned char> utf16;
  utf16.reserve(4 * password_utf8.size());
  while (!password_utf8.empty()) {
    char32_t cp = 0;
    std::size_t used = decode_utf8(password_utf8, cp);
    if (used == 0) {
      cp = kReplacementCharacter;
      used = 1;
    }
    append_hex_utf16le(utf16, cp);
    password_utf8.remove_prefix(used);
  }

  std::uint8_t md[EVP_MAX_MD_SIZE];
  unsigned int md_length = 0;
  const unsigned char* data = utf16.empty() ? kEmpty : utf16.data();
  const int ok = EVP_Digest(data, utf16.size(), md, &md_length, EVP_md5(), nullptr);
  // The buffer is a password equivalent: wipe it before it is freed.
  if (!utf16.empty()) {
    OPENSSL_cleanse(utf16.data(), utf16.size());
  }
  if (ok != 1 || md_length != 16) {
    throw std::runtime_error("auth: MD5 unavailable");
  }
  return to_hex(std::span<const std::uint8_t>(md, md_length));
}

Digest classic_response(std::string_view hash_hex, std::span<const std::uint8_t> challenge) {
  return hmac_sha256(hash_hex, challenge);
}

Digest tsna2_mac(std::string_view hash_hex, std::span<const std::uint8_t> server_challenge,
                 std::span<const std::uint8_t> client_nonce, std::string_view user,
                 std::span<const std::uint8_t> channel_binding) {
  std::vector<std::uint8_t> message;
  message.reserve(server_challenge.size() + client_nonce.size() + user.size() +
                  channel_binding.size());
  message.insert(message.end(), server_challenge.begin(), server_challenge.end());
  message.insert(message.end(), client_nonce.begin(), client_nonce.end());
  message.insert(message.end(), user.begin(), user.end());
  message.insert(message.end(), channel_binding.begin(), channel_binding.end());
  return hmac_sha256(hash_hex, message);
}

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.size() != b.size()) {
    return false;
  }
  if (a.empty()) {
    return true;
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tsna::auth
