#include <gtest/gtest.h>

#include "domain/hk_macao_permit.h"
#include "domain/hong_kong_identity_card.h"
#include "domain/passport.h"
#include "domain/taiwan_national_id.h"
#include "domain/taiwan_permit.h"
#include "domain/test_inputs.h"

namespace icp {
namespace {

TEST(HongKongMacaoPermit, AcceptsCardAndBookletForms) {
  Result<HongKongMacaoPermit> p = HongKongMacaoPermit::Parse(" h12345678 ");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->str(), "H12345678");
  EXPECT_EQ(p->region(), HongKongMacaoPermit::Region::kHongKong);
  EXPECT_EQ(p->last_six(), "345678");
  EXPECT_EQ(HongKongMacaoPermit::Parse("M1234567801")->region(),
            HongKongMacaoPermit::Region::kMacao);
}

TEST(HongKongMacaoPermit, TellsWhatIsWrong) {
  EXPECT_EQ(HongKongMacaoPermit::Parse("X12345678").error().rule(), "hk-macao-permit.format");
  EXPECT_EQ(HongKongMacaoPermit::Parse("H1234567").error().rule(), "hk-macao-permit.length");
  EXPECT_EQ(HongKongMacaoPermit::Parse("H1234567A").error().rule(), "hk-macao-permit.format");
  EXPECT_EQ(HongKongMacaoPermit::Parse("").error().rule(), "hk-macao-permit.empty");
  EXPECT_EQ(HongKongMacaoPermit::Parse(testing_inputs::kNotUtf8).error().rule(),
            "hk-macao-permit.encoding");
  EXPECT_EQ(HongKongMacaoPermit::Parse(testing_inputs::kAbsurdlyLong).error().rule(),
            "hk-macao-permit.length");
}

TEST(TaiwanPermit, AcceptsCardAndFlagsBooklet) {
  EXPECT_FALSE(TaiwanPermit::Parse("12345678")->legacy_booklet());
  EXPECT_EQ(TaiwanPermit::Parse("1234567890B").error().rule(), "taiwan-permit.length");
  EXPECT_TRUE(TaiwanPermit::Parse("123456789B")->legacy_booklet());
}

TEST(TaiwanPermit, TellsWhatIsWrong) {
  EXPECT_EQ(TaiwanPermit::Parse("1234567").error().rule(), "taiwan-permit.length");
  EXPECT_EQ(TaiwanPermit::Parse("1234567A").error().rule(), "taiwan-permit.format");
  EXPECT_EQ(TaiwanPermit::Parse("1234567890").error().rule(), "taiwan-permit.format");
  EXPECT_EQ(TaiwanPermit::Parse(testing_inputs::kNotUtf8).error().rule(), "taiwan-permit.encoding");
}

TEST(Passport, ClassifiesChineseAndAcceptsForeignNumbers) {
  EXPECT_EQ(Passport::Parse("E12345678")->kind(), Passport::Kind::kChineseOrdinary);
  EXPECT_EQ(Passport::Parse("EA1234567")->kind(), Passport::Kind::kChineseOrdinary);
  EXPECT_EQ(Passport::Parse("G12345678")->kind(), Passport::Kind::kChineseOrdinary);
  EXPECT_EQ(Passport::Parse("D12345678")->kind(), Passport::Kind::kChineseOfficial);
  EXPECT_EQ(Passport::Parse("c01x00t47")->kind(), Passport::Kind::kOther);
  EXPECT_EQ(Passport::Parse("c01x00t47")->str(), "C01X00T47");
}

TEST(Passport, TellsWhatIsWrong) {
  EXPECT_EQ(Passport::Parse("E12").error().rule(), "passport.length");
  EXPECT_EQ(Passport::Parse("E1234_678").error().rule(), "passport.format");
  EXPECT_EQ(Passport::Parse("护照12345").error().rule(), "passport.format");
  EXPECT_EQ(Passport::Parse(" ").error().rule(), "passport.empty");
  EXPECT_EQ(Passport::Parse(testing_inputs::kAbsurdlyLong).error().rule(), "passport.length");
}

TEST(HongKongIdentityCard, ChecksTheCheckCharacter) {
  EXPECT_EQ(HongKongIdentityCard::Parse("p1744686")->str(), "P174468(6)");
  EXPECT_EQ(HongKongIdentityCard::Parse("P174468(5)").error().rule(), "hk-id-card.checksum");
  EXPECT_EQ(HongKongIdentityCard::Parse("K034178(2)").error().rule(),
            "hk-id-card.checksum");  // FACTS §9.5
  EXPECT_EQ(HongKongIdentityCard::Parse("1744686").error().rule(), "hk-id-card.length");
  EXPECT_EQ(HongKongIdentityCard::Parse("P17446X6").error().rule(), "hk-id-card.format");
  EXPECT_EQ(HongKongIdentityCard::Parse(testing_inputs::kNotUtf8).error().rule(),
            "hk-id-card.encoding");
}

TEST(TaiwanNationalId, ChecksDigitAndSexCharacter) {
  EXPECT_EQ(TaiwanNationalId::Parse(" b221690311 ")->str(), "B221690311");
  EXPECT_EQ(TaiwanNationalId::Parse("B221690312").error().rule(), "taiwan-id.checksum");
  EXPECT_EQ(TaiwanNationalId::Parse("B22169031").error().rule(), "taiwan-id.length");
  EXPECT_EQ(TaiwanNationalId::Parse("1221690311").error().rule(), "taiwan-id.format");
  EXPECT_EQ(TaiwanNationalId::Parse(testing_inputs::kAbsurdlyLong).error().rule(),
            "taiwan-id.length");
}

}  // namespace
}  // namespace icp
