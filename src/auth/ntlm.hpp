// ntlm.hpp - the password hash and the classic challenge response (SPEC 1.1, 3), with OpenSSL.
// No sockets; no state but a per-thread HMAC context. Secrets are compared in constant time.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tsna::auth {

using Digest = std::array<std::uint8_t, 32>;  // an HMAC-SHA256 output

inline constexpr std::size_t kClassicChallengeBytes = 8;  // the seed's os.urandom(8)
inline constexpr std::size_t kChannelBindingBytes = 32;   // RFC 9266 tls-exporter value

// The seed's ntlm_hash_func: each code point as lowercase hex (at least two digits),
// concatenated, encoded UTF-16LE, MD5, lowercase hex. Invalid UTF-8 bytes count as U+FFFD.
std::string ntlm_hash(std::string_view password_utf8);

// Classic answer: HMAC-SHA256(key = the hash's 32 ASCII hex characters, message = challenge).
Digest classic_response(std::string_view hash_hex, std::span<const std::uint8_t> challenge);

// Constant-time equality (CRYPTO_memcmp); false when the lengths differ.
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace tsna::auth
