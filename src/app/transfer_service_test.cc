#include "app/transfer_service.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "app/notification.h"
#include "app/test_support.h"
#include "ports/testing/fake_clock.h"
#include "storage/memory/blob_store.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using app_testing::Pdf;
using app_testing::Png;
using std::chrono::hours;
using storage_testing::kT0;

constexpr auto kWindow = hours(24 * 7);

std::vector<std::string> Rules(const Error& e) {
  std::vector<std::string> out;
  for (const FieldViolation& v : e.violations) out.push_back(v.rule);
  return out;
}

class TransferServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Subject subject = storage_testing::SampleApplication(21, "moved.cn").subject;
    auto uow = std::move(*db_->Begin());
    old_.account = *uow->accounts().Insert(Customer("old", std::nullopt));
    new_.account = *uow->accounts().Insert(Customer("new", subject.name));
    stranger_.account = *uow->accounts().Insert(Customer("stranger", "李四"));
    admin_.account =
        *uow->accounts().Insert({AccountId(), "admin", Role::kAdmin, "管理员", "x", kT0});
    reviewer_.account =
        *uow->accounts().Insert({AccountId(), "reviewer", Role::kReviewer, "审核", "x", kT0});
    subject_ = *uow->subjects().Insert(
        {SubjectId(), old_.account, subject, std::nullopt, false, std::nullopt, 0});
    number_ = *FilingNumber::Parse("粤ICP备2026000021号");
    EXPECT_TRUE(uow->numbers().Issue({*number_, subject_, std::nullopt, kT0, std::nullopt}));
    SubjectRecord filed = *uow->subjects().Get(subject_);
    filed.number = number_;
    EXPECT_TRUE(uow->subjects().Update(filed).has_value());
    WebsiteRecord site{WebsiteId(),
                       subject_,
                       storage_testing::SampleApplication(21, "moved.cn").websites[0],
                       std::nullopt,
                       false,
                       std::nullopt,
                       0};
    EXPECT_TRUE(uow->websites().Insert(site).has_value());
    EXPECT_TRUE(uow->Commit().has_value());
  }

  // A customer account whose verified real name is `name` (none when nullopt).
  Account Customer(std::string login, std::optional<std::string> name) {
    Account a{AccountId(), login, Role::kCustomer, login, "x", kT0};
    if (name) {
      Result<RealName> real = RealName::Make(
          RealNameKind::kPerson, *name,
          *Certificate::Parse(
              CertificateType::kResidentId, storage_testing::ResidentIdNumber(90),
              Date(std::chrono::year(2026), std::chrono::November, std::chrono::day(1))));
      EXPECT_TRUE(real.has_value()) << real.error().message;
      a.real_name = VerifiedRealName{*real, kT0};
    }
    return a;
  }

  TransferRequest Request() const {
    TransferRequest r;
    r.subject_number = number_;
    r.reason = "原账号为离职同事注册，已无法登录";
    r.evidence = {{"transfer_letter", "申请函.pdf", Pdf()},
                  {"identity_document", "id.png", Png(640, 480)}};
    return r;
  }

  Result<TransferView> Requested() {
    Result<TransferView> t = service_.Request(new_, Request());
    EXPECT_TRUE(t.has_value()) << t.error().message;
    return t;
  }

  std::vector<Notification> Told() {
    std::vector<Notification> out;
    auto uow = std::move(*db_->Begin());
    const std::vector<OutboxEntry> entries = uow->outbox().List({}).value();
    for (const OutboxEntry& e : entries)
      out.push_back(*ParseNotificationPayload(e.message.payload));
    return out;
  }

  std::vector<std::string> AuditActions() {
    std::vector<std::string> out;
    auto uow = std::move(*db_->Begin());
    const std::vector<StoredAuditEntry> stored = uow->audit().Read(0, 100).value();
    for (const StoredAuditEntry& e : stored) out.push_back(e.entry.action);
    return out;
  }

  SubjectRecord Stored() { return *(*db_->Begin())->subjects().Get(subject_); }

  // Opens a change application of the old account's about the subject.
  void OpenChange() {
    auto uow = std::move(*db_->Begin());
    ApplicationRecord change =
        storage_testing::NewRecord(old_.account, storage_testing::SampleApplication(21, "moved.cn"),
                                   ApplicationType::kChangeSubject, clock_.Now());
    change.subject = subject_;
    ASSERT_TRUE(uow->applications().Insert(change).has_value());
    ASSERT_TRUE(uow->Commit().has_value());
  }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  memory::BlobStore blobs_;
  app_testing::FakeSniffer sniffer_;
  MaterialLimits limits_ = app_testing::TestLimits();
  FakeClock clock_{kT0};
  TransferService service_{*db_, blobs_, sniffer_, limits_, clock_};
  Caller old_, new_, stranger_, admin_{AccountId(), Role::kAdmin},
      reviewer_{AccountId(), Role::kReviewer};
  SubjectId subject_;
  std::optional<FilingNumber> number_;
};

// ---- the request ----

TEST_F(TransferServiceTest, ARequestIsPendingWithItsEvidenceAndTellsTheOldAccount) {
  Result<TransferView> t = Requested();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->record.state, TransferState::kPending);
  EXPECT_EQ(t->record.from_account, old_.account);
  EXPECT_EQ(t->record.to_account, new_.account);
  EXPECT_EQ(t->record.objection_until, kT0 + kWindow);
  EXPECT_EQ(t->subject_number, number_);
  ASSERT_EQ(t->record.evidence.size(), 2u);
  EXPECT_EQ(t->record.evidence[0].content_type, "application/pdf");
  EXPECT_EQ(blobs_.Get(t->record.evidence[1].sha256).value(), Png(640, 480));
  const std::vector<Notification> told = Told();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].template_id, notification_template::kTransferRequested);
  EXPECT_EQ(told[0].account, old_.account);
  EXPECT_EQ(told[0].params.at("objection_until"), "2026-11-25");
  EXPECT_EQ(AuditActions(), std::vector<std::string>{"transfer.request"});
}

// What must commit with the request (the Idempotency-Key's answer) runs in its unit of work,
// seeing the stored view; its failure leaves no request, no notification and no audit entry.
TEST_F(TransferServiceTest, WhatCommitsWithTheRequestRunsInItsUnitOfWorkOrUndoesIt) {
  Result<TransferView> failed =
      service_.Request(new_, Request(), [](UnitOfWork&, const TransferView& v) -> Result<void> {
        EXPECT_NE(v.record.id, TransferId());
        return Aborted("the answer could not be kept");
      });
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, ErrorCode::kAborted);
  EXPECT_TRUE(Told().empty());
  EXPECT_TRUE(AuditActions().empty());
  EXPECT_TRUE((*db_->Begin())->transfers().List({}).value().empty());
  TransferId seen;
  Result<TransferView> kept =
      service_.Request(new_, Request(), [&](UnitOfWork& uow, const TransferView& v) {
        seen = v.record.id;
        return uow.transfers().Get(v.record.id).has_value() ? Result<void>{}
                                                            : Internal("not in the unit of work");
      });
  ASSERT_TRUE(kept.has_value()) << kept.error().message;
  EXPECT_EQ(kept->record.id, seen);
}

TEST_F(TransferServiceTest, TheSubjectMayBeNamedByItsCertificate) {
  TransferRequest r = Request();
  r.subject_number.reset();
  r.certificate = Stored().subject.certificate;
  Result<TransferView> t = service_.Request(new_, r);
  ASSERT_TRUE(t.has_value()) << t.error().message;
  EXPECT_EQ(t->record.subject, subject_);
}

TEST_F(TransferServiceTest, RefusesEveryProblemOfTheRequestAtOnce) {
  TransferRequest r = Request();
  r.certificate = Stored().subject.certificate;  // and the number: both
  r.reason = "  ";
  std::ifstream in("/bin/true", std::ios::binary);
  const std::string elf{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  r.evidence = {{"transfer_letter", "letter.pdf", elf}, {"selfie", "a/b.png", Png(640, 480)}};
  Result<TransferView> t = service_.Request(new_, r);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Rules(t.error()),
            (std::vector<std::string>{"transfer.subject", "transfer.reason", "material.type",
                                      "transfer.evidence-kind", "material.file-name",
                                      "transfer.evidence-missing"}));
  EXPECT_EQ(t.error().violations[2].field, "evidence[0].content");
  EXPECT_TRUE(Told().empty());
}

TEST_F(TransferServiceTest, NeedsTheLetterAndTheIdentityDocument) {
  TransferRequest r = Request();
  r.evidence.pop_back();
  Result<TransferView> t = service_.Request(new_, r);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(Rules(t.error()), std::vector<std::string>{"transfer.evidence-missing"});
}

TEST_F(TransferServiceTest, RefusesASubjectNotOnRecordHere) {
  TransferRequest r = Request();
  r.subject_number = *FilingNumber::Parse("粤ICP备2026000099号");
  Result<TransferView> t = service_.Request(new_, r);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(t.error().rule(), "transfer.subject-unknown");
}

TEST_F(TransferServiceTest, RefusesAnAccountWhoseRealNameIsNotTheSubjects) {
  Result<TransferView> t = service_.Request(stranger_, Request());
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(t.error().rule(), "transfer.real-name");
  EXPECT_TRUE(Told().empty());
}

TEST_F(TransferServiceTest, RefusesAnAccountWithoutARealName) {
  auto uow = std::move(*db_->Begin());
  Caller bare{*uow->accounts().Insert(Customer("bare", std::nullopt)), Role::kCustomer};
  ASSERT_TRUE(uow->Commit().has_value());
  Result<TransferView> t = service_.Request(bare, Request());
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().rule(), "transfer.real-name");
}

TEST_F(TransferServiceTest, RefusesASubjectAlreadyUnderTheAccount) {
  Result<TransferView> t = service_.Request(old_, Request());
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().rule(), "transfer.same-account");
}

TEST_F(TransferServiceTest, RefusesACancelledSubject) {
  auto uow = std::move(*db_->Begin());
  ApplicationRecord cancel =
      storage_testing::NewRecord(old_.account, storage_testing::SampleApplication(21, "moved.cn"),
                                 ApplicationType::kCancelSubject, kT0);
  cancel.subject = subject_;
  Result<ApplicationId> app = uow->applications().Insert(cancel);
  ASSERT_TRUE(app.has_value()) << app.error().message;
  SubjectRecord s = *uow->subjects().Get(subject_);
  s.cancelled = true;
  s.changed_by = *app;
  ASSERT_TRUE(uow->subjects().Update(s).has_value());
  ApplicationRecord done = *uow->applications().Get(*app);
  storage_testing::Move(done, ApplicationEvent::kAbandon, kT0);
  ASSERT_TRUE(uow->applications().Update(done).has_value());
  ASSERT_TRUE(uow->Commit().has_value());
  Result<TransferView> t = service_.Request(new_, Request());
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().rule(), "transfer.subject-cancelled");
}

TEST_F(TransferServiceTest, RefusesWhileAnApplicationAboutTheSubjectIsOpen) {
  OpenChange();
  Result<TransferView> t = service_.Request(new_, Request());
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().rule(), "transfer.open-application");
}

TEST_F(TransferServiceTest, RefusesASecondPendingRequest) {
  ASSERT_TRUE(Requested().has_value());
  Result<TransferView> t = service_.Request(new_, Request());
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(t.error().rule(), "transfer.pending-for-subject");
}

TEST_F(TransferServiceTest, OnlyCustomersAsk) {
  Result<TransferView> t = service_.Request(admin_, Request());
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, ErrorCode::kPermissionDenied);
}

// ---- who reads ----

TEST_F(TransferServiceTest, TheRequesterAndTheOldAccountReadItNobodyElse) {
  Result<TransferView> t = Requested();
  ASSERT_TRUE(t.has_value());
  const TransferId id = t->record.id;
  EXPECT_TRUE(service_.Get(new_, id).has_value());
  EXPECT_TRUE(service_.Get(old_, id).has_value());
  EXPECT_TRUE(service_.Get(reviewer_, id).has_value());
  EXPECT_EQ(service_.Get(stranger_, id).error().code, ErrorCode::kNotFound);
  // The papers: the requester and staff only.
  Result<std::pair<TransferEvidence, std::string>> letter = service_.Evidence(new_, id, 0);
  ASSERT_TRUE(letter.has_value()) << letter.error().message;
  EXPECT_EQ(letter->second, Pdf());
  EXPECT_TRUE(service_.Evidence(admin_, id, 1).has_value());
  EXPECT_EQ(service_.Evidence(old_, id, 0).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_.Evidence(stranger_, id, 0).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_.Evidence(new_, id, 2).error().code, ErrorCode::kNotFound);
}

TEST_F(TransferServiceTest, CustomersListTheirOwnStaffListEveryOneOldestFirst) {
  Result<TransferView> first = Requested();
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(service_.Withdraw(new_, first->record.id, 1, true).has_value());
  Result<TransferView> second = Requested();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(service_.List(new_, std::nullopt, TransferId(), 10)->items.size(), 2u);
  EXPECT_TRUE(service_.List(stranger_, std::nullopt, TransferId(), 10)->items.empty());
  EXPECT_TRUE(service_.List(old_, std::nullopt, TransferId(), 10)->items.empty());
  Result<TransferPage> page = service_.List(admin_, std::nullopt, TransferId(), 1);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].record.id, first->record.id);
  ASSERT_TRUE(page->next.has_value());
  Result<TransferPage> rest = service_.List(admin_, std::nullopt, *page->next, 1);
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].record.id, second->record.id);
  EXPECT_FALSE(rest->next.has_value());
  Result<TransferPage> pending = service_.List(admin_, TransferState::kPending, TransferId(), 10);
  ASSERT_EQ(pending->items.size(), 1u);
  EXPECT_EQ(pending->items[0].record.id, second->record.id);
}

// ---- the decision ----

TEST_F(TransferServiceTest, ApprovalMovesTheSubjectAndItsWebsitesAndTellsBothAccounts) {
  Result<TransferView> t = Requested();
  ASSERT_TRUE(t.has_value());
  clock_.Advance(kWindow);
  Result<TransferView> approved = service_.Approve(admin_, t->record.id, 1, "材料齐全，核实无误");
  ASSERT_TRUE(approved.has_value()) << approved.error().message;
  EXPECT_EQ(approved->record.state, TransferState::kApproved);
  EXPECT_EQ(approved->record.revision, 2);
  EXPECT_EQ(approved->record.decided_by, admin_.account);
  const SubjectRecord moved = Stored();
  EXPECT_EQ(moved.account, new_.account);
  EXPECT_EQ(moved.revision, 3);
  auto uow = std::move(*db_->Begin());
  EXPECT_EQ(uow->websites().ListBySubject(subject_)->size(), 1u) << "the websites follow";
  EXPECT_TRUE(uow->subjects().ListByAccount(old_.account)->empty());
  uow.reset();
  const std::vector<Notification> told = Told();
  ASSERT_EQ(told.size(), 3u);
  EXPECT_EQ(told[1].template_id, notification_template::kTransferMoved);
  EXPECT_EQ(told[1].account, old_.account);
  EXPECT_EQ(told[2].template_id, notification_template::kTransferDecided);
  EXPECT_EQ(told[2].account, new_.account);
  EXPECT_EQ(told[2].params.at("outcome"), "已同意");
  EXPECT_EQ(AuditActions(),
            (std::vector<std::string>{"transfer.request", "transfer.approve", "subject.transfer"}));
}

TEST_F(TransferServiceTest, ApprovalWaitsForTheObjectionWindow) {
  Result<TransferView> t = Requested();
  ASSERT_TRUE(t.has_value());
  clock_.Advance(kWindow - hours(1));
  Result<TransferView> early = service_.Approve(admin_, t->record.id, 1, "核实无误");
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().rule(), "transfer.objection-window");
  EXPECT_EQ(Stored().account, old_.account);
}

TEST_F(TransferServiceTest, ADecidedTransferCannotBeDecidedAgain) {
  Result<TransferView> t = Requested();
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE(service_.Reject(admin_, t->record.id, 1, "申请函未加盖公章").has_value());
  clock_.Advance(kWindow);
  for (std::int64_t revision : {1, 2}) {
    Result<TransferView> again = service_.Approve(admin_, t->record.id, revision, "核实无误");
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().rule(), "transfer.decided");
  }
  EXPECT_EQ(Stored().account, old_.account);
}

TEST_F(TransferServiceTest, RejectionKeepsTheSubjectAndTellsTheRequester) {
  Result<TransferView> t = Requested();
  ASSERT_TRUE(t.has_value());
  Result<TransferView> rejected = service_.Reject(admin_, t->record.id, 1, "申请函未加盖公章");
  ASSERT_TRUE(rejected.has_value()) << rejected.error().message;
  EXPECT_EQ(rejected->record.state, TransferState::kRejected);
  EXPECT_EQ(rejected->record.decision_reason, "申请函未加盖公章");
  EXPECT_EQ(Stored().account, old_.account);
  const std::vector<Notification> told = Told();
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[1].account, new_.account);
  EXPECT_EQ(told[1].params.at("outcome"), "已驳回");
}

TEST_F(TransferServiceTest, AStaleRevisionDecidesNothing) {
  Result<TransferView> t = Requested();
  ASSERT_TRUE(t.has_value());
  Result<TransferView> stale = service_.Reject(admin_, t->record.id, 7, "申请函未加盖公章");
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().rule(), "storage.revision");
  EXPECT_EQ(service_.Get(admin_, t->record.id)->record.state, TransferState::kPending);
}

TEST_F(TransferServiceTest, OnlyAnAdminDecidesAndSaysWhy) {
  Result<TransferView> t = Requested();
  ASSERT_TRUE(t.has_value());
  clock_.Advance(kWindow);
  EXPECT_EQ(service_.Approve(reviewer_, t->record.id, 1, "核实无误").error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_.Approve(new_, t->record.id, 1, "核实无误").error().code,
            ErrorCode::kPermissionDenied);
  Result<TransferView> silent = service_.Approve(admin_, t->record.id, 1, "");
  ASSERT_FALSE(silent.has_value());
  EXPECT_EQ(Rules(silent.error()), std::vector<std::string>{"transfer.decision-reason"});
}

TEST_F(TransferServiceTest, ApprovalChecksAgainForAnOpenApplication) {
  Result<TransferView> t = Requested();
  ASSERT_TRUE(t.has_value());
  OpenChange();
  clock_.Advance(kWindow);
  Result<TransferView> approved = service_.Approve(admin_, t->record.id, 1, "核实无误");
  ASSERT_FALSE(approved.has_value());
  EXPECT_EQ(approved.error().rule(), "transfer.open-application");
  EXPECT_EQ(Stored().account, old_.account);
  EXPECT_EQ(service_.Get(admin_, t->record.id)->record.state, TransferState::kPending);
}

TEST_F(TransferServiceTest, ApprovalChecksAgainTheRequestersRealName) {
  Result<TransferView> t = Requested();
  ASSERT_TRUE(t.has_value());
  auto uow = std::move(*db_->Begin());
  Account a = *uow->accounts().Get(new_.account);
  a.real_name.reset();
  ASSERT_TRUE(uow->accounts().Update(a).has_value());
  ASSERT_TRUE(uow->Commit().has_value());
  clock_.Advance(kWindow);
  Result<TransferView> approved = service_.Approve(admin_, t->record.id, 1, "核实无误");
  ASSERT_FALSE(approved.has_value());
  EXPECT_EQ(approved.error().rule(), "transfer.real-name");
}

// ---- the old account objects; the requester withdraws ----

TEST_F(TransferServiceTest, TheOldAccountObjectsWithinTheWindowAndThatStopsIt) {
  Result<TransferView> t = Requested();
  ASSERT_TRUE(t.has_value());
  clock_.Advance(hours(24));
  EXPECT_EQ(service_.Object(stranger_, t->record.id, 1, "不同意").error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(service_.Object(new_, t->record.id, 1, "不同意").error().code, ErrorCode::kNotFound);
  Result<TransferView> objected = service_.Object(old_, t->record.id, 1, "本人仍在使用该账号");
  ASSERT_TRUE(objected.has_value()) << objected.error().message;
  EXPECT_EQ(objected->record.state, TransferState::kObjected);
  const std::vector<Notification> told = Told();
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[1].account, new_.account);
  clock_.Advance(kWindow);
  EXPECT_EQ(service_.Approve(admin_, t->record.id, 2, "核实无误").error().rule(),
            "transfer.decided");
}

TEST_F(TransferServiceTest, NoObjectionAfterTheWindow) {
  Result<TransferView> t = Requested();
  ASSERT_TRUE(t.has_value());
  clock_.Advance(kWindow + hours(1));
  Result<TransferView> late = service_.Object(old_, t->record.id, 1, "本人仍在使用该账号");
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().rule(), "transfer.objection-closed");
}

TEST_F(TransferServiceTest, TheRequesterWithdrawsAPendingRequest) {
  Result<TransferView> t = Requested();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(service_.Withdraw(old_, t->record.id, 1, true).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_.Withdraw(new_, t->record.id, 1, false).error().rule(), "transfer.confirm");
  Result<TransferView> withdrawn = service_.Withdraw(new_, t->record.id, 1, true);
  ASSERT_TRUE(withdrawn.has_value()) << withdrawn.error().message;
  EXPECT_EQ(withdrawn->record.state, TransferState::kWithdrawn);
  EXPECT_EQ(service_.Withdraw(new_, t->record.id, 2, true).error().rule(), "transfer.decided");
}

}  // namespace
}  // namespace icp
