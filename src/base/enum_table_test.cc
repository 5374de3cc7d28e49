#include "base/enum_table.h"

#include <gtest/gtest.h>

namespace icp {
namespace {

enum class Colour { kRed, kGreen, kBlue };

constexpr EnumTable<Colour, 3> kColours({{
    {Colour::kRed, "red", "红"},
    {Colour::kGreen, "green", "绿"},
    {Colour::kBlue, "blue"},
}});

TEST(EnumTable, LooksUpBothWays) {
  static_assert(kColours.Name(Colour::kGreen) == "green");
  EXPECT_EQ(kColours.Label(Colour::kRed), "红");
  EXPECT_EQ(kColours.Label(Colour::kBlue), "");
  EXPECT_EQ(kColours.FromName("blue"), Colour::kBlue);
  EXPECT_EQ(kColours.FromName("Blue"), std::nullopt);
  ASSERT_EQ(kColours.All().size(), 3u);
  EXPECT_EQ(kColours.All()[2], Colour::kBlue);
}

}  // namespace
}  // namespace icp
