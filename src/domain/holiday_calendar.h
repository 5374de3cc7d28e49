#pragma once

#include <set>
#include <string_view>

#include "base/date.h"
#include "base/result.h"

namespace icp {

// Working days in mainland China: Monday to Friday, less the State Council's days off, plus
// the weekend days it makes working days (调休). Make-up days cannot be computed, only listed,
// so the calendar is data: data/reference/calendar/cn_public_holidays.tsv, extended each year
// when the State Council's notice appears, and compiled into every binary (Builtin()), so no
// deployment can run without it. Outside the years it covers, Monday to Friday count and
// results say so (Deadline::provisional).
class HolidayCalendar {
 public:
  // The calendar compiled in from data/reference/calendar/cn_public_holidays.tsv: the one
  // every production path counts working days with.
  static const HolidayCalendar& Builtin();

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
