// login_throttle.hpp - failed-login counting and lockout per peer address and per user name
// (SPEC 4.4), in two bounded tables. Depends on common (Limits, Clock) only: no sockets, no I/O.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "auth/throttle.hpp"
#include "auth/throttle_policy.hpp"
#include "common/clock.hpp"
#include "common/limits.hpp"

namespace tsna::auth {

// The schedule of auth/throttle_policy.hpp, applied to each key (an address, a name) on its own;
// record_success() forgets both keys at once. An empty address or name is not a key: it is
// neither counted nor checked. An expired entry behaves exactly like an absent one.
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
class LoginThrottle final : public Throttle {
 public:
  LoginThrottle(const Limits& limits, const Clock& clock);
  ~LoginThrottle();
  LoginThrottle(const LoginThrottle&) = delete;
  LoginThrottle& operator=(const LoginThrottle&) = delete;

  // When the address or the name is locked: the whole seconds left, rounded up (so at least
  // 1 s), the larger of the two; and whether either has an unexpired entry. Does not count as a
  // failure.
  ThrottleCheck check(std::string_view address, std::string_view name) override;

  // One failed login (wrong answer, decoy, malformed answer or expired challenge) from
  // `address` for `name`. `name` may be empty: then only the address counts.
  void record_failure(std::string_view address, std::string_view name) override;

  // A successful login: forgets both the address's and the name's entries.
  void record_success(std::string_view address, std::string_view name) override;
  bool never_blocks() const override { return true; }

  // Entries held in the address table plus the name table, expired ones included.
  std::size_t size_for_test() const;

 private:
  class Table;
  // The clock's moment in ThrottlePolicy's unit.
  ThrottleTime now_us() const;

  const Clock& clock_;
  mutable std::mutex mutex_;
  std::unique_ptr<Table> addresses_;  // guarded by mutex_
  std::unique_ptr<Table> names_;      // guarded by mutex_
};

}  // namespace tsna::auth
