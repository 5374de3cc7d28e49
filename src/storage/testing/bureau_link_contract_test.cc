// The bureau link: the contract every store passes (the refusals of
// migrations/0008_bureau_link.sql, reproduced by the memory store; docs/storage.md "The
// bureau link").
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "storage/testing/contract.h"
#include "storage/testing/fixtures.h"

namespace icp::storage_testing {
namespace {

using std::chrono::seconds;

constexpr std::int64_t kIsp = 440000000123;

class BureauLinkContract : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const AccountId account = CreateAccount(*db_, "bureau-link");
    auto uow = Begin();
    Result<ApplicationId> a =
        uow->applications().Insert(NewRecord(account, SampleApplication(71, "b.cn")));
    ASSERT_TRUE(a.has_value()) << a.error().message;
    application_ = *a;
    Result<SubjectId> s =
        uow->subjects().Insert({SubjectId(), account, SampleApplication(72, "c.cn").subject,
                                std::nullopt, false, std::nullopt, 0});
    ASSERT_TRUE(s.has_value()) << s.error().message;
    subject_ = *s;
    Result<SubjectId> s2 =
        uow->subjects().Insert({SubjectId(), account, SampleApplication(73, "d.cn").subject,
                                std::nullopt, false, std::nullopt, 0});
    ASSERT_TRUE(s2.has_value()) << s2.error().message;
    other_subject_ = *s2;
    ASSERT_TRUE(uow->Commit().has_value());
  }

  SentFile File(std::int32_t sequence, std::string name) const {
    SentFile f;
    f.isp_id = kIsp;
    f.sequence = sequence;
    f.file_name = std::move(name);
    f.beian_info = "UEsDBBQ=" + f.file_name;
    f.beian_info_hash = "hash-" + f.file_name;
    f.application = application_;
    f.record_keys = {sequence * 10 + 1, sequence * 10 + 2};
    f.kept_at = kT0;
    return f;
  }

  // Takes the lease for `holder` and commits: whether it was taken.
  bool LeaseFor(std::string_view holder, std::chrono::sys_seconds now = kT0) {
    auto uow = Begin();
    Result<bool> taken = uow->bureau_link().Lease(kIsp, holder, now, now + seconds(60));
    EXPECT_TRUE(taken.has_value()) << taken.error().message;
    EXPECT_TRUE(uow->Commit().has_value());
    return taken && *taken;
  }

  // Runs `act` in its own unit of work and commits it when it succeeds.
  Result<void> Commit(const std::function<Result<void>(UnitOfWork&)>& act) {
    auto uow = Begin();
    if (Result<void> ok = act(*uow); !ok) return ok;
    return uow->Commit();
  }

  ApplicationId application_;
  SubjectId subject_;
  SubjectId other_subject_;
};

TEST_P(BureauLinkContract, OneUploaderHoldsAnAccountUntilItsLeaseEnds) {
  EXPECT_TRUE(LeaseFor("icpd-a"));
  EXPECT_FALSE(LeaseFor("icpd-b"));
  EXPECT_TRUE(LeaseFor("icpd-a"));                     // renewed by its holder
  EXPECT_TRUE(LeaseFor("icpd-b", kT0 + seconds(61)));  // expired: taken over
  Result<void> lost = Commit([](UnitOfWork& u) { return u.bureau_link().Release(kIsp, "icpd-a"); });
  ASSERT_FALSE(lost.has_value());
  EXPECT_EQ(lost.error().rule(), "bureau.lease-lost");
  ASSERT_TRUE(Commit([](UnitOfWork& u) { return u.bureau_link().Release(kIsp, "icpd-b"); }));
  EXPECT_TRUE(LeaseFor("icpd-a"));
}

TEST_P(BureauLinkContract, RecordKeysAreFreshAndNeedTheLease) {
  ASSERT_TRUE(LeaseFor("icpd-a"));
  auto uow = Begin();
  EXPECT_EQ(*uow->bureau_link().NextRecordKey(kIsp, "icpd-a"), 1);
  EXPECT_EQ(*uow->bureau_link().NextRecordKey(kIsp, "icpd-a"), 2);
  ASSERT_TRUE(uow->Commit().has_value());
  uow.reset();  // one writer at a time (the memory store and SQLite)
  uow = Begin();
  Result<std::int64_t> stolen = uow->bureau_link().NextRecordKey(kIsp, "icpd-b");
  ASSERT_FALSE(stolen.has_value());
  EXPECT_EQ(stolen.error().code, ErrorCode::kAborted);
  uow.reset();  // one writer at a time (the memory store and SQLite)
  uow = Begin();
  EXPECT_EQ(*uow->bureau_link().NextRecordKey(kIsp, "icpd-a"), 3);
}

TEST_P(BureauLinkContract, FilesAreKeptOneAtATimeAtTheNextNumber) {
  ASSERT_TRUE(LeaseFor("icpd-a"));
  Result<void> skipped =
      Commit([&](UnitOfWork& u) { return u.bureau_link().Keep(File(2, "F2"), "icpd-a"); });
  ASSERT_FALSE(skipped.has_value());
  EXPECT_EQ(skipped.error().rule(), "bureau.sequence");
  ASSERT_TRUE(Commit([&](UnitOfWork& u) { return u.bureau_link().Keep(File(1, "F1"), "icpd-a"); }));
  // A second file waits until the first is accepted.
  Result<void> second =
      Commit([&](UnitOfWork& u) { return u.bureau_link().Keep(File(1, "F1b"), "icpd-a"); });
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().rule(), "bureau.sequence");
  Result<void> other_holder =
      Commit([&](UnitOfWork& u) { return u.bureau_link().Accept(kIsp, 1, kT0, "icpd-b"); });
  ASSERT_FALSE(other_holder.has_value());
  EXPECT_EQ(other_holder.error().rule(), "bureau.lease-lost");
  ASSERT_TRUE(
      Commit([&](UnitOfWork& u) { return u.bureau_link().Accept(kIsp, 1, kT0, "icpd-a"); }));
  auto uow = Begin();
  EXPECT_EQ(uow->bureau_link().State(kIsp)->last_accepted, 1);
  Result<std::optional<SentFile>> kept = uow->bureau_link().FileBySequence(kIsp, 1);
  ASSERT_TRUE(kept.has_value() && kept->has_value());
  SentFile expected = File(1, "F1");
  expected.state = SentFileState::kAccepted;
  expected.finished_at = kT0;
  EXPECT_EQ(**kept, expected);  // byte for byte, with its keys
  uow.reset();
  Result<void> reused =
      Commit([&](UnitOfWork& u) { return u.bureau_link().Keep(File(2, "F1"), "icpd-a"); });
  ASSERT_FALSE(reused.has_value());
  EXPECT_EQ(reused.error().rule(), "bureau.file-name");
  ASSERT_TRUE(Commit([&](UnitOfWork& u) { return u.bureau_link().Keep(File(2, "F2"), "icpd-a"); }));
  uow.reset();  // one writer at a time (the memory store and SQLite)
  uow = Begin();
  Result<std::vector<SentFile>> waiting = uow->bureau_link().Unaccepted(kIsp);
  ASSERT_TRUE(waiting.has_value());
  ASSERT_EQ(waiting->size(), 1u);
  EXPECT_EQ(waiting->at(0).file_name, "F2");
}

TEST_P(BureauLinkContract, AcceptingMovesOnlyToTheNextKeptFile) {
  ASSERT_TRUE(LeaseFor("icpd-a"));
  Result<void> nothing =
      Commit([&](UnitOfWork& u) { return u.bureau_link().Accept(kIsp, 1, kT0, "icpd-a"); });
  ASSERT_FALSE(nothing.has_value());
  EXPECT_EQ(nothing.error().rule(), "bureau.sequence");
  ASSERT_TRUE(Commit([&](UnitOfWork& u) { return u.bureau_link().Keep(File(1, "F1"), "icpd-a"); }));
  ASSERT_TRUE(
      Commit([&](UnitOfWork& u) { return u.bureau_link().Accept(kIsp, 1, kT0, "icpd-a"); }));
  Result<void> twice =
      Commit([&](UnitOfWork& u) { return u.bureau_link().Accept(kIsp, 1, kT0, "icpd-a"); });
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().rule(), "bureau.sequence");
}

TEST_P(BureauLinkContract, ARefusedFileGivesItsNumberToTheNext) {
  ASSERT_TRUE(LeaseFor("icpd-a"));
  ASSERT_TRUE(Commit([&](UnitOfWork& u) { return u.bureau_link().Keep(File(1, "F1"), "icpd-a"); }));
  ASSERT_TRUE(
      Commit([&](UnitOfWork& u) { return u.bureau_link().Refuse(kIsp, 1, kT0, "icpd-a"); }));
  SentFile again = File(1, "F1r");
  again.record_keys = {11};
  ASSERT_TRUE(Commit([&](UnitOfWork& u) { return u.bureau_link().Keep(again, "icpd-a"); }));
  auto uow = Begin();
  EXPECT_EQ((*uow->bureau_link().FileBySequence(kIsp, 1))->file_name, "F1r");
  EXPECT_EQ((*uow->bureau_link().FileByName(kIsp, "F1"))->state, SentFileState::kRefused);
  // A key both carried resolves to the later file; one only the first carried, to the first.
  EXPECT_EQ((*uow->bureau_link().FileByRecordKey(kIsp, 11))->file_name, "F1r");
  EXPECT_EQ((*uow->bureau_link().FileByRecordKey(kIsp, 12))->file_name, "F1");
  EXPECT_FALSE(uow->bureau_link().FileByRecordKey(kIsp, 99)->has_value());
}

TEST_P(BureauLinkContract, ADownloadIsRecordedOnceByName) {
  ProcessedDownload d{kIsp, "BAJG0000000001", "BAJG", "h1", "<DownloadData/>", kT0};
  auto uow = Begin();
  EXPECT_TRUE(*uow->bureau_link().RecordDownload(d));
  ASSERT_TRUE(uow->Commit().has_value());
  ProcessedDownload again = d;
  again.content = "<other/>";
  uow.reset();  // one writer at a time (the memory store and SQLite)
  uow = Begin();
  EXPECT_FALSE(*uow->bureau_link().RecordDownload(again));
  EXPECT_EQ(*uow->bureau_link().Download(kIsp, "BAJG0000000001"), d);
  EXPECT_FALSE(uow->bureau_link().Download(kIsp, "BAJG0000000002")->has_value());
}

// A parked file is kept once; it is marked replayed once, and only when it is recorded
// processed (in the same unit of work or before). A refused mark changes nothing.
TEST_P(BureauLinkContract, AParkedFileIsKeptOnceAndReplayedOnceWhenProcessed) {
  const ParkedDownload p{kIsp, "BAJG0000000003",         "UEsDBBQ=",   "hash", 1,           0,
                         0,    "miit.encrypt_algorithm", "no AES key", kT0,    std::nullopt};
  {
    auto uow = Begin();
    EXPECT_TRUE(*uow->bureau_link().Park(p));
    ParkedDownload other = p;
    other.file_name = "BAJG0000000004";
    other.parked_at = kT0 + seconds(5);
    EXPECT_TRUE(*uow->bureau_link().Park(other));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  {
    auto uow = Begin();
    ParkedDownload again = p;
    again.reason = "another reason";
    EXPECT_FALSE(*uow->bureau_link().Park(again));  // the bureau sent it again: kept as it was
    EXPECT_EQ(*uow->bureau_link().ParkedFile(kIsp, p.file_name), p);
    EXPECT_FALSE(uow->bureau_link().ParkedFile(kIsp, "BAJG0000000009")->has_value());
    ASSERT_TRUE(uow->Commit().has_value());
  }
  ParkedDownload no_reason = p, replayed = p, no_name = p;
  no_reason.file_name = "BAJG0000000010";
  no_reason.reason.clear();
  replayed.file_name = "BAJG0000000011";
  replayed.replayed_at = kT0;
  no_name.file_name.clear();
  for (const ParkedDownload& bad : {no_reason, replayed, no_name}) {
    auto uow = Begin();
    Result<bool> parked = uow->bureau_link().Park(bad);
    ASSERT_FALSE(parked.has_value()) << bad.file_name;
    EXPECT_EQ(parked.error().rule(), "bureau.parked");
  }
  {
    auto uow = Begin();
    Result<void> early = uow->bureau_link().MarkReplayed(kIsp, p.file_name, kT0 + seconds(9));
    ASSERT_FALSE(early.has_value());
    EXPECT_EQ(early.error().rule(), "bureau.parked-unprocessed");
  }
  {
    auto uow = Begin();
    Result<void> unknown = uow->bureau_link().MarkReplayed(kIsp, "BAJG0000000009", kT0);
    ASSERT_FALSE(unknown.has_value());
    EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  }
  {
    auto uow = Begin();
    ASSERT_TRUE(uow->bureau_link()
                    .RecordDownload({kIsp, p.file_name, "BAJG", "hash", "<x/>", kT0 + seconds(9)})
                    .has_value());
    ASSERT_TRUE(uow->bureau_link().MarkReplayed(kIsp, p.file_name, kT0 + seconds(9)).has_value());
    ASSERT_TRUE(uow->Commit().has_value());
  }
  {
    auto uow = Begin();
    Result<void> twice = uow->bureau_link().MarkReplayed(kIsp, p.file_name, kT0 + seconds(10));
    ASSERT_FALSE(twice.has_value());
    EXPECT_EQ(twice.error().rule(), "bureau.parked-replayed");
  }
  auto uow = Begin();
  Result<std::vector<ParkedDownload>> pending = uow->bureau_link().Parked(kIsp, true);
  ASSERT_TRUE(pending.has_value()) << pending.error().message;
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->at(0).file_name, "BAJG0000000004");
  Result<std::vector<ParkedDownload>> all = uow->bureau_link().Parked(kIsp, false);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at(0).file_name, p.file_name);
  EXPECT_EQ(all->at(0).replayed_at, kT0 + seconds(9));
  EXPECT_TRUE(uow->bureau_link().Parked(kIsp + 1, false)->empty());
}

TEST_P(BureauLinkContract, ASubjectKeepsItsBureauIdsAndAZtidNamesOneSubject) {
  BureauIds ids;
  ids.subject_id = 3001;
  ids.subject_number = "粤ICP备20000001号";
  ids.websites = {{4001,
                   "粤ICP备20000001号-1",
                   {{"c.cn", 5001}},
                   BureauIds::Access{6001, kIsp, {{"192.0.2.10", 7001}}}}};
  ASSERT_TRUE(
      Commit([&](UnitOfWork& u) { return u.bureau_link().SetSubjectIds(subject_, kIsp, ids); }));
  auto uow = Begin();
  EXPECT_EQ(*uow->bureau_link().SubjectIds(subject_), ids);
  EXPECT_EQ(*uow->bureau_link().SubjectByBureauId(kIsp, 3001), subject_);
  EXPECT_FALSE(uow->bureau_link().SubjectIds(other_subject_)->has_value());
  uow.reset();
  Result<void> taken = Commit(
      [&](UnitOfWork& u) { return u.bureau_link().SetSubjectIds(other_subject_, kIsp, ids); });
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().rule(), "bureau.subject-id");
  ids.websites.clear();  // replaced as a whole
  ASSERT_TRUE(
      Commit([&](UnitOfWork& u) { return u.bureau_link().SetSubjectIds(subject_, kIsp, ids); }));
  uow.reset();  // one writer at a time (the memory store and SQLite)
  uow = Begin();
  EXPECT_EQ(*uow->bureau_link().SubjectIds(subject_), ids);
}

TEST_P(BureauLinkContract, ReasonsAreKeptInOrderAndSayWhy) {
  const BureauReason conflict{
      application_, "BAJG0000000001", 1005, "websites[0].domains[0]", "域名冲突", true, kT0};
  const BureauReason opinion{application_, "BAJG0000000002", 0, "", "网站名称与主体无关联",
                             false,        kT0 + seconds(1)};
  ASSERT_TRUE(Commit([&](UnitOfWork& u) { return u.bureau_link().AddReason(conflict); }));
  ASSERT_TRUE(Commit([&](UnitOfWork& u) { return u.bureau_link().AddReason(opinion); }));
  BureauReason empty = opinion;
  empty.message.clear();
  Result<void> refused = Commit([&](UnitOfWork& u) { return u.bureau_link().AddReason(empty); });
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().rule(), "bureau.reason");
  auto uow = Begin();
  Result<std::vector<BureauReason>> reasons = uow->bureau_link().Reasons(application_);
  ASSERT_TRUE(reasons.has_value());
  EXPECT_EQ(*reasons, (std::vector<BureauReason>{conflict, opinion}));
}

// Two uploaders racing for one account: exactly one holds it at any time, on every store.
TEST_P(BureauLinkContract, RacingUploadersNeverBothHoldTheLease) {
  std::atomic<int> taken = 0;
  auto race = [&](std::string holder) {
    Result<std::unique_ptr<UnitOfWork>> uow = db_->Begin();
    if (!uow) return;
    Result<bool> t = (*uow)->bureau_link().Lease(kIsp, holder, kT0, kT0 + seconds(60));
    if (t && *t && (*uow)->Commit()) ++taken;
  };
  std::thread a(race, "icpd-a"), b(race, "icpd-b");
  a.join();
  b.join();
  EXPECT_EQ(taken.load(), 1);
}

INSTANTIATE_TEST_SUITE_P(Stores, BureauLinkContract, ::testing::ValuesIn(StoresUnderTest()),
                         [](const ::testing::TestParamInfo<StoreUnderTest>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace icp::storage_testing
