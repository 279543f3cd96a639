// throttle_policy_test.cpp - the failed-login schedule as pure functions (SPEC 4.4): 5 failures
// in 60 s lock for 1 s, each further one doubles the lock up to 300 s, windows and expiry.
#include "auth/throttle_policy.hpp"

#include <gtest/gtest.h>

namespace tsna::auth {
namespace {

using std::chrono::seconds;

ThrottleTime at(double s) {
  return ThrottleTime(static_cast<std::int64_t>(s * 1e6));
}

class ThrottlePolicyTest : public ::testing::Test {
 protected:
  ThrottleState fail(double when) {
    state_ = policy_.after_failure(has_ ? &state_ : nullptr, at(when));
    has_ = true;
    return state_;
  }
  ThrottlePolicy policy_{Limits{}};
  ThrottleState state_;
  bool has_ = false;
};

TEST_F(ThrottlePolicyTest, FifthFailureWithinTheWindowLocksForOneSecond) {
  for (int i = 0; i < 4; ++i) {
    fail(i);
    EXPECT_EQ(ThrottlePolicy::locked_until(state_, at(i)), std::nullopt) << i;
  }
  fail(4);
  EXPECT_EQ(ThrottlePolicy::locked_until(state_, at(4)), at(5));
  EXPECT_EQ(ThrottlePolicy::locked_until(state_, at(5)), std::nullopt);
  EXPECT_EQ(ThrottlePolicy::seconds_left(at(5), at(4.2)), seconds(1));
}

TEST_F(ThrottlePolicyTest, EachFurtherFailureDoublesTheLockUpToFiveMinutes) {
  for (int i = 0; i < 5; ++i) {
    fail(0);
  }
  const std::int64_t expected[] = {2, 4, 8, 16, 32, 64, 128, 256, 300, 300};
  double t = 1;
  for (const std::int64_t lock : expected) {
    fail(t);
    EXPECT_EQ(state_.locked_until, at(t) + seconds(lock)) << t;
    t += static_cast<double>(lock);
  }
}

TEST_F(ThrottlePolicyTest, WindowStartsAtTheFirstFailureAndExpiresAfterSixtySeconds) {
  fail(0);
  fail(30);
  EXPECT_EQ(policy_.expiry(state_), at(60));
  fail(60);  // the window of the first has passed: a new one
  EXPECT_EQ(state_.failures, 1);
  EXPECT_EQ(state_.window_start, at(60));
}

TEST_F(ThrottlePolicyTest, LockedStateIsKeptAWindowPastItsLockThenStartsOver) {
  for (int i = 0; i < 5; ++i) {
    fail(0);
  }
  EXPECT_EQ(policy_.expiry(state_), at(61));
  fail(60.5);  // still kept: escalates
  EXPECT_EQ(state_.locked_until, at(62.5));
  EXPECT_EQ(state_.locks, 2);
  fail(62.5 + 60);  // expired: a fresh first failure
  EXPECT_EQ(state_, (ThrottleState{1, 0, at(122.5), ThrottleTime(0)}));
}

}  // namespace
}  // namespace tsna::auth
