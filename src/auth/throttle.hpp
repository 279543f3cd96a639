// throttle.hpp - the Throttle interface: failed logins counted per peer address and per user
// name, and the lock they earn (SPEC 4.4). LoginThrottle keeps the counts of one server in
// memory; a shared store keeps them for every node of a cluster. Depends on nothing.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace tsna::auth {

// What a login learns from the throttle before it starts.
struct ThrottleCheck {
  // When the address or the name is locked: the whole seconds left, rounded up (at least 1 s),
  // the larger of the two; otherwise nullopt.
  std::optional<std::chrono::seconds> wait;
  // Failures of the address or the name are on record (unexpired), locked or not: only then
  // does a success that follows have counts to clear (SPEC 4.4).
  bool counted = false;
  bool operator==(const ThrottleCheck&) const = default;
};

class Throttle {
 public:
  virtual ~Throttle() = default;

  // The throttle's verdict on a login from `address` for `name`. Does not count as a failure.
  virtual ThrottleCheck check(std::string_view address, std::string_view name) = 0;
  // check()'s wait alone.
  std::optional<std::chrono::seconds> blocked(std::string_view address, std::string_view name) {
    return check(address, name).wait;
  }
  // One failed login from `address` for `name` (`name` may be empty: the address only).
  virtual void record_failure(std::string_view address, std::string_view name) = 0;
  // A successful login: forgets both keys. Only needed when check() found them counted.
  virtual void record_success(std::string_view address, std::string_view name) = 0;

  // True when the calls above answer from memory and never wait, so an event loop may make
  // them; false for a throttle kept in a shared store (called from store threads only). All
  // calls are thread safe either way.
  virtual bool never_blocks() const = 0;
};

}  // namespace tsna::auth
