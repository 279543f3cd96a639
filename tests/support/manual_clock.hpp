// manual_clock.hpp - a test double: a Clock that moves only when told to, so deadlines and
// throttles are tested without sleeping. Header-only.
#pragma once

#include <chrono>

#include "common/clock.hpp"

namespace tsna {

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
