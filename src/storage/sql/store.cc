#include "storage/sql/store.h"

#include "storage/sql/bureau_link.h"
#include "storage/sql/outbox.h"
#include "storage/sql/repositories.h"

namespace icp::sql {

Result<Rows> Session::Run(std::string_view statement, std::span<const Value> params) {
  if (ended) return FailedPrecondition("this unit of work has ended");
  if (failed) {
    return Aborted("an earlier statement of this unit of work failed; begin a new one");
  }
  Result<Rows> r = connection.Query(statement, params);
  if (!r) failed = true;
  return r;
}

std::expected<std::vector<Rows>, BatchFailure> Session::RunBatch(
    std::span<const Statement> statements) {
  if (ended)
    return std::unexpected(
        BatchFailure{0, FailedPrecondition("this unit of work has ended").error()});
  if (failed) {
    return std::unexpected(BatchFailure{
        0, Aborted("an earlier statement of this unit of work failed; begin a new one").error()});
  }
  auto r = connection.Batch(statements);
  if (!r) failed = true;
  return r;
}

namespace {

constexpr std::string_view kSavepoint = "SAVEPOINT icp_audit";
constexpr std::string_view kReleaseSavepoint = "RELEASE SAVEPOINT icp_audit";
constexpr std::string_view kRollbackToSavepoint = "ROLLBACK TO SAVEPOINT icp_audit";

class UnitOfWork final : public icp::UnitOfWork {
 public:
  UnitOfWork(Pool::Lease lease, const PiiVault& vault, AuditHeadCache* audit_head)
      : lease_(std::move(lease)), session_{*lease_, vault} {
    session_.audit_head = audit_head;
  }

  ~UnitOfWork() override {
    // Rolling back is all that is left to do; a connection that cannot is marked unhealthy
    // by its driver and dropped by the pool.
    if (!session_.ended) (void)session_.connection.Rollback();
  }

  icp::AccountRepository& accounts() override { return accounts_; }
  icp::SessionRepository& sessions() override { return sessions_; }
  icp::ApiKeyRepository& api_keys() override { return api_keys_; }
  icp::LoginThrottle& login_throttle() override { return throttle_; }
  icp::SubjectRepository& subjects() override { return subjects_; }
  icp::WebsiteRepository& websites() override { return websites_; }
  icp::FilingNumberRegistry& numbers() override { return numbers_; }
  icp::ApplicationRepository& applications() override { return applications_; }
  icp::MaterialRepository& materials() override { return materials_; }
  icp::ResourceRepository& resources() override { return resources_; }
  icp::AuthorizationCodeRepository& authorization_codes() override { return codes_; }
  icp::VerificationRepository& verifications() override { return verifications_; }
  icp::TransferRepository& transfers() override { return transfers_; }
  icp::AuditLog& audit() override { return audit_; }
  icp::Outbox& outbox() override { return outbox_; }
  icp::Inbox& inbox() override { return inbox_; }
  icp::ReviewJournal& review_notes() override { return review_notes_; }
  icp::IdempotencyStore& idempotency() override { return idempotency_; }
  icp::GateRepository& gate() override { return gate_; }
  icp::BureauLink& bureau_link() override { return bureau_link_; }
  icp::NotificationRepository& notifications() override { return notifications_; }

  Result<void> Commit() override {
    if (session_.ended) return FailedPrecondition("this unit of work has ended");
    if (session_.failed) {
      return Aborted("an earlier statement of this unit of work failed; nothing was stored");
    }
    // PostgreSQL: chained onto the head this process last wrote, without reading it; the
    // entries, COMMIT and all go out in one round trip. Should another writer have moved
    // the head, the schema refuses the entries (audit.chain): back to the savepoint, then
    // the head is read and locked, and the entries chained onto it.
    if (session_.audit_head != nullptr && !audit_.empty()) {
      if (std::optional<AuditHeadCache::Head> head = session_.audit_head->Get()) {
        std::vector<Statement> last{{kSavepoint, {}}};
        for (const Statement& st : audit_.ChainFrom(std::move(*head))) last.push_back(st);
        last.push_back({kReleaseSavepoint, {}});
        std::expected<void, BatchFailure> committed = session_.connection.CommitAfter(last);
        const bool stale = !committed && committed.error().index > 0 &&
                           committed.error().index + 1 < last.size() &&
                           ConstraintOf(committed.error().error) == "audit.chain";
        if (!stale) return Finish(std::move(committed), last.size());
        session_.audit_head->Forget();
        if (Result<Rows> back = session_.Run(kRollbackToSavepoint); !back) {
          return std::unexpected(back.error());
        }
      }
    }
    Result<std::vector<Statement>> audit = audit_.Chain();
    if (!audit) {
      session_.failed = true;
      return std::unexpected(audit.error());
    }
    return Finish(session_.connection.CommitAfter(*audit), audit->size());
  }

 private:
  // What a COMMIT sent after `statements` statements (Connection::CommitAfter) comes to.
  // Whatever COMMIT answers, the unit of work is over: a failed COMMIT is rolled back (on
  // PostgreSQL it already was) and never retried, since a retry would run outside any
  // transaction.
  Result<void> Finish(std::expected<void, BatchFailure> committed, std::size_t statements) {
    if (!committed && committed.error().index < statements) {
      session_.failed = true;  // a statement before COMMIT failed: nothing was committed
      return std::unexpected(std::move(committed.error().error));
    }
    session_.ended = true;
    if (!committed) {
      (void)session_.connection.Rollback();  // best effort; the error below is what counts
      Error e = std::move(committed.error().error);
      if (e.code == ErrorCode::kUnavailable) {
        // The connection failed during COMMIT: the engine may have committed before it did.
        e.message = "the outcome of COMMIT is unknown (" + e.message +
                    "); read the state back before doing the work again";
        e.violations = {{"", "storage.commit-outcome-unknown", e.message,
                         "提交结果未知，请先查询当前状态再重试"}};
        return std::unexpected(std::move(e));
      }
      e.code = ErrorCode::kAborted;
      e.message = "commit failed, nothing of this unit of work was stored: " + e.message;
      return std::unexpected(std::move(e));
    }
    std::optional<AuditHeadCache::Head> head = audit_.Done();
    if (head && session_.audit_head != nullptr) session_.audit_head->Put(std::move(*head));
    return {};
  }

 private:
  Pool::Lease lease_;
  Session session_;
  AccountRepository accounts_{session_};
  SessionRepository sessions_{session_};
  ApiKeyRepository api_keys_{session_};
  LoginThrottle throttle_{session_};
  SubjectRepository subjects_{session_};
  WebsiteRepository websites_{session_};
  FilingNumberRegistry numbers_{session_};
  ApplicationRepository applications_{session_};
  MaterialRepository materials_{session_};
  ResourceRepository resources_{session_};
  AuthorizationCodeRepository codes_{session_};
  VerificationRepository verifications_{session_};
  TransferRepository transfers_{session_};
  AuditLog audit_{session_};
  Outbox outbox_{session_};
  Inbox inbox_{session_};
  ReviewJournal review_notes_{session_};
  IdempotencyStore idempotency_{session_};
  GateRepository gate_{session_};
  BureauLink bureau_link_{session_};
  NotificationRepository notifications_{session_};
};

// A read-only transaction on a connection of its own; ending it (destruction) rolls back,
// which for a reader only releases its snapshot.
class ReadTransaction final : public icp::ReadTransaction {
 public:
  ReadTransaction(Pool::Lease lease, const PiiVault& vault)
      : lease_(std::move(lease)), session_{*lease_, vault} {}
  ~ReadTransaction() override { (void)session_.connection.Rollback(); }

  icp::AccountReader& accounts() override { return accounts_; }
  icp::SessionReader& sessions() override { return sessions_; }
  icp::ApiKeyReader& api_keys() override { return api_keys_; }
  icp::SubjectReader& subjects() override { return subjects_; }
  icp::WebsiteReader& websites() override { return websites_; }
  icp::ApplicationReader& applications() override { return applications_; }
  icp::MaterialReader& materials() override { return materials_; }
  icp::ResourceReader& resources() override { return resources_; }
  icp::AuthorizationCodeReader& authorization_codes() override { return codes_; }
  icp::VerificationReader& verifications() override { return verifications_; }
  icp::TransferReader& transfers() override { return transfers_; }
  icp::ReviewJournalReader& review_notes() override { return review_notes_; }
  icp::BureauLinkReader& bureau_link() override { return bureau_link_; }
  icp::AuditLogReader& audit() override { return audit_; }
  icp::GateReader& gate() override { return gate_; }
  icp::NotificationReader& notifications() override { return notifications_; }

 private:
  Pool::Lease lease_;
  Session session_;
  // The unit of work's repositories, seen through their readers: their reads are the same
  // SQL, so a read transaction and a unit of work cannot answer differently.
  AccountRepository accounts_{session_};
  SessionRepository sessions_{session_};
  ApiKeyRepository api_keys_{session_};
  SubjectRepository subjects_{session_};
  WebsiteRepository websites_{session_};
  ApplicationRepository applications_{session_};
  MaterialRepository materials_{session_};
  ResourceRepository resources_{session_};
  AuthorizationCodeRepository codes_{session_};
  VerificationRepository verifications_{session_};
  TransferRepository transfers_{session_};
  ReviewJournal review_notes_{session_};
  BureauLink bureau_link_{session_};
  AuditLogReader audit_{session_};
  GateRepository gate_{session_};
  NotificationRepository notifications_{session_};
};

// Any read pins the snapshot; without it SQLite and PostgreSQL would take it at the
// caller's first read instead of now.
constexpr std::string_view kPinSnapshot = "SELECT seq FROM audit_head WHERE id = 1";

}  // namespace

Database::Database(std::unique_ptr<Pool> pool, PiiVault vault)
    : pool_(std::move(pool)),
      vault_(std::move(vault)),
      audit_head_(std::make_shared<AuditHeadCache>()) {}

Result<std::unique_ptr<icp::ReadTransaction>> Database::BeginRead() {
  Result<Pool::Lease> lease = pool_->Acquire();
  if (!lease) return std::unexpected(lease.error());
  if (Result<void> begun = (*lease)->BeginRead(); !begun) return std::unexpected(begun.error());
  if (Result<Rows> pinned = (*lease)->Query(kPinSnapshot); !pinned) {
    (void)(*lease)->Rollback();
    return std::unexpected(pinned.error());
  }
  return std::make_unique<ReadTransaction>(std::move(*lease), vault_);
}

Result<std::unique_ptr<icp::UnitOfWork>> Database::Begin() {
  Result<Pool::Lease> lease = pool_->Acquire();
  if (!lease) return std::unexpected(lease.error());
  if (Result<void> begun = (*lease)->Begin(); !begun) return std::unexpected(begun.error());
  AuditHeadCache* cache = (*lease)->dialect() == Dialect::kPostgres ? audit_head_.get() : nullptr;
  return std::make_unique<UnitOfWork>(std::move(*lease), vault_, cache);
}

}  // namespace icp::sql
