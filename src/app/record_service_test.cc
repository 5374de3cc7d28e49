#include "app/record_service.h"

#include <gtest/gtest.h>

#include "ports/testing/fake_clock.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using storage_testing::kT0;
using storage_testing::SampleApplication;

FilingNumber Number(std::string_view text) { return *FilingNumber::Parse(text); }

// Subject `serial` of Guangdong filed as 粤ICP备20260000NN号 with one website on `domain`.
SubjectImport Filed(AccountId account, int serial, std::string_view domain) {
  Application a = SampleApplication(serial, domain);
  const std::string number = "粤ICP备20260" + std::to_string(10000 + serial) + "号";
  return {account,
          Number(number),
          a.subject,
          {{Number(number.substr(0, number.size() - 3) + "号-1"), a.websites[0]}}};
}

std::vector<std::string> Rules(const Error& e) {
  std::vector<std::string> out;
  for (const FieldViolation& v : e.violations) out.push_back(v.field + " " + v.rule);
  return out;
}

class RecordServiceTest : public ::testing::Test {
 protected:
  std::size_t SubjectsOf(const Caller& c) { return service_.ListMine(c)->size(); }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  FakeClock clock_{kT0};
  RecordService service_{*db_, clock_};
  Caller admin_{storage_testing::CreateAccount(*db_, "admin"), Role::kAdmin};
  Caller alice_{storage_testing::CreateAccount(*db_, "alice"), Role::kCustomer};
  Caller bob_{storage_testing::CreateAccount(*db_, "bob"), Role::kCustomer};
};

TEST_F(RecordServiceTest, StoresSubjectsWebsitesAndNumbersWithOneAuditEntryEach) {
  Result<RecordImportReport> r = service_.Import(admin_, {Filed(alice_.account, 1, "one.cn")});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->created, 2u);
  ASSERT_EQ(r->subjects.size(), 1u);
  const SubjectImported& s = r->subjects[0];
  EXPECT_EQ(s.outcome, ImportOutcome::kCreated);

  auto uow = *db_->Begin();
  SubjectRecord subject = *uow->subjects().Get(s.id);
  EXPECT_EQ(subject.account, alice_.account);
  EXPECT_EQ(subject.number->str(), "粤ICP备2026010001号");
  WebsiteRecord site = *uow->websites().Get(s.websites.at(0).id);
  EXPECT_EQ(site.subject, s.id);
  EXPECT_EQ(site.number->str(), "粤ICP备2026010001号-1");
  std::optional<IssuedNumber> issued = *uow->numbers().Find(*site.number);
  ASSERT_TRUE(issued.has_value());
  EXPECT_EQ(issued->website, site.id);
  EXPECT_EQ(issued->issued_at, kT0);

  auto read = *db_->BeginRead();
  std::vector<StoredAuditEntry> audit = *read->audit().Read(0, 100);
  std::vector<std::string> entries;
  for (const StoredAuditEntry& e : audit) {
    if (e.entry.action == "record.import") entries.push_back(e.entry.actor + " " + e.entry.entity);
  }
  const std::string actor = "account:" + std::to_string(admin_.account.value());
  EXPECT_EQ(entries,
            (std::vector<std::string>{actor + " subject:" + std::to_string(s.id.value()),
                                      actor + " website:" + std::to_string(site.id.value())}));
}

TEST_F(RecordServiceTest, ImportingTheSameRecordsAgainChangesNothing) {
  const std::vector<SubjectImport> file = {Filed(alice_.account, 2, "two.cn")};
  ASSERT_TRUE(service_.Import(admin_, file).has_value());
  Result<RecordImportReport> again = service_.Import(admin_, file);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->created, 0u);
  EXPECT_EQ(again->unchanged, 2u);
  EXPECT_EQ(again->subjects.at(0).outcome, ImportOutcome::kUnchanged);
  EXPECT_EQ(again->subjects.at(0).websites.at(0).outcome, ImportOutcome::kUnchanged);
  EXPECT_EQ(SubjectsOf(alice_), 1u);
}

TEST_F(RecordServiceTest, ANewWebsiteOfASubjectOnRecordIsAdded) {
  SubjectImport first = Filed(alice_.account, 3, "three.cn");
  ASSERT_TRUE(service_.Import(admin_, {first}).has_value());
  first.websites.push_back(
      {Number("粤ICP备2026010003号-2"), SampleApplication(3, "three-b.cn").websites[0]});
  Result<RecordImportReport> r = service_.Import(admin_, {first});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->created, 1u);
  EXPECT_EQ(r->unchanged, 2u);
  EXPECT_EQ(service_.ListMine(alice_)->at(0).websites.size(), 2u);
}

TEST_F(RecordServiceTest, NamesEveryBadNumberAndDuplicateAtOnceAndStoresNothing) {
  SubjectImport wrong_province = Filed(alice_.account, 4, "four.cn");
  wrong_province.number = Number("京ICP备2026010004号");  // the subject is in Guangdong
  SubjectImport not_under = Filed(alice_.account, 5, "five.cn");
  not_under.websites[0].number = Number("粤ICP备2026099999号-1");
  SubjectImport twice = Filed(alice_.account, 6, "five.cn");  // five.cn again
  SubjectImport good = Filed(alice_.account, 7, "seven.cn");
  Result<RecordImportReport> r = service_.Import(admin_, {wrong_province, not_under, twice, good});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Rules(r.error()),
            (std::vector<std::string>{
                "subjects[0].number filing-number.province",
                "subjects[0].websites[0].number filing-number.not-under-subject",
                "subjects[1].websites[0].number filing-number.not-under-subject",
                "subjects[2].websites[0].website.domains[0] record-import.duplicate"}));
  EXPECT_EQ(SubjectsOf(alice_), 0u) << "all or nothing";
}

TEST_F(RecordServiceTest, NamesEveryClashWithTheStoreAtItsPath) {
  ASSERT_TRUE(service_.Import(admin_, {Filed(bob_.account, 8, "bob.cn")}).has_value());
  SubjectImport same_certificate = Filed(alice_.account, 8, "alice8.cn");  // bob's subject
  same_certificate.number = Number("粤ICP备2026010108号");
  same_certificate.websites[0].number = Number("粤ICP备2026010108号-1");
  SubjectImport taken_domain = Filed(alice_.account, 9, "bob.cn");
  SubjectImport taken_number = Filed(alice_.account, 10, "ten.cn");
  taken_number.number = Number("粤ICP备2026010008号");
  taken_number.websites[0].number = Number("粤ICP备2026010008号-2");
  Result<RecordImportReport> r =
      service_.Import(admin_, {same_certificate, taken_domain, taken_number});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(Rules(r.error()), (std::vector<std::string>{
                                  "subjects[0].subject.certificate subject.already-on-record",
                                  "subjects[1].websites[0].website.domains[0] website.domain-taken",
                                  "subjects[2].number filing-number.issued-once"}));
  EXPECT_EQ(SubjectsOf(alice_), 0u);
}

TEST_F(RecordServiceTest, ARecordOnFileWithOtherContentIsNotOverwritten) {
  SubjectImport s = Filed(alice_.account, 11, "eleven.cn");
  ASSERT_TRUE(service_.Import(admin_, {s}).has_value());
  s.subject.mailing_address = "另一个地址";
  Result<RecordImportReport> r = service_.Import(admin_, {s});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(Rules(r.error()),
            (std::vector<std::string>{"subjects[0].subject record-import.differs"}));
  s = Filed(alice_.account, 11, "eleven.cn");
  s.websites[0].website.name = "另一个名字";
  r = service_.Import(admin_, {s});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(Rules(r.error()),
            (std::vector<std::string>{"subjects[0].websites[0].website record-import.differs"}));
}

TEST_F(RecordServiceTest, OnlyAdminsImportAndOnlyIntoCustomerAccounts) {
  Result<RecordImportReport> r = service_.Import(alice_, {Filed(alice_.account, 12, "x12.cn")});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  AccountId reviewer;
  {
    auto uow = *db_->Begin();
    reviewer = *uow->accounts().Insert(
        Account{AccountId(), "reviewer", Role::kReviewer, "审核员", "$argon2id$v=19$test", kT0});
    ASSERT_TRUE(uow->Commit().has_value());
  }
  r = service_.Import(admin_,
                      {Filed(reviewer, 12, "x12.cn"), Filed(AccountId(9'999), 13, "x13.cn")});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(Rules(r.error()),
            (std::vector<std::string>{"subjects[0].account record-import.account",
                                      "subjects[1].account record-import.account"}));
}

TEST_F(RecordServiceTest, ACustomerReadsOnlyItsOwnSubjectsAndStaffReadAny) {
  Result<RecordImportReport> r = service_.Import(
      admin_, {Filed(alice_.account, 14, "a14.cn"), Filed(bob_.account, 15, "b15.cn")});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const SubjectId alices = r->subjects[0].id, bobs = r->subjects[1].id;
  Result<std::vector<SubjectOnRecord>> mine = service_.ListMine(alice_);
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ(mine->at(0).record.id, alices);
  EXPECT_EQ(mine->at(0).websites.at(0).website.domains.at(0).ascii(), "a14.cn");
  EXPECT_TRUE(service_.Get(alice_, alices).has_value());
  Result<SubjectOnRecord> other = service_.Get(alice_, bobs);
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(other.error().rule(), "subject.not-found");
  EXPECT_EQ(service_.Get(admin_, bobs)->record.account, bob_.account);
}

}  // namespace
}  // namespace icp
