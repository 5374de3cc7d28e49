#include "domain/personal_data.h"

#include <gtest/gtest.h>

namespace icp {
namespace {

TEST(PersonalDataTest, MasksCertificateNumbersKeepingEnds) {
  EXPECT_EQ(MaskCertificateNumber("440308199901101512"), "440***********1512");
  EXPECT_EQ(MaskCertificateNumber("91350211M000100Y43"), "913***********0Y43");
  EXPECT_EQ(MaskCertificateNumber("G1234567"), "G******7");
  EXPECT_EQ(MaskCertificateNumber("AB"), "*B");
  EXPECT_EQ(MaskCertificateNumber("A"), "*");
  EXPECT_EQ(MaskCertificateNumber(""), "");
}

TEST(PersonalDataTest, MasksMobileAndEmail) {
  EXPECT_EQ(MaskMobile("13800138000"), "138****8000");
  EXPECT_EQ(MaskEmail("zhangsan@example.com"), "z***@example.com");
  EXPECT_EQ(MaskEmail("broken"), "b*****");
}

TEST(PersonalDataTest, MasksByCodePointNotByte) {
  EXPECT_EQ(MaskCertificateNumber("证件号码一二三四五六"), "证件号***三四五六");
}

TEST(PersonalDataTest, OnlyStaffAndTheOwnerSeeFullValues) {
  EXPECT_EQ(DisclosureFor(Role::kCustomer, false), Disclosure::kMasked);
  EXPECT_EQ(DisclosureFor(Role::kCustomer, true), Disclosure::kFull);
  EXPECT_EQ(DisclosureFor(Role::kReviewer, false), Disclosure::kFull);
  EXPECT_EQ(DisclosureFor(Role::kAdmin, false), Disclosure::kFull);
  EXPECT_EQ(Disclose("13800138000", Disclosure::kMasked, MaskMobile), "138****8000");
  EXPECT_EQ(RoleFromName("reviewer"), Role::kReviewer);
  EXPECT_FALSE(RoleFromName("root").has_value());
}

}  // namespace
}  // namespace icp
