// Transfers of a subject between accounts: the contract every store passes (the refusals of
// migrations/0007_transfers.sql, reproduced by the memory store).
#include <gtest/gtest.h>

#include "storage/testing/contract.h"
#include "storage/testing/fixtures.h"

namespace icp::storage_testing {
namespace {

using std::chrono::hours;

constexpr auto kWindow = hours(24 * 7);

class TransferContract : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    old_ = CreateAccount(*db_, "transfer-old");
    new_ = CreateAccount(*db_, "transfer-new");
    admin_ = CreateAccount(*db_, "transfer-admin");
    auto uow = Begin();
    Result<Account> admin = uow->accounts().Get(admin_);
    ASSERT_TRUE(admin.has_value());
    admin->role = Role::kAdmin;
    ASSERT_TRUE(uow->accounts().Update(*admin).has_value());
    Result<SubjectId> s =
        uow->subjects().Insert({SubjectId(), old_, SampleApplication(61, "t.cn").subject,
                                std::nullopt, false, std::nullopt, 0});
    ASSERT_TRUE(s.has_value()) << s.error().message;
    subject_ = *s;
    ASSERT_TRUE(uow->Commit().has_value());
  }

  TransferRecord Request() const {
    TransferRecord t;
    t.subject = subject_;
    t.from_account = old_;
    t.to_account = new_;
    t.reason = "原账号为离职同事所有，无法登录";
    t.evidence = {{TransferEvidenceKind::kTransferLetter, "letter.pdf", std::string(64, 'a'),
                   "application/pdf", 1000},
                  {TransferEvidenceKind::kIdentityDocument, "id.png", std::string(64, 'b'),
                   "image/png", 2000}};
    t.created_at = kT0;
    t.objection_until = kT0 + kWindow;
    return t;
  }

  // Inserts `t` and commits; the id or the error.
  Result<TransferId> Insert(const TransferRecord& t) {
    auto uow = Begin();
    Result<TransferId> id = uow->transfers().Insert(t);
    if (!id) return id;
    if (Result<void> ok = uow->Commit(); !ok) return std::unexpected(ok.error());
    return id;
  }

  Result<std::int64_t> Decide(TransferId id, TransferState to, AccountId by,
                              std::chrono::sys_seconds at, std::int64_t revision = 1) {
    auto uow = Begin();
    Result<std::int64_t> r = uow->transfers().Decide(id, revision, to, by, at, "核实无误");
    if (!r) return r;
    if (Result<void> ok = uow->Commit(); !ok) return std::unexpected(ok.error());
    return r;
  }

  AccountId old_;
  AccountId new_;
  AccountId admin_;
  SubjectId subject_;
};

TEST_P(TransferContract, ARequestReadsBackPendingWithItsEvidence) {
  Result<TransferId> id = Insert(Request());
  ASSERT_TRUE(id.has_value()) << id.error().message;
  auto uow = Begin();
  Result<TransferRecord> back = uow->transfers().Get(*id);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  TransferRecord expected = Request();
  expected.id = *id;
  expected.revision = 1;
  EXPECT_EQ(*back, expected);
  EXPECT_EQ(uow->transfers().Get(TransferId(id->value() + 9)).error().code, ErrorCode::kNotFound);
}

TEST_P(TransferContract, OnePendingTransferPerSubject) {
  ASSERT_TRUE(Insert(Request()).has_value());
  Result<TransferId> again = Insert(Request());
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().rule(), "transfer.pending-for-subject");
}

TEST_P(TransferContract, ADecidedTransferFreesTheSubjectForANewRequest) {
  Result<TransferId> first = Insert(Request());
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(Decide(*first, TransferState::kWithdrawn, new_, kT0 + hours(1)).has_value());
  EXPECT_TRUE(Insert(Request()).has_value());
}

TEST_P(TransferContract, IsAskedFromTheAccountTheSubjectIsUnder) {
  TransferRecord t = Request();
  t.from_account = admin_;
  EXPECT_FALSE(Insert(t).has_value());
  t = Request();
  t.to_account = old_;  // from == to
  EXPECT_FALSE(Insert(t).has_value());
  t = Request();
  t.reason.clear();
  EXPECT_FALSE(Insert(t).has_value());
  t = Request();
  t.evidence[0].sha256 = "not-a-blob-name";
  EXPECT_FALSE(Insert(t).has_value());
}

TEST_P(TransferContract, ADecisionIsFinal) {
  Result<TransferId> id = Insert(Request());
  ASSERT_TRUE(id.has_value());
  Result<std::int64_t> rejected = Decide(*id, TransferState::kRejected, admin_, kT0 + hours(2));
  ASSERT_TRUE(rejected.has_value()) << rejected.error().message;
  EXPECT_EQ(*rejected, 2);
  for (TransferState to : {TransferState::kApproved, TransferState::kRejected}) {
    Result<std::int64_t> again = Decide(*id, to, admin_, kT0 + kWindow, 2);
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().rule(), "transfer.decided");
  }
  auto uow = Begin();
  Result<TransferRecord> back = uow->transfers().Get(*id);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->state, TransferState::kRejected);
  EXPECT_EQ(back->decided_by, admin_);
  EXPECT_EQ(back->decided_at, kT0 + hours(2));
  EXPECT_EQ(back->decision_reason, "核实无误");
}

TEST_P(TransferContract, AStaleRevisionDecidesNothing) {
  Result<TransferId> id = Insert(Request());
  ASSERT_TRUE(id.has_value());
  Result<std::int64_t> stale = Decide(*id, TransferState::kRejected, admin_, kT0, 7);
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().rule(), "storage.revision");
  EXPECT_EQ(Decide(TransferId(id->value() + 5), TransferState::kRejected, admin_, kT0).error().code,
            ErrorCode::kNotFound);
}

TEST_P(TransferContract, WhoDecidesAndWhen) {
  Result<TransferId> id = Insert(Request());
  ASSERT_TRUE(id.has_value());
  // Only an admin approves or rejects; only the requester withdraws; only the old account
  // objects, within the window; approval waits for the window to close.
  EXPECT_FALSE(Decide(*id, TransferState::kRejected, new_, kT0).has_value());
  EXPECT_FALSE(Decide(*id, TransferState::kWithdrawn, old_, kT0).has_value());
  EXPECT_FALSE(Decide(*id, TransferState::kObjected, new_, kT0).has_value());
  EXPECT_FALSE(Decide(*id, TransferState::kObjected, old_, kT0 + kWindow + hours(1)).has_value());
  EXPECT_FALSE(Decide(*id, TransferState::kApproved, admin_, kT0 + hours(1)).has_value());
  Result<std::int64_t> objected = Decide(*id, TransferState::kObjected, old_, kT0 + hours(1));
  EXPECT_TRUE(objected.has_value()) << objected.error().message;
}

TEST_P(TransferContract, ApprovalNeedsTheLetterAndTheIdentityDocument) {
  TransferRecord t = Request();
  t.evidence.pop_back();
  Result<TransferId> id = Insert(t);
  ASSERT_TRUE(id.has_value());
  Result<std::int64_t> approved = Decide(*id, TransferState::kApproved, admin_, kT0 + kWindow);
  ASSERT_FALSE(approved.has_value());
  EXPECT_EQ(approved.error().rule(), "transfer.evidence-missing");
}

TEST_P(TransferContract, AnApprovedTransferMovesTheSubjectOnce) {
  Result<TransferId> id = Insert(Request());
  ASSERT_TRUE(id.has_value());
  auto uow = Begin();
  ASSERT_TRUE(uow->transfers()
                  .Decide(*id, 1, TransferState::kApproved, admin_, kT0 + kWindow, "核实无误")
                  .has_value());
  Result<std::int64_t> moved = uow->transfers().MoveSubject(*id, 1);
  ASSERT_TRUE(moved.has_value()) << moved.error().message;
  EXPECT_EQ(*moved, 2);
  ASSERT_TRUE(uow->Commit().has_value());

  auto read = Begin();
  Result<SubjectRecord> subject = read->subjects().Get(subject_);
  ASSERT_TRUE(subject.has_value());
  EXPECT_EQ(subject->account, new_);
  EXPECT_EQ(subject->revision, 2);
  EXPECT_TRUE(read->subjects().ListByAccount(old_)->empty());
  read.reset();

  // The same transfer cannot move it again (nor back).
  auto again = Begin();
  Result<std::int64_t> twice = again->transfers().MoveSubject(*id, 2);
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code, ErrorCode::kAborted);
}

TEST_P(TransferContract, APendingTransferDoesNotMoveTheSubject) {
  Result<TransferId> id = Insert(Request());
  ASSERT_TRUE(id.has_value());
  auto uow = Begin();
  Result<std::int64_t> moved = uow->transfers().MoveSubject(*id, 1);
  ASSERT_FALSE(moved.has_value());
  EXPECT_EQ(moved.error().rule(), "transfer.moves-subject");
}

TEST_P(TransferContract, AStaleSubjectRevisionMovesNothing) {
  Result<TransferId> id = Insert(Request());
  ASSERT_TRUE(id.has_value());
  auto uow = Begin();
  ASSERT_TRUE(uow->transfers()
                  .Decide(*id, 1, TransferState::kApproved, admin_, kT0 + kWindow, "核实无误")
                  .has_value());
  Result<std::int64_t> moved = uow->transfers().MoveSubject(*id, 5);
  ASSERT_FALSE(moved.has_value());
  EXPECT_EQ(moved.error().rule(), "storage.revision");
  // The failed write ended the unit of work: nothing of it is committed.
  EXPECT_FALSE(uow->Commit().has_value());
  uow.reset();
  auto read = Begin();
  EXPECT_EQ(read->transfers().Get(*id)->state, TransferState::kPending);
}

TEST_P(TransferContract, NoMoveWhileAnApplicationAboutTheSubjectIsOpen) {
  Result<TransferId> id = Insert(Request());
  ASSERT_TRUE(id.has_value());
  auto uow = Begin();
  ApplicationRecord change =
      NewRecord(old_, SampleApplication(61, "t.cn"), ApplicationType::kChangeSubject);
  change.subject = subject_;
  Result<ApplicationId> app = uow->applications().Insert(change);
  ASSERT_TRUE(app.has_value()) << app.error().message;
  ASSERT_TRUE(uow->transfers()
                  .Decide(*id, 1, TransferState::kApproved, admin_, kT0 + kWindow, "核实无误")
                  .has_value());
  Result<std::int64_t> moved = uow->transfers().MoveSubject(*id, 1);
  ASSERT_FALSE(moved.has_value());
  EXPECT_EQ(moved.error().rule(), "transfer.open-application");
}

TEST_P(TransferContract, ListsByIdWithFilters) {
  Result<TransferId> first = Insert(Request());
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(Decide(*first, TransferState::kWithdrawn, new_, kT0 + hours(1)).has_value());
  Result<TransferId> second = Insert(Request());
  ASSERT_TRUE(second.has_value());
  auto uow = Begin();
  Result<std::vector<TransferRecord>> all = uow->transfers().List({});
  ASSERT_TRUE(all.has_value()) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, *first);
  EXPECT_EQ((*all)[1].evidence.size(), 2u);
  Result<std::vector<TransferRecord>> pending =
      uow->transfers().List({std::nullopt, TransferState::kPending});
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->front().id, *second);
  EXPECT_EQ(uow->transfers().List({new_, std::nullopt, *first})->size(), 1u);
  EXPECT_TRUE(uow->transfers().List({old_})->empty());
  EXPECT_EQ(uow->transfers().List({std::nullopt, std::nullopt, TransferId(), 1})->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Stores, TransferContract, ::testing::ValuesIn(StoresUnderTest()),
                         [](const ::testing::TestParamInfo<StoreUnderTest>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace icp::storage_testing
