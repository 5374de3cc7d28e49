// The access gate's view of the store: the contract every store passes (migrations/
// 0009_gate.sql's view, lists and change sequence; the memory store reproduces them).
#include <gtest/gtest.h>

#include <algorithm>

#include "storage/testing/contract.h"
#include "storage/testing/fixtures.h"

namespace icp::storage_testing {
namespace {

class GateContract : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    account_ = CreateAccount(*db_, "gate-customer");
    // One application in progress per account: each change names one from its own account.
    for (int i = 0; i < 4; ++i) {
      changers_.push_back(CreateAccount(*db_, "gate-changer-" + std::to_string(i)));
    }
  }

  struct Filed {
    SubjectId subject;
    WebsiteId website;
    FilingNumber number;
  };

  // A subject and its website on record with their numbers, committed.
  Filed File(int serial, std::string_view domain) {
    auto uow = Begin();
    const std::string base = "京ICP备20260" + std::to_string(10000 + serial) + "号";
    FilingNumber subject_number = *FilingNumber::Parse(base);
    FilingNumber site_number = *FilingNumber::Parse(base + "-1");
    Application a = SampleApplication(serial, domain);
    SubjectId s = *uow->subjects().Insert(
        {SubjectId(), account_, a.subject, std::nullopt, false, std::nullopt, 0});
    EXPECT_TRUE(uow->numbers().Issue({subject_number, s, std::nullopt, kT0, std::nullopt}));
    SubjectRecord sr = *uow->subjects().Get(s);
    sr.number = subject_number;
    EXPECT_TRUE(uow->subjects().Update(sr).has_value());
    Result<WebsiteId> w = uow->websites().Insert(
        {WebsiteId(), s, a.websites[0], std::nullopt, false, std::nullopt, 0});
    EXPECT_TRUE(w.has_value()) << w.error().message;
    EXPECT_TRUE(uow->numbers().Issue({site_number, s, *w, kT0, std::nullopt}));
    WebsiteRecord wr = *uow->websites().Get(*w);
    wr.number = site_number;
    Result<std::int64_t> updated = uow->websites().Update(wr);
    EXPECT_TRUE(updated.has_value()) << updated.error().message;
    EXPECT_TRUE(uow->Commit().has_value());
    return {s, *w, site_number};
  }

  // An application about `subject` that a change of its record may name.
  ApplicationId About(UnitOfWork& uow, SubjectId subject, ApplicationType type, int serial) {
    ApplicationRecord r =
        NewRecord(changers_.at(next_changer_++),
                  SampleApplication(serial, "about" + std::to_string(serial) + ".cn"), type);
    r.subject = subject;
    Result<ApplicationId> id = uow.applications().Insert(r);
    EXPECT_TRUE(id.has_value()) << id.error().message;
    return id.value_or(ApplicationId());
  }

  std::int64_t Last() {
    Result<std::int64_t> last = Begin()->gate().LastChange();
    EXPECT_TRUE(last.has_value()) << last.error().message;
    return last.value_or(-1);
  }

  // The domains of the changes after `after`; checks they are numbered after+1, after+2, ...
  std::vector<std::string> ChangedSince(std::int64_t after) {
    Result<std::vector<GateChange>> changes = Begin()->gate().ChangesAfter(after, 1000);
    EXPECT_TRUE(changes.has_value()) << changes.error().message;
    std::vector<std::string> out;
    std::int64_t expected = after + 1;
    for (const GateChange& c : changes.value_or(std::vector<GateChange>{})) {
      EXPECT_EQ(c.seq, expected++) << "the change sequence has a gap";
      out.push_back(c.domain);
    }
    return out;
  }

  std::optional<FiledDomain> Find(std::string_view domain) {
    Result<std::optional<FiledDomain>> f = Begin()->gate().FindFiled(domain);
    EXPECT_TRUE(f.has_value()) << f.error().message;
    return f.value_or(std::nullopt);
  }

  static bool Has(const std::vector<std::string>& v, std::string_view d) {
    return std::find(v.begin(), v.end(), d) != v.end();
  }

  AccountId account_;
  std::vector<AccountId> changers_;
  std::size_t next_changer_ = 0;
};

TEST_P(GateContract, AFiledWebsiteIsServedWithItsNumberAndItsArrivalIsAChange) {
  EXPECT_EQ(Last(), 0);
  const Filed f = File(1, "gate1.cn");
  std::optional<FiledDomain> found = Find("gate1.cn");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->number, f.number.canonical());
  EXPECT_FALSE(Find("other.cn").has_value());
  EXPECT_TRUE(Has(ChangedSince(0), "gate1.cn"));
  EXPECT_GT(Last(), 0);

  File(2, "gate2.cn");
  Result<std::vector<FiledDomain>> all = Begin()->gate().ListFiled("", 10);
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at(0).domain, "gate1.cn");
  EXPECT_EQ(all->at(1).domain, "gate2.cn");
  Result<std::vector<FiledDomain>> page = Begin()->gate().ListFiled("gate1.cn", 10);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ(page->at(0).domain, "gate2.cn");
}

TEST_P(GateContract, AWebsiteWithoutAnIssuedNumberIsNotServed) {
  auto uow = Begin();
  Application a = SampleApplication(3, "pending3.cn");
  SubjectId s = *uow->subjects().Insert(
      {SubjectId(), account_, a.subject, std::nullopt, false, std::nullopt, 0});
  ASSERT_TRUE(uow->websites()
                  .Insert({WebsiteId(), s, a.websites[0], std::nullopt, false, std::nullopt, 0})
                  .has_value());
  ASSERT_TRUE(uow->Commit().has_value());
  EXPECT_FALSE(Find("pending3.cn").has_value());
}

TEST_P(GateContract, CancellingTheWebsiteItsAccessOrItsSubjectStopsServingIt) {
  const Filed site = File(4, "site4.cn");
  const Filed access = File(5, "access5.cn");
  const Filed subject = File(6, "subject6.cn");

  std::int64_t before = Last();
  {
    auto uow = Begin();
    WebsiteRecord w = *uow->websites().Get(site.website);
    w.cancelled = true;
    w.changed_by = About(*uow, site.subject, ApplicationType::kCancelWebsite, 4);
    ASSERT_TRUE(uow->websites().Update(w).has_value());
    ASSERT_TRUE(uow->Commit().has_value());
  }
  EXPECT_FALSE(Find("site4.cn").has_value());
  EXPECT_TRUE(Has(ChangedSince(before), "site4.cn"));

  // 取消接入 approved: the record here is cancelled by the access filing; no data changes.
  before = Last();
  {
    auto uow = Begin();
    WebsiteRecord w = *uow->websites().Get(access.website);
    w.cancelled = true;
    w.changed_by = About(*uow, access.subject, ApplicationType::kCancelAccess, 5);
    Result<std::int64_t> r = uow->websites().Update(w);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    ASSERT_TRUE(uow->Commit().has_value());
  }
  EXPECT_FALSE(Find("access5.cn").has_value());
  EXPECT_TRUE(Has(ChangedSince(before), "access5.cn"));

  before = Last();
  {
    auto uow = Begin();
    SubjectRecord s = *uow->subjects().Get(subject.subject);
    s.cancelled = true;
    s.changed_by = About(*uow, subject.subject, ApplicationType::kCancelSubject, 6);
    Result<std::int64_t> r = uow->subjects().Update(s);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    ASSERT_TRUE(uow->Commit().has_value());
  }
  EXPECT_FALSE(Find("subject6.cn").has_value()) << "a cancelled subject's websites are not served";
  EXPECT_TRUE(Has(ChangedSince(before), "subject6.cn"));
}

TEST_P(GateContract, ACancelledNumberStopsServingItsWebsite) {
  const Filed f = File(7, "number7.cn");
  const std::int64_t before = Last();
  auto uow = Begin();
  ASSERT_TRUE(uow->numbers().Cancel(f.number, kT0).has_value());
  ASSERT_TRUE(uow->Commit().has_value());
  EXPECT_FALSE(Find("number7.cn").has_value());
  EXPECT_TRUE(Has(ChangedSince(before), "number7.cn"));
}

TEST_P(GateContract, AChangeFilingMovesTheDomainsServed) {
  const Filed f = File(8, "old8.cn");
  const std::int64_t before = Last();
  auto uow = Begin();
  WebsiteRecord w = *uow->websites().Get(f.website);
  w.website.domains = {*DomainName::Parse("new8.cn")};
  w.changed_by = About(*uow, f.subject, ApplicationType::kChangeWebsite, 8);
  Result<std::int64_t> r = uow->websites().Update(w);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_TRUE(uow->Commit().has_value());
  EXPECT_FALSE(Find("old8.cn").has_value());
  ASSERT_TRUE(Find("new8.cn").has_value());
  const std::vector<std::string> changed = ChangedSince(before);
  EXPECT_TRUE(Has(changed, "old8.cn"));
  EXPECT_TRUE(Has(changed, "new8.cn"));
}

TEST_P(GateContract, TheBureausListsAreKeptAndEachEditIsAChange) {
  const GateListEntry bad{GateList::kBlacklist, "bad.example.cn", "HMDLB 违法网站", 100};
  std::int64_t before = Last();
  {
    auto uow = Begin();
    Result<bool> put = uow->gate().PutEntry(bad);
    ASSERT_TRUE(put.has_value()) << put.error().message;
    EXPECT_TRUE(*put);
    EXPECT_FALSE(*uow->gate().PutEntry(bad)) << "the same entry again changes nothing";
    EXPECT_TRUE(*uow->gate().PutEntry({GateList::kUnfiled, "bad.example.cn", "WBAWZLB 7", 101}));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  EXPECT_TRUE(Has(ChangedSince(before), "bad.example.cn"));
  Result<std::vector<GateListEntry>> entries = Begin()->gate().FindEntries("bad.example.cn");
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ(entries->at(0), bad);
  EXPECT_EQ(Begin()->gate().ListEntries()->size(), 2u);

  before = Last();
  {
    auto uow = Begin();
    EXPECT_TRUE(*uow->gate().RemoveEntry(GateList::kBlacklist, "bad.example.cn"));
    EXPECT_FALSE(*uow->gate().RemoveEntry(GateList::kBlacklist, "bad.example.cn"));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  EXPECT_TRUE(Has(ChangedSince(before), "bad.example.cn"));
  EXPECT_EQ(Begin()->gate().FindEntries("bad.example.cn")->size(), 1u);
}

TEST_P(GateContract, AListEntryMustBeADomainInALabelForm) {
  for (std::string_view bad :
       {"Upper.cn", "例子.中国", "trailing.cn.", ".lead.cn", "a..b.cn", ""}) {
    auto uow = Begin();
    Result<bool> put = uow->gate().PutEntry({GateList::kIllegalAccess, std::string(bad), "x", 1});
    ASSERT_FALSE(put.has_value()) << bad;
    EXPECT_EQ(put.error().rule(), "gate.list-domain") << bad;
    EXPECT_FALSE(uow->Commit().has_value()) << "a refused write ends the unit of work";
  }
}

TEST_P(GateContract, ARolledBackWriteLeavesNoChange) {
  File(9, "kept9.cn");
  const std::int64_t before = Last();
  {
    auto uow = Begin();
    ASSERT_TRUE(uow->gate().PutEntry({GateList::kUnfiled, "gone.cn", "x", 1}).has_value());
  }  // rolled back
  EXPECT_EQ(Last(), before);
  File(10, "next10.cn");
  EXPECT_TRUE(Has(ChangedSince(before), "next10.cn")) << "numbers continue without a gap";
}

TEST_P(GateContract, AReadTransactionSeesTheListingAndTheLastChangeOfOneMoment) {
  File(11, "first11.cn");
  Result<std::unique_ptr<ReadTransaction>> read = db_->BeginRead();
  ASSERT_TRUE(read.has_value());
  const std::int64_t at = *(*read)->gate().LastChange();
  File(12, "later12.cn");
  EXPECT_EQ(*(*read)->gate().LastChange(), at);
  EXPECT_EQ((*read)->gate().ListFiled("", 10)->size(), 1u);
  EXPECT_GT(Last(), at);
}

INSTANTIATE_TEST_SUITE_P(Stores, GateContract, ::testing::ValuesIn(StoresUnderTest()),
                         [](const ::testing::TestParamInfo<StoreUnderTest>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace icp::storage_testing
