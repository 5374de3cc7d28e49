#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/result.h"

namespace icp {

// A calendar day (no time zone): the civil date in China Standard Time wherever a
// regulation speaks of days. Time itself is std::chrono::sys_time.
using Date = std::chrono::year_month_day;

// "2026-11-23" -> Date; kInvalidArgument unless it is a real day in that form.
Result<Date> ParseIsoDate(std::string_view text);

// Eight digits YYYYMMDD (as in a resident ID) -> Date; kInvalidArgument unless real.
Result<Date> ParseCompactDate(std::string_view digits);

// The calendar day in China Standard Time (UTC+8, no daylight saving) at instant `t`: the
// day regulations and the bureau count in.
Date ChinaDate(std::chrono::sys_seconds t);

// Date -> "2026-11-23".
std::string FormatIsoDate(Date date);

}  // namespace icp
