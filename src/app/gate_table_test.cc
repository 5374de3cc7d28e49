#include "app/gate_table.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_map>

namespace icp {
namespace {

TEST(GateTable, PacksCanonicalNumbersAndKeepsTheRestAsTheyAre) {
  for (std::string_view n : {"京ICP备2020001234号-1", "京ICP备05001234号", "粤ICP证030173号-12",
                             "新ICP备2026000001号-3A", "京B2-20201234", "蜀ICP备1号"}) {
    EXPECT_EQ(UnpackFilingNumber(PackFilingNumber(n)), n);
  }
  EXPECT_EQ(PackFilingNumber("京ICP备2020001234号-1").size(), 13u);
  EXPECT_EQ(PackFilingNumber("京B2-20201234"), "京B2-20201234");
  EXPECT_EQ(PackFilingNumber("京ICP备号"), "京ICP备号") << "no digits: kept as it is";
}

TEST(GateTable, FindsWhatWasAddedAndNothingElse) {
  GateTable::Builder b;
  std::unordered_map<std::string, GateStanding> expected;
  for (int i = 0; i < 5000; ++i) {
    const std::string domain = "site" + std::to_string(i) + ".example.cn";
    GateStanding s{i % 3 == 0 ? "" : "京ICP备2026" + std::to_string(100000 + i) + "号-1",
                   static_cast<std::uint8_t>(i % 3 == 0 ? 1 + i % 7 : 0)};
    b.Add(domain, s);
    expected[domain] = s;
  }
  const GateTable t = std::move(b).Build();
  EXPECT_EQ(t.size(), 5000u);
  for (const auto& [domain, s] : expected) {
    ASSERT_EQ(t.Find(domain), s) << domain;
    EXPECT_TRUE(t.Contains(domain));
    std::optional<GateTable::Peek> peek = t.Look(domain);
    ASSERT_TRUE(peek.has_value());
    EXPECT_EQ(peek->filed, s.filed()) << domain;
    EXPECT_EQ(peek->lists, s.lists) << domain;
  }
  EXPECT_FALSE(t.Find("site5000.example.cn").has_value());
  EXPECT_FALSE(t.Find("example.cn").has_value());
  EXPECT_FALSE(t.Find("").has_value());
  EXPECT_FALSE(t.Look("site5000.example.cn").has_value());
  std::size_t seen = 0;
  t.ForEach([&](std::string_view d, const GateStanding& s) {
    ++seen;
    EXPECT_EQ(expected.at(std::string(d)), s);
  });
  EXPECT_EQ(seen, 5000u);
}

TEST(GateTable, AnEmptyTableFindsNothing) {
  const GateTable t;
  EXPECT_EQ(t.size(), 0u);
  EXPECT_FALSE(t.Find("example.cn").has_value());
  const GateTable built = GateTable::Builder().Build();
  EXPECT_FALSE(built.Contains("example.cn"));
}

}  // namespace
}  // namespace icp
