#include "domain/region_table.h"

#include <gtest/gtest.h>

namespace icp {
namespace {

TEST(RegionTable, BuiltinHoldsCurrentAndHistoricCodes) {
  const RegionTable& t = RegionTable::Builtin();
  EXPECT_GT(t.size(), 6000u);
  EXPECT_TRUE(t.Contains("110105"));
  EXPECT_TRUE(t.Contains("110103"));  // 崇文区, abolished 2010
  EXPECT_FALSE(t.Contains("990426"));
  EXPECT_FALSE(t.Contains("11010"));
}

TEST(RegionTable, NamesFollowTheYear) {
  const RegionTable& t = RegionTable::Builtin();
  EXPECT_EQ(t.NameIn("120110", 1980), "东郊区");
  EXPECT_EQ(t.NameIn("120110", 1995), "东丽区");
  EXPECT_EQ(t.FullNameIn("440308", 1999), "广东省 深圳市 盐田区");
}

TEST(RegionTable, ParseNamesTheBadLine) {
  Result<RegionTable> t = RegionTable::Parse("11 province=\"北京市\"\n  01 county=\"x\"\n");
  ASSERT_FALSE(t.has_value());
  EXPECT_NE(t.error().message.find("line 2"), std::string::npos);
  EXPECT_FALSE(RegionTable::Parse("").has_value());
}

}  // namespace
}  // namespace icp
