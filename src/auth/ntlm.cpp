// ntlm.cpp - the seed's password hash and the classic challenge response, on OpenSSL 3 (MD5 from
// the default provider, one-shot HMAC-SHA256, CRYPTO_memcmp). No sockets, no state, no other layer.
#include "auth/ntlm.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <stdexcept>
#include <vector>

#include "auth/hex.hpp"
#include "common/utf8.hpp"

namespace tsna::auth {
namespace {

// A non-null address for empty inputs: OpenSSL is not asked to accept null pointers.
constexpr unsigned char kEmpty[1] = {0};

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
  std::size_t i = 0;
  while (i < password_utf8.size()) {
    const Utf8Step step = decode_utf8(password_utf8, i);
    if (step.valid) {
      append_hex_utf16le(utf16, step.cp);
    } else {
      // ntlm_hash counts one U+FFFD per byte of an ill-formed subpart (the audit log: one per
      // subpart); no well-formed sequence starts inside a subpart, so this is per invalid byte.
      for (std::size_t k = 0; k < step.length; ++k) {
        append_hex_utf16le(utf16, kUtf8ReplacementCharacter);
      }
    }
    i += step.length;
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
