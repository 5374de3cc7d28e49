#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "ports/database.h"
#include "storage/common/pii_vault.h"
#include "storage/sql/store.h"

namespace icp::postgres {

struct ReplicaOptions {
  std::string url;              // postgresql://user@standby:5432/db (icpd --read-database)
  std::string schema;           // the primary's schema; empty: the server's search_path
  std::size_t connections = 4;  // per process
};

// Reads from a PostgreSQL streaming replica (a hot standby of the primary the Database
// writes to): a read-only port, so nothing can be written through it. Each read transaction
// is REPEATABLE READ READ ONLY on the standby and sees a moment of the primary's committed
// history, behind it by the replication lag (docs/storage.md "Reading from a replica").
class ReadReplica final : public icp::ReadStore {
 public:
  // Connects and checks, once at start:
  //  - kUnavailable (rule "storage.read-unreachable") when the standby cannot be reached;
  //  - kFailedPrecondition (rule "storage.read-not-standby") when the server is not in
  //    recovery: a primary (reads there would be no scale-out, and nothing would stop a
  //    mistake from writing), or a standby promoted since;
  //  - kFailedPrecondition (rule "migration.pending") when its schema is behind this binary.
  // No message shows a password.
  static Result<std::unique_ptr<ReadReplica>> Open(const ReplicaOptions& options, PiiVault vault);

  Result<std::unique_ptr<ReadTransaction>> BeginRead() override { return store_.BeginRead(); }

 private:
  ReadReplica(std::unique_ptr<sql::Pool> pool, PiiVault vault)
      : store_(std::move(pool), std::move(vault)) {}

  sql::Database store_;  // only its read transactions are ever begun
};

}  // namespace icp::postgres
