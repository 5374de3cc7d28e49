#include "domain/holiday_calendar.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace icp {
namespace {

using namespace std::chrono;

// The calendar every binary carries: the tests read the compiled-in copy, not the file.
const HolidayCalendar& Calendar() { return HolidayCalendar::Builtin(); }

TEST(HolidayCalendar, BuiltinIsTheShippedFile) {
  std::ifstream in(std::string(ICP_SOURCE_DIR) + "/data/reference/calendar/cn_public_holidays.tsv");
  std::ostringstream s;
  s << in.rdbuf();
  Result<HolidayCalendar> file = HolidayCalendar::Parse(s.str());
  ASSERT_TRUE(file.has_value());
  for (int year : {2024, 2025, 2026}) EXPECT_TRUE(Calendar().Covers(year)) << year;
  for (sys_days d = sys_days(2024y / January / 1d); d < sys_days(2027y / January / 1d);
       d += days(1)) {
    ASSERT_EQ(Calendar().IsWorkingDay(Date(d)), file->IsWorkingDay(Date(d)));
  }
}

TEST(HolidayCalendar, KnowsDaysOffAndMakeUpWorkingDays) {
  EXPECT_TRUE(Calendar().Covers(2025));
  EXPECT_FALSE(Calendar().Covers(2027));
  EXPECT_TRUE(Calendar().IsWorkingDay(2025y / September / 28d));  // a Sunday made a working day
  EXPECT_FALSE(Calendar().IsWorkingDay(2025y / October / 8d));    // a Wednesday off
  EXPECT_FALSE(Calendar().IsWorkingDay(2026y / November / 22d));  // an ordinary Sunday
  EXPECT_TRUE(Calendar().IsWorkingDay(2026y / November / 23d));   // an ordinary Monday
}

TEST(HolidayCalendar, CountsWorkingDaysAcrossTheSpringFestival) {
  // Friday 2026-02-13; 02-14 (Sat) is a make-up working day; 02-15..23 are off.
  HolidayCalendar::Deadline d = Calendar().AddWorkingDays(2026y / February / 13d, 2);
  EXPECT_EQ(d.date, 2026y / February / 24d);
  EXPECT_FALSE(d.provisional);
  EXPECT_EQ(Calendar().AddWorkingDays(2025y / September / 30d, 1).date, 2025y / October / 9d);
}

TEST(HolidayCalendar, MarksDeadlinesBeyondItsYearsProvisional) {
  HolidayCalendar::Deadline d = Calendar().AddWorkingDays(2026y / December / 25d, 20);
  EXPECT_TRUE(d.provisional);
  EXPECT_EQ(d.date, 2027y / January / 22d);  // Monday to Friday only: 2027's notice is unknown
}

TEST(HolidayCalendar, LoadsAnotherYearWithoutARebuild) {
  HolidayCalendar c = Calendar();
  ASSERT_TRUE(c.Add("2027-01-01\t2027-01-01\toff\t元旦\n").has_value());
  EXPECT_TRUE(c.Covers(2027));
  EXPECT_FALSE(c.IsWorkingDay(2027y / January / 1d));
}

TEST(HolidayCalendar, NamesTheBadLine) {
  Result<HolidayCalendar> c =
      HolidayCalendar::Parse("# x\n2025-01-01\t2025-01-01\toff\n2025-13-01\t2025-13-01\toff\n");
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message.find("line 3"), std::string::npos);
  EXPECT_FALSE(HolidayCalendar::Parse("2025-01-02\t2025-01-01\toff\n").has_value());
  EXPECT_FALSE(HolidayCalendar::Parse("2025-01-01\t2025-01-01\tholiday\n").has_value());
  EXPECT_FALSE(HolidayCalendar::Parse("").has_value());
}

}  // namespace
}  // namespace icp
