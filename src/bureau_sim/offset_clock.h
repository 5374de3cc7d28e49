#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "base/result.h"
#include "ports/clock.h"

namespace icp::bureau_sim {

// The clock of `icp-bureau serve`: another clock (the system's) moved forward by an offset
// that only grows. With --test-hooks, POST /test/clock advances it, so tests pass a 24 h
// window without waiting; without them the offset stays 0. Everything time-based in the
// stand-in reads this clock.
class OffsetClock final : public Clock {
 public:
  static constexpr std::int64_t kMaxStepSeconds = 400LL * 24 * 3600;  // a little over a year

  explicit OffsetClock(Clock& base) : base_(base) {}

  std::chrono::sys_seconds Now() override {
    return base_.Now() + std::chrono::seconds(offset_.load(std::memory_order_relaxed));
  }

  // Moves the clock forward by `seconds` and returns the new time. kInvalidArgument (rule
  // "clock.advance", field "advance_seconds") for a step below 0 or above kMaxStepSeconds:
  // time never goes back.
  Result<std::chrono::sys_seconds> Advance(std::int64_t seconds) {
    if (seconds < 0 || seconds > kMaxStepSeconds) {
      return Refusal(ErrorCode::kInvalidArgument, "advance_seconds", "clock.advance",
                     "the clock moves forward by 0 to 34560000 seconds (400 days) at a time",
                     "时钟每次前进0至34560000秒");
    }
    offset_.fetch_add(seconds, std::memory_order_relaxed);
    return Now();
  }

  std::int64_t offset_seconds() const { return offset_.load(std::memory_order_relaxed); }

 private:
  Clock& base_;
  std::atomic<std::int64_t> offset_{0};
};

}  // namespace icp::bureau_sim
