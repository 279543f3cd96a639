// openssl_random.cpp - RAND_bytes behind RandomSource, and the fixed test sequence.
// Depends on OpenSSL's libcrypto and common only.
#include "auth/openssl_random.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <stdexcept>
#include <utility>

namespace tsna::auth {

void OpenSslRandom::fill(std::span<std::uint8_t> out) {
  while (!out.empty()) {
    const std::size_t chunk = std::min<std::size_t>(out.size(), INT_MAX);
    if (RAND_bytes(out.data(), static_cast<int>(chunk)) != 1) {
      throw std::runtime_error("auth: RAND_bytes failed");
    }
    out = out.subspan(chunk);
  }
}

FixedRandom::FixedRandom(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {
  if (bytes_.empty()) {
    throw std::invalid_argument("auth: FixedRandom needs at least one byte");
  }
}

void FixedRandom::fill(std::span<std::uint8_t> out) {
  std::lock_guard lock(mutex_);
  for (std::uint8_t& b : out) {
    b = bytes_[next_];
    next_ = (next_ + 1) % bytes_.size();
  }
}

}  // namespace tsna::auth
