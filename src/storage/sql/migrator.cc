#include "storage/sql/migrator.h"

#include <cstdio>
#include <string>

namespace icp::sql {
namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
    "NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)";
constexpr std::string_view kLockPostgres = "SELECT pg_advisory_xact_lock(7364201)";
constexpr std::string_view kApplied =
    "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
constexpr std::string_view kRecord =
    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)";

// FNV-1a 64: stable across builds and machines, enough to notice an edited migration.
std::string Checksum(std::string_view text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

std::unexpected<Error> Refuse(std::string rule, std::string message) {
  Error e{ErrorCode::kFailedPrecondition, message, {{"schema", std::move(rule), message, ""}}};
  return std::unexpected(std::move(e));
}

// Starts a transaction that holds the migration lock, with schema_migrations present.
Result<Rows> BeginLocked(Connection& c) {
  if (Result<void> r = c.Begin(); !r) return std::unexpected(r.error());
  if (c.dialect() == Dialect::kPostgres) {
    if (Result<Rows> r = c.Query(kLockPostgres); !r) return r;
  }
  if (Result<void> r = c.Execute(kCreateTable); !r) return std::unexpected(r.error());
  return c.Query(kApplied);
}

Result<void> CheckApplied(const Rows& applied, std::span<const Migration> migrations) {
  for (const Row& row : applied.rows) {
    const std::int64_t version = row.Int(0);
    const Migration* known = nullptr;
    for (const Migration& m : migrations) {
      if (m.version == version) known = &m;
    }
    if (known == nullptr) {
      return Refuse("migration.newer", "the database has migration " + std::to_string(version) +
                                           " (" + row.Text(1) +
                                           ") that this binary does not know; upgrade Beian");
    }
    if (row.Text(2) != Checksum(known->script)) {
      return Refuse("migration.changed", "migration " + std::string(known->name) +
                                             " differs from the one applied; migrations are "
                                             "never edited once released, add a new one");
    }
  }
  return {};
}

}  // namespace

Result<std::vector<MigrationStatus>> Migrate(Connection& c, std::span<const Migration> migrations,
                                             std::int64_t now) {
  std::vector<MigrationStatus> out;
  for (const Migration& m : migrations) {
    Result<Rows> applied = BeginLocked(c);
    if (!applied) {
      (void)c.Rollback();
      return std::unexpected(applied.error());
    }
    if (Result<void> ok = CheckApplied(*applied, migrations); !ok) {
      (void)c.Rollback();
      return std::unexpected(ok.error());
    }
    bool present = false;
    for (const Row& row : applied->rows) present = present || row.Int(0) == m.version;
    if (!present) {
      const Value params[] = {std::int64_t{m.version}, std::string(m.name), Checksum(m.script),
                              now};
      Result<void> done = c.Execute(m.script);
      Result<Rows> recorded = done ? c.Query(kRecord, params) : Result<Rows>(Rows{});
      if (!done || !recorded) {
        (void)c.Rollback();
        const Error& e = !done ? done.error() : recorded.error();
        return std::unexpected(
            Error{e.code, "migration " + std::string(m.name) + ": " + e.message, e.violations});
      }
    }
    if (Result<void> r = c.Commit(); !r) return std::unexpected(r.error());
    out.push_back({m.version, std::string(m.name), !present});
  }
  return out;
}

Result<void> RequireMigrated(Connection& c, std::span<const Migration> migrations) {
  Result<Rows> applied = c.Query(kApplied);
  if (!applied) {
    // No schema_migrations table: nothing was ever applied.
    (void)c.Rollback();
    return Refuse("migration.pending",
                  "the database has no Beian schema yet; run `icpctl db migrate`");
  }
  if (Result<void> ok = CheckApplied(*applied, migrations); !ok) return ok;
  if (applied->rows.size() < migrations.size()) {
    return Refuse("migration.pending",
                  "the database schema is behind this binary; run `icpctl db migrate`");
  }
  return {};
}

Result<void> ApplySchemaPolicy(Connection& c, std::span<const Migration> migrations,
                               SchemaPolicy policy, std::int64_t now) {
  if (policy == SchemaPolicy::kRequire) return RequireMigrated(c, migrations);
  if (policy == SchemaPolicy::kMigrate) {
    if (Result<std::vector<MigrationStatus>> m = Migrate(c, migrations, now); !m) {
      return std::unexpected(m.error());
    }
  }
  return {};
}

}  // namespace icp::sql
