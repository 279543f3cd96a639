// fixed_random.cpp - the fixed repeating RandomSource test double (fixed_random.hpp).
#include "support/fixed_random.hpp"

#include <stdexcept>
#include <utility>

namespace tsna {

FixedRandom::FixedRandom(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {
  if (bytes_.empty()) {
    throw std::invalid_argument("FixedRandom needs at least one byte");
  }
}

void FixedRandom::fill(std::span<std::uint8_t> out) {
  std::lock_guard lock(mutex_);
  for (std::uint8_t& b : out) {
    b = bytes_[next_];
    next_ = (next_ + 1) % bytes_.size();
  }
}

}  // namespace tsna
