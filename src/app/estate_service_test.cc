// Adoption of the provider's filed estate (app/estate_service.h) on the memory store.
#include "app/estate_service.h"

#include <gtest/gtest.h>

#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using storage_testing::kT0;
constexpr std::int64_t kIsp = 440000000001;

// The estate record of subject `serial` (its sample application) with one website on `domain`.
EstateRecord RecordOf(int serial, std::string_view domain) {
  Application a = storage_testing::SampleApplication(serial, domain);
  const std::string number = "粤ICP备2026" + std::string(6 - std::to_string(serial).size(), '0') +
                             std::to_string(serial) + "号";
  BureauIds ids;
  ids.subject_id = 3000 + serial;
  ids.subject_number = number;
  BureauIds::Website site{4000 + serial,
                          number + "-1",
                          {{std::string(domain), 5000 + serial}},
                          BureauIds::Access{6000 + serial, kIsp, {{"192.0.2.1", 7000 + serial}}}};
  ids.websites.push_back(site);
  return EstateRecord{*FilingNumber::Parse(number),
                      a.subject,
                      {{*FilingNumber::Parse(number + "-1"), a.websites[0]}},
                      ids};
}

class EstateServiceTest : public ::testing::Test {
 protected:
  // A customer whose verified real name is subject `serial`'s.
  AccountId Customer(int serial, std::string login) {
    Application a = storage_testing::SampleApplication(serial, "x.cn");
    Result<RealName> name =
        RealName::Make(RealNameKind::kPerson, a.subject.name, a.subject.certificate);
    EXPECT_TRUE(name.has_value());
    auto uow = std::move(*db_->Begin());
    Account customer{AccountId(), std::move(login), Role::kCustomer, "客户", "x", kT0};
    customer.real_name = VerifiedRealName{*name, kT0};
    AccountId id = *uow->accounts().Insert(customer);
    EXPECT_TRUE(uow->Commit().has_value());
    return id;
  }

  Result<AdoptionReport> Adopt(EstateService& service, const std::vector<EstateRecord>& records) {
    auto uow = std::move(*db_->Begin());
    Result<AdoptionReport> r = service.Adopt(*uow, kIsp, records, kT0);
    if (r) {
      EXPECT_TRUE(uow->Commit().has_value());
    }
    return r;
  }

  // Everything adoption writes, to compare before and after.
  std::string Dump(AccountId account) {
    auto read = std::move(*db_->BeginRead());
    std::string out;
    const std::vector<SubjectRecord> subjects = *read->subjects().ListByAccount(account);
    for (const SubjectRecord& s : subjects) {
      out += std::to_string(s.id.value()) + " " + (s.number ? s.number->str() : "-") + " r" +
             std::to_string(s.revision) + "\n";
      const std::vector<WebsiteRecord> websites = *read->websites().ListBySubject(s.id);
      for (const WebsiteRecord& w : websites) {
        out += "  " + std::to_string(w.id.value()) + " " + (w.number ? w.number->str() : "-") +
               " r" + std::to_string(w.revision) + "\n";
      }
      Result<std::optional<BureauIds>> ids = read->bureau_link().SubjectIds(s.id);
      out += "  ztid " + std::to_string((*ids)->subject_id.value_or(0)) + " websites " +
             std::to_string((*ids)->websites.size()) + "\n";
    }
    return out;
  }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
};

TEST_F(EstateServiceTest, WritesTheEstateForTheCustomerWhoseRealNameItIs) {
  const AccountId customer = Customer(1, "customer");
  EstateService service;
  Result<AdoptionReport> r = Adopt(service, {RecordOf(1, "one.cn")});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->subjects_created, 1);
  EXPECT_EQ(r->websites_created, 1);
  EXPECT_EQ(r->ids_updated, 1);
  EXPECT_TRUE(r->skipped.empty());
  auto read = std::move(*db_->BeginRead());
  std::vector<SubjectRecord> mine = *read->subjects().ListByAccount(customer);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].number->str(), "粤ICP备2026000001号");
  std::optional<WebsiteRecord> site = *read->websites().FindByDomain(*DomainName::Parse("one.cn"));
  ASSERT_TRUE(site.has_value());
  EXPECT_EQ(site->number->str(), "粤ICP备2026000001号-1");
  EXPECT_EQ(*read->bureau_link().SubjectIds(mine[0].id), RecordOf(1, "one.cn").ids);
  EXPECT_EQ(*read->bureau_link().SubjectByBureauId(kIsp, 3001), mine[0].id);
}

TEST_F(EstateServiceTest, AdoptingTheSameEstateAgainChangesNothing) {
  const AccountId customer = Customer(1, "customer");
  EstateService service;
  ASSERT_TRUE(Adopt(service, {RecordOf(1, "one.cn")}).has_value());
  const std::string before = Dump(customer);
  Result<AdoptionReport> again = Adopt(service, {RecordOf(1, "one.cn")});
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->subjects_created, 0);
  EXPECT_EQ(again->websites_created, 0);
  EXPECT_EQ(again->ids_updated, 0);
  EXPECT_EQ(again->unchanged, 2);
  EXPECT_EQ(Dump(customer), before);
}

TEST_F(EstateServiceTest, ASubjectsWebsitesInTwoBatchesKeepEachOthersIds) {
  const AccountId customer = Customer(1, "customer");
  EstateService service;
  EstateRecord first = RecordOf(1, "one.cn");
  EstateRecord second = RecordOf(1, "two.cn");
  second.websites[0].number = *FilingNumber::Parse("粤ICP备2026000001号-2");
  second.ids.websites[0].id = 4999;
  second.ids.websites[0].number = "粤ICP备2026000001号-2";
  ASSERT_TRUE(Adopt(service, {first, second}).has_value());
  const std::string before = Dump(customer);
  EXPECT_NE(before.find("websites 2"), std::string::npos) << before;
  Result<AdoptionReport> again = Adopt(service, {first, second});
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->ids_updated, 0);
  EXPECT_EQ(Dump(customer), before);
}

TEST_F(EstateServiceTest, ARecordNoAccountMayHoldIsSkippedUntilAnEstateAccountIsSet) {
  EstateService without;
  Result<AdoptionReport> r = Adopt(without, {RecordOf(2, "two.cn")});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->subjects_created, 0);
  ASSERT_EQ(r->skipped.size(), 1u);
  EXPECT_EQ(r->skipped[0].rule, "bureau.estate.no-account");
  EXPECT_EQ(r->skipped[0].field, "粤ICP备2026000002号");

  const AccountId estate = storage_testing::CreateAccount(*db_, "estate");
  EstateService with("estate");
  Result<AdoptionReport> adopted = Adopt(with, {RecordOf(2, "two.cn")});
  ASSERT_TRUE(adopted.has_value()) << adopted.error().message;
  EXPECT_EQ(adopted->subjects_created, 1);
  EXPECT_EQ((*db_->BeginRead())->subjects().ListByAccount(estate)->size(), 1u);
}

TEST_F(EstateServiceTest, AnEstateAccountThatIsNotACustomersIsRefused) {
  {
    auto uow = std::move(*db_->Begin());
    ASSERT_TRUE(uow->accounts()
                    .Insert({AccountId(), "staff", Role::kReviewer, "审核", "x", kT0})
                    .has_value());
    ASSERT_TRUE(uow->Commit().has_value());
  }
  EstateService service("staff");
  Result<AdoptionReport> r = Adopt(service, {RecordOf(2, "two.cn")});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "bureau.estate.account");
}

TEST_F(EstateServiceTest, ADomainHeldHereByAnotherSubjectIsSkippedAndTheRestWritten) {
  const AccountId customer = Customer(3, "customer");
  storage_testing::FileWebsite(*db_, storage_testing::CreateAccount(*db_, "other"), 9, "three.cn");
  EstateService service;
  Result<AdoptionReport> r = Adopt(service, {RecordOf(3, "three.cn")});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->subjects_created, 1);
  EXPECT_EQ(r->websites_created, 0);
  ASSERT_EQ(r->skipped.size(), 1u);
  EXPECT_EQ(r->skipped[0].rule, "bureau.estate.domain-taken");
  EXPECT_EQ((*db_->BeginRead())->subjects().ListByAccount(customer)->size(), 1u);
}

TEST_F(EstateServiceTest, ASubjectOnRecordUnderAnotherNumberIsSkipped) {
  // Subject 9 is on record here as 京ICP备2027000009号; the bureau's record of the same
  // certificate says 粤ICP备2026000009号.
  storage_testing::FileWebsite(*db_, storage_testing::CreateAccount(*db_, "other"), 9, "nine.cn");
  EstateService service;
  Result<AdoptionReport> adopted = Adopt(service, {RecordOf(9, "nine.cn")});
  ASSERT_TRUE(adopted.has_value()) << adopted.error().message;
  EXPECT_EQ(adopted->subjects_created + adopted->websites_created + adopted->ids_updated, 0);
  ASSERT_EQ(adopted->skipped.size(), 1u);
  EXPECT_EQ(adopted->skipped[0].rule, "bureau.estate.other-number");
}

}  // namespace
}  // namespace icp
