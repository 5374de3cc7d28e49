#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "base/result.h"
#include "ports/database.h"
#include "storage/sql/migrator.h"

namespace icp {

// Where the store is (DESIGN.md "icpd serve"): SQLite at DATA_DIR/icp.db unless --database
// names a postgresql:// URL; the PII key file at DATA_DIR/pii.key unless --pii-key says.
// Each also comes from the environment: ICP_DATABASE, ICP_DATA_DIR, ICP_PII_KEY.
struct StorageConfig {
  std::string database;  // "" (SQLite) or "postgresql://..."
  // A streaming replica of the PostgreSQL `database` (--read-database, ICP_READ_DATABASE):
  // the access gate's index loads and refreshes from it; everything else, and every write,
  // goes to `database`. "" reads from `database` too.
  std::string read_database;
  std::filesystem::path data_dir = "var";
  std::filesystem::path pii_key;  // "" means data_dir / "pii.key"

  // Fills unset fields from the environment.
  void ApplyEnvironment();
};

// An open store and its operator interface (the same object).
struct OpenedStore {
  std::unique_ptr<Database> database;
  DatabaseAdmin* admin = nullptr;
  std::string description;  // "SQLite var/icp.db", "PostgreSQL 127.0.0.1:5432/beian"
  // The replica StorageConfig::read_database names (nullptr without one), and where reads
  // that may lag go: the replica, else the database.
  std::unique_ptr<ReadStore> replica;
  ReadStore& reads() const { return replica ? *replica : *database; }
};

// Who opens the store. On PostgreSQL each connects as its own role (docs/storage.md, roles):
// the platform as the runtime role, which Open() checks owns nothing; `icpctl db migrate` as
// the owner role. SQLite has no roles and ignores it.
enum class StoreUse { kRuntime, kMigrate };

// Opens the store `config` names, creating the PII key file on first start; `schema` says
// whether missing migrations are applied, required, or left to the caller. With
// read_database (StoreUse::kRuntime only), also the replica (postgres::ReadReplica::Open's
// errors); kInvalidArgument (rule config.read-database) when `database` is not PostgreSQL.
Result<OpenedStore> OpenStore(const StorageConfig& config, std::chrono::sys_seconds now,
                              sql::SchemaPolicy schema, StoreUse use = StoreUse::kRuntime);

// Whether every migration this binary knows is applied to the store `config` names, asked on
// a connection of its own (icpd's /readyz). kFailedPrecondition with rule "migration.pending"
// or "migration.changed" when not; kUnavailable when the store cannot be reached.
Result<void> CheckSchemaCurrent(const StorageConfig& config);

}  // namespace icp
