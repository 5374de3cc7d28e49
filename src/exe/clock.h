#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>

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

// The Clock port over the real clock, for use cases that read the time themselves.
class RealClock final : public Clock {
 public:
  std::chrono::sys_seconds Now() override {
    return std::chrono::floor<std::chrono::seconds>(RealNow());
  }
};

// The real clock moved forward by the number of seconds written in a file, read at every
// Now(): e2e tests set ICP_TEST_CLOCK_FILE and advance an icpd by days (a 45-day expiry)
// without sleeping. A missing or unreadable file moves it by 0. Never set in production.
class ShiftedClock final : public Clock {
 public:
  explicit ShiftedClock(std::filesystem::path offset_file) : file_(std::move(offset_file)) {}
  std::chrono::sys_seconds Now() override {
    long long offset = 0;
    std::ifstream in(file_);
    if (!(in >> offset)) offset = 0;
    return std::chrono::floor<std::chrono::seconds>(RealNow()) + std::chrono::seconds(offset);
  }

 private:
  std::filesystem::path file_;
};

}  // namespace icp
