// openssl_random_test.cpp - the production random source is not constant.
#include "auth/openssl_random.hpp"

#include <gtest/gtest.h>

#include <array>

namespace tsna::auth {
namespace {

TEST(OpenSslRandom, TwoChallengesDiffer) {
  OpenSslRandom random;
  std::array<std::uint8_t, 16> a{};
  std::array<std::uint8_t, 16> b{};
  random.fill(a);
  random.fill(b);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace tsna::auth
