// throttle_policy.hpp - the schedule of SPEC 4.4 for one key (an address or a name), as pure
// functions over a small state: how a failure changes it, when a lock ends, when the state has
// expired. LoginThrottle's in-memory tables and a shared store's table both apply it, so the
// schedule lives here only. Times are moments on the caller's clock, in microseconds since its
// epoch. Depends on common.
#pragma once

#include <chrono>
#include <optional>

#include "common/limits.hpp"

namespace tsna::auth {

using ThrottleTime = std::chrono::microseconds;

struct ThrottleState {
  int failures = 0;  // in the current window; saturates at the threshold
  int locks = 0;     // locks since the state (re)started; saturates
  ThrottleTime window_start{0};
  ThrottleTime locked_until{0};  // meaningful when locks > 0
  bool operator==(const ThrottleState&) const = default;
};

// With W = failed_login_window, T = failed_login_threshold, B = backoff_start, M = backoff_max:
//  - the first failure opens a window; failures are counted until W has passed since it; a
//    failure at or after that moment (never having been locked) starts a new window;
//  - the failure that brings the count to T locks the key for B; each further one locks it
//    again, from that failure, for twice the previous lock, capped at M;
//  - a state that has been locked is kept until W has passed since its last lock expired;
//  - a state is expired from expiry() on, and then behaves exactly as an absent one.
class ThrottlePolicy {
 public:
  explicit ThrottlePolicy(const Limits& limits);

  // The state after a failure at `now`; `current` null or expired at `now` starts afresh.
  ThrottleState after_failure(const ThrottleState* current, ThrottleTime now) const;
  // From this moment on the state behaves as if absent.
  ThrottleTime expiry(const ThrottleState& state) const;
  // The end of the lock when the state is locked at `now`.
  static std::optional<ThrottleTime> locked_until(const ThrottleState& state, ThrottleTime now);
  // Whole seconds from `now` to `until`, rounded up (what the refusal says).
  static std::chrono::seconds seconds_left(ThrottleTime until, ThrottleTime now);

 private:
  std::chrono::seconds backoff(int previous_locks) const;

  int threshold_;
  std::chrono::seconds window_;
  std::chrono::seconds backoff_start_;
  std::chrono::seconds backoff_max_;
};

}  // namespace tsna::auth
