// openssl_random_test.cpp - the random sources: OpenSSL's is not constant, the fixed one
// repeats its bytes in order (tests rely on that).
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

TEST(FixedRandom, RepeatsItsBytesInOrderAcrossCalls) {
  FixedRandom random({1, 2, 3});
  std::array<std::uint8_t, 2> a{};
  std::array<std::uint8_t, 2> b{};
  random.fill(a);
  random.fill(b);
  EXPECT_EQ(a, (std::array<std::uint8_t, 2>{1, 2}));
  EXPECT_EQ(b, (std::array<std::uint8_t, 2>{3, 1}));
}

}  // namespace
}  // namespace tsna::auth
