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

// Which of the two roles (docs/storage.md "Roles on PostgreSQL") `Options::url` names.
enum class Role {
  // icpd and icpctl: a role that owns nothing and cannot disable a trigger. Open() refuses
  // a superuser, a role that owns (or may act as the owner of) the schema or a table in it,
  // or one that may TRUNCATE a table (rule "storage.runtime-role").
  kRuntime,
  // `icpctl db migrate`: the owner role, which creates and owns the tables.
  kOwner,
};

struct Options {
  std::string url;              // postgresql://user@host:port/db, as `role`
  std::string schema;           // empty: the server's default search_path
  std::size_t connections = 8;  // per process; several icpd share the server
  sql::SchemaPolicy schema_policy = sql::SchemaPolicy::kMigrate;
  Role role = Role::kRuntime;
  // With role kRuntime: the owner role's URL, through which Open() creates `schema` when it
  // is missing and migrates (kMigrate), and Migrate() migrates. Empty: both refuse to
  // migrate, naming the owner role.
  std::string owner_url;
};

// The store for scale: several icpd processes share one PostgreSQL, and every invariant
// is held by its constraints and transactions (READ COMMITTED, unique indexes, optimistic
// revisions, the audit head row lock, SKIP LOCKED outbox claims).
class Database final : public icp::Database, public icp::DatabaseAdmin {
 public:
  static Result<std::unique_ptr<Database>> Open(const Options& options, PiiVault vault,
                                                std::chrono::sys_seconds now);

  Result<std::unique_ptr<icp::UnitOfWork>> Begin() override { return store_.Begin(); }
  Result<std::unique_ptr<icp::ReadTransaction>> BeginRead() override { return store_.BeginRead(); }

  // Runs as the owner role (Options::owner_url, or url when the role is kOwner).
  Result<std::vector<MigrationStatus>> Migrate() override;
  Result<std::vector<BackfillStatus>> Backfill() override;
  // PostgreSQL has its own tools for these; both answer kFailedPrecondition naming them.
  Result<void> Backup(const std::filesystem::path& to) override;
  Result<void> Restore(const std::filesystem::path& from) override;

 private:
  Database(Options options, std::unique_ptr<sql::Pool> pool, PiiVault vault,
           std::chrono::sys_seconds now)
      : options_(std::move(options)), store_(std::move(pool), std::move(vault)), now_(now) {}

  // A connection as the owner role, to `options_.schema` (created if missing).
  Result<std::unique_ptr<sql::Connection>> OpenAsOwner() const;

  Options options_;
  sql::Database store_;
  std::chrono::sys_seconds now_;
};

std::span<const sql::Migration> Migrations();

}  // namespace icp::postgres
