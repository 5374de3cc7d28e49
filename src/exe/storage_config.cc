#include "exe/storage_config.h"

#include <cstdlib>

#include "storage/common/pii_vault.h"
#include "storage/postgres/connection.h"
#include "storage/postgres/database.h"
#include "storage/postgres/read_replica.h"
#include "storage/sqlite/connection.h"
#include "storage/sqlite/database.h"

namespace icp {

void StorageConfig::ApplyEnvironment() {
  if (const char* v = std::getenv("ICP_DATABASE"); v != nullptr && database.empty()) database = v;
  if (const char* v = std::getenv("ICP_READ_DATABASE"); v != nullptr && read_database.empty()) {
    read_database = v;
  }
  if (const char* v = std::getenv("ICP_DATA_DIR"); v != nullptr && data_dir == "var") data_dir = v;
  if (const char* v = std::getenv("ICP_PII_KEY"); v != nullptr && pii_key.empty()) pii_key = v;
}

namespace {

// The URL without its password, for messages and logs.
std::string Redacted(const std::string& url) {
  const std::size_t scheme = url.find("://");
  const std::size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  const std::size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + ":***" + url.substr(at);
}

bool IsPostgres(const StorageConfig& config) {
  return config.database.starts_with("postgresql://") || config.database.starts_with("postgres://");
}

std::filesystem::path SqliteFile(const StorageConfig& config) {
  return config.database.empty() ? config.data_dir / "icp.db"
                                 : std::filesystem::path(config.database.substr(7));
}

}  // namespace

Result<OpenedStore> OpenStore(const StorageConfig& config, std::chrono::sys_seconds now,
                              sql::SchemaPolicy schema, StoreUse use) {
  if (!config.read_database.empty() && !IsPostgres(config)) {
    return InvalidValue("config.read-database",
                        "--read-database names a streaming replica of a PostgreSQL --database; "
                        "the database here is SQLite",
                        "--read-database 须为 PostgreSQL 主库（--database）的流复制备库");
  }
  const std::filesystem::path key =
      config.pii_key.empty() ? config.data_dir / "pii.key" : config.pii_key;
  Result<PiiVault> vault = PiiVault::OpenKeyFile(key);
  if (!vault) return std::unexpected(vault.error());
  OpenedStore out;
  if (!config.read_database.empty() && use == StoreUse::kRuntime) {
    Result<std::unique_ptr<postgres::ReadReplica>> replica =
        postgres::ReadReplica::Open({config.read_database, "", 4}, *vault);
    if (!replica) return std::unexpected(replica.error());
    out.replica = std::move(*replica);
    out.description = " (reads that may lag: " + Redacted(config.read_database) + ")";
  }
  if (IsPostgres(config)) {
    Result<std::unique_ptr<postgres::Database>> db = postgres::Database::Open(
        {config.database, "", 8, schema,
         use == StoreUse::kMigrate ? postgres::Role::kOwner : postgres::Role::kRuntime, ""},
        std::move(*vault), now);
    if (!db) return std::unexpected(db.error());
    out.admin = db->get();
    out.database = std::move(*db);
    out.description = "PostgreSQL " + Redacted(config.database) + out.description;
  } else if (config.database.empty() || config.database.starts_with("sqlite:")) {
    const std::filesystem::path file = SqliteFile(config);
    Result<std::unique_ptr<sqlite::Database>> db =
        sqlite::Database::Open({file, 4, schema}, std::move(*vault), now);
    if (!db) return std::unexpected(db.error());
    out.admin = db->get();
    out.database = std::move(*db);
    out.description = "SQLite " + file.string();
  } else {
    return InvalidValue("config.database",
                        "--database is a postgresql:// URL or sqlite:PATH, not " + config.database,
                        "--database 应为 postgresql:// 地址或 sqlite:路径");
  }
  return out;
}

Result<void> CheckSchemaCurrent(const StorageConfig& config) {
  if (IsPostgres(config)) {
    Result<std::unique_ptr<postgres::Connection>> c = postgres::Connection::Open(config.database);
    if (!c) return std::unexpected(c.error());
    return sql::RequireMigrated(**c, postgres::Migrations());
  }
  Result<std::unique_ptr<sqlite::Connection>> c = sqlite::Connection::Open(SqliteFile(config));
  if (!c) return std::unexpected(c.error());
  return sql::RequireMigrated(**c, sqlite::Migrations());
}

}  // namespace icp
