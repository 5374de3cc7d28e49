#include "domain/holiday_calendar.h"

#include <string>

#include "base/check.h"
#include "base/strings.h"
#include "domain/embedded_data.h"

namespace icp {

using std::chrono::sys_days;

Result<HolidayCalendar> HolidayCalendar::Parse(std::string_view text) {
  HolidayCalendar calendar;
  if (Result<void> r = calendar.Add(text); !r) return std::unexpected(r.error());
  return calendar;
}

Result<void> HolidayCalendar::Add(std::string_view text) {
  int line_number = 0;
  bool any = false;
  for (std::string_view line : Split(text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> f = Split(line, '\t');
    auto bad = [&](const std::string& why) {
      return InvalidArgument("holiday calendar line " + std::to_string(line_number) + ": " + why +
                             ": " + Quote(line, 60));
    };
    if (f.size() < 3) return bad("expected first_date, last_date, off|work");
    Result<Date> first = ParseIsoDate(f[0]);
    Result<Date> last = ParseIsoDate(f[1]);
    if (!first || !last) return bad("dates are YYYY-MM-DD");
    if (sys_days(*last) < sys_days(*first)) return bad("the range ends before it starts");
    if (f[2] != "off" && f[2] != "work") return bad("the kind is off or work");
    for (sys_days d = sys_days(*first); d <= sys_days(*last); d += std::chrono::days(1)) {
      (f[2] == "off" ? off_ : work_).insert(d);
      years_.insert(static_cast<int>(Date(d).year()));
    }
    any = true;
  }
  if (!any) return InvalidArgument("holiday calendar: no entries");
  return {};
}

const HolidayCalendar& HolidayCalendar::Builtin() {
  static const HolidayCalendar calendar = [] {
    Result<HolidayCalendar> parsed = Parse(embedded::holiday_calendar());
    ICP_CHECK(parsed.has_value()) << "the compiled-in holiday calendar does not parse: "
                                  << parsed.error().message;
    return std::move(*parsed);
  }();
  return calendar;
}

bool HolidayCalendar::IsWorkingDay(Date day) const {
  const sys_days d(day);
  if (work_.contains(d)) return true;
  if (off_.contains(d)) return false;
  const std::chrono::weekday w(d);
  return w != std::chrono::Saturday && w != std::chrono::Sunday;
}

HolidayCalendar::Deadline HolidayCalendar::AddWorkingDays(Date start, int n) const {
  Deadline out{start, false};
  sys_days d(start);
  for (int counted = 0; counted < n;) {
    d += std::chrono::days(1);
    if (!Covers(static_cast<int>(Date(d).year()))) out.provisional = true;
    if (IsWorkingDay(Date(d))) ++counted;
  }
  out.date = Date(d);
  return out;
}

}  // namespace icp
