#include "domain/mobile_number.h"

#include <gtest/gtest.h>

#include "domain/test_inputs.h"

namespace icp {
namespace {

TEST(MobileNumber, StripsCountryCodeAndDecoration) {
  for (const char* text : {"13800138000", "+86 138-0013-8000", "0086 13800138000", "8613800138000",
                           "１３８００１３８０００"}) {
    Result<MobileNumber> m = MobileNumber::Parse(text);
    ASSERT_TRUE(m.has_value()) << text << ": " << m.error().message;
    EXPECT_EQ(m->str(), "13800138000");
    EXPECT_EQ(m->carrier(), "中国移动");
    EXPECT_TRUE(m->sms_verifiable());
  }
}

TEST(MobileNumber, ReportsSegmentsThatSmsMayNotReach) {
  Result<MobileNumber> virtual_number = MobileNumber::Parse("17012345678");
  ASSERT_TRUE(virtual_number.has_value());
  EXPECT_EQ(virtual_number->kind(), MobileKind::kVirtual);
  EXPECT_FALSE(virtual_number->sms_verifiable());
  EXPECT_EQ(MobileNumber::Parse("13491234567")->kind(), MobileKind::kSatellite);  // 1349 > 134
  EXPECT_EQ(MobileNumber::Parse("13412345678")->kind(), MobileKind::kMobile);
}

TEST(MobileNumber, TellsWhatIsWrong) {
  EXPECT_EQ(MobileNumber::Parse("1380013800").error().rule(), "mobile.length");
  EXPECT_EQ(MobileNumber::Parse("010-12345678").error().rule(), "mobile.format");  // a landline
  EXPECT_EQ(MobileNumber::Parse("23800138000").error().rule(), "mobile.format");
  EXPECT_EQ(MobileNumber::Parse("12012345678").error().rule(), "mobile.segment");
  EXPECT_EQ(MobileNumber::Parse("19412345678").error().rule(), "mobile.segment");
  EXPECT_EQ(MobileNumber::Parse("138abc38000").error().rule(), "mobile.format");
  EXPECT_EQ(MobileNumber::Parse("").error().rule(), "mobile.empty");
  EXPECT_EQ(MobileNumber::Parse(testing_inputs::kNotUtf8).error().rule(), "mobile.encoding");
  EXPECT_EQ(MobileNumber::Parse(testing_inputs::kAbsurdlyLong).error().rule(), "mobile.length");
}

TEST(MobileSegments, ParseNamesTheBadLine) {
  Result<MobileSegments> t = MobileSegments::Parse("# c\n138\tx\tmobile\t\n13a\tx\tmobile\t\n");
  ASSERT_FALSE(t.has_value());
  EXPECT_NE(t.error().message.find("line 3"), std::string::npos);
  EXPECT_FALSE(MobileSegments::Parse("138\tx\tpager\t\n").has_value());
}

}  // namespace
}  // namespace icp
