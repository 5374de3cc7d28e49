#include "domain/credit_code.h"

#include <gtest/gtest.h>

#include "domain/test_inputs.h"

namespace icp {
namespace {

TEST(CreditCode, AcceptsTheStandardsOwnExample) {
  Result<CreditCode> code = CreditCode::Parse(" 91350100m000100y43 ");
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(code->str(), "91350100M000100Y43");
  EXPECT_EQ(code->region(), "350100");
  EXPECT_EQ(code->registration_authority_name(), "工商");
  EXPECT_EQ(code->entity_type_name(), "企业");
}

TEST(CreditCode, ExposesTheEmbeddedOrganisationCode) {
  Result<CreditCode> code = CreditCode::Parse("91110000600037341L");
  ASSERT_TRUE(code.has_value());
  ASSERT_TRUE(code->organization_code().has_value());
  EXPECT_EQ(code->organization_code()->display(), "60003734-1");
  EXPECT_EQ(CreditCode::Parse("121200004013590816")->entity_type_name(), "事业单位");
}

TEST(CreditCode, TellsWhatIsWrong) {
  EXPECT_EQ(CreditCode::Parse("91350100M000100Y44").error().rule(), "credit-code.checksum");
  EXPECT_EQ(CreditCode::Parse("").error().rule(), "credit-code.empty");
  EXPECT_EQ(CreditCode::Parse("9135010").error().rule(), "credit-code.length");
  EXPECT_EQ(CreditCode::Parse("91350100M000100YO3").error().rule(), "credit-code.format");
  EXPECT_EQ(CreditCode::Parse("B1350100M000100Y43").error().rule(), "credit-code.authority");
  EXPECT_EQ(CreditCode::Parse("94350100M000100Y43").error().rule(), "credit-code.entity-type");
  EXPECT_EQ(CreditCode::Parse("9135A100M000100Y43").error().rule(), "credit-code.format");
}

TEST(CreditCode, SurvivesHostileInput) {
  EXPECT_EQ(CreditCode::Parse(testing_inputs::kNotUtf8).error().rule(), "credit-code.encoding");
  EXPECT_EQ(CreditCode::Parse(testing_inputs::kAbsurdlyLong).error().rule(), "credit-code.length");
  EXPECT_FALSE(CreditCode::Parse(testing_inputs::kEmbeddedNul).has_value());
}

}  // namespace
}  // namespace icp
