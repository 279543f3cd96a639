// throttle_policy.cpp - the failed-login schedule of SPEC 4.4 (throttle_policy.hpp).
#include "auth/throttle_policy.hpp"

#include <algorithm>

namespace tsna::auth {
namespace {

// Enough doublings to reach any cap; keeps the count from overflowing.
constexpr int kMaxLocks = 64;

}  // namespace

ThrottlePolicy::ThrottlePolicy(const Limits& limits)
    : threshold_(std::max(limits.failed_login_threshold, 1)),
      window_(limits.failed_login_window),
      backoff_start_(limits.backoff_start),
      backoff_max_(limits.backoff_max) {}

std::chrono::seconds ThrottlePolicy::backoff(int previous_locks) const {
  std::chrono::seconds lock = backoff_start_;
  for (int i = 0; i < previous_locks && lock < backoff_max_; ++i) {
    lock *= 2;
  }
  return std::min(lock, backoff_max_);
}

ThrottleTime ThrottlePolicy::expiry(const ThrottleState& state) const {
  return (state.locks > 0 ? state.locked_until : state.window_start) + window_;
}

ThrottleState ThrottlePolicy::after_failure(const ThrottleState* current, ThrottleTime now) const {
  ThrottleState next;
  if (current != nullptr && expiry(*current) > now) {
    next = *current;
  } else {
    next.window_start = now;
  }
  if (next.failures < threshold_) {
    ++next.failures;
  }
  if (next.failures >= threshold_) {
    next.locked_until = now + backoff(next.locks);
    next.locks = std::min(next.locks + 1, kMaxLocks);
  }
  return next;
}

std::optional<ThrottleTime> ThrottlePolicy::locked_until(const ThrottleState& state,
                                                         ThrottleTime now) {
  if (state.locks == 0 || state.locked_until <= now) {
    return std::nullopt;
  }
  return state.locked_until;
}

std::chrono::seconds ThrottlePolicy::seconds_left(ThrottleTime until, ThrottleTime now) {
  return std::chrono::ceil<std::chrono::seconds>(until - now);
}

}  // namespace tsna::auth
