#include "base/date.h"

#include <gtest/gtest.h>

namespace icp {
namespace {

using namespace std::chrono;

TEST(Date, ParsesIsoAndCompactForms) {
  auto d = ParseIsoDate("2024-02-29");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, 2024y / February / 29d);
  EXPECT_EQ(FormatIsoDate(*ParseCompactDate("19491231")), "1949-12-31");
}

TEST(Date, RefusesDaysThatDoNotExist) {
  EXPECT_FALSE(ParseIsoDate("2023-02-29").has_value());
  EXPECT_FALSE(ParseCompactDate("19991301").has_value());
  EXPECT_FALSE(ParseCompactDate("1999010").has_value());
  EXPECT_FALSE(ParseIsoDate("2024/01/01").has_value());
}

TEST(Date, ChinaDateIsUtcPlusEight) {
  const sys_seconds late_utc = sys_days(2026y / November / 22d) + 16h;  // 00:00 in Beijing
  EXPECT_EQ(ChinaDate(late_utc), 2026y / November / 23d);
  EXPECT_EQ(ChinaDate(late_utc - 1s), 2026y / November / 22d);
}

}  // namespace
}  // namespace icp
