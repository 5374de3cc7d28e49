#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "base/result.h"
#include "ports/database.h"
#include "storage/common/pii_vault.h"
#include "storage/sql/migrator.h"
#include "storage/sql/store.h"

namespace icp::postgres {

struct Options {
  std::string url;              // postgresql://user@host:port/db
  std::string schema;           // empty: the server's default search_path
  std::size_t connections = 8;  // per process; several icpd share the server
  sql::SchemaPolicy schema_policy = sql::SchemaPolicy::kMigrate;
};

// The store for scale: several icpd processes share one PostgreSQL, and every invariant
// is held by its constraints and transactions (READ COMMITTED, unique indexes, optimistic
// revisions, the audit head row lock, SKIP LOCKED outbox claims).
class Database final : public icp::Database, public icp::DatabaseAdmin {
 public:
  static Result<std::unique_ptr<Database>> Open(const Options& options, PiiVault vault,
                                                std::chrono::sys_seconds now);

  Result<std::unique_ptr<icp::UnitOfWork>> Begin() override { return store_.Begin(); }

  Result<std::vector<MigrationStatus>> Migrate() override;
  // PostgreSQL has its own tools for these; both answer kFailedPrecondition naming them.
  Result<void> Backup(const std::filesystem::path& to) override;
  Result<void> Restore(const std::filesystem::path& from) override;

 private:
  Database(std::unique_ptr<sql::Pool> pool, PiiVault vault, std::chrono::sys_seconds now)
      : store_(std::move(pool), std::move(vault)), now_(now) {}

  sql::Database store_;
  std::chrono::sys_seconds now_;
};

std::span<const sql::Migration> Migrations();

}  // namespace icp::postgres
