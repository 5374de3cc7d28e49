#pragma once

#include <chrono>

namespace icp {

// The time, for use cases that must look at it more than once in one call (a dispatcher
// checking its lease before each delivery). exe/ supplies the real clock; tests a
// FakeClock (ports/testing/fake_clock.h).
class Clock {
 public:
  virtual ~Clock() = default;

  virtual std::chrono::sys_seconds Now() = 0;
};

}  // namespace icp
