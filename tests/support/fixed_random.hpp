// fixed_random.hpp - a test double: a RandomSource that hands out a fixed repeating sequence,
// so challenges and nonces in tests are known in advance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "common/random_source.hpp"

namespace tsna {

// One continuous stream that repeats `bytes` cyclically across calls, so with a 3-byte sequence
// {1, 2, 3} two fills of 2 bytes give {1, 2} then {3, 1}. Thread safe. Throws
// std::invalid_argument when `bytes` is empty.
class FixedRandom final : public RandomSource {
 public:
  explicit FixedRandom(std::vector<std::uint8_t> bytes);
  void fill(std::span<std::uint8_t> out) override;

 private:
  std::mutex mutex_;
  const std::vector<std::uint8_t> bytes_;
  std::size_t next_ = 0;  // guarded by mutex_
};

}  // namespace tsna
