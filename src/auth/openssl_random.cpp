// openssl_random.cpp - RAND_bytes behind RandomSource.
// Depends on OpenSSL's libcrypto and common only.
#include "auth/openssl_random.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

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

}  // namespace tsna::auth
