#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "ports/database.h"
#include "storage/sql/connection.h"

namespace icp::sql {

// One schema step, compiled into the binary (storage/*/migrations/NNNN_name.sql).
struct Migration {
  int version;
  std::string_view name;
  std::string_view script;
};

// What opening a store does about its schema.
enum class SchemaPolicy {
  kMigrate,  // apply missing migrations (icpd on a single node, tests)
  kRequire,  // refuse a store whose schema is behind (rule "migration.pending")
  kAsIs,     // neither: `icpctl db migrate` opens the store this way and migrates itself
};

// Applies the missing migrations in order, each in one transaction with its row in
// schema_migrations (version, name, checksum, applied_at). Concurrent migrators are
// serialised (SQLite: the write lock; PostgreSQL: an advisory lock), and an applied
// migration whose checksum differs from the compiled-in one stops everything.
Result<std::vector<MigrationStatus>> Migrate(Connection& connection,
                                             std::span<const Migration> migrations,
                                             std::int64_t now);

// Does what `policy` says when a store opens: migrate, require, or nothing.
Result<void> ApplySchemaPolicy(Connection& connection, std::span<const Migration> migrations,
                               SchemaPolicy policy, std::int64_t now);

// kFailedPrecondition (rule "migration.pending") unless every migration is applied.
Result<void> RequireMigrated(Connection& connection, std::span<const Migration> migrations);

}  // namespace icp::sql
