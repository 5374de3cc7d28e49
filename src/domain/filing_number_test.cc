#include "domain/filing_number.h"

#include <gtest/gtest.h>

#include "domain/test_inputs.h"

namespace icp {
namespace {

TEST(FilingNumber, ParsesSubjectAndServiceNumbers) {
  Result<FilingNumber> n = FilingNumber::Parse("京ICP备12345678号-1");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->province().code(), "11");
  EXPECT_EQ(n->form(), FilingNumber::Form::kRecord);
  EXPECT_EQ(n->service(), FilingNumber::Service::kWebsite);
  EXPECT_EQ(n->service_index(), 1);
  EXPECT_EQ(n->subject_number(), "京ICP备12345678号");
  EXPECT_EQ(FilingNumber::Parse("陕ICP备2024026116号-1A")->service(), FilingNumber::Service::kApp);
  EXPECT_EQ(FilingNumber::Parse("粤B2-20090059-1626X")->service(),
            FilingNumber::Service::kMiniProgram);
}

TEST(FilingNumber, EmitsTheStrictForm) {
  EXPECT_EQ(FilingNumber::Parse(" 京ICP备 12345678号 - 2 ")->str(), "京ICP备12345678号-2");
  EXPECT_EQ(FilingNumber::Parse("京icp备12345678号")->str(), "京ICP备12345678号");
  EXPECT_EQ(FilingNumber::Parse("滇ICP备09010050-5号")->str(), "滇ICP备09010050号-5");
  EXPECT_EQ(FilingNumber::Parse("京ICP备12345678")->str(), "京ICP备12345678号");
  EXPECT_EQ(FilingNumber::Parse("京ICP备１２３４５６７８号－１")->str(), "京ICP备12345678号-1");
}

TEST(FilingNumber, KeepsLegacyPrefixesAsWritten) {
  Result<FilingNumber> n = FilingNumber::Parse("川ICP备09012345号");
  ASSERT_TRUE(n.has_value());
  EXPECT_TRUE(n->legacy_prefix());
  EXPECT_EQ(n->province().prefix(), "蜀");
  EXPECT_EQ(n->str(), "川ICP备09012345号");
  EXPECT_FALSE(FilingNumber::Parse("蜀ICP备12014244号")->legacy_prefix());
}

TEST(FilingNumber, TellsWhatIsWrong) {
  EXPECT_EQ(FilingNumber::Parse("萌ICP备20257012号").error().rule(), "filing-number.prefix");
  EXPECT_EQ(FilingNumber::Parse("ICP备12345678号").error().rule(), "filing-number.prefix");
  EXPECT_EQ(FilingNumber::Parse("京公网安备11010502000728号").error().rule(),
            "filing-number.police");
  EXPECT_EQ(FilingNumber::Parse("京ICP备123456789号").error().rule(), "filing-number.serial");
  EXPECT_EQ(FilingNumber::Parse("京ICP证1000001号").error().rule(), "filing-number.serial");
  EXPECT_EQ(FilingNumber::Parse("京ICP证B2-20171701号").error().rule(), "filing-number.serial");
  EXPECT_EQ(FilingNumber::Parse("京ICP备12345678号-0").error().rule(), "filing-number.service");
  EXPECT_EQ(FilingNumber::Parse("京ICP备12345678号-1B").error().rule(), "filing-number.format");
  EXPECT_EQ(FilingNumber::Parse("京ICP备12345678号-1-2").error().rule(), "filing-number.format");
  EXPECT_EQ(FilingNumber::Parse("京XYZ12345678号").error().rule(), "filing-number.format");
  EXPECT_EQ(FilingNumber::Parse("").error().rule(), "filing-number.empty");
}

TEST(FilingNumber, SurvivesHostileInput) {
  EXPECT_EQ(FilingNumber::Parse(testing_inputs::kNotUtf8).error().rule(), "filing-number.encoding");
  EXPECT_EQ(FilingNumber::Parse(testing_inputs::kAbsurdlyLong).error().rule(),
            "filing-number.length");
  EXPECT_FALSE(FilingNumber::Parse(std::string("京ICP备1234\0"
                                               "5678号",
                                               20))
                   .has_value());
  EXPECT_FALSE(FilingNumber::Parse("京").has_value());
  EXPECT_FALSE(FilingNumber::Parse("\xE4\xBA").has_value());
}

TEST(FilingNumber, FlagsPlaceholders) {
  EXPECT_TRUE(FilingNumber::Parse("京ICP备00000000号-1A")->placeholder());
  EXPECT_FALSE(FilingNumber::Parse("京ICP备10046444号")->placeholder());
}

std::vector<std::string> RulesOf(const Result<void>& r) {
  std::vector<std::string> out;
  if (!r) {
    for (const FieldViolation& v : r.error().violations) out.push_back(v.rule);
  }
  return out;
}

TEST(CheckSubjectNumber, WantsASubjectNumberOfTheSubjectsProvince) {
  const Province guangdong = *Province::FromCode("44");
  EXPECT_TRUE(CheckSubjectNumber(*FilingNumber::Parse("粤ICP备2020012345号"), guangdong));
  EXPECT_TRUE(CheckSubjectNumber(*FilingNumber::Parse("粤B2-20090059"), guangdong));
  EXPECT_EQ(RulesOf(CheckSubjectNumber(*FilingNumber::Parse("京ICP备2020012345号-1"), guangdong)),
            (std::vector<std::string>{"filing-number.not-subject", "filing-number.province"}));
  EXPECT_EQ(RulesOf(CheckSubjectNumber(*FilingNumber::Parse("粤ICP备12345678号"), guangdong)),
            (std::vector<std::string>{"filing-number.placeholder"}));
}

TEST(CheckWebsiteNumber, WantsAWebsiteNumberUnderTheSubjectsNumber) {
  const FilingNumber subject = *FilingNumber::Parse("川ICP备2015000053号");
  EXPECT_TRUE(CheckWebsiteNumber(*FilingNumber::Parse("蜀ICP备2015000053号-2"), subject))
      << "a legacy prefix is the same number";
  EXPECT_EQ(RulesOf(CheckWebsiteNumber(*FilingNumber::Parse("蜀ICP备2015000053号-2A"), subject)),
            (std::vector<std::string>{"filing-number.not-website"}));
  EXPECT_EQ(RulesOf(CheckWebsiteNumber(*FilingNumber::Parse("蜀ICP备2015000054号-1"), subject)),
            (std::vector<std::string>{"filing-number.not-under-subject"}));
  EXPECT_EQ(RulesOf(CheckWebsiteNumber(*FilingNumber::Parse("蜀ICP证150053号-1"), subject)),
            (std::vector<std::string>{"filing-number.not-under-subject"}));
  EXPECT_EQ(RulesOf(CheckWebsiteNumber(*FilingNumber::Parse("蜀ICP备2015000053号"), subject)),
            (std::vector<std::string>{"filing-number.not-website"}));
}

}  // namespace
}  // namespace icp
