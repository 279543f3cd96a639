// test_verifiers.hpp - distinct SCRAM verifiers made by hand, for store tests: a store keeps
// verifiers as given, so none needs a PBKDF2 derivation. Header-only.
#pragma once

#include <cstdint>

#include "auth/scram_verifier.hpp"

namespace tsna::contract {

inline auth::ScramVerifier test_verifier(std::uint8_t n) {
  auth::ScramVerifier v;
  v.iterations = auth::kDefaultScramIterations + n;
  v.salt.assign(auth::kScramSaltBytes, n);
  v.stored_key.fill(static_cast<std::uint8_t>(0x10 + n));
  v.server_key.fill(static_cast<std::uint8_t>(0x20 + n));
  return v;
}

inline const auth::ScramVerifier kVerifierA = test_verifier(1);
inline const auth::ScramVerifier kVerifierB = test_verifier(2);
inline const auth::ScramVerifier kVerifierC = test_verifier(3);

}  // namespace tsna::contract
