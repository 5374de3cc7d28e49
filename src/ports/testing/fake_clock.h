#pragma once

#include <atomic>
#include <chrono>

#include "ports/clock.h"

namespace icp {

// A clock that moves only when a test moves it. Safe to read and move from several threads.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::chrono::sys_seconds now) : now_(now.time_since_epoch().count()) {}

  std::chrono::sys_seconds Now() override {
    return std::chrono::sys_seconds(std::chrono::seconds(now_.load()));
  }
  void Set(std::chrono::sys_seconds now) { now_ = now.time_since_epoch().count(); }
  void Advance(std::chrono::seconds by) { now_ += by.count(); }

 private:
  std::atomic<std::chrono::seconds::rep> now_;
};

}  // namespace icp
