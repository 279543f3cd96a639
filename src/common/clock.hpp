// clock.hpp - injectable monotonic and wall clocks, so deadlines and throttles are testable
// without sleeping (tests use support/manual_clock.hpp). Depends on nothing.
#pragma once

#include <chrono>

namespace tsna {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  // Thread safe.
  virtual SteadyTime now() const = 0;
  virtual WallTime wall_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  SteadyTime now() const override { return std::chrono::steady_clock::now(); }
  WallTime wall_now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace tsna
