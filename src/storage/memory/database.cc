#include "storage/memory/database.h"

#include <utility>

#include "storage/memory/bureau_link.h"
#include "storage/memory/outbox.h"
#include "storage/memory/repositories.h"

namespace icp::memory {
namespace {

class UnitOfWork final : public icp::UnitOfWork {
 public:
  UnitOfWork(std::unique_lock<std::mutex> lock, State& committed, Journal& journal,
             std::mutex& journal_mutex, const audit_chain::Key& audit_key)
      : lock_(std::move(lock)),
        committed_(committed),
        journal_(journal),
        journal_mutex_(journal_mutex),
        audit_key_(audit_key),
        state_(committed),
        session_(state_, journal) {}

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

  // Nothing can fail past the checks at the top, so the copy, the audit entries and the
  // outbox messages land together. The lock is released here, as SQLite's COMMIT releases
  // the write lock: the unit of work may stay alive without blocking others.
  Result<void> Commit() override {
    if (session_.committed()) return FailedPrecondition("this unit of work has ended");
    if (session_.failed()) {
      return Aborted("an earlier statement of this unit of work failed; nothing was stored");
    }
    {
      // Under the snapshot lock: a read transaction copies the tables and the log together.
      std::lock_guard journal_lock(journal_mutex_);
      audit_.Flush(journal_, audit_key_);
      NoteGateChanges(committed_, state_);
      committed_ = std::move(state_);
    }
    session_.MarkCommitted();
    lock_.unlock();
    return {};
  }

 private:
  std::unique_lock<std::mutex> lock_;  // first member: released after the copy is gone
  State& committed_;
  Journal& journal_;
  std::mutex& journal_mutex_;
  const audit_chain::Key& audit_key_;
  State state_;
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

// A copy of the committed tables and audit log, read through the unit of work's own
// repositories (as their readers), so a snapshot cannot answer differently from a unit of work.
class ReadTransaction final : public icp::ReadTransaction {
 public:
  ReadTransaction(State state, Journal journal, const audit_chain::Key& key)
      : state_(std::move(state)), journal_(std::move(journal)), audit_(journal_, key) {}

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
  State state_;
  Journal journal_;
  Session session_{state_, journal_};
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
  AuditLogReader audit_;
  GateRepository gate_{session_};
  NotificationRepository notifications_{session_};
};

}  // namespace

std::unique_ptr<Database> Database::Create() { return std::unique_ptr<Database>(new Database()); }

Result<std::unique_ptr<icp::UnitOfWork>> Database::Begin() {
  std::unique_lock lock(mutex_);
  return std::make_unique<UnitOfWork>(std::move(lock), state_, journal_, journal_mutex_,
                                      audit_key_);
}

Result<std::unique_ptr<icp::ReadTransaction>> Database::BeginRead() {
  std::lock_guard lock(journal_mutex_);
  return std::make_unique<ReadTransaction>(state_, journal_, audit_key_);
}

}  // namespace icp::memory
