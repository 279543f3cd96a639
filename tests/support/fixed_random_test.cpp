// fixed_random_test.cpp - the FixedRandom test double repeats its bytes in order, across calls
// (the session and client tests rely on that).
#include "support/fixed_random.hpp"

#include <gtest/gtest.h>

#include <array>
#include <stdexcept>

namespace tsna {
namespace {

TEST(FixedRandom, RepeatsItsBytesInOrderAcrossCalls) {
  FixedRandom random({1, 2, 3});
  std::array<std::uint8_t, 2> a{};
  std::array<std::uint8_t, 2> b{};
  random.fill(a);
  random.fill(b);
  EXPECT_EQ(a, (std::array<std::uint8_t, 2>{1, 2}));
  EXPECT_EQ(b, (std::array<std::uint8_t, 2>{3, 1}));
}

TEST(FixedRandom, AnEmptySequenceIsRefused) {
  EXPECT_THROW(FixedRandom({}), std::invalid_argument);
}

}  // namespace
}  // namespace tsna
