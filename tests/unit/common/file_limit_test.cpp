// file_limit_test.cpp - raising RLIMIT_NOFILE for a number of sockets: up to what is needed,
// never past the hard limit, never down. Changes this test process's own limit only.
#include "common/file_limit.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace tsna {
namespace {

rlimit current_limit() {
  rlimit lim{};
  EXPECT_EQ(getrlimit(RLIMIT_NOFILE, &lim), 0);
  return lim;
}

TEST(FileLimit, BelowTheHardLimitTheSoftLimitBecomesSocketsPlusSpare) {
  rlimit lim = current_limit();
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < 1000) {
    GTEST_SKIP() << "hard open-file limit below 1000";
  }
  lim.rlim_cur = 128;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lim), 0);
  const std::optional<FileLimit> got = raise_file_limit(500);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->needed, 564u);
  EXPECT_EQ(got->current, 564u);
  EXPECT_TRUE(got->enough());
  EXPECT_EQ(current_limit().rlim_cur, 564u);
}

TEST(FileLimit, AHigherSoftLimitIsLeftAsItIs) {
  rlimit lim = current_limit();
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < 1000) {
    GTEST_SKIP() << "hard open-file limit below 1000";
  }
  lim.rlim_cur = 1000;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lim), 0);
  const std::optional<FileLimit> got = raise_file_limit(10);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->needed, 74u);
  EXPECT_EQ(got->current, 1000u);
  EXPECT_EQ(current_limit().rlim_cur, 1000u);
}

TEST(FileLimit, PastTheHardLimitItStopsThereAndSaysItIsNotEnough) {
  const rlimit lim = current_limit();
  if (lim.rlim_max == RLIM_INFINITY) {
    GTEST_SKIP() << "no hard open-file limit";
  }
  const std::optional<FileLimit> got = raise_file_limit(lim.rlim_max);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->current, lim.rlim_max);
  EXPECT_FALSE(got->enough());
  EXPECT_EQ(current_limit().rlim_cur, lim.rlim_max);
}

}  // namespace
}  // namespace tsna
