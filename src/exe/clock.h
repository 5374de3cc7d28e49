#pragma once

#include <chrono>

#include "base/date.h"
#include "ports/clock.h"

namespace icp {

// The only place that reads the real clock (STYLE.md §5). Everything below exe/ takes
// `now` or `today` as a parameter.
inline std::chrono::system_clock::time_point RealNow() { return std::chrono::system_clock::now(); }

// Today's date in China Standard Time (UTC+8, no daylight saving), the calendar that
// regulations and the bureau count in.
inline Date TodayInChina() {
  return ChinaDate(std::chrono::floor<std::chrono::seconds>(RealNow()));
}

// The Clock port over the real clock, for the use cases icpd runs.
class SystemClock final : public Clock {
 public:
  std::chrono::sys_seconds Now() override {
    return std::chrono::floor<std::chrono::seconds>(RealNow());
  }
};

}  // namespace icp
