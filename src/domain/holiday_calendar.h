#pragma once

#include <set>
#include <string_view>

#include "base/date.h"
#include "base/result.h"

namespace icp {

// Working days in mainland China: Monday to Friday, less the State Council's days off, plus
// the weekend days it makes working days (调休). Make-up days cannot be computed, only listed,
// so the calendar is data (data/reference/calendar/*.tsv, format of
// ../shared/reference/cn_public_holidays.tsv) that an operator extends year by year without a
// rebuild. Outside the years it covers, Monday to Friday count and results say so.
class HolidayCalendar {
 public:
  // Parses one or more years: lines "first_date<TAB>last_date<TAB>off|work<TAB>name", '#'
  // comments. kInvalidArgument naming the line on a malformed one.
  static Result<HolidayCalendar> Parse(std::string_view text);

  // Adds another file (next year's notice). kInvalidArgument naming the line.
  Result<void> Add(std::string_view text);

  bool Covers(int year) const { return years_.contains(year); }
  bool IsWorkingDay(Date day) const;

  struct Deadline {
    Date date;
    bool provisional = false;  // a day counted falls in a year the calendar does not cover
  };

  // The `n`th working day after `start` (n >= 1); `start` itself never counts.
  Deadline AddWorkingDays(Date start, int n) const;

 private:
  HolidayCalendar() = default;

  std::set<int> years_;
  std::set<std::chrono::sys_days> off_;
  std::set<std::chrono::sys_days> work_;
};

}  // namespace icp
