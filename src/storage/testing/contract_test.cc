// The storage contract (STYLE.md §2.8): every store (memory, SQLite, PostgreSQL) passes
// every test here. Conflicts are checked by their rule ids, which all stores share
// (ports/storage_errors.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "storage/testing/contract.h"
#include "storage/testing/fixtures.h"

namespace icp::storage_testing {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::seconds;

// What racing submitters contend for: one subject, one domain, or one account's slot.
enum class Contest { kSubject, kDomain, kAccount };

// `threads` racers submit at once, each from the account `account(t)`; how many won.
int Race(Database& db, const std::function<AccountId(int)>& account, Contest contest, int threads);

class StorageContract : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    account_ = CreateAccount(*db_, "customer-1");
    // An account has one application in progress at a time (FACTS §4.5), so tests that keep
    // several open take one account each from this supply, made in one unit of work.
    auto uow = Begin();
    for (int i = 0; i < 24; ++i) {
      Result<AccountId> id = uow->accounts().Insert(
          {AccountId(), "customer-" + std::to_string(i + 2), Role::kCustomer, "客户", "x", kT0});
      ASSERT_TRUE(id.has_value()) << id.error().message;
      supply_.push_back(*id);
    }
    ASSERT_TRUE(uow->Commit().has_value());
  }

  // Inserts and commits; the id, or the error.
  Result<ApplicationId> Submit(const ApplicationRecord& record) {
    std::unique_ptr<UnitOfWork> uow = Begin();
    Result<ApplicationId> id = uow->applications().Insert(record);
    if (!id) return id;
    if (Result<void> c = uow->Commit(); !c) return std::unexpected(c.error());
    return id;
  }

  ApplicationRecord Load(ApplicationId id) {
    std::unique_ptr<UnitOfWork> uow = Begin();
    Result<ApplicationRecord> r = uow->applications().Get(id);
    EXPECT_TRUE(r.has_value()) << r.error().message;
    return std::move(*r);
  }

  Result<std::int64_t> Save(const ApplicationRecord& record) {
    std::unique_ptr<UnitOfWork> uow = Begin();
    Result<std::int64_t> rev = uow->applications().Update(record);
    if (!rev) return rev;
    if (Result<void> c = uow->Commit(); !c) return std::unexpected(c.error());
    return rev;
  }

  // An application of `type` about `subject`, in draft, from an account of its own: what a
  // change to the subject's record on file must name in changed_by.
  ApplicationId ApplicationAbout(UnitOfWork& uow, SubjectId subject, ApplicationType type,
                                 int serial) {
    ApplicationRecord record = NewRecord(
        Fresh(), SampleApplication(serial, "about" + std::to_string(serial) + ".cn"), type);
    record.subject = subject;
    Result<ApplicationId> id = uow.applications().Insert(record);
    EXPECT_TRUE(id.has_value()) << id.error().message;
    return id.value_or(ApplicationId());
  }

  // An account no application has used yet.
  AccountId Fresh() {
    EXPECT_LT(next_, supply_.size()) << "the test needs a larger supply of accounts";
    return supply_.at(next_++);
  }

  AccountId account_;
  std::vector<AccountId> supply_;
  std::size_t next_ = 0;
};

// ---- accounts ----

TEST_P(StorageContract, AccountsRoundTripAndLoginsAreUnique) {
  AccountId other = CreateAccount(*db_, "reviewer-1");
  auto uow = Begin();
  Result<Account> a = uow->accounts().Get(other);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->login, "reviewer-1");
  EXPECT_EQ(a->created_at, kT0);
  Result<Account> by_login = uow->accounts().FindByLogin("customer-1");
  ASSERT_TRUE(by_login.has_value());
  EXPECT_EQ(by_login->id, account_);
  EXPECT_EQ(uow->accounts().Get(AccountId(999)).error().code, ErrorCode::kNotFound);
  Result<AccountId> dup = uow->accounts().Insert(*a);
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().rule(), "account.login-taken");
}

// ---- applications ----

TEST_P(StorageContract, AnApplicationReadsBackAsWritten) {
  ApplicationRecord record = NewRecord(account_, SampleApplication(1, "example1.cn"));
  Move(record, ApplicationEvent::kSubmit, kT0 + hours(1));
  Result<ApplicationId> id = Submit(record);
  ASSERT_TRUE(id.has_value()) << id.error().message;
  ApplicationRecord back = Load(*id);
  EXPECT_EQ(back.id, *id);
  EXPECT_EQ(back.account, account_);
  EXPECT_EQ(back.revision, 1);
  EXPECT_EQ(back.application, record.application);
  EXPECT_EQ(back.lifecycle.state(), ApplicationState::kProviderReview);
  EXPECT_EQ(back.lifecycle.history(), record.lifecycle.history());
  EXPECT_EQ(back.lifecycle.deadline(), record.lifecycle.deadline());
  EXPECT_EQ(back.created_at, kT0);
  EXPECT_EQ(back.updated_at, kT0 + hours(1));
}

TEST_P(StorageContract, OneOpenApplicationPerSubject) {
  ApplicationRecord first = NewRecord(Fresh(), SampleApplication(2, "first2.cn"));
  Result<ApplicationId> id = Submit(first);
  ASSERT_TRUE(id.has_value());
  Result<ApplicationId> second = Submit(NewRecord(Fresh(), SampleApplication(2, "second2.cn")));
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(second.error().rule(), "application.open-for-subject");
  EXPECT_EQ(second.error().violations.at(0).field, "subject.certificate");

  ApplicationRecord stored = Load(*id);
  Move(stored, ApplicationEvent::kAbandon, kT0 + hours(2));
  ASSERT_TRUE(Save(stored).has_value());
  EXPECT_TRUE(Submit(NewRecord(Fresh(), SampleApplication(2, "second2.cn"))).has_value())
      << "a terminal application frees its subject";
}

TEST_P(StorageContract, OneOpenApplicationPerDomain) {
  ASSERT_TRUE(Submit(NewRecord(Fresh(), SampleApplication(3, "shared.cn"))).has_value());
  Application other = SampleApplication(4, "own4.cn");
  other.websites.push_back(SampleApplication(4, "shared.cn").websites[0]);
  Result<ApplicationId> clash = Submit(NewRecord(Fresh(), other));
  ASSERT_FALSE(clash.has_value());
  EXPECT_EQ(clash.error().rule(), "application.open-for-domain");
  EXPECT_EQ(clash.error().violations.at(0).field, "websites[1].domains[0]");
  auto uow = Begin();
  EXPECT_FALSE(uow->applications().FindOpenBySubject(other.subject.certificate)->has_value())
      << "the refused application left nothing behind";
}

TEST_P(StorageContract, ATerminalApplicationFreesItsDomains) {
  Result<ApplicationId> id = Submit(NewRecord(Fresh(), SampleApplication(5, "free5.cn")));
  ASSERT_TRUE(id.has_value());
  {
    auto uow = Begin();
    Result<std::optional<ApplicationId>> open =
        uow->applications().FindOpenByDomain(*DomainName::Parse("free5.cn"));
    ASSERT_TRUE(open.has_value());
    EXPECT_EQ(*open, std::optional(*id));
  }
  ApplicationRecord stored = Load(*id);
  Move(stored, ApplicationEvent::kAbandon, kT0 + hours(1));
  ASSERT_TRUE(Save(stored).has_value());
  auto uow = Begin();
  EXPECT_FALSE(uow->applications().FindOpenByDomain(*DomainName::Parse("free5.cn"))->has_value());
  EXPECT_FALSE(
      uow->applications().FindOpenBySubject(stored.application.subject.certificate)->has_value());
}

TEST_P(StorageContract, AStaleRevisionLoses) {
  Result<ApplicationId> id = Submit(NewRecord(Fresh(), SampleApplication(6, "rev6.cn")));
  ASSERT_TRUE(id.has_value());
  ApplicationRecord reviewer = Load(*id);
  ApplicationRecord customer = Load(*id);
  Move(reviewer, ApplicationEvent::kSubmit, kT0 + hours(1));
  Result<std::int64_t> rev = Save(reviewer);
  ASSERT_TRUE(rev.has_value());
  EXPECT_EQ(*rev, 2);
  Move(customer, ApplicationEvent::kAbandon, kT0 + hours(2));
  Result<std::int64_t> lost = Save(customer);
  ASSERT_FALSE(lost.has_value());
  EXPECT_EQ(lost.error().code, ErrorCode::kAborted);
  EXPECT_EQ(lost.error().rule(), "storage.revision");
  EXPECT_EQ(Load(*id).lifecycle.state(), ApplicationState::kProviderReview);
  {
    auto uow = Begin();
    ASSERT_FALSE(uow->applications().Update(customer).has_value());
    EXPECT_EQ(uow->Commit().error().code, ErrorCode::kAborted)
        << "a refused write ends the unit of work";
  }
  ApplicationRecord missing = reviewer;
  missing.id = ApplicationId(99'999);
  EXPECT_EQ(Save(missing).error().code, ErrorCode::kNotFound);
}

// Reminders a sweeper sent and those it skipped for a later one (several due at once) are kept
// apart, and neither is due again after a reload.
TEST_P(StorageContract, KeepsSentAndSkippedReminders) {
  ApplicationRecord record = NewRecord(account_, SampleApplication(8, "remind8.cn"));
  Move(record, ApplicationEvent::kSubmit, kT0 + hours(1));
  Result<ApplicationId> id = Submit(record);
  ASSERT_TRUE(id.has_value());
  ApplicationRecord stored = Load(*id);
  Move(stored, ApplicationEvent::kProviderReturn, kT0 + hours(2));
  const std::vector<DueAction> due =
      DueActions(stored.lifecycle, kT0 + hours(2) + days(31), TestDeadlinePolicy());
  ASSERT_EQ(due.size(), 1u);
  stored.lifecycle.RecordReminder(due[0]);
  ASSERT_TRUE(Save(stored).has_value());
  ApplicationRecord again = Load(*id);
  EXPECT_EQ(again.lifecycle.reminded(), std::vector<int>{30});
  EXPECT_EQ(again.lifecycle.skipped_reminders(), (std::vector<int>{7, 15}));
  EXPECT_TRUE(DueActions(again.lifecycle, kT0 + hours(2) + days(32), TestDeadlinePolicy()).empty());
}

TEST_P(StorageContract, HistoryIsAppendOnly) {
  ApplicationRecord record = NewRecord(Fresh(), SampleApplication(7, "hist7.cn"));
  Move(record, ApplicationEvent::kSubmit, kT0 + hours(1));
  Result<ApplicationId> id = Submit(record);
  ASSERT_TRUE(id.has_value());
  ApplicationRecord stored = Load(*id);
  Move(stored, ApplicationEvent::kContactMissed, kT0 + hours(2));
  Move(stored, ApplicationEvent::kContactReached, kT0 + hours(3));
  ASSERT_TRUE(Save(stored).has_value());
  ApplicationRecord again = Load(*id);
  ASSERT_EQ(again.lifecycle.history().size(), 3u);
  EXPECT_EQ(again.lifecycle.history(), stored.lifecycle.history());
  EXPECT_EQ(again.lifecycle.missed_calls(), 0);  // a reached call starts the count again

  // A record whose history was rewritten (its first move's time) is refused.
  LifecycleSnapshot forged = again.lifecycle.Snapshot();
  forged.history[0].at = kT0;
  ApplicationRecord rewritten{again.id,
                              again.account,
                              again.subject,
                              again.application,
                              *ApplicationLifecycle::Restore(forged),
                              again.revision,
                              again.created_at,
                              again.updated_at};
  Result<std::int64_t> refused = Save(rewritten);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().rule(), "application.history-append-only");
}

TEST_P(StorageContract, ListsPageByIdAndFilter) {
  // One account's history: four finished applications and one in progress.
  std::vector<ApplicationId> ids;
  for (int i = 0; i < 5; ++i) {
    ApplicationRecord r =
        NewRecord(account_, SampleApplication(10 + i, "list" + std::to_string(i) + ".cn"));
    if (i % 2 == 0) Move(r, ApplicationEvent::kSubmit, kT0 + hours(1));
    if (i < 4)
      Move(r, i % 2 == 0 ? ApplicationEvent::kWithdraw : ApplicationEvent::kAbandon,
           kT0 + hours(2));
    ids.push_back(*Submit(r));
  }
  auto uow = Begin();
  Result<std::vector<ApplicationRecord>> page =
      uow->applications().List({.account = account_, .limit = 2});
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, ids[0]);
  Result<std::vector<ApplicationRecord>> next =
      uow->applications().List({.account = account_, .after = (*page)[1].id, .limit = 10});
  ASSERT_EQ(next->size(), 3u);
  EXPECT_EQ((*next)[0].id, ids[2]);
  Result<std::vector<ApplicationRecord>> queue = uow->applications().List(
      {.states = {ApplicationState::kProviderReview, ApplicationState::kWithdrawn},
       .province = Province::FromCode("44").value()});
  ASSERT_EQ(queue->size(), 3u);
  EXPECT_EQ((*queue)[2].id, ids[4]);
  Result<std::vector<ApplicationRecord>> none =
      uow->applications().List({.province = Province::FromCode("11").value()});
  EXPECT_TRUE(none->empty());
}

TEST_P(StorageContract, TheQueueListsByDueTimeThenId) {
  // Submitted at different times: due in that order, whatever the ids.
  std::vector<ApplicationId> ids;
  for (int i = 0; i < 4; ++i) {
    ApplicationRecord r =
        NewRecord(Fresh(), SampleApplication(40 + i, "queue" + std::to_string(i) + ".cn"));
    Move(r, ApplicationEvent::kSubmit, kT0 + days(10 - 2 * i));
    ids.push_back(*Submit(r));
  }
  ids.push_back(*Submit(NewRecord(Fresh(), SampleApplication(44, "queue-draft.cn"))));
  auto uow = Begin();
  ApplicationQuery q{
      .states = {ApplicationState::kProviderReview}, .by_due_after = DueCursor{}, .limit = 3};
  Result<std::vector<ApplicationRecord>> first = uow->applications().List(q);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0].id, ids[3]);
  EXPECT_EQ((*first)[1].id, ids[2]);
  EXPECT_EQ((*first)[2].id, ids[1]);
  q.by_due_after = DueCursor{(*first)[2].lifecycle.deadline()->due, (*first)[2].id};
  Result<std::vector<ApplicationRecord>> rest = uow->applications().List(q);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].id, ids[0]);
  // A draft has no deadline: it sorts last.
  Result<std::vector<ApplicationRecord>> all =
      uow->applications().List({.by_due_after = DueCursor{}, .limit = 50});
  ASSERT_GE(all->size(), 5u);
  EXPECT_EQ(all->back().id, ids[4]);
  Result<std::vector<ApplicationRecord>> due_soon = uow->applications().List(
      {.due_before = (*first)[1].lifecycle.deadline()->due, .by_due_after = DueCursor{}});
  EXPECT_EQ(due_soon->size(), 2u);
}

TEST_P(StorageContract, ListsWhatIsDue) {
  ApplicationRecord r = NewRecord(Fresh(), SampleApplication(20, "due20.cn"));
  Move(r, ApplicationEvent::kSubmit, kT0);
  Move(r, ApplicationEvent::kContactMissed, kT0 + seconds(10));
  Result<ApplicationId> id = Submit(r);
  ASSERT_TRUE(id.has_value());
  ASSERT_TRUE(Submit(NewRecord(Fresh(), SampleApplication(21, "due21.cn"))).has_value());
  auto uow = Begin();
  EXPECT_TRUE(uow->applications().ListDue(kT0 + seconds(20), 10)->empty());
  Result<std::vector<ApplicationId>> due = uow->applications().ListDue(kT0 + hours(2), 10);
  ASSERT_TRUE(due.has_value());
  EXPECT_THAT(*due, ::testing::ElementsAre(*id)) << "the second call is due after an hour";
}

// ---- transactions ----

TEST_P(StorageContract, NothingOfAnUncommittedUnitOfWorkRemains) {
  {
    auto uow = Begin();
    ASSERT_TRUE(uow->applications()
                    .Insert(NewRecord(Fresh(), SampleApplication(30, "gone30.cn")))
                    .has_value());
    ASSERT_TRUE(uow->audit().Append({kT0, "account:1", "application.create", "x", "{}"}));
    ASSERT_TRUE(uow->outbox().Enqueue({"bureau.submit", "gone-30", "{}", kT0}).has_value());
  }
  auto uow = Begin();
  EXPECT_FALSE(uow->applications()
                   .FindOpenBySubject(SampleApplication(30, "gone30.cn").subject.certificate)
                   ->has_value());
  EXPECT_TRUE(uow->audit().Read(0, 10)->empty());
  EXPECT_EQ(uow->outbox().Stats()->pending, 0);
}

TEST_P(StorageContract, AFailedWriteEndsTheUnitOfWork) {
  ASSERT_TRUE(Submit(NewRecord(Fresh(), SampleApplication(31, "fail31.cn"))).has_value());
  auto uow = Begin();
  ASSERT_TRUE(uow->audit().Append({kT0, "account:1", "application.create", "y", "{}"}));
  ASSERT_FALSE(uow->applications().Insert(NewRecord(Fresh(), SampleApplication(31, "fail31b.cn"))));
  Result<void> commit = uow->Commit();
  ASSERT_FALSE(commit.has_value());
  EXPECT_EQ(commit.error().code, ErrorCode::kAborted);
  uow.reset();
  EXPECT_TRUE(Begin()->audit().Read(0, 10)->empty());
}

TEST_P(StorageContract, ChangeAuditAndOutboxCommitTogether) {
  auto uow = Begin();
  Result<ApplicationId> id =
      uow->applications().Insert(NewRecord(Fresh(), SampleApplication(32, "together.cn")));
  ASSERT_TRUE(id.has_value());
  ASSERT_TRUE(uow->audit().Append({kT0, "account:1", "application.create",
                                   "application:" + std::to_string(id->value()), "{}"}));
  ASSERT_TRUE(*uow->outbox().Enqueue({"notify.created", "created-32", "{}", kT0}));
  ASSERT_TRUE(uow->Commit().has_value());
  auto read = Begin();
  EXPECT_EQ(read->audit().Read(0, 10)->size(), 1u);
  EXPECT_EQ(read->outbox().Stats()->pending, 1);
  EXPECT_TRUE(read->applications().Get(*id).has_value());
}

TEST_P(StorageContract, AFailedWriteRefusesEveryFurtherCall) {
  auto uow = Begin();
  ASSERT_TRUE(uow->applications().Insert(NewRecord(Fresh(), SampleApplication(33, "a33.cn"))));
  ASSERT_FALSE(uow->applications().Insert(NewRecord(Fresh(), SampleApplication(33, "b33.cn"))));
  Result<Account> read = uow->accounts().Get(account_);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code, ErrorCode::kAborted);
}

TEST_P(StorageContract, NotFoundLeavesTheUnitOfWorkUsable) {
  auto uow = Begin();
  EXPECT_EQ(uow->accounts().Get(AccountId(404)).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(uow->materials().Remove(MaterialId(404)).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(uow->accounts().Get(account_).has_value());
  EXPECT_TRUE(uow->Commit().has_value());
}

TEST_P(StorageContract, ACommitEndsTheUnitOfWork) {
  auto uow = Begin();
  ASSERT_TRUE(uow->Commit().has_value());
  EXPECT_EQ(uow->Commit().error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(uow->accounts().Get(account_).error().code, ErrorCode::kFailedPrecondition)
      << "nothing runs outside the transaction after the commit";
  uow.reset();
  EXPECT_TRUE(Begin()->Commit().has_value());
}

// ---- subjects, websites, numbers ----

SubjectRecord SubjectOf(AccountId account, int serial) {
  return SubjectRecord{
      SubjectId(),  account, SampleApplication(serial, "x.cn").subject, std::nullopt, false,
      std::nullopt, 0};
}

WebsiteRecord WebsiteOf(SubjectId subject, int serial, std::string_view domain) {
  return WebsiteRecord{
      WebsiteId(),  subject, SampleApplication(serial, domain).websites[0], std::nullopt, false,
      std::nullopt, 0};
}

TEST_P(StorageContract, OneActiveSubjectPerCertificate) {
  auto uow = Begin();
  Result<SubjectId> id = uow->subjects().Insert(SubjectOf(account_, 40));
  ASSERT_TRUE(id.has_value()) << id.error().message;
  Result<SubjectRecord> back = uow->subjects().Get(*id);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->subject, SampleApplication(40, "x.cn").subject);
  EXPECT_EQ(back->revision, 1);
  ASSERT_TRUE(uow->Commit().has_value());

  auto dup = Begin();
  Result<SubjectId> again = dup->subjects().Insert(SubjectOf(account_, 40));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().rule(), "subject.already-on-record");
  dup.reset();

  auto cancel = Begin();
  SubjectRecord stored = *cancel->subjects().Get(*id);
  stored.cancelled = true;
  stored.changed_by = ApplicationAbout(*cancel, *id, ApplicationType::kCancelSubject, 40);
  ASSERT_EQ(*cancel->subjects().Update(stored), 2);
  EXPECT_FALSE(cancel->subjects().FindByCertificate(stored.subject.certificate)->has_value());
  EXPECT_TRUE(cancel->subjects().Insert(SubjectOf(account_, 40)).has_value())
      << "a cancelled subject may file again";
  ASSERT_TRUE(cancel->Commit().has_value());
  EXPECT_EQ(Begin()->subjects().ListByAccount(account_)->size(), 2u);
}

// The public query's reads (GET /v1/public/records): a number finds the record it is issued
// to; a unit is found by its exact name, a person never (no plain copy of a person's name).
TEST_P(StorageContract, TheNumbersAndAUnitsNameFindTheirRecords) {
  const FilingNumber site = FileWebsite(*db_, account_, 43, "numbered43.cn");
  const FilingNumber subject = *FilingNumber::Parse(site.subject_number());
  auto read = Begin();
  Result<std::optional<SubjectRecord>> s = read->subjects().FindByNumber(subject);
  ASSERT_TRUE(s.has_value() && s->has_value()) << (s ? "none" : s.error().message);
  EXPECT_EQ((*s)->number, subject);
  Result<std::optional<WebsiteRecord>> w = read->websites().FindByNumber(site);
  ASSERT_TRUE(w.has_value() && w->has_value());
  EXPECT_EQ((*w)->subject, (*s)->id);
  EXPECT_FALSE(read->subjects().FindByNumber(site)->has_value())
      << "a website's is not a subject's";
  EXPECT_FALSE(read->websites().FindByNumber(subject)->has_value());
  read.reset();

  const std::string unit = "广州某某网络科技有限公司";
  auto uow = Begin();
  std::vector<SubjectId> units;
  for (int serial : {44, 45}) {
    SubjectRecord r = SubjectOf(account_, serial);
    r.subject.type = SubjectType::kEnterprise;
    r.subject.name = unit;
    Result<SubjectId> id = uow->subjects().Insert(r);
    ASSERT_TRUE(id.has_value()) << id.error().message;
    units.push_back(*id);
  }
  SubjectRecord person = SubjectOf(account_, 46);
  person.subject.name = unit;  // a person of that name: never found by it
  ASSERT_TRUE(uow->subjects().Insert(person).has_value());
  ASSERT_TRUE(uow->Commit().has_value());

  auto again = Begin();
  auto ids = [](const std::vector<SubjectRecord>& list) {
    std::vector<SubjectId> out;
    for (const SubjectRecord& r : list) out.push_back(r.id);
    return out;
  };
  EXPECT_EQ(ids(*again->subjects().ListByUnitName(unit, SubjectId(0), 10)), units);
  EXPECT_EQ(ids(*again->subjects().ListByUnitName(unit, SubjectId(0), 1)),
            std::vector<SubjectId>{units[0]});
  EXPECT_EQ(ids(*again->subjects().ListByUnitName(unit, units[0], 10)),
            std::vector<SubjectId>{units[1]});
  EXPECT_TRUE(again->subjects().ListByUnitName("广州某某", SubjectId(0), 10)->empty());
  EXPECT_TRUE(again->subjects()
                  .ListByUnitName(SampleApplication(43, "x.cn").subject.name, SubjectId(0), 10)
                  ->empty());
}

TEST_P(StorageContract, ADomainBelongsToOneActiveWebsite) {
  auto uow = Begin();
  SubjectId a = *uow->subjects().Insert(SubjectOf(account_, 41));
  SubjectId b = *uow->subjects().Insert(SubjectOf(account_, 42));
  Result<WebsiteId> site = uow->websites().Insert(WebsiteOf(a, 41, "owned.cn"));
  ASSERT_TRUE(site.has_value()) << site.error().message;
  ASSERT_TRUE(uow->Commit().has_value());

  auto clash = Begin();
  Result<WebsiteId> taken = clash->websites().Insert(WebsiteOf(b, 42, "owned.cn"));
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().rule(), "website.domain-taken");
  EXPECT_EQ(taken.error().violations.at(0).field, "website.domains[0]");
  clash.reset();

  auto cancel = Begin();
  Result<std::optional<WebsiteRecord>> found =
      cancel->websites().FindByDomain(*DomainName::Parse("owned.cn"));
  ASSERT_TRUE(found.has_value() && found->has_value());
  WebsiteRecord w = **found;
  EXPECT_EQ(w.subject, a);
  w.cancelled = true;
  w.changed_by = ApplicationAbout(*cancel, a, ApplicationType::kCancelWebsite, 41);
  ASSERT_TRUE(cancel->websites().Update(w).has_value());
  EXPECT_TRUE(cancel->websites().Insert(WebsiteOf(b, 42, "owned.cn")).has_value())
      << "a cancelled website frees its domain";
  ASSERT_TRUE(cancel->Commit().has_value());
  EXPECT_EQ(Begin()->websites().ListBySubject(a)->size(), 1u);
}

// 取消接入 cancels the website here while its number stays valid; a later 继续接入 makes the
// same record active again, and its domains come back to it unless another website holds
// one of them by then.
TEST_P(StorageContract, AWebsiteAccessedAgainTakesBackItsDomains) {
  auto uow = Begin();
  SubjectId a = *uow->subjects().Insert(SubjectOf(account_, 44));
  SubjectId b = *uow->subjects().Insert(SubjectOf(account_, 45));
  WebsiteId site = *uow->websites().Insert(WebsiteOf(a, 44, "again44.cn"));
  WebsiteRecord w = *uow->websites().Get(site);
  w.cancelled = true;
  const ApplicationId cancel = ApplicationAbout(*uow, a, ApplicationType::kCancelAccess, 44);
  w.changed_by = cancel;
  ASSERT_TRUE(uow->websites().Update(w).has_value());
  ApplicationRecord done = *uow->applications().Get(cancel);  // one open per subject
  Move(done, ApplicationEvent::kAbandon, kT0 + hours(1));
  ASSERT_TRUE(uow->applications().Update(done).has_value());
  ASSERT_TRUE(uow->Commit().has_value());
  EXPECT_FALSE(Begin()->websites().FindByDomain(*DomainName::Parse("again44.cn"))->has_value());

  auto again = Begin();
  w = *again->websites().Get(site);
  w.cancelled = false;
  w.changed_by = ApplicationAbout(*again, a, ApplicationType::kContinueAccess, 46);
  ASSERT_TRUE(again->websites().Update(w).has_value());
  Result<std::optional<WebsiteRecord>> found =
      again->websites().FindByDomain(*DomainName::Parse("again44.cn"));
  ASSERT_TRUE(found.has_value() && found->has_value()) << "the domain is the website's again";
  EXPECT_EQ((*found)->id, site);
  Result<WebsiteId> taken = again->websites().Insert(WebsiteOf(b, 45, "again44.cn"));
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().rule(), "website.domain-taken");
  again.reset();  // rolled back: the website stays cancelled

  // Another website took the domain meanwhile: the record cannot be active again.
  auto other = Begin();
  ASSERT_TRUE(other->websites().Insert(WebsiteOf(b, 45, "again44.cn")).has_value());
  ASSERT_TRUE(other->Commit().has_value());
  auto clash = Begin();
  w = *clash->websites().Get(site);
  w.cancelled = false;
  w.changed_by = ApplicationAbout(*clash, a, ApplicationType::kContinueAccess, 47);
  Result<std::int64_t> refused = clash->websites().Update(w);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().rule(), "website.domain-taken");
  EXPECT_EQ(refused.error().violations.at(0).field, "website.domains[0]");
}

TEST_P(StorageContract, AnAccessFilingChangesNoData) {
  auto uow = Begin();
  SubjectId subject = *uow->subjects().Insert(SubjectOf(account_, 43));
  WebsiteId site = *uow->websites().Insert(WebsiteOf(subject, 43, "access43.cn"));
  ApplicationRecord access =
      NewRecord(Fresh(), SampleApplication(43, "access43.cn"), ApplicationType::kNewAccess);
  access.subject = subject;
  ApplicationId app = *uow->applications().Insert(access);
  ASSERT_TRUE(uow->Commit().has_value());

  auto same = Begin();
  WebsiteRecord w = *same->websites().Get(site);
  w.changed_by = app;
  ASSERT_TRUE(same->websites().Update(w).has_value()) << "recording access changes no data";
  ASSERT_TRUE(same->Commit().has_value());

  auto changed = Begin();
  SubjectRecord s = *changed->subjects().Get(subject);
  s.changed_by = app;
  s.subject.mailing_address = "另一个地址";
  Result<std::int64_t> refused = changed->subjects().Update(s);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().rule(), "access-filing.changes-no-data");
}

// FACTS §4.5: a change filing and a new-website filing for one subject never run at once,
// even when the change replaces the subject's certificate (三证合一, personal → unit): open
// applications are keyed on the subject on record, not on the certificate they carry.
TEST_P(StorageContract, ApplicationsAreKeyedOnTheSubjectOnRecord) {
  SubjectId subject;
  ApplicationId change;
  {
    auto uow = Begin();
    subject = *uow->subjects().Insert(SubjectOf(account_, 47));
    ApplicationRecord record =
        NewRecord(account_, SampleApplication(48, "change47.cn"), ApplicationType::kChangeSubject);
    record.subject = subject;  // the new document carries another certificate (48)
    Result<ApplicationId> id = uow->applications().Insert(record);
    ASSERT_TRUE(id.has_value()) << id.error().message;
    change = *id;
    ASSERT_TRUE(uow->Commit().has_value());
  }
  ApplicationRecord website =
      NewRecord(Fresh(), SampleApplication(47, "new47.cn"), ApplicationType::kNewWebsite);
  website.subject = subject;
  Result<ApplicationId> refused = Submit(website);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().rule(), "application.open-for-subject");

  // The change is approved: the subject now holds certificate 48, under its old identity.
  {
    auto uow = Begin();
    SubjectRecord s = *uow->subjects().Get(subject);
    s.subject = SampleApplication(48, "x.cn").subject;
    s.changed_by = change;
    ASSERT_TRUE(uow->subjects().Update(s).has_value());
    ApplicationRecord done = *uow->applications().Get(change);
    Move(done, ApplicationEvent::kAbandon, kT0 + hours(1));
    ASSERT_TRUE(uow->applications().Update(done).has_value());
    ASSERT_TRUE(uow->Commit().has_value());
  }
  for (int serial : {47, 48}) {  // the old certificate and the new one are the same subject
    Result<ApplicationId> stray = Submit(
        NewRecord(Fresh(), SampleApplication(serial, "stray" + std::to_string(serial) + ".cn")));
    ASSERT_FALSE(stray.has_value()) << serial;
    EXPECT_EQ(stray.error().rule(), "application.subject-on-record") << serial;
  }
  ApplicationRecord next =
      NewRecord(Fresh(), SampleApplication(48, "next48.cn"), ApplicationType::kNewWebsite);
  next.subject = subject;
  Result<ApplicationId> accepted = Submit(next);
  ASSERT_TRUE(accepted.has_value()) << accepted.error().message;
  ApplicationRecord again =
      NewRecord(Fresh(), SampleApplication(48, "again48.cn"), ApplicationType::kChangeWebsite);
  again.subject = subject;
  EXPECT_EQ(Submit(again).error().rule(), "application.open-for-subject");
  auto uow = Begin();
  for (int serial : {47, 48}) {
    Result<std::optional<ApplicationId>> open = uow->applications().FindOpenBySubject(
        SampleApplication(serial, "x.cn").subject.certificate);
    ASSERT_TRUE(open.has_value());
    EXPECT_EQ(*open, std::optional(*accepted)) << serial;
  }
}

// FACTS §4.5: one application in progress per account.
TEST_P(StorageContract, OneOpenApplicationPerAccount) {
  Result<ApplicationId> first = Submit(NewRecord(account_, SampleApplication(49, "acct49.cn")));
  ASSERT_TRUE(first.has_value());
  Result<ApplicationId> second = Submit(NewRecord(account_, SampleApplication(50, "acct50.cn")));
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(second.error().rule(), "application.open-for-account");
  ApplicationRecord stored = Load(*first);
  Move(stored, ApplicationEvent::kAbandon, kT0 + hours(1));
  ASSERT_TRUE(Save(stored).has_value());
  EXPECT_TRUE(Submit(NewRecord(account_, SampleApplication(50, "acct50.cn"))).has_value())
      << "a finished application frees its account";
}

TEST_P(StorageContract, RacingThreadsGetOneApplicationPerAccount) {
  EXPECT_EQ(Race(
                *db_, [&](int) { return account_; }, Contest::kAccount, 8),
            1);
}

// Data on record changes only through an application that may change it.
TEST_P(StorageContract, RecordsChangeOnlyThroughAnApplication) {
  auto uow = Begin();
  SubjectId subject = *uow->subjects().Insert(SubjectOf(account_, 51));
  SubjectId other = *uow->subjects().Insert(SubjectOf(account_, 55));
  ApplicationId about_other = ApplicationAbout(*uow, other, ApplicationType::kChangeSubject, 55);
  ASSERT_TRUE(uow->Commit().has_value());
  SubjectRecord s = *Begin()->subjects().Get(subject);
  s.subject.mailing_address = "另一个地址";
  for (std::optional<ApplicationId> changed_by :
       {std::optional<ApplicationId>(), std::optional<ApplicationId>(about_other)}) {
    auto write = Begin();
    s.changed_by = changed_by;  // none, or one about another subject
    Result<std::int64_t> refused = write->subjects().Update(s);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().rule(), "record.change-needs-application");
  }
  auto write = Begin();
  s.changed_by = ApplicationAbout(*write, subject, ApplicationType::kChangeSubject, 51);
  ASSERT_TRUE(write->subjects().Update(s).has_value());
  s = *write->subjects().Get(subject);
  s.subject.mailing_address = "第三个地址";
  Result<std::int64_t> again = write->subjects().Update(s);
  ASSERT_FALSE(again.has_value()) << "each change names a new application";
  EXPECT_EQ(again.error().rule(), "record.change-needs-application");
}

// A website stays with its subject.
TEST_P(StorageContract, AWebsiteStaysWithItsSubject) {
  auto uow = Begin();
  SubjectId a = *uow->subjects().Insert(SubjectOf(account_, 56));
  SubjectId b = *uow->subjects().Insert(SubjectOf(account_, 57));
  WebsiteId site = *uow->websites().Insert(WebsiteOf(a, 56, "stays56.cn"));
  WebsiteRecord w = *uow->websites().Get(site);
  w.subject = b;
  Result<std::int64_t> refused = uow->websites().Update(w);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().rule(), "record.identity-fixed");
}

// A new website, change or cancellation is filed against a subject on record.
TEST_P(StorageContract, AChangeNamesItsSubject) {
  Result<ApplicationId> refused = Submit(
      NewRecord(Fresh(), SampleApplication(58, "change58.cn"), ApplicationType::kChangeSubject));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().rule(), "application.type-needs-subject");
}

// A row that breaks several guards is refused by the same one on every store.
TEST_P(StorageContract, EveryStoreNamesTheSameGuardFirst) {
  SubjectId subject;
  {
    auto uow = Begin();
    subject = *uow->subjects().Insert(SubjectOf(account_, 59));
    ApplicationRecord first =
        NewRecord(account_, SampleApplication(59, "first59.cn"), ApplicationType::kNewWebsite);
    first.subject = subject;
    ASSERT_TRUE(uow->applications().Insert(first).has_value());
    ASSERT_TRUE(uow->Commit().has_value());
  }
  // The same account, the same subject: open for the subject and for the account.
  ApplicationRecord both =
      NewRecord(account_, SampleApplication(59, "second59.cn"), ApplicationType::kChangeWebsite);
  both.subject = subject;
  EXPECT_EQ(Submit(both).error().rule(), "application.open-for-subject");
  // No subject named, the certificate of one on record, the same account.
  EXPECT_EQ(Submit(NewRecord(account_, SampleApplication(59, "third59.cn"))).error().rule(),
            "application.subject-on-record");
}

TEST_P(StorageContract, ALegacyPrefixIsTheSameNumber) {
  auto uow = Begin();
  SubjectId subject = *uow->subjects().Insert(SubjectOf(account_, 52));
  FilingNumber legacy = *FilingNumber::Parse("川ICP备2015000052号");
  ASSERT_TRUE(uow->numbers().Issue({legacy, subject, std::nullopt, kT0, std::nullopt}));
  FilingNumber current = *FilingNumber::Parse("蜀ICP备2015000052号");
  Result<std::optional<IssuedNumber>> found = uow->numbers().Find(current);
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->number.str(), "蜀ICP备2015000052号");
  ASSERT_TRUE(uow->numbers().Cancel(current, kT0 + hours(1)));
  ASSERT_TRUE(uow->Commit().has_value());
  auto again = Begin();
  Result<void> back = again->numbers().Issue({legacy, subject, std::nullopt, kT0, std::nullopt});
  ASSERT_FALSE(back.has_value());
  EXPECT_EQ(back.error().rule(), "filing-number.issued-once");
}

// A subject or website carries only a number issued to it, in canonical form.
TEST_P(StorageContract, ARecordCarriesOnlyANumberIssuedToIt) {
  auto uow = Begin();
  SubjectId mine = *uow->subjects().Insert(SubjectOf(account_, 53));
  SubjectId other = *uow->subjects().Insert(SubjectOf(account_, 54));
  FilingNumber number = *FilingNumber::Parse("蜀ICP备2015000053号");
  ASSERT_TRUE(uow->numbers().Issue({number, other, std::nullopt, kT0, std::nullopt}));
  ASSERT_TRUE(uow->Commit().has_value());
  {
    auto write = Begin();
    SubjectRecord s = *write->subjects().Get(mine);
    s.number = number;  // issued to the other subject
    Result<std::int64_t> refused = write->subjects().Update(s);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().rule(), "filing-number.not-issued-to-record");
  }
  auto write = Begin();
  SubjectRecord s = *write->subjects().Get(other);
  s.number = *FilingNumber::Parse("川ICP备2015000053号");  // the alias of its own number
  ASSERT_TRUE(write->subjects().Update(s).has_value());
  EXPECT_EQ(write->subjects().Get(other)->number->str(), "蜀ICP备2015000053号");
}

TEST_P(StorageContract, RowsMustNameRowsThatExist) {
  auto uow = Begin();
  SubjectRecord orphan = SubjectOf(AccountId(77'777), 45);
  EXPECT_EQ(uow->subjects().Insert(orphan).error().code, ErrorCode::kFailedPrecondition);
}

TEST_P(StorageContract, AnUpdateKeepsTheSubjectsAccount) {
  AccountId other = CreateAccount(*db_, "other-46");
  auto uow = Begin();
  SubjectId id = *uow->subjects().Insert(SubjectOf(account_, 46));
  SubjectRecord record = *uow->subjects().Get(id);
  record.account = other;
  ASSERT_TRUE(uow->subjects().Update(record).has_value());
  EXPECT_EQ(uow->subjects().Get(id)->account, account_);
}

TEST_P(StorageContract, AFilingNumberIsIssuedOnceAndNeverReturns) {
  auto uow = Begin();
  SubjectId subject = *uow->subjects().Insert(SubjectOf(account_, 44));
  FilingNumber number = *FilingNumber::Parse("粤ICP备2026000044号");
  ASSERT_TRUE(uow->numbers().Issue({number, subject, std::nullopt, kT0, std::nullopt}));
  ASSERT_TRUE(uow->Commit().has_value());

  auto again = Begin();
  Result<void> twice = again->numbers().Issue({number, subject, std::nullopt, kT0, std::nullopt});
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().rule(), "filing-number.issued-once");
  again.reset();

  auto cancel = Begin();
  ASSERT_TRUE(cancel->numbers().Cancel(number, kT0 + hours(24)));
  Result<void> cancelled_twice = cancel->numbers().Cancel(number, kT0 + hours(48));
  ASSERT_FALSE(cancelled_twice.has_value());
  EXPECT_EQ(cancelled_twice.error().rule(), "filing-number.cancelled");
  cancel.reset();  // the failed second cancel ends this unit of work

  auto cancel2 = Begin();
  ASSERT_TRUE(cancel2->numbers().Cancel(number, kT0 + hours(24)));
  ASSERT_TRUE(cancel2->Commit().has_value());
  auto reissue = Begin();
  Result<std::optional<IssuedNumber>> found = reissue->numbers().Find(number);
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->cancelled_at, std::optional(kT0 + hours(24)));
  Result<void> back = reissue->numbers().Issue({number, subject, std::nullopt, kT0, std::nullopt});
  ASSERT_FALSE(back.has_value());
  EXPECT_EQ(back.error().rule(), "filing-number.issued-once");
  reissue.reset();
  EXPECT_EQ(
      Begin()->numbers().Cancel(*FilingNumber::Parse("京ICP备2026000001号"), kT0).error().code,
      ErrorCode::kNotFound);
}

// ---- materials, resources, authorization codes ----

TEST_P(StorageContract, MaterialsBelongToAnApplication) {
  Result<ApplicationId> app = Submit(NewRecord(Fresh(), SampleApplication(50, "mat50.cn")));
  ASSERT_TRUE(app.has_value());
  const std::string sha(64, 'a');
  auto uow = Begin();
  MaterialRecord m{MaterialId(),
                   *app,
                   MaterialKind::kIdentityDocument,
                   "subject.principal",
                   "身份证正面.jpg",
                   "image/jpeg",
                   123'456,
                   sha,
                   kT0,
                   "91350100M000100Y43"};
  Result<MaterialId> id = uow->materials().Insert(m);
  ASSERT_TRUE(id.has_value());
  m.id = *id;
  MaterialRecord plain = m;
  plain.kind = MaterialKind::kDomainCertificate;
  plain.certificate_number = std::nullopt;
  Result<MaterialId> plain_id = uow->materials().Insert(plain);
  ASSERT_TRUE(plain_id.has_value());
  plain.id = *plain_id;
  EXPECT_THAT(*uow->materials().List(*app), ::testing::ElementsAre(m, plain));
  EXPECT_EQ(uow->materials().Get(*id).value(), m);
  ASSERT_TRUE(uow->materials().Remove(*plain_id));
  ASSERT_TRUE(uow->materials().Remove(*id));
  EXPECT_TRUE(uow->materials().List(*app)->empty());
  EXPECT_EQ(uow->materials().Remove(*id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(uow->materials().Get(*id).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(uow->Commit().has_value());
  auto orphan = Begin();
  m.application = ApplicationId(98'765);
  EXPECT_EQ(orphan->materials().Insert(m).error().code, ErrorCode::kFailedPrecondition);
}

TEST_P(StorageContract, ResourcesKeepTheirBackends) {
  Resource cvm{"ins-1",
               "customer-1",
               ResourceKind::kCvm,
               {"ap-guangzhou", true},
               BillingMode::kPrepaid,
               false,
               {3, TermUnit::kMonths},
               kT0 + hours(24 * 90),
               "203.0.113.10",
               {}};
  Resource clb{"lb-1",
               "customer-1",
               ResourceKind::kClb,
               {"ap-guangzhou", true},
               BillingMode::kPayAsYouGo,
               false,
               {0, TermUnit::kMonths},
               std::nullopt,
               std::nullopt,
               {cvm}};
  auto uow = Begin();
  ASSERT_TRUE(uow->resources().Upsert(clb));
  Result<Resource> back = uow->resources().Get("lb-1");
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->backends.size(), 1u);
  EXPECT_EQ(back->backends[0].id, "ins-1");
  EXPECT_EQ(back->backends[0].expires_at, cvm.expires_at);
  EXPECT_EQ(back->backends[0].purchased, cvm.purchased);
  clb.region.id = "ap-shanghai";
  ASSERT_TRUE(uow->resources().Upsert(clb));
  EXPECT_EQ(uow->resources().Get("lb-1")->region.id, "ap-shanghai");
  Result<std::vector<Resource>> mine = uow->resources().ListByAccount("customer-1");
  ASSERT_EQ(mine->size(), 1u) << "backends are listed under their load balancer";
  clb.backends.clear();
  ASSERT_TRUE(uow->resources().Upsert(clb));
  mine = uow->resources().ListByAccount("customer-1");
  ASSERT_EQ(mine->size(), 2u) << "a backend dropped from its load balancer is listed on its own";
  EXPECT_EQ((*mine)[0].id, "ins-1");
  EXPECT_TRUE((*mine)[1].backends.empty());
  EXPECT_EQ(uow->resources().Get("ins-404").error().code, ErrorCode::kNotFound);
}

TEST_P(StorageContract, AnAuthorizationCodeIsUsedOnce) {
  auto uow = Begin();
  AuthorizationCode code{"AUTH-0001",  "ins-1", "203.0.113.10", AuthorizationCodeState::kUnused,
                         "customer-1", kT0};
  ASSERT_TRUE(uow->authorization_codes().Insert(code));
  ASSERT_TRUE(uow->authorization_codes().Transition("AUTH-0001", AuthorizationCodeState::kUnused,
                                                    AuthorizationCodeState::kUsed, "customer-2",
                                                    kT0 + hours(1)));
  ASSERT_TRUE(uow->Commit().has_value());
  auto second = Begin();
  Result<void> again = second->authorization_codes().Transition(
      "AUTH-0001", AuthorizationCodeState::kUnused, AuthorizationCodeState::kUsed, "customer-3",
      kT0 + hours(2));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().rule(), "auth-code.state-changed");
  second.reset();
  auto back = Begin();
  code.state = AuthorizationCodeState::kUsed;
  code.closed_by = "customer-2";
  code.closed_at = kT0 + hours(1);
  EXPECT_EQ(back->authorization_codes().Get("AUTH-0001").value(), code);
  EXPECT_EQ(back->authorization_codes().ListByServer("ins-1")->size(), 1u);
  EXPECT_THAT(*back->authorization_codes().ListByAccount("customer-1"),
              ::testing::ElementsAre(code));
  EXPECT_THAT(*back->authorization_codes().ListByAccount("customer-2"),
              ::testing::ElementsAre(code));
  EXPECT_TRUE(back->authorization_codes().ListByAccount("customer-3")->empty());
  Result<void> revive = back->authorization_codes().Transition(
      "AUTH-0001", AuthorizationCodeState::kUsed, AuthorizationCodeState::kUnused, "customer-1",
      kT0 + hours(3));
  ASSERT_FALSE(revive.has_value()) << "a used code never becomes usable again";
  EXPECT_EQ(revive.error().rule(), "auth-code.used");
}

TEST_P(StorageContract, ACodeIsClosedExactlyWhenItIsNotUnused) {
  auto uow = Begin();
  AuthorizationCode closed_but_unused{
      "AUTH-0002",  "ins-1", "203.0.113.10", AuthorizationCodeState::kUnused,
      "customer-1", kT0,     "customer-2",   kT0};
  EXPECT_EQ(uow->authorization_codes().Insert(closed_but_unused).error().code,
            ErrorCode::kFailedPrecondition);
  uow.reset();
  auto again = Begin();
  AuthorizationCode revoked{"AUTH-0003",  "ins-1", "203.0.113.10", AuthorizationCodeState::kUnused,
                            "customer-1", kT0};
  ASSERT_TRUE(again->authorization_codes().Insert(revoked));
  ASSERT_TRUE(again->authorization_codes().Transition("AUTH-0003", AuthorizationCodeState::kUnused,
                                                      AuthorizationCodeState::kInvalid,
                                                      "customer-1", kT0 + hours(1)));
  Result<AuthorizationCode> back = again->authorization_codes().Get("AUTH-0003");
  EXPECT_EQ(back->state, AuthorizationCodeState::kInvalid);
  EXPECT_EQ(back->closed_by, "customer-1");
  ASSERT_TRUE(again->Commit().has_value());
}

TEST_P(StorageContract, AVerificationIsReviewedOnce) {
  Result<ApplicationId> app = Submit(NewRecord(Fresh(), SampleApplication(51, "ver51.cn")));
  ASSERT_TRUE(app.has_value());
  const AccountId reviewer = CreateAccount(*db_, "reviewer-51");
  auto uow = Begin();
  const AccountId owner = uow->applications().Get(*app)->account;
  VerificationRecord v{VerificationId(),
                       *app,
                       VerificationMethod::kCurtainPhoto,
                       std::string(64, 'b'),
                       VerificationState::kPending,
                       "",
                       owner,
                       kT0};
  Result<VerificationId> id = uow->verifications().Insert(v);
  ASSERT_TRUE(id.has_value()) << id.error().message;
  v.id = *id;
  EXPECT_THAT(*uow->verifications().List(*app), ::testing::ElementsAre(v));
  ASSERT_TRUE(uow->verifications().Review(*id, VerificationState::kFailed, "背景不是幕布", reviewer,
                                          kT0 + hours(1)));
  ASSERT_TRUE(uow->Commit().has_value());
  auto second = Begin();
  Result<void> twice =
      second->verifications().Review(*id, VerificationState::kPassed, "", reviewer, kT0);
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code, ErrorCode::kAborted);
  EXPECT_EQ(twice.error().rule(), "verification.reviewed");
  second.reset();
  auto back = Begin();
  Result<VerificationRecord> read = back->verifications().Get(*id);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->state, VerificationState::kFailed);
  EXPECT_EQ(read->reason, "背景不是幕布");
  EXPECT_EQ(read->reviewed_by, reviewer);
  EXPECT_EQ(read->reviewed_at, kT0 + hours(1));
  EXPECT_EQ(back->verifications().Get(VerificationId(9999)).error().code, ErrorCode::kNotFound);
}

TEST_P(StorageContract, AVerificationRefusesWhatTheSchemaRefuses) {
  Result<ApplicationId> app = Submit(NewRecord(Fresh(), SampleApplication(52, "ver52.cn")));
  ASSERT_TRUE(app.has_value());
  AccountId owner;
  {
    auto uow = Begin();
    owner = uow->applications().Get(*app)->account;
  }
  VerificationRecord photo{VerificationId(),
                           *app,
                           VerificationMethod::kCurtainPhoto,
                           "not-a-blob",
                           VerificationState::kPending,
                           "",
                           owner,
                           kT0};
  EXPECT_EQ(Begin()->verifications().Insert(photo).error().code, ErrorCode::kFailedPrecondition);
  VerificationRecord orphan{VerificationId(),
                            ApplicationId(98'766),
                            VerificationMethod::kAppCode,
                            "123456",
                            VerificationState::kPending,
                            "",
                            owner,
                            kT0};
  EXPECT_EQ(Begin()->verifications().Insert(orphan).error().code, ErrorCode::kFailedPrecondition);
  auto uow = Begin();
  VerificationRecord code{VerificationId(),
                          *app,
                          VerificationMethod::kAppCode,
                          "123456",
                          VerificationState::kPending,
                          "",
                          owner,
                          kT0};
  Result<VerificationId> id = uow->verifications().Insert(code);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(
      uow->verifications().Review(*id, VerificationState::kFailed, "", owner, kT0).error().code,
      ErrorCode::kFailedPrecondition)
      << "a failure needs its reason";
}

// ---- audit log ----

TEST_P(StorageContract, TheAuditLogIsAChain) {
  {
    auto pending = Begin();
    ASSERT_TRUE(pending->audit().Append({kT0, "system", "test", "x", "{}"}));
    EXPECT_TRUE(pending->audit().Read(0, 10)->empty()) << "entries are written at commit";
  }
  for (int i = 0; i < 3; ++i) {
    auto uow = Begin();
    ASSERT_TRUE(uow->audit().Append({kT0 + seconds(i), "account:1", "application.submit",
                                     "application:" + std::to_string(i), "{\"n\":1}"}));
    ASSERT_TRUE(uow->audit().Append({kT0 + seconds(i), "system", "outbox.enqueue", "x", "{}"}));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  auto uow = Begin();
  Result<std::vector<StoredAuditEntry>> all = uow->audit().Read(0, 100);
  ASSERT_EQ(all->size(), 6u);
  for (std::size_t i = 0; i < all->size(); ++i) {
    EXPECT_EQ((*all)[i].seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ((*all)[i].prev_hash, i == 0 ? std::string(64, '0') : (*all)[i - 1].hash);
  }
  EXPECT_EQ((*all)[2].entry.entity, "application:1");
  EXPECT_EQ(uow->audit().Read(4, 100)->size(), 2u);
  Result<AuditVerification> v = (*db_->BeginRead())->audit().Verify();
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->ok()) << v->reason;
  EXPECT_EQ(v->entries, 6);
  EXPECT_EQ(v->head_hash, all->back().hash);
}

// A read snapshot sees the log as it was when it began, whatever commits meanwhile, and
// holding it blocks no writer (this thread commits while it is open).
TEST_P(StorageContract, AVerifySeesOneSnapshotAndBlocksNoWriter) {
  for (int i = 0; i < 2; ++i) {
    auto uow = Begin();
    ASSERT_TRUE(uow->audit().Append({kT0, "account:1", "application.submit", "x", "{}"}));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  Result<std::unique_ptr<ReadTransaction>> before = db_->BeginRead();
  ASSERT_TRUE(before.has_value()) << before.error().message;
  {
    auto uow = Begin();
    ASSERT_TRUE(uow->audit().Append({kT0, "account:1", "application.submit", "y", "{}"}));
    ASSERT_TRUE(uow->Commit().has_value()) << "a writer commits while a snapshot is open";
  }
  Result<AuditVerification> old = (*before)->audit().Verify();
  ASSERT_TRUE(old.has_value()) << old.error().message;
  EXPECT_TRUE(old->ok()) << old->reason;
  EXPECT_EQ(old->entries, 2) << "the snapshot does not see what committed after it began";
  EXPECT_EQ((*before)->audit().Read(0, 10)->size(), 2u);
  before->reset();
  Result<AuditVerification> now = (*db_->BeginRead())->audit().Verify();
  ASSERT_TRUE(now.has_value());
  EXPECT_TRUE(now->ok()) << now->reason;
  EXPECT_EQ(now->entries, 3);
}

// A read transaction reads the records through the same readers a unit of work has: it sees
// what was committed when it began, and nothing a writer commits while it is open (the writer
// is not blocked: this thread commits while the snapshot is held).
TEST_P(StorageContract, AReadTransactionSeesTheRecordsOfOneMomentAndBlocksNoWriter) {
  ApplicationRecord record = NewRecord(account_, SampleApplication(60, "snapshot60.cn"));
  Result<ApplicationId> id = Submit(record);
  ASSERT_TRUE(id.has_value()) << id.error().message;
  {
    auto uow = Begin();
    ASSERT_TRUE(uow->subjects().Insert(SubjectOf(account_, 61)).has_value());
    ASSERT_TRUE(uow->Commit().has_value());
  }
  Result<std::unique_ptr<ReadTransaction>> before = db_->BeginRead();
  ASSERT_TRUE(before.has_value()) << before.error().message;
  {
    auto uow = Begin();
    ApplicationRecord stored = *uow->applications().Get(*id);
    Move(stored, ApplicationEvent::kSubmit, kT0 + hours(2));
    ASSERT_EQ(*uow->applications().Update(stored), 2);
    ASSERT_TRUE(uow->subjects().Insert(SubjectOf(account_, 62)).has_value());
    ASSERT_TRUE(uow->Commit().has_value()) << "a writer commits while a snapshot is open";
  }
  StoreReader& old = **before;
  Result<ApplicationRecord> then = old.applications().Get(*id);
  ASSERT_TRUE(then.has_value()) << then.error().message;
  EXPECT_EQ(then->revision, 1);
  EXPECT_EQ(then->lifecycle.state(), ApplicationState::kDraft);
  EXPECT_EQ(old.subjects().ListByAccount(account_)->size(), 1u)
      << "the snapshot does not see a subject committed after it began";
  EXPECT_EQ(old.accounts().Get(account_)->login, "customer-1");
  before->reset();

  Result<std::unique_ptr<ReadTransaction>> after = db_->BeginRead();
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ((*after)->applications().Get(*id)->revision, 2);
  EXPECT_EQ((*after)->subjects().ListByAccount(account_)->size(), 2u);
  const ApplicationRecord read = *(*after)->applications().Get(*id);
  const ApplicationRecord loaded = Load(*id);
  EXPECT_EQ(read.application, loaded.application);
  EXPECT_EQ(read.lifecycle.history(), loaded.lifecycle.history())
      << "a read transaction and a unit of work read the same record alike";
  Result<ApplicationRecord> none = (*after)->applications().Get(ApplicationId(999'999));
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
}

// Four writers append while a reader verifies again and again: every verification sees a
// whole chain (never a false alarm), and no entry is lost or numbered twice.
TEST_P(StorageContract, ConcurrentAppendsChainAndVerifyWhileWriting) {
  constexpr int kWriters = 4;
  constexpr int kCommits = 25;
  std::atomic<int> writing = kWriters;
  std::atomic<int> committed = 0;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto write = [&] {
        for (int i = 0; i < kCommits; ++i) {
          Result<std::unique_ptr<UnitOfWork>> uow = db_->Begin();
          ASSERT_TRUE(uow.has_value()) << uow.error().message;
          for (int e = 0; e <= i % 3; ++e) {
            ASSERT_TRUE((*uow)->audit().Append({kT0 + seconds(i), "account:" + std::to_string(w),
                                                "application.submit", std::to_string(i), "{}"}));
          }
          Result<void> c = (*uow)->Commit();
          ASSERT_TRUE(c.has_value()) << c.error().message;
          committed += 1 + i % 3;
        }
      };
      write();  // returns early on a failed assertion; the reader must still stop
      --writing;
    });
  }
  int verifications = 0;
  std::int64_t seen = 0;
  int alarms = 0;
  while (writing > 0 || verifications == 0) {
    Result<std::unique_ptr<ReadTransaction>> read = db_->BeginRead();
    Result<AuditVerification> v =
        read ? (*read)->audit().Verify() : Result<AuditVerification>(std::unexpected(read.error()));
    if (!v || !v->ok()) {
      ADD_FAILURE() << (v ? "false alarm: " + v->reason : v.error().message);
      if (++alarms == 3) break;  // enough said; the writers still finish below
      continue;
    }
    EXPECT_GE(v->entries, seen) << "a later snapshot never sees fewer entries";
    seen = v->entries;
    ++verifications;
  }
  for (std::thread& t : writers) t.join();
  Result<AuditVerification> last = (*db_->BeginRead())->audit().Verify();
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(last->ok()) << last->reason;
  EXPECT_EQ(last->entries, committed.load());
}

// ---- outbox and inbox ----

TEST_P(StorageContract, OutboxKeysAreUnique) {
  auto uow = Begin();
  EXPECT_TRUE(*uow->outbox().Enqueue({"bureau.submit", "app:1:submit:1", "{}", kT0}));
  EXPECT_FALSE(*uow->outbox().Enqueue({"bureau.submit", "app:1:submit:1", "{\"x\":2}", kT0}));
  EXPECT_EQ(uow->outbox().Stats()->pending, 1);
}

TEST_P(StorageContract, OutboxLeasesAndRedeliversAfterADeadDispatcher) {
  {
    auto uow = Begin();
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(uow->outbox().Enqueue(
          {"bureau.submit", "k" + std::to_string(i), "{}", kT0 + seconds(i == 2 ? 100 : 0)}));
    }
    ASSERT_TRUE(uow->Commit().has_value());
  }
  auto claim = [&](std::string_view worker, std::chrono::sys_seconds now) {
    auto uow = Begin();
    Result<std::vector<ClaimedMessage>> got =
        uow->outbox().Claim(worker, now, now + seconds(30), 10);
    EXPECT_TRUE(got.has_value());
    EXPECT_TRUE(uow->Commit().has_value());
    return *got;
  };
  std::vector<ClaimedMessage> a = claim("a", kT0 + seconds(1));
  ASSERT_EQ(a.size(), 2u) << "the third is not available yet";
  EXPECT_EQ(a[0].message.idempotency_key, "k0");
  EXPECT_EQ(a[0].attempts, 1);
  EXPECT_TRUE(claim("b", kT0 + seconds(2)).empty()) << "leased to a";
  {
    auto uow = Begin();
    ASSERT_TRUE(uow->outbox().MarkDelivered(a[0].id, "a", kT0 + seconds(3)));
    Result<void> stolen = uow->outbox().MarkDelivered(a[1].id, "b", kT0 + seconds(3));
    ASSERT_FALSE(stolen.has_value());
    EXPECT_EQ(stolen.error().rule(), "outbox.lease-lost");
  }
  {
    auto uow = Begin();
    ASSERT_TRUE(uow->outbox().MarkDelivered(a[0].id, "a", kT0 + seconds(3)));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  // a dies holding k1; after its lease runs out, b gets k1 again (and k2, now available).
  std::vector<ClaimedMessage> b = claim("b", kT0 + seconds(200));
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].message.idempotency_key, "k1");
  EXPECT_EQ(b[0].attempts, 2);
  {
    auto uow = Begin();
    ASSERT_TRUE(uow->outbox().Release(b[0].id, "b", kT0 + seconds(500), "bureau unavailable"));
    ASSERT_TRUE(uow->outbox().MarkDelivered(b[1].id, "b", kT0 + seconds(201)));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  EXPECT_TRUE(claim("c", kT0 + seconds(300)).empty()) << "released until 500";
  EXPECT_EQ(claim("c", kT0 + seconds(500)).size(), 1u);
  OutboxStats stats = *Begin()->outbox().Stats();
  EXPECT_EQ(stats.pending, 1);
  EXPECT_EQ(stats.delivered, 2);
}

TEST_P(StorageContract, TheInboxAcceptsAKeyOnce) {
  auto uow = Begin();
  EXPECT_TRUE(*uow->inbox().Accept("app:1:submit:1", kT0));
  EXPECT_FALSE(*uow->inbox().Accept("app:1:submit:1", kT0));
  ASSERT_TRUE(uow->Commit().has_value());
  EXPECT_FALSE(*Begin()->inbox().Accept("app:1:submit:1", kT0));
}

// ---- concurrency: threads racing for one subject and one domain ----

// Each thread submits its own application; all share the subject (same certificate) or
// the domain. Exactly one may win; the rest get the conflict, never a second open one.
// `threads` racers submit at once, each from the account `account(t)`; how many won.
int Race(Database& db, const std::function<AccountId(int)>& account, Contest contest, int threads) {
  std::atomic<int> accepted = 0;
  std::atomic<int> conflicts = 0;
  std::atomic<bool> go = false;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      Application app =
          contest == Contest::kSubject
              ? SampleApplication(60, "race-subject-" + std::to_string(t) + ".cn")
          : contest == Contest::kDomain
              ? SampleApplication(100 + t, "race-domain.cn")
              : SampleApplication(200 + t, "race-account-" + std::to_string(t) + ".cn");
      ApplicationRecord record = NewRecord(account(t), app);
      while (!go) std::this_thread::yield();
      for (;;) {
        Result<std::unique_ptr<UnitOfWork>> uow = db.Begin();
        if (!uow) continue;  // busy: try again
        Result<ApplicationId> id = (*uow)->applications().Insert(record);
        Result<void> commit = id ? (*uow)->Commit() : Result<void>();
        if (id && commit) {
          ++accepted;
          return;
        }
        const Error& e = id ? commit.error() : id.error();
        if (e.code == ErrorCode::kAlreadyExists) {
          ++conflicts;
          return;
        }
        ASSERT_TRUE(e.code == ErrorCode::kAborted || e.code == ErrorCode::kUnavailable)
            << e.message;
      }
    });
  }
  go = true;
  for (std::thread& t : pool) t.join();
  EXPECT_EQ(accepted + conflicts, threads);
  return accepted;
}

TEST_P(StorageContract, RacingThreadsGetOneApplicationPerSubject) {
  std::vector<AccountId> mine(supply_.begin(), supply_.begin() + 8);
  EXPECT_EQ(Race(
                *db_, [&](int t) { return mine.at(t); }, Contest::kSubject, 8),
            1);
}

TEST_P(StorageContract, RacingThreadsGetOneApplicationPerDomain) {
  std::vector<AccountId> mine(supply_.begin(), supply_.begin() + 8);
  EXPECT_EQ(Race(
                *db_, [&](int t) { return mine.at(t); }, Contest::kDomain, 8),
            1);
}

INSTANTIATE_TEST_SUITE_P(Stores, StorageContract, ::testing::ValuesIn(StoresUnderTest()),
                         [](const ::testing::TestParamInfo<StoreUnderTest>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace icp::storage_testing
