#include "domain/organization_code.h"

#include <gtest/gtest.h>

#include "domain/test_inputs.h"

namespace icp {
namespace {

TEST(OrganizationCode, AcceptsCommonlyCitedExamples) {
  EXPECT_EQ(OrganizationCode::Parse("D2143569-X")->display(), "D2143569-X");
  EXPECT_EQ(OrganizationCode::Parse("600037341")->str(), "600037341");
  EXPECT_EQ(OrganizationCode::Parse(" d2143569-x ")->str(), "D2143569X");
}

TEST(OrganizationCode, TellsWhatIsWrong) {
  EXPECT_EQ(OrganizationCode::Parse("D2143569-1").error().rule(), "org-code.checksum");
  EXPECT_EQ(OrganizationCode::Parse("D214356").error().rule(), "org-code.length");
  EXPECT_EQ(OrganizationCode::Parse("D21435_9X").error().rule(), "org-code.format");
  EXPECT_EQ(OrganizationCode::Parse("D2143569A").error().rule(), "org-code.format");
  EXPECT_EQ(OrganizationCode::Parse("").error().rule(), "org-code.empty");
  EXPECT_EQ(OrganizationCode::Parse(testing_inputs::kNotUtf8).error().rule(), "org-code.encoding");
  EXPECT_EQ(OrganizationCode::Parse(testing_inputs::kAbsurdlyLong).error().rule(),
            "org-code.length");
}

}  // namespace
}  // namespace icp
