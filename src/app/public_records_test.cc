#include "app/public_records.h"

#include <gtest/gtest.h>

#include "app/record_service.h"
#include "domain/personal_data.h"
#include "ports/testing/fake_clock.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using storage_testing::kT0;
using storage_testing::SampleApplication;

FilingNumber Number(std::string_view text) { return *FilingNumber::Parse(text); }

std::string SubjectNumber(int serial) {
  return "粤ICP备20260" + std::to_string(10000 + serial) + "号";
}
std::string WebsiteNumber(int serial, int n) {
  const std::string s = SubjectNumber(serial);
  return s.substr(0, s.size() - 3) + "号-" + std::to_string(n);
}

// Subject `serial` of Guangdong with a website per domain; a unit named `unit` when given.
SubjectImport Filed(AccountId account, int serial, std::vector<std::string_view> domains,
                    std::string_view unit = {}) {
  Application a = SampleApplication(serial, domains.front());
  if (!unit.empty()) {
    a.subject.type = SubjectType::kEnterprise;
    a.subject.name = std::string(unit);
  }
  SubjectImport in{account, Number(SubjectNumber(serial)), a.subject, {}};
  for (std::size_t i = 0; i < domains.size(); ++i) {
    Website w = SampleApplication(serial, domains[i]).websites[0];
    w.name = "站点" + std::to_string(i + 1);
    in.websites.push_back({Number(WebsiteNumber(serial, static_cast<int>(i) + 1)), w});
  }
  return in;
}

std::vector<std::string> Numbers(const PublicRecordPage& page) {
  std::vector<std::string> out;
  for (const PublicRecord& r : page.items) out.push_back(r.website_number.str());
  return out;
}

std::string Rule(const Result<PublicRecordPage>& r) {
  if (r) return "ok";
  if (r.error().violations.empty()) return r.error().message;
  return r.error().violations[0].field + " " + r.error().violations[0].rule;
}

class PublicRecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<RecordImportReport> r =
        records_.Import(admin_, {Filed(alice_.account, 1, {"one.cn", "two.cn"}),
                                 Filed(alice_.account, 2, {"unit-a.cn"}, "广州某某科技有限公司"),
                                 Filed(bob_.account, 3, {"unit-b.cn"}, "广州某某科技有限公司"),
                                 Filed(bob_.account, 4, {"unit-c.cn"}, "另一家公司")});
    ASSERT_TRUE(r.has_value()) << r.error().message;
  }

  Result<PublicRecordPage> Ask(PublicQueryBy by, std::string value, std::size_t limit = 10,
                               SubjectId after = SubjectId(0)) {
    return service_.Query({by, std::move(value), after, limit});
  }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  FakeClock clock_{kT0};
  RecordService records_{*db_, clock_};
  PublicRecordService service_{*db_};
  Caller admin_{storage_testing::CreateAccount(*db_, "admin"), Role::kAdmin};
  Caller alice_{storage_testing::CreateAccount(*db_, "alice"), Role::kCustomer};
  Caller bob_{storage_testing::CreateAccount(*db_, "bob"), Role::kCustomer};
};

TEST_F(PublicRecordsTest, ByDomainFindsTheWebsiteAndMasksAPersonsName) {
  Result<PublicRecordPage> r = Ask(PublicQueryBy::kDomain, "two.cn");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(Numbers(*r), std::vector<std::string>{WebsiteNumber(1, 2)});
  const PublicRecord& rec = r->items[0];
  EXPECT_EQ(rec.subject_number.str(), SubjectNumber(1));
  EXPECT_EQ(rec.website_name, "站点2");
  EXPECT_EQ(rec.subject_type, SubjectType::kIndividual);
  const std::string full = SampleApplication(1, "two.cn").subject.name;
  EXPECT_NE(rec.subject_name, full);
  EXPECT_EQ(rec.subject_name, MaskName(full));
}

TEST_F(PublicRecordsTest, ByDomainFallsBackToTheRegistrableDomain) {
  EXPECT_EQ(Numbers(*Ask(PublicQueryBy::kDomain, "www.one.cn")),
            std::vector<std::string>{WebsiteNumber(1, 1)});
  EXPECT_TRUE(Ask(PublicQueryBy::kDomain, "nothing-here.cn")->items.empty());
}

TEST_F(PublicRecordsTest, BySubjectNumberListsItsWebsitesAndByWebsiteNumberOne) {
  EXPECT_EQ(Numbers(*Ask(PublicQueryBy::kNumber, SubjectNumber(1))),
            (std::vector<std::string>{WebsiteNumber(1, 1), WebsiteNumber(1, 2)}));
  EXPECT_EQ(Numbers(*Ask(PublicQueryBy::kNumber, WebsiteNumber(1, 2))),
            std::vector<std::string>{WebsiteNumber(1, 2)});
  // Lenient input, as people write numbers: a missing 号 is the same number.
  EXPECT_EQ(Numbers(*Ask(PublicQueryBy::kNumber, "粤ICP备2026010001号-2")),
            std::vector<std::string>{WebsiteNumber(1, 2)});
  EXPECT_TRUE(Ask(PublicQueryBy::kNumber, WebsiteNumber(1, 3))->items.empty());
}

TEST_F(PublicRecordsTest, ByUnitNameMatchesUnitsExactlyAndPages) {
  Result<PublicRecordPage> first = Ask(PublicQueryBy::kUnitName, "广州某某科技有限公司", 1);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(Numbers(*first), std::vector<std::string>{WebsiteNumber(2, 1)});
  EXPECT_EQ(first->items[0].subject_name, "广州某某科技有限公司");  // a unit's name is public
  ASSERT_TRUE(first->next.has_value());
  Result<PublicRecordPage> second =
      Ask(PublicQueryBy::kUnitName, "广州某某科技有限公司", 1, *first->next);
  EXPECT_EQ(Numbers(*second), std::vector<std::string>{WebsiteNumber(3, 1)});
  EXPECT_FALSE(second->next.has_value());
  EXPECT_TRUE(Ask(PublicQueryBy::kUnitName, "广州某某科技")->items.empty());
}

TEST_F(PublicRecordsTest, AWebsiteWithoutItsNumberIsNotShown) {
  // A website on record but not filed yet (no number issued): never in the public query.
  auto uow = *db_->Begin();
  const SubjectRecord subject = **uow->subjects().FindByNumber(Number(SubjectNumber(1)));
  const WebsiteRecord draft{
      WebsiteId(),  subject.id, SampleApplication(1, "draft.cn").websites[0], std::nullopt, false,
      std::nullopt, 0};
  ASSERT_TRUE(uow->websites().Insert(draft).has_value());
  ASSERT_TRUE(uow->Commit().has_value());
  EXPECT_TRUE(Ask(PublicQueryBy::kDomain, "draft.cn")->items.empty());
  EXPECT_EQ(Ask(PublicQueryBy::kNumber, SubjectNumber(1))->items.size(), 2u);
}

TEST_F(PublicRecordsTest, APersonIsNeverFoundByName) {
  const std::string person = SampleApplication(1, "one.cn").subject.name;
  EXPECT_TRUE(Ask(PublicQueryBy::kUnitName, person)->items.empty());
}

TEST_F(PublicRecordsTest, BadInputNamesItsParameter) {
  EXPECT_EQ(Rule(Ask(PublicQueryBy::kDomain, "bad_label.cn")).substr(0, 7), "domain ");
  EXPECT_EQ(Rule(Ask(PublicQueryBy::kNumber, "not a number")).substr(0, 7), "number ");
  EXPECT_EQ(Rule(Ask(PublicQueryBy::kUnitName, "")), "unit_name public-query.unit-name");
  EXPECT_EQ(Rule(Ask(PublicQueryBy::kUnitName, std::string(257, 'a'))),
            "unit_name public-query.unit-name");
  EXPECT_EQ(Rule(Ask(PublicQueryBy::kDomain, "one.cn", 0)), "limit request.limit");
  EXPECT_EQ(Rule(Ask(PublicQueryBy::kDomain, "one.cn", kMaxPublicPage + 1)), "limit request.limit");
}

}  // namespace
}  // namespace icp
