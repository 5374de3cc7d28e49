#include "domain/resource.h"

#include <gtest/gtest.h>

namespace icp {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

// An instant given as a China Standard Time wall-clock reading.
sys_seconds Cst(int y, unsigned m, unsigned d, int hour = 0) {
  return sys_days(std::chrono::year(y) / m / d) + std::chrono::hours(hour) - 8h;
}

TEST(Resource, AddsCalendarMonthsOnTheChineseDate) {
  EXPECT_EQ(AddTerm(Cst(2025, 3, 15, 10), {1, TermUnit::kMonths}), Cst(2025, 4, 15, 10));
  EXPECT_EQ(AddTerm(Cst(2025, 11, 30, 23), {3, TermUnit::kMonths}), Cst(2026, 2, 28, 23));
  // 00:30 CST on the 1st is still the last day of the month before in UTC: the Chinese date
  // decides.
  EXPECT_EQ(AddTerm(Cst(2025, 3, 1, 0) + 30min, {1, TermUnit::kMonths}),
            Cst(2025, 4, 1, 0) + 30min);
}

TEST(Resource, ClampsToTheLastDayOfAShorterMonth) {
  EXPECT_EQ(AddTerm(Cst(2025, 1, 31, 12), {1, TermUnit::kMonths}), Cst(2025, 2, 28, 12));
  EXPECT_EQ(AddTerm(Cst(2024, 1, 31, 12), {1, TermUnit::kMonths}), Cst(2024, 2, 29, 12));
}

TEST(Resource, AddsDaysAsWholeDays) {
  EXPECT_EQ(AddTerm(Cst(2025, 1, 31, 12), {30, TermUnit::kDays}), Cst(2025, 3, 2, 12));
}

TEST(Resource, WritesTermsInBothLanguages) {
  EXPECT_EQ(TermText({3, TermUnit::kMonths}), "3 months");
  EXPECT_EQ(TermText({1, TermUnit::kDays}), "1 day");
  EXPECT_EQ(TermTextZh({3, TermUnit::kMonths}), "3个月");
  EXPECT_EQ(TermTextZh({90, TermUnit::kDays}), "90天");
}

TEST(Resource, NamesRoundTrip) {
  for (ResourceKind k : {ResourceKind::kCvm, ResourceKind::kLighthouse,
                         ResourceKind::kServerlessPack, ResourceKind::kClb}) {
    EXPECT_EQ(ResourceKindFromName(ResourceKindName(k)), k);
    EXPECT_FALSE(ResourceKindLabel(k).empty());
  }
  EXPECT_EQ(ResourceKindName(ResourceKind::kLighthouse), "lighthouse");
  EXPECT_EQ(ResourceKindLabel(ResourceKind::kClb), "负载均衡");
  EXPECT_EQ(ResourceKindFromName("ecs"), std::nullopt);
  EXPECT_EQ(BillingModeFromName("pay_as_you_go"), BillingMode::kPayAsYouGo);
  EXPECT_EQ(BillingModeName(BillingMode::kPrepaid), "prepaid");
  EXPECT_EQ(AuthorizationCodeStateFromName("used"), AuthorizationCodeState::kUsed);
  EXPECT_EQ(AuthorizationCodeStateName(AuthorizationCodeState::kInvalid), "invalid");
}

}  // namespace
}  // namespace icp
