#include "storage/postgres/database.h"

#include <array>

#include "storage/postgres/connection.h"

namespace icp::embedded {
std::string_view postgres_0001_init();
}  // namespace icp::embedded

namespace icp::postgres {

std::span<const sql::Migration> Migrations() {
  static const std::array<sql::Migration, 1> kMigrations = {{
      {1, "0001_init", embedded::postgres_0001_init()},
  }};
  return kMigrations;
}

Result<std::unique_ptr<Database>> Database::Open(const Options& options, PiiVault vault,
                                                 std::chrono::sys_seconds now) {
  const std::string url = options.url;
  const std::string schema = options.schema;
  auto pool = std::make_unique<sql::Pool>(
      [url, schema]() -> Result<std::unique_ptr<sql::Connection>> {
        Result<std::unique_ptr<Connection>> c = Connection::Open(url, schema);
        if (!c) return std::unexpected(c.error());
        return std::unique_ptr<sql::Connection>(std::move(*c));
      },
      options.connections);
  std::unique_ptr<Database> db(new Database(std::move(pool), std::move(vault), now));
  Result<sql::Pool::Lease> lease = db->store_.pool().Acquire();
  if (!lease) return std::unexpected(lease.error());
  if (Result<void> ok = sql::ApplySchemaPolicy(**lease, Migrations(), options.schema_policy,
                                               now.time_since_epoch().count());
      !ok) {
    return std::unexpected(ok.error());
  }
  return db;
}

Result<std::vector<MigrationStatus>> Database::Migrate() {
  Result<sql::Pool::Lease> lease = store_.pool().Acquire();
  if (!lease) return std::unexpected(lease.error());
  return sql::Migrate(**lease, Migrations(), now_.time_since_epoch().count());
}

Result<void> Database::Backup(const std::filesystem::path& to) {
  return FailedPrecondition(
      "PostgreSQL is backed up with its own tools: pg_dump --format=custom --file=" + to.string() +
      " DATABASE_URL (see docs/storage.md)");
}

Result<void> Database::Restore(const std::filesystem::path& from) {
  return FailedPrecondition(
      "PostgreSQL is restored with its own tools: pg_restore --clean "
      "--if-exists --dbname=DATABASE_URL " +
      from.string() + " (see docs/storage.md)");
}

}  // namespace icp::postgres
