#pragma once

#include <chrono>
#include <filesystem>
#include <memory>

#include "base/result.h"
#include "ports/database.h"
#include "storage/common/pii_vault.h"
#include "storage/sql/migrator.h"
#include "storage/sql/store.h"

namespace icp::sqlite {

struct Options {
  std::filesystem::path path;   // the database file, icp.db in the data directory
  std::size_t connections = 4;  // writers queue on SQLite's lock; readers run beside them
  sql::SchemaPolicy schema_policy = sql::SchemaPolicy::kMigrate;
};

// The default store: one SQLite file in WAL mode, for single-node installs. Several
// processes may open the same file; SQLite's locks serialise their writers.
class Database final : public icp::Database, public icp::DatabaseAdmin {
 public:
  static Result<std::unique_ptr<Database>> Open(const Options& options, PiiVault vault,
                                                std::chrono::sys_seconds now);

  Result<std::unique_ptr<icp::UnitOfWork>> Begin() override { return store_.Begin(); }
  Result<std::unique_ptr<icp::ReadTransaction>> BeginRead() override { return store_.BeginRead(); }

  Result<std::vector<MigrationStatus>> Migrate() override;
  Result<std::vector<BackfillStatus>> Backfill() override;
  Result<void> Backup(const std::filesystem::path& to) override;
  Result<void> Restore(const std::filesystem::path& from) override;

 private:
  Database(Options options, std::unique_ptr<sql::Pool> pool, PiiVault vault,
           std::chrono::sys_seconds now)
      : options_(std::move(options)), store_(std::move(pool), std::move(vault)), now_(now) {}

  // Backup's copy into the empty file at `to`.
  Result<void> CopyTo(const std::filesystem::path& to);

  Options options_;
  sql::Database store_;
  std::chrono::sys_seconds now_;
};

// The compiled-in migrations (storage/sqlite/migrations/*.sql).
std::span<const sql::Migration> Migrations();

}  // namespace icp::sqlite
