// openssl_random.hpp - RandomSource implementations: OpenSSL's CSPRNG for production and a
// fixed repeating sequence for tests. The header does not include OpenSSL; depends on common.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "common/random_source.hpp"

namespace tsna::auth {

// Challenges, nonces and decoy keys from RAND_bytes. Thread safe. Throws std::runtime_error
// when RAND_bytes fails: it never hands out predictable bytes.
class OpenSslRandom final : public tsna::RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) override;
};

// For tests only: one continuous stream that repeats `bytes` cyclically across calls, so with
// a 3-byte sequence {1, 2, 3} two fills of 2 bytes give {1, 2} then {3, 1}. Thread safe.
// Throws std::invalid_argument when `bytes` is empty.
class FixedRandom final : public tsna::RandomSource {
 public:
  explicit FixedRandom(std::vector<std::uint8_t> bytes);
  void fill(std::span<std::uint8_t> out) override;

 private:
  std::mutex mutex_;
  const std::vector<std::uint8_t> bytes_;
  std::size_t next_ = 0;  // guarded by mutex_
};

}  // namespace tsna::auth
