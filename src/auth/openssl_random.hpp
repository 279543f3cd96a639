// openssl_random.hpp - the production RandomSource: OpenSSL's CSPRNG. The header does not
// include OpenSSL; depends on common.
#pragma once

#include <cstdint>
#include <span>

#include "common/random_source.hpp"

namespace tsna::auth {

// Challenges, nonces and decoy keys from RAND_bytes. Thread safe. Throws std::runtime_error
// when RAND_bytes fails: it never hands out predictable bytes.
class OpenSslRandom final : public tsna::RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) override;
};

}  // namespace tsna::auth
