#include "storage/postgres/database.h"

#include <array>

#include "storage/postgres/connection.h"
#include "storage/sql/backfill.h"

namespace icp::embedded {
std::string_view postgres_0001_init();
std::string_view postgres_0002_runtime_role();
std::string_view postgres_0005_review_and_idempotency();
std::string_view postgres_0003_accounts_sessions();
std::string_view postgres_0006_materials();
std::string_view postgres_0007_transfers();
std::string_view postgres_0008_bureau_link();
std::string_view postgres_0009_gate();
std::string_view postgres_0010_bureau_parked();
std::string_view postgres_0011_public_query();
std::string_view postgres_0012_notifications();
}  // namespace icp::embedded

namespace icp::postgres {

std::span<const sql::Migration> Migrations() {
  static const sql::Migration kMigrations[] = {
      {1, "0001_init", embedded::postgres_0001_init()},
      {2, "0002_runtime_role", embedded::postgres_0002_runtime_role()},
      {3, "0003_accounts_sessions", embedded::postgres_0003_accounts_sessions()},
      {5, "0005_review_and_idempotency", embedded::postgres_0005_review_and_idempotency()},
      {6, "0006_materials", embedded::postgres_0006_materials()},
      {7, "0007_transfers", embedded::postgres_0007_transfers()},
      {8, "0008_bureau_link", embedded::postgres_0008_bureau_link()},
      {9, "0009_gate", embedded::postgres_0009_gate()},
      {10, "0010_bureau_parked", embedded::postgres_0010_bureau_parked()},
      {11, "0011_public_query", embedded::postgres_0011_public_query()},
      {12, "0012_notifications", embedded::postgres_0012_notifications()},
  };
  return kMigrations;
}

namespace {

// Whether the connected role could get around a trigger: a superuser (who may also set
// session_replication_role), the owner of the schema or of one of its relations (ALTER
// TABLE ... DISABLE TRIGGER, DROP TRIGGER), a member of either, or a role that may TRUNCATE
// (which no row trigger sees).
constexpr std::string_view kRolePowers =
    "SELECT current_user, r.rolsuper OR r.rolbypassrls, "
    "EXISTS (SELECT FROM pg_namespace n WHERE n.nspname = current_schema() "
    "AND pg_has_role(n.nspowner, 'MEMBER')), "
    "EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND (pg_has_role(c.relowner, 'MEMBER') "
    "OR (c.relkind IN ('r', 'p') AND has_table_privilege(c.oid, 'TRUNCATE')))) "
    "FROM pg_roles r WHERE r.rolname = current_user";

Result<void> RequireRuntimeRole(sql::Connection& c) {
  Result<sql::Rows> r = c.Query(kRolePowers);
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Internal("the connected role is not in pg_roles");
  const sql::Row& row = r->rows[0];
  std::string why;
  if (row.Text(1) == "t") {
    why = "is a superuser";
  } else if (row.Text(2) == "t") {
    why = "owns the schema";
  } else if (row.Text(3) == "t") {
    why = "owns, or may truncate, tables of the schema";
  } else {
    return {};
  }
  const std::string message =
      "PostgreSQL role " + row.Text(0) + " " + why +
      ", so it could disable the schema's triggers; icpd and icpctl connect as the runtime "
      "role, and only `icpctl db migrate` as the owner (docs/storage.md, roles)";
  Error e{ErrorCode::kFailedPrecondition,
          message,
          {{"database", "storage.runtime-role", message,
            "数据库角色 " + row.Text(0) + " 权限过大：运行时须使用不拥有任何表的运行角色"}}};
  return std::unexpected(std::move(e));
}

std::unique_ptr<sql::Pool> PoolFor(const std::string& url, const std::string& schema,
                                   std::size_t connections) {
  return std::make_unique<sql::Pool>(
      [url, schema]() -> Result<std::unique_ptr<sql::Connection>> {
        Result<std::unique_ptr<Connection>> c = Connection::Open(url, schema);
        if (!c) return std::unexpected(c.error());
        return std::unique_ptr<sql::Connection>(std::move(*c));
      },
      connections);
}

}  // namespace

Result<std::unique_ptr<sql::Connection>> Database::OpenAsOwner() const {
  const std::string& url = options_.role == Role::kOwner ? options_.url : options_.owner_url;
  if (url.empty()) {
    return FailedPrecondition(
        "migrating PostgreSQL needs the owner role: run `icpctl db migrate --database "
        "OWNER_URL` (docs/storage.md, roles)");
  }
  Result<std::unique_ptr<Connection>> c = Connection::Open(url, options_.schema);
  if (!c) return std::unexpected(c.error());
  return std::unique_ptr<sql::Connection>(std::move(*c));
}

Result<std::unique_ptr<Database>> Database::Open(const Options& options, PiiVault vault,
                                                 std::chrono::sys_seconds now) {
  std::unique_ptr<Database> db(new Database(
      options, PoolFor(options.url, options.schema, options.connections), std::move(vault), now));
  const std::int64_t at = now.time_since_epoch().count();
  // The owner creates the schema and migrates; the runtime role can do neither.
  if (options.schema_policy == sql::SchemaPolicy::kMigrate ||
      (options.role == Role::kRuntime && !options.owner_url.empty())) {
    Result<std::unique_ptr<sql::Connection>> owner = db->OpenAsOwner();
    if (!owner) return std::unexpected(owner.error());
    if (Result<void> ok = sql::ApplySchemaPolicy(**owner, Migrations(), options.schema_policy, at);
        !ok) {
      return std::unexpected(ok.error());
    }
  }
  Result<sql::Pool::Lease> lease = db->store_.pool().Acquire();
  if (!lease) return std::unexpected(lease.error());
  if (options.schema_policy == sql::SchemaPolicy::kRequire) {
    if (Result<void> ok = sql::RequireMigrated(**lease, Migrations()); !ok) {
      return std::unexpected(ok.error());
    }
  }
  if (options.role == Role::kRuntime) {
    if (Result<void> ok = RequireRuntimeRole(**lease); !ok) return std::unexpected(ok.error());
  }
  return db;
}

Result<std::vector<MigrationStatus>> Database::Migrate() {
  Result<std::unique_ptr<sql::Connection>> owner = OpenAsOwner();
  if (!owner) return std::unexpected(owner.error());
  return sql::Migrate(**owner, Migrations(), now_.time_since_epoch().count());
}

Result<std::vector<BackfillStatus>> Database::Backfill() {
  Result<sql::Pool::Lease> lease = store_.pool().Acquire();
  if (!lease) return std::unexpected(lease.error());
  Result<BackfillStatus> names =
      sql::BackfillUnitNames(**lease, store_.vault(), now_.time_since_epoch().count());
  if (!names) return std::unexpected(names.error());
  return std::vector<BackfillStatus>{std::move(*names)};
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
