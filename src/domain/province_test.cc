#include "domain/province.h"

#include <gtest/gtest.h>

#include <set>

namespace icp {
namespace {

TEST(Province, HasThirtyOneWithDistinctCodesAndPrefixes) {
  std::set<std::string_view> codes, prefixes;
  for (Province p : Province::All()) {
    codes.insert(p.code());
    prefixes.insert(p.prefix());
    EXPECT_EQ(p.gb_code(), std::string(p.code()) + "0000");
    EXPECT_EQ(*Province::FromPrefix(p.prefix()), p);
    EXPECT_EQ(*Province::FromCode(p.code()), p);
  }
  EXPECT_EQ(codes.size(), 31u);
  EXPECT_EQ(prefixes.size(), 31u);
}

TEST(Province, FindsByCodeNameAndPrefix) {
  EXPECT_EQ(Province::FromCode("440305")->name(), "广东省");
  EXPECT_EQ(Province::FromName("四川")->prefix(), "蜀");
  EXPECT_EQ(Province::FromName("gansu")->prefix(), "陇");
  EXPECT_EQ(Province::FromPrefix("川")->code(), "51");  // legacy alias
  EXPECT_EQ(Province::FromPrefix("甘")->code(), "62");
}

TEST(Province, RefusesWhatIsNotAMainlandProvince) {
  EXPECT_EQ(Province::FromCode("81").error().rule(), "province.code");  // Hong Kong
  EXPECT_EQ(Province::FromCode("4").error().rule(), "province.code");
  EXPECT_EQ(Province::FromPrefix("萌").error().rule(), "province.prefix");
  EXPECT_EQ(Province::FromName("台湾").error().rule(), "province.name");
}

}  // namespace
}  // namespace icp
