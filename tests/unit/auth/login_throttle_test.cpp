// login_throttle_test.cpp - lockout policy and table bounds of LoginThrottle (SPEC 4.4), on a
// ManualClock: no sleeps. Depends on auth/login_throttle and common only.
#include "auth/login_throttle.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.hpp"
#include "common/limits.hpp"
#include "support/manual_clock.hpp"

namespace tsna::auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::string_view kAddress = "192.0.2.1";
constexpr std::string_view kOtherAddress = "192.0.2.2";

void fail(LoginThrottle& throttle, int times, std::string_view address, std::string_view name) {
  for (int i = 0; i < times; ++i) {
    throttle.record_failure(address, name);
  }
}

class LoginThrottleTest : public ::testing::Test {
 protected:
  Limits limits_;
  ManualClock clock_;
  LoginThrottle throttle_{limits_, clock_};
};

TEST_F(LoginThrottleTest, FourFailuresDoNotLock) {
  fail(throttle_, 4, kAddress, "alice");
  EXPECT_EQ(throttle_.blocked(kAddress, "alice"), std::nullopt);
  EXPECT_EQ(throttle_.blocked(kAddress, ""), std::nullopt);
  EXPECT_EQ(throttle_.blocked("", "alice"), std::nullopt);
}

TEST_F(LoginThrottleTest, FifthFailureLocksForOneSecond) {
  fail(throttle_, 5, kAddress, "alice");
  EXPECT_EQ(throttle_.blocked(kAddress, "alice"), seconds(1));
  clock_.advance(milliseconds(999));
  EXPECT_EQ(throttle_.blocked(kAddress, "alice"), seconds(1));
  clock_.advance(milliseconds(1));
  EXPECT_EQ(throttle_.blocked(kAddress, "alice"), std::nullopt);
}

TEST_F(LoginThrottleTest, RemainingTimeIsRoundedUpToWholeSeconds) {
  fail(throttle_, 5, kAddress, "");
  clock_.advance(seconds(1));
  fail(throttle_, 1, kAddress, "");  // locked 2 s
  clock_.advance(milliseconds(1));
  EXPECT_EQ(throttle_.blocked(kAddress, ""), seconds(2));
  clock_.advance(milliseconds(999));
  EXPECT_EQ(throttle_.blocked(kAddress, ""), seconds(1));
  clock_.advance(milliseconds(999));
  EXPECT_EQ(throttle_.blocked(kAddress, ""), seconds(1));
}

TEST_F(LoginThrottleTest, EachFurtherFailureDoublesTheLockUpToFiveMinutes) {
  fail(throttle_, 5, kAddress, "alice");
  const int expected[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300};
  for (const int lock : expected) {
    EXPECT_EQ(throttle_.blocked(kAddress, "alice"), seconds(lock));
    clock_.advance(seconds(lock) - milliseconds(1));
    EXPECT_EQ(throttle_.blocked(kAddress, "alice"), seconds(1)) << "lock " << lock;
    clock_.advance(milliseconds(1));
    EXPECT_EQ(throttle_.blocked(kAddress, "alice"), std::nullopt) << "lock " << lock;
    fail(throttle_, 1, kAddress, "alice");
  }
}

TEST_F(LoginThrottleTest, FailureRecordedDuringALockEscalatesFromThatMoment) {
  fail(throttle_, 5, kAddress, "");  // locked until t+1 s
  clock_.advance(milliseconds(500));
  fail(throttle_, 1, kAddress, "");  // a challenge issued earlier, answered wrongly now
  EXPECT_EQ(throttle_.blocked(kAddress, ""), seconds(2));
  clock_.advance(milliseconds(1999));
  EXPECT_EQ(throttle_.blocked(kAddress, ""), seconds(1));
  clock_.advance(milliseconds(1));
  EXPECT_EQ(throttle_.blocked(kAddress, ""), std::nullopt);
}

TEST_F(LoginThrottleTest, SuccessClearsBothAddressAndName) {
  fail(throttle_, 5, kAddress, "alice");
  throttle_.record_success(kAddress, "alice");
  EXPECT_EQ(throttle_.blocked(kAddress, "alice"), std::nullopt);
  EXPECT_EQ(throttle_.size_for_test(), 0u);
  fail(throttle_, 4, kAddress, "alice");
  EXPECT_EQ(throttle_.blocked(kAddress, "alice"), std::nullopt);
}

// What a success then has to clear (SPEC 4.4): an unexpired entry of the address or the name.
TEST_F(LoginThrottleTest, CheckSaysWhetherTheAddressOrTheNameHasFailuresOnRecord) {
  EXPECT_EQ(throttle_.check(kAddress, "alice"), (ThrottleCheck{std::nullopt, false}));
  fail(throttle_, 1, kOtherAddress, "alice");
  EXPECT_EQ(throttle_.check(kAddress, "alice"), (ThrottleCheck{std::nullopt, true}));
  EXPECT_EQ(throttle_.check(kOtherAddress, "bob"), (ThrottleCheck{std::nullopt, true}));
  EXPECT_EQ(throttle_.check(kAddress, "bob"), (ThrottleCheck{std::nullopt, false}));
  fail(throttle_, 4, kOtherAddress, "alice");
  EXPECT_EQ(throttle_.check(kAddress, "alice"), (ThrottleCheck{seconds(1), true}));
  clock_.advance(seconds(61));  // the lock ended 60 s ago: expired, as if absent
  EXPECT_EQ(throttle_.check(kAddress, "alice"), (ThrottleCheck{std::nullopt, false}));
}

TEST_F(LoginThrottleTest, SuccessLeavesOtherNamesAndAddressesCounted) {
  fail(throttle_, 5, kAddress, "alice");
  throttle_.record_success(kOtherAddress, "bob");
  EXPECT_EQ(throttle_.blocked(kAddress, ""), seconds(1));
  EXPECT_EQ(throttle_.blocked("", "alice"), seconds(1));
  throttle_.record_success(kAddress, "");
  EXPECT_EQ(throttle_.blocked(kAddress, ""), std::nullopt);
  EXPECT_EQ(throttle_.blocked(kAddress, "alice"), seconds(1));
}

TEST_F(LoginThrottleTest, LockedAddressDoesNotAffectAnotherAddress) {
  fail(throttle_, 5, kAddress, "");
  EXPECT_EQ(throttle_.blocked(kAddress, "alice"), seconds(1));
  EXPECT_EQ(throttle_.blocked(kOtherAddress, "alice"), std::nullopt);
}

TEST_F(LoginThrottleTest, LockedNameAppliesFromAnyAddress) {
  for (int i = 1; i <= 5; ++i) {
    fail(throttle_, 1, "10.0.0." + std::to_string(i), "alice");
  }
  EXPECT_EQ(throttle_.blocked("198.51.100.7", "alice"), seconds(1));
  EXPECT_EQ(throttle_.blocked("198.51.100.7", "bob"), std::nullopt);
  EXPECT_EQ(throttle_.blocked("10.0.0.1", "bob"), std::nullopt);
}

TEST_F(LoginThrottleTest, EmptyNameCountsOnlyTheAddress) {
  fail(throttle_, 5, kAddress, "");
  EXPECT_EQ(throttle_.size_for_test(), 1u);
  EXPECT_EQ(throttle_.blocked(kAddress, ""), seconds(1));
  EXPECT_EQ(throttle_.blocked(kOtherAddress, ""), std::nullopt);
}

TEST_F(LoginThrottleTest, BlockedReportsTheLongerAddressLock) {
  fail(throttle_, 5, kAddress, "");
  clock_.advance(seconds(1));
  fail(throttle_, 1, kAddress, "");  // address locked 2 s
  for (int i = 1; i <= 5; ++i) {
    fail(throttle_, 1, "10.0.0." + std::to_string(i), "alice");  // name locked 1 s
  }
  EXPECT_EQ(throttle_.blocked(kAddress, "alice"), seconds(2));
  EXPECT_EQ(throttle_.blocked(kOtherAddress, "alice"), seconds(1));
}

TEST_F(LoginThrottleTest, BlockedReportsTheLongerNameLock) {
  for (int i = 1; i <= 5; ++i) {
    fail(throttle_, 1, "10.0.0." + std::to_string(i), "alice");
  }
  clock_.advance(seconds(1));
  fail(throttle_, 1, kOtherAddress, "alice");  // name locked 2 s
  fail(throttle_, 5, kAddress, "");            // address locked 1 s
  EXPECT_EQ(throttle_.blocked(kAddress, "alice"), seconds(2));
  EXPECT_EQ(throttle_.blocked(kAddress, "bob"), seconds(1));
}

TEST_F(LoginThrottleTest, FailuresJustInsideTheWindowStillCount) {
  fail(throttle_, 4, kAddress, "alice");
  clock_.advance(milliseconds(59999));
  fail(throttle_, 1, kAddress, "alice");
  EXPECT_EQ(throttle_.blocked(kAddress, "alice"), seconds(1));
}

TEST_F(LoginThrottleTest, WindowExpiryResetsTheCount) {
  fail(throttle_, 4, kAddress, "alice");
  clock_.advance(seconds(60));
  fail(throttle_, 4, kAddress, "alice");
  EXPECT_EQ(throttle_.blocked(kAddress, "alice"), std::nullopt);
  fail(throttle_, 1, kAddress, "alice");
  EXPECT_EQ(throttle_.blocked(kAddress, "alice"), seconds(1));
}

TEST_F(LoginThrottleTest, WindowIsMeasuredFromItsFirstFailureNotItsLast) {
  for (int i = 0; i < 4; ++i) {
    fail(throttle_, 1, kAddress, "");
    clock_.advance(seconds(19));  // failures at 0, 19, 38 and 57 s
  }
  clock_.advance(seconds(3));  // 60 s after the first
  fail(throttle_, 1, kAddress, "");
  EXPECT_EQ(throttle_.blocked(kAddress, ""), std::nullopt);
  fail(throttle_, 3, kAddress, "");
  EXPECT_EQ(throttle_.blocked(kAddress, ""), std::nullopt);
  fail(throttle_, 1, kAddress, "");
  EXPECT_EQ(throttle_.blocked(kAddress, ""), seconds(1));
}

TEST_F(LoginThrottleTest, EscalationSurvivesWhileFailuresComeWithinAWindowOfTheLockExpiring) {
  fail(throttle_, 5, kAddress, "");  // locked 1 s
  clock_.advance(seconds(1) + milliseconds(59999));
  fail(throttle_, 1, kAddress, "");
  EXPECT_EQ(throttle_.blocked(kAddress, ""), seconds(2));
  clock_.advance(seconds(2) + milliseconds(59999));
  fail(throttle_, 1, kAddress, "");
  EXPECT_EQ(throttle_.blocked(kAddress, ""), seconds(4));
}

TEST_F(LoginThrottleTest, EscalationIsForgottenAWindowAfterTheLockExpires) {
  fail(throttle_, 5, kAddress, "");  // locked 1 s
  clock_.advance(seconds(1));
  fail(throttle_, 1, kAddress, "");  // locked 2 s
  clock_.advance(seconds(2) + seconds(60));
  fail(throttle_, 4, kAddress, "");
  EXPECT_EQ(throttle_.blocked(kAddress, ""), std::nullopt);
  fail(throttle_, 1, kAddress, "");
  EXPECT_EQ(throttle_.blocked(kAddress, ""), seconds(1));
}

TEST(LoginThrottle, HonoursShrunkenLimits) {
  Limits limits;
  limits.failed_login_threshold = 2;
  limits.backoff_start = seconds(3);
  limits.backoff_max = seconds(5);
  ManualClock clock;
  LoginThrottle throttle(limits, clock);
  fail(throttle, 1, kAddress, "");
  EXPECT_EQ(throttle.blocked(kAddress, ""), std::nullopt);
  fail(throttle, 1, kAddress, "");
  EXPECT_EQ(throttle.blocked(kAddress, ""), seconds(3));
  clock.advance(seconds(3));
  fail(throttle, 1, kAddress, "");
  EXPECT_EQ(throttle.blocked(kAddress, ""), seconds(5));
}

TEST(LoginThrottle, AddressTableNeverExceedsItsCapacity) {
  const Limits limits;
  ManualClock clock;
  LoginThrottle throttle(limits, clock);
  for (int i = 0; i < 200000; ++i) {
    throttle.record_failure("10." + std::to_string(i), "");
    ASSERT_LE(throttle.size_for_test(), limits.throttle_table_capacity) << "address " << i;
  }
  EXPECT_EQ(throttle.size_for_test(), limits.throttle_table_capacity);
}

TEST(LoginThrottle, NameTableNeverExceedsItsCapacity) {
  Limits limits;
  limits.throttle_table_capacity = 1000;
  ManualClock clock;
  LoginThrottle throttle(limits, clock);
  for (int i = 0; i < 200000; ++i) {
    throttle.record_failure(kAddress, "user" + std::to_string(i));
    ASSERT_LE(throttle.size_for_test(), 1001u) << "name " << i;
  }
  EXPECT_EQ(throttle.size_for_test(), 1001u);  // 1000 names and the one address
  EXPECT_EQ(throttle.blocked(kAddress, ""), seconds(300));
}

TEST(LoginThrottle, FullTableEvictsTheEntryWithTheOldestLastFailure) {
  Limits limits;
  limits.throttle_table_capacity = 2;
  ManualClock clock;
  LoginThrottle throttle(limits, clock);
  fail(throttle, 3, "a", "");
  fail(throttle, 3, "b", "");
  fail(throttle, 1, "a", "");  // now b's last failure is the oldest
  fail(throttle, 1, "c", "");  // evicts b
  fail(throttle, 1, "a", "");  // a kept its count: 5
  EXPECT_EQ(throttle.blocked("a", ""), seconds(1));
  fail(throttle, 4, "b", "");  // b starts over (evicting c)
  EXPECT_EQ(throttle.blocked("b", ""), std::nullopt);
  EXPECT_EQ(throttle.size_for_test(), 2u);
}

TEST(LoginThrottle, FullTableDropsExpiredEntriesBeforeEvictingLiveOnes) {
  Limits limits;
  limits.throttle_table_capacity = 2;
  ManualClock clock;
  LoginThrottle throttle(limits, clock);
  fail(throttle, 1, "b", "");  // window 0..60 s
  clock.advance(seconds(1));
  fail(throttle, 5, "a", "");  // locked until 2 s
  clock.advance(seconds(1));
  fail(throttle, 1, "a", "");  // locked until 4 s, remembered until 64 s
  clock.advance(seconds(1));
  fail(throttle, 1, "b", "");  // b's last failure is now the newest, yet it expires at 60 s
  clock.advance(seconds(57) + milliseconds(500));
  fail(throttle, 1, "c", "");  // must drop b, not a
  EXPECT_EQ(throttle.size_for_test(), 2u);
  fail(throttle, 1, "a", "");
  EXPECT_EQ(throttle.blocked("a", ""), seconds(4));
}

TEST(LoginThrottle, ConcurrentFailuresAreAllCounted) {
  const Limits limits;
  ManualClock clock;
  LoginThrottle throttle(limits, clock);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&throttle, t] {
      for (int i = 0; i < 1000; ++i) {
        const std::string address = std::to_string(t) + "." + std::to_string(i);
        throttle.record_failure(address, "alice");
        (void)throttle.blocked(address, "alice");
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(throttle.size_for_test(), 4001u);
  EXPECT_EQ(throttle.blocked(kAddress, "alice"), seconds(300));
}

}  // namespace
}  // namespace tsna::auth
