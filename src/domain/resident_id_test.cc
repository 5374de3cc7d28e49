#include "domain/resident_id.h"

#include <gtest/gtest.h>

#include "domain/test_inputs.h"

namespace icp {
namespace {

using namespace std::chrono;
constexpr Date kToday = 2026y / November / 23d;

TEST(ResidentId, AcceptsTheStandardsOwnExample) {
  Result<ResidentId> id = ResidentId::Parse("11010519491231002X", kToday);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->kind(), ResidentIdKind::kResidentId);
  EXPECT_EQ(id->birth_date(), 1949y / December / 31d);
  EXPECT_EQ(id->sex(), Sex::kFemale);
  EXPECT_EQ(id->region_code(), "110105");
  EXPECT_EQ(id->region_name(), "北京市 朝阳区");
  EXPECT_EQ(id->AgeOn(2026y / December / 30d), 76);
  EXPECT_EQ(id->AgeOn(2026y / December / 31d), 77);
}

TEST(ResidentId, NormalisesWhatPeopleType) {
  EXPECT_EQ(ResidentId::Parse(" 11010519491231002x ", kToday)->str(), "11010519491231002X");
  EXPECT_EQ(ResidentId::Parse("１１０１０５１９４９１２３１００２Ｘ", kToday)->str(),
            "11010519491231002X");
  EXPECT_EQ(ResidentId::Parse("110105 19491231 002X", kToday)->str(), "11010519491231002X");
}

TEST(ResidentId, TellsWhatIsWrong) {
  EXPECT_EQ(ResidentId::Parse("110105194912310021", kToday).error().rule(), "resident-id.checksum");
  EXPECT_EQ(ResidentId::Parse("", kToday).error().rule(), "resident-id.empty");
  EXPECT_EQ(ResidentId::Parse("   ", kToday).error().rule(), "resident-id.empty");
  EXPECT_EQ(ResidentId::Parse("1101051949123100", kToday).error().rule(), "resident-id.length");
  EXPECT_EQ(ResidentId::Parse("11010519491231002Y", kToday).error().rule(), "resident-id.format");
}

TEST(ResidentId, RefusesABirthInTheFuture) {
  std::string n = "11010520270101001";
  n += ResidentIdCheckCharacter(n);
  EXPECT_EQ(ResidentId::Parse(n, kToday).error().rule(), "resident-id.birth-in-future");
  EXPECT_TRUE(ResidentId::Parse(n, 2027y / January / 1d).has_value());
}

TEST(ResidentId, RefusesBirthBefore1900) {
  std::string n = "11010518991231001";
  n += ResidentIdCheckCharacter(n);
  EXPECT_EQ(ResidentId::Parse(n, kToday).error().rule(), "resident-id.birth-date");
}

TEST(ResidentId, ReportsPermitsAndForeignResidents) {
  EXPECT_EQ(ResidentId::Parse("81000019980902013X", kToday)->kind(),
            ResidentIdKind::kHongKongResidencePermit);
  EXPECT_EQ(ResidentId::Parse("820000200009100032", kToday)->kind(),
            ResidentIdKind::kMacaoResidencePermit);
  EXPECT_EQ(ResidentId::Parse("830000200209060065", kToday)->kind(),
            ResidentIdKind::kTaiwanResidencePermit);
  Result<ResidentId> foreigner = ResidentId::Parse("932682198501010017", kToday);
  ASSERT_TRUE(foreigner.has_value());
  EXPECT_EQ(foreigner->kind(), ResidentIdKind::kForeignPermanentResident);
  EXPECT_EQ(foreigner->nationality_code(), "682");
  EXPECT_EQ(foreigner->region_code(), "320000");
}

TEST(ResidentId, RefusesAPermitWithACountyPart) {
  std::string n = "81010019980902013";
  n += ResidentIdCheckCharacter(n);
  EXPECT_EQ(ResidentId::Parse(n, kToday).error().rule(), "resident-id.region");
}

TEST(ResidentId, UpgradesFirstGenerationNumbers) {
  Result<ResidentId> id = ResidentId::Parse("150102880730303", kToday);
  ASSERT_TRUE(id.has_value());
  EXPECT_TRUE(id->legacy_15());
  EXPECT_EQ(id->str(), "150102198807303035");
  EXPECT_EQ(ResidentId::Parse("15010288073030A", kToday).error().rule(), "resident-id.format");
}

TEST(ResidentId, SurvivesHostileInput) {
  EXPECT_EQ(ResidentId::Parse(testing_inputs::kNotUtf8, kToday).error().rule(),
            "resident-id.encoding");
  EXPECT_EQ(ResidentId::Parse(testing_inputs::kAbsurdlyLong, kToday).error().rule(),
            "resident-id.length");
  EXPECT_FALSE(ResidentId::Parse(testing_inputs::kEmbeddedNul, kToday).has_value());
}

}  // namespace
}  // namespace icp
