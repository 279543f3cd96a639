// random_source.hpp - where challenges and nonces come from. Production uses OpenSSL's
// RAND_bytes (auth/openssl_random.hpp); tests inject fixed bytes. Depends on nothing.
#pragma once

#include <cstdint>
#include <span>

namespace tsna {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills `out` with unpredictable bytes. Thread safe.
  virtual void fill(std::span<std::uint8_t> out) = 0;
};

}  // namespace tsna
