#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "ports/account_repository.h"
#include "ports/application_repository.h"
#include "ports/audit_log.h"
#include "ports/bureau_link.h"
#include "ports/filing_number_registry.h"
#include "ports/gate_repository.h"
#include "ports/idempotency_store.h"
#include "ports/material_repository.h"
#include "ports/notification_repository.h"
#include "ports/outbox.h"
#include "ports/resource_repository.h"
#include "ports/review_journal.h"
#include "ports/session_repository.h"
#include "ports/subject_repository.h"
#include "ports/transfer_repository.h"
#include "ports/verification_repository.h"

namespace icp {

// The reads every view of the store offers: a unit of work (which reads what it is about to
// change, and sees its own writes) and a read transaction (a snapshot that takes no lock).
// Code that only reads takes a StoreReader&, so that either can serve it.
class StoreReader {
 public:
  virtual ~StoreReader() = default;

  virtual AccountReader& accounts() = 0;
  virtual SessionReader& sessions() = 0;
  virtual ApiKeyReader& api_keys() = 0;
  virtual SubjectReader& subjects() = 0;
  virtual WebsiteReader& websites() = 0;
  virtual ApplicationReader& applications() = 0;
  virtual MaterialReader& materials() = 0;
  virtual ResourceReader& resources() = 0;
  virtual AuthorizationCodeReader& authorization_codes() = 0;
  virtual VerificationReader& verifications() = 0;
  virtual ReviewJournalReader& review_notes() = 0;
  virtual TransferReader& transfers() = 0;
  // The access gate's view: filed domains, the bureau's lists, the change sequence.
  virtual GateReader& gate() = 0;
  virtual BureauLinkReader& bureau_link() = 0;
  // The customers' notifications (站内消息).
  virtual NotificationReader& notifications() = 0;
};

// One atomic piece of work (STYLE.md §4.2). A state change, its audit entries and the
// messages it puts in the outbox are committed together or not at all. Destroying a unit
// of work that was not committed rolls it back. Not for use by two threads at once.
// Its repositories are the readers' with the writes added.
class UnitOfWork : public StoreReader {
 public:
  AccountRepository& accounts() override = 0;
  SessionRepository& sessions() override = 0;
  ApiKeyRepository& api_keys() override = 0;
  virtual LoginThrottle& login_throttle() = 0;
  SubjectRepository& subjects() override = 0;
  WebsiteRepository& websites() override = 0;
  virtual FilingNumberRegistry& numbers() = 0;
  ApplicationRepository& applications() override = 0;
  MaterialRepository& materials() override = 0;
  ResourceRepository& resources() override = 0;
  AuthorizationCodeRepository& authorization_codes() override = 0;
  VerificationRepository& verifications() override = 0;
  TransferRepository& transfers() override = 0;
  virtual AuditLog& audit() = 0;
  virtual Outbox& outbox() = 0;
  virtual Inbox& inbox() = 0;
  ReviewJournal& review_notes() override = 0;
  virtual IdempotencyStore& idempotency() = 0;
  GateRepository& gate() override = 0;
  // The gateway's link to the bureau (ports/bureau_link.h).
  BureauLink& bureau_link() override = 0;
  NotificationRepository& notifications() override = 0;

  // kAborted when a concurrent transaction won (retry the whole unit of work); after a
  // failed commit nothing of the unit of work is stored.
  virtual Result<void> Commit() = 0;
};

// A read-only view of the store at one moment: every read sees one consistent snapshot, and
// holding it blocks no writer (PostgreSQL: REPEATABLE READ READ ONLY; SQLite: a read
// transaction on a connection of its own, in WAL mode; memory: a copy). Destroying it ends
// the read. Not for use by two threads at once.
class ReadTransaction : public StoreReader {
 public:
  virtual AuditLogReader& audit() = 0;
};

// Where reads are served: a store (every Database is one), or a read-only copy of one that
// takes no writes at all (postgres::ReadReplica, a streaming replica: docs/storage.md
// "Reading from a replica"). Thread-safe.
class ReadStore {
 public:
  virtual ~ReadStore() = default;

  // Starts a read snapshot; writers go on committing while it is open.
  virtual Result<std::unique_ptr<ReadTransaction>> BeginRead() = 0;
};

// A store: SQLite (storage/sqlite), PostgreSQL (storage/postgres) or memory. Thread-safe:
// each thread begins its own units of work.
class Database : public ReadStore {
 public:
  virtual Result<std::unique_ptr<UnitOfWork>> Begin() = 0;
};

struct MigrationStatus {
  int version = 0;
  std::string name;      // "0001_init"
  bool applied = false;  // applied by this call (false: it was there already)
};

// A data step SQL alone cannot do (DatabaseAdmin::Backfill).
struct BackfillStatus {
  std::string name;             // "subjects.unit_name"
  bool ran = false;             // false: it had finished before
  std::int64_t scanned = 0;     // rows looked at
  std::int64_t filled = 0;      // rows filled now
  std::int64_t unreadable = 0;  // rows whose sealed document did not open (left as they were)
};

// What operators do to a store (icpctl db ...).
class DatabaseAdmin {
 public:
  virtual ~DatabaseAdmin() = default;

  // Applies the compiled-in migrations that are missing, each in its own transaction, under
  // a lock so that two processes starting together do not both apply one. kFailedPrecondition
  // when an applied migration differs from the compiled-in one (rule "migration.changed") or
  // the database is newer than this binary (rule "migration.newer").
  virtual Result<std::vector<MigrationStatus>> Migrate() = 0;
  // Runs the data steps SQL alone cannot do that have not finished (docs/storage.md,
  // "Backfills"): the unit names of subjects on record before migration 0011, read from
  // their sealed documents. Batched, each batch its own transaction; idempotent and safe
  // beside writers and another backfill; once finished, a run does nothing. icpd runs it at
  // start and `icpctl db migrate` after migrating.
  virtual Result<std::vector<BackfillStatus>> Backfill() = 0;
  // A consistent copy of the live store at `to` (SQLite: the online backup API). PostgreSQL
  // answers kFailedPrecondition naming pg_dump, the tool for it.
  virtual Result<void> Backup(const std::filesystem::path& to) = 0;
  // Replaces the store's content with the backup at `from` after checking the backup's
  // integrity; run with no server writing.
  virtual Result<void> Restore(const std::filesystem::path& from) = 0;
};

}  // namespace icp
