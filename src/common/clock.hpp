// clock.hpp - injectable monotonic and wall clocks, so deadlines and throttles are testable
// without sleeping. Depends on nothing.
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

// A clock that moves only when told to; for tests.
class ManualClock final : public Clock {
 public:
  SteadyTime now() const override { return steady_; }
  WallTime wall_now() const override { return wall_; }
  void advance(std::chrono::steady_clock::duration d) {
    steady_ += d;
    wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  }

 private:
  SteadyTime steady_{std::chrono::hours(1)};
  WallTime wall_{std::chrono::seconds(1731168720)};
};

}  // namespace tsna
