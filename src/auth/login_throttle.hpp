// login_throttle.hpp - failed-login counting and lockout per peer address and per user name
// (SPEC 4.4), in two bounded tables. Depends on common (Limits, Clock) only: no sockets, no I/O.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "common/clock.hpp"
#include "common/limits.hpp"

namespace tsna::auth {

// Policy, applied to each key (an address, a name) on its own, with W = failed_login_window,
// T = failed_login_threshold, B = backoff_start and M = backoff_max:
//  - The first failure of a key opens its window. Failures are counted until W has passed since
//    that first failure; a failure at or after that moment (the key never having been locked)
//    starts a new window with a count of 1. So a key is locked by T failures within W only.
//  - The failure that brings the count to T locks the key for B. Every further failure locks it
//    again, from the moment of that failure, for twice the previous lock: B, 2B, 4B, ... capped
//    at M. Attempts during a lock are refused by blocked() before they can fail; a failure that
//    is still recorded during a lock (a challenge issued before the lock, answered wrongly after
//    it started) escalates in the same way, so the lock never gets shorter.
//  - A key that has been locked keeps its count and escalation until W has passed since its
//    last lock expired with no failure since; then it is forgotten (count 0, next lock B again).
//    With the defaults: locked 1 s at t=0, a failure at t=1+59 s locks it 2 s; with no failure
//    until t=62+60 s, the next failure is counted as the first of a new window.
//  - record_success() forgets both keys at once.
//  - An empty address or name is not a key: it is neither counted nor checked.
// An entry is expired when it is in none of the states above (no lock active and its window, or
// the W after its last lock, has passed); an expired entry behaves exactly like an absent one.
//
// Bounds: each table holds at most throttle_table_capacity entries. Adding a key to a full
// table first drops every expired entry, then, if it is still full, evicts the entry whose last
// failure is the oldest. Both are O(log n) amortised per failure (an expiry-ordered index and a
// last-failure-ordered list); lookups do not allocate. Keys are stored as given: callers pass
// the peer address without port and only syntactically valid user names (SPEC 2.2), which keeps
// each entry small.
//
// Thread safe: every member function takes an internal mutex for a short, non-blocking section.
// `clock` must outlive the throttle; `limits` is copied.
class LoginThrottle {
 public:
  LoginThrottle(const Limits& limits, const Clock& clock);
  ~LoginThrottle();
  LoginThrottle(const LoginThrottle&) = delete;
  LoginThrottle& operator=(const LoginThrottle&) = delete;

  // When the address or the name is locked: the whole seconds left, rounded up (so at least
  // 1 s), the larger of the two; otherwise nullopt. Does not count as a failure.
  std::optional<std::chrono::seconds> blocked(std::string_view address, std::string_view name);

  // One failed login (wrong answer, decoy, malformed answer or expired challenge) from
  // `address` for `name`. `name` may be empty: then only the address counts.
  void record_failure(std::string_view address, std::string_view name);

  // A successful login: forgets both the address's and the name's entries.
  void record_success(std::string_view address, std::string_view name);

  // Entries held in the address table plus the name table, expired ones included.
  std::size_t size_for_test() const;

 private:
  class Table;

  const Clock& clock_;
  mutable std::mutex mutex_;
  std::unique_ptr<Table> addresses_;  // guarded by mutex_
  std::unique_ptr<Table> names_;      // guarded by mutex_
};

}  // namespace tsna::auth
