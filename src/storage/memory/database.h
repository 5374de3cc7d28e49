#pragma once

#include <memory>
#include <mutex>

#include "base/result.h"
#include "ports/database.h"
#include "storage/memory/state.h"

namespace icp::memory {

// The store in memory, for tests and demos: every rule the SQL schema holds (uniqueness,
// revisions, append-only history, filing numbers kept forever, ...) with the same error
// codes and rule ids, checked by the same contract suite (storage/testing).
//
// A single-writer store, like SQLite: Begin() waits for the database's lock and the unit of
// work holds it until it commits or is destroyed. It works on a copy of every table, which
// its commit puts in place of the database's; destroying it uncommitted drops the copy
// (rollback). Units of work never see each other's changes half-done.
//
// Two units of work open at once in one thread deadlock, where SQLite's lock would time
// out: end one before beginning the next. A unit of work ends on the thread that began it
// (the lock is a std::mutex), and the database outlives its units of work.
class Database final : public icp::Database {
 public:
  static std::unique_ptr<Database> Create();

  // Never fails; blocks while another unit of work is open.
  Result<std::unique_ptr<icp::UnitOfWork>> Begin() override;
  // Never fails and never waits for an open unit of work: it copies the committed tables and
  // audit log.
  Result<std::unique_ptr<icp::ReadTransaction>> BeginRead() override;

 private:
  Database() = default;

  std::mutex mutex_;  // held by the open unit of work
  State state_;
  // The committed tables and audit log change only inside Commit(), under both locks; a read
  // transaction copies them under journal_mutex_ alone.
  std::mutex journal_mutex_;
  Journal journal_;
  // The chain's key lives and dies with the store: a fresh random one.
  const audit_chain::Key audit_key_ = audit_chain::RandomKey();
};

}  // namespace icp::memory
