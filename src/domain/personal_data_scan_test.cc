#include "domain/personal_data_scan.h"

#include <gtest/gtest.h>

#include "domain/personal_data.h"

namespace icp {
namespace {

using Found = std::vector<PersonalDataFound>;

TEST(FindUnmaskedPersonalData, FindsAResidentIdWithItsCheckCharacter) {
  EXPECT_EQ(FindUnmaskedPersonalData("id 11010519491231002X"),
            (Found{{PersonalDataKind::kResidentId, 3, 18}}));
  EXPECT_EQ(FindUnmaskedPersonalData("{\"number\":\"11010519491231002x\"}"),
            (Found{{PersonalDataKind::kResidentId, 11, 18}}));
  EXPECT_EQ(FindUnmaskedPersonalData("440308199901101512").size(), 1u);
}

TEST(FindUnmaskedPersonalData, IgnoresEighteenDigitsThatAreNoResidentId) {
  EXPECT_TRUE(FindUnmaskedPersonalData("110105194912310021").empty());  // wrong check digit
  // Right check characters, but no such birth date: month 13, born 1899, 30 February.
  EXPECT_TRUE(FindUnmaskedPersonalData("110105194913310021").empty());
  EXPECT_TRUE(FindUnmaskedPersonalData("110105189912310023").empty());
  EXPECT_TRUE(FindUnmaskedPersonalData("110105194902300020").empty());
  EXPECT_TRUE(FindUnmaskedPersonalData("1101051949123100").empty());  // too short
}

TEST(FindUnmaskedPersonalData, FindsMobileNumbersInEveryCommonForm) {
  EXPECT_EQ(FindUnmaskedPersonalData("call 13800138000"),
            (Found{{PersonalDataKind::kMobile, 5, 11}}));
  EXPECT_EQ(FindUnmaskedPersonalData("+86 138-0013-8000"),
            (Found{{PersonalDataKind::kMobile, 4, 13}}));
  EXPECT_EQ(FindUnmaskedPersonalData("138 0013 8000").size(), 1u);
  EXPECT_EQ(FindUnmaskedPersonalData("8613800138000").size(), 1u);
  EXPECT_EQ(FindUnmaskedPersonalData("008613800138000").size(), 1u);
}

TEST(FindUnmaskedPersonalData, CountsCodePointsAndFoldsFullWidthDigits) {
  EXPECT_EQ(FindUnmaskedPersonalData("负责人手机13800138000"),
            (Found{{PersonalDataKind::kMobile, 5, 11}}));
  EXPECT_EQ(FindUnmaskedPersonalData("手机：１３８００１３８０００"),
            (Found{{PersonalDataKind::kMobile, 3, 11}}));
}

TEST(FindUnmaskedPersonalData, IgnoresNumbersInsideLongerTokens) {
  EXPECT_TRUE(FindUnmaskedPersonalData("ab13800138000").empty());
  EXPECT_TRUE(FindUnmaskedPersonalData("138001380001").empty());
  EXPECT_TRUE(FindUnmaskedPersonalData("3f13800138000e11010519491231002Xa").empty());
  EXPECT_TRUE(FindUnmaskedPersonalData("application:42:submit:3 at 1795000000").empty());
  EXPECT_TRUE(FindUnmaskedPersonalData("12800138000").empty());  // no such segment
}

TEST(FindUnmaskedPersonalData, FindsEmailAddressesWithAnUnmaskedLocalPart) {
  EXPECT_EQ(FindUnmaskedPersonalData("{\"email\":\"zhangsan@example.com\"}"),
            (Found{{PersonalDataKind::kEmail, 10, 20}}));
  EXPECT_EQ(FindUnmaskedPersonalData("write to li.si+icp@mail.example.cn."),
            (Found{{PersonalDataKind::kEmail, 9, 25}}));
  EXPECT_TRUE(FindUnmaskedPersonalData("account@localhost").empty());
  EXPECT_TRUE(FindUnmaskedPersonalData("@example.com").empty());
}

TEST(FindUnmaskedPersonalData, FindsTaiwanAndHongKongIdentityNumbers) {
  EXPECT_EQ(FindUnmaskedPersonalData("B221690311"), (Found{{PersonalDataKind::kTaiwanId, 0, 10}}));
  EXPECT_TRUE(FindUnmaskedPersonalData("B221690312").empty());  // check digit
  EXPECT_EQ(FindUnmaskedPersonalData("香港身份证 P174468(6)"),
            (Found{{PersonalDataKind::kHongKongIdCard, 6, 10}}));
  EXPECT_TRUE(FindUnmaskedPersonalData("P174468(5)").empty());  // check character
}

TEST(FindUnmaskedPersonalData, LetsTheMaskedFormsThrough) {
  EXPECT_TRUE(FindUnmaskedPersonalData("440***********1512").empty());
  EXPECT_TRUE(FindUnmaskedPersonalData("138****8000").empty());
  EXPECT_TRUE(FindUnmaskedPersonalData("z***@example.com").empty());
  const std::string masked = "{\"number\":\"" + MaskCertificateNumber("440308199901101512") +
                             "\",\"mobile\":\"" + MaskMobile("13800138000") + "\",\"email\":\"" +
                             MaskEmail("zhangsan@example.com") + "\",\"tw\":\"" +
                             MaskCertificateNumber("B221690311") + "\"}";
  EXPECT_TRUE(FindUnmaskedPersonalData(masked).empty()) << masked;
}

TEST(FindUnmaskedPersonalData, ReportsEveryIdentifierInOrder) {
  const Found found = FindUnmaskedPersonalData("13800138000, a@b.cn, 11010519491231002X");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].kind, PersonalDataKind::kMobile);
  EXPECT_EQ(found[1].kind, PersonalDataKind::kEmail);
  EXPECT_EQ(found[2].kind, PersonalDataKind::kResidentId);
  EXPECT_EQ(PersonalDataKindName(found[2].kind), "resident ID number");
  EXPECT_EQ(PersonalDataKindLabel(found[0].kind), "手机号码");
}

TEST(FindUnmaskedPersonalData, ScansInvalidUtf8ByteByByte) {
  EXPECT_EQ(FindUnmaskedPersonalData("\xff 13800138000"),
            (Found{{PersonalDataKind::kMobile, 2, 11}}));
}

}  // namespace
}  // namespace icp
