// scram_verifier.hpp - what the store keeps per user instead of a password hash (SPEC 4.2): a
// SCRAM-SHA-256 verifier (RFC 5802 section 3, RFC 7677) derived from the SCRAM password, which
// is the 32 lowercase hex characters of ntlm_hash(password). Nothing in a verifier logs anyone
// in. Derivation is PBKDF2: about 1 ms of CPU at 4096 iterations, so it never runs on an event
// loop thread. Depends on common; GNU SASL stays in the .cpp.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tsna::auth {

inline constexpr std::size_t kScramSaltBytes = 16;              // the salt of a new verifier
inline constexpr std::uint32_t kDefaultScramIterations = 4096;  // RFC 7677's minimum
// Iteration counts accepted from --scram-iterations and from imported verifiers.
inline constexpr std::uint32_t kMinScramIterations = 4096;
inline constexpr std::uint32_t kMaxScramIterations = 10'000'000;
inline constexpr std::size_t kScramKeyBytes = 32;  // SHA-256

using ScramKey = std::array<std::uint8_t, kScramKeyBytes>;

struct ScramVerifier {
  std::uint32_t iterations = 0;
  std::vector<std::uint8_t> salt;  // ours: kScramSaltBytes; an imported one may differ
  ScramKey stored_key{};           // H(HMAC(SaltedPassword, "Client Key"))
  ScramKey server_key{};           // HMAC(SaltedPassword, "Server Key")
  bool operator==(const ScramVerifier&) const = default;
};

// PostgreSQL's text form (pg_authid.rolpassword), base64 with padding:
//   SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
std::string format_verifier(const ScramVerifier& verifier);
// Parses that form strictly: the prefix, a decimal count in [kMin, kMax]ScramIterations, a
// non-empty salt, and exactly 32-byte keys in canonical base64. nullopt otherwise.
std::optional<ScramVerifier> parse_verifier(std::string_view text);

// SaltedPassword := Hi(password, salt, i), PBKDF2-HMAC-SHA-256 (RFC 5802 section 2.2). The
// password is used as given: ours are ASCII hex, which SASLprep leaves as they are.
std::array<std::uint8_t, kScramKeyBytes> salted_password(std::string_view scram_password,
                                                         std::span<const std::uint8_t> salt,
                                                         std::uint32_t iterations);

// Derives a verifier for `scram_password` with `salt` and `iterations`.
ScramVerifier derive_verifier(std::string_view scram_password, std::span<const std::uint8_t> salt,
                              std::uint32_t iterations);

// True when `scram_password` derives `verifier`'s StoredKey with its salt and iterations
// (compared in constant time). Costs one derivation.
bool password_matches(const ScramVerifier& verifier, std::string_view scram_password);

// A stand-in for an unknown user (as PostgreSQL's mock authentication): salt and keys derived
// by HMAC from `secret` (the store's decoy secret) and `name`, so that every probe of one name,
// on every node sharing the store, sees the same salt; nobody knows a password for it. Costs a
// few HMACs, no PBKDF2.
ScramVerifier decoy_verifier(std::span<const std::uint8_t> secret, std::string_view name,
                             std::uint32_t iterations);

// Standard base64 with padding (RFC 4648), as SCRAM and the text form use it.
std::string to_base64(std::span<const std::uint8_t> bytes);
// Strict: canonical padded base64 only; nullopt otherwise.
std::optional<std::vector<std::uint8_t>> from_base64(std::string_view text);

}  // namespace tsna::auth
