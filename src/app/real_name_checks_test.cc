#include "app/real_name_checks.h"

#include <gtest/gtest.h>

#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using storage_testing::kT0;

AccountIdentity IdentityOf(const Subject& subject, std::string_view name, std::string_view mobile) {
  Result<RealName> real = RealName::Make(RealNameKind::kPerson, name, subject.certificate);
  EXPECT_TRUE(real.has_value());
  return {VerifiedRealName{*real, kT0}, *MobileNumber::Parse(mobile)};
}

TEST(CheckAgainstAccount, APersonalFilerMatchingItsRealNameAndBoundMobilePasses) {
  const Subject s = storage_testing::SampleApplication(1, "a.cn").subject;
  ASSERT_TRUE(IsIndividual(s.type));
  EXPECT_TRUE(CheckAgainstAccount(s, IdentityOf(s, s.name, s.principal.mobile.str())).empty());
  EXPECT_TRUE(
      CheckAgainstAccount(s, IdentityOf(s, "  " + s.name + "　", s.principal.mobile.str())).empty())
      << "spaces around the verified name do not count";
}

TEST(CheckAgainstAccount, AnotherNameOrMobileFailsWithItsRuleAndField) {
  const Subject s = storage_testing::SampleApplication(1, "a.cn").subject;
  std::vector<FieldViolation> v = CheckAgainstAccount(s, IdentityOf(s, "李四", "13900139000"));
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].rule, "realname.subject-name");
  EXPECT_EQ(v[0].field, "subject.name");
  EXPECT_EQ(v[1].rule, "realname.mobile");
  EXPECT_EQ(v[1].field, "subject.principal.mobile");
  EXPECT_FALSE(v[1].message_zh.empty());
}

TEST(CheckAgainstAccount, AnAccountWithoutRealNameOrMobileFailsBothChecks) {
  const Subject s = storage_testing::SampleApplication(1, "a.cn").subject;
  std::vector<FieldViolation> v = CheckAgainstAccount(s, {});
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].rule, "realname.subject-name");
  EXPECT_EQ(v[1].rule, "realname.mobile");
}

TEST(CheckAgainstAccount, AnOrganisationsContactNeedNotBeTheBoundMobile) {
  Subject s = storage_testing::SampleApplication(1, "a.cn").subject;
  s.type = SubjectType::kEnterprise;
  std::vector<FieldViolation> v = CheckAgainstAccount(s, IdentityOf(s, s.name, "13900139000"));
  EXPECT_TRUE(v.empty());
}

}  // namespace
}  // namespace icp
