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
  // Nine characters (27 bytes) are a short number: the first and last stay.
  EXPECT_EQ(MaskCertificateNumber("港澳通行证一二三四"), "港*******四");
  EXPECT_EQ(MaskCertificateNumber("Ｇ１２３４５６７"), "Ｇ******７");
}

TEST(PersonalDataTest, MasksAChineseEmailLocalPartByCharacter) {
  EXPECT_EQ(MaskEmail("张三@example.com"), "张***@example.com");
  EXPECT_EQ(MaskEmail("\xff@example.com"), "****@example.com");  // no byte of a character
}

TEST(PersonalDataTest, MasksChineseNamesByCharacter) {
  EXPECT_EQ(MaskName("张三"), "张*");
  EXPECT_EQ(MaskName("王小明"), "王*明");
  EXPECT_EQ(MaskName("欧阳小明"), "欧**明");
  EXPECT_EQ(MaskName("张"), "*");
  EXPECT_EQ(MaskName("John Smith"), "J********h");
  EXPECT_EQ(MaskName(""), "");
}

TEST(PersonalDataTest, MasksChineseAddressesByCharacter) {
  EXPECT_EQ(MaskAddress("广东省深圳市南山区科技园路1号"), "广东省深圳市*********");
  EXPECT_EQ(MaskAddress("北京市朝阳区"), "北京市***");
  EXPECT_EQ(MaskAddress("深圳"), "深*");
  EXPECT_EQ(MaskAddress("1 Main Street, Springfield"), "1 Main********************");
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
