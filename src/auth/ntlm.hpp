// ntlm.hpp - the password hash and both challenge responses (SPEC 1.1, 1.2, 3), with OpenSSL.
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
inline constexpr std::size_t kTsna2ChallengeBytes = 16;   // TSNA/2 server challenge
inline constexpr std::size_t kTsna2NonceBytes = 16;       // TSNA/2 client nonce
inline constexpr std::size_t kChannelBindingBytes = 32;   // RFC 9266 tls-exporter value

// The seed's ntlm_hash_func: each code point as lowercase hex (at least two digits),
// concatenated, encoded UTF-16LE, MD5, lowercase hex. Invalid UTF-8 bytes count as U+FFFD.
std::string ntlm_hash(std::string_view password_utf8);

// Classic answer: HMAC-SHA256(key = the hash's 32 ASCII hex characters, message = challenge).
Digest classic_response(std::string_view hash_hex, std::span<const std::uint8_t> challenge);

// TSNA/2 MAC: HMAC-SHA256(key = hash as ASCII hex, message = server challenge || client nonce
// || user name bytes [|| channel binding]).
Digest tsna2_mac(std::string_view hash_hex, std::span<const std::uint8_t> server_challenge,
                 std::span<const std::uint8_t> client_nonce, std::string_view user,
                 std::span<const std::uint8_t> channel_binding = {});

// Constant-time equality (CRYPTO_memcmp); false when the lengths differ.
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace tsna::auth
