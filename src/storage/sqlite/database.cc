#include "storage/sqlite/database.h"

#include <sqlite3.h>

#include <array>

#include "storage/common/private_files.h"
#include "storage/sql/backfill.h"
#include "storage/sqlite/connection.h"

namespace icp::embedded {
std::string_view sqlite_0001_init();
std::string_view sqlite_0004_review_and_idempotency();
std::string_view sqlite_0002_accounts_sessions();
std::string_view sqlite_0006_materials();
std::string_view sqlite_0007_transfers();
std::string_view sqlite_0008_bureau_link();
std::string_view sqlite_0009_gate();
std::string_view sqlite_0010_bureau_parked();
std::string_view sqlite_0011_public_query();
std::string_view sqlite_0012_notifications();
}  // namespace icp::embedded

namespace icp::sqlite {

std::span<const sql::Migration> Migrations() {
  static const sql::Migration kMigrations[] = {
      {1, "0001_init", embedded::sqlite_0001_init()},
      {2, "0002_accounts_sessions", embedded::sqlite_0002_accounts_sessions()},
      {4, "0004_review_and_idempotency", embedded::sqlite_0004_review_and_idempotency()},
      {6, "0006_materials", embedded::sqlite_0006_materials()},
      {7, "0007_transfers", embedded::sqlite_0007_transfers()},
      {8, "0008_bureau_link", embedded::sqlite_0008_bureau_link()},
      {9, "0009_gate", embedded::sqlite_0009_gate()},
      {10, "0010_bureau_parked", embedded::sqlite_0010_bureau_parked()},
      {11, "0011_public_query", embedded::sqlite_0011_public_query()},
      {12, "0012_notifications", embedded::sqlite_0012_notifications()},
  };
  return kMigrations;
}

namespace {

// The database file and its companions as SQLite names them.
std::filesystem::path Companion(const std::filesystem::path& db, std::string_view suffix) {
  return std::filesystem::path(db.string() + std::string(suffix));
}

// The database, its WAL and its shared-memory index hold logins, audit details and sealed
// documents: they are the owner's alone (0600 in a 0700 directory), whatever the umask.
// SQLite creates the WAL and the index with the database file's own mode, so creating that
// file private before SQLite opens it is enough for new stores; an older store's files are
// made private here.
Result<void> PrivateDatabaseFiles(const std::filesystem::path& db) {
  if (db.has_parent_path()) {
    if (Result<void> dir = CreatePrivateDirectories(db.parent_path()); !dir) return dir;
  }
  if (Result<void> created = CreatePrivateFile(db);
      !created && created.error().code != ErrorCode::kAlreadyExists) {
    return created;
  }
  for (std::string_view suffix : {"", "-wal", "-shm", "-journal"}) {
    if (Result<void> ok = MakeFilePrivate(Companion(db, suffix)); !ok) return ok;
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const Options& options, PiiVault vault,
                                                 std::chrono::sys_seconds now) {
  if (Result<void> files = PrivateDatabaseFiles(options.path); !files) {
    return std::unexpected(files.error());
  }
  const std::filesystem::path path = options.path;
  auto pool = std::make_unique<sql::Pool>(
      [path, gate = std::make_shared<WriteGate>(1)]() -> Result<std::unique_ptr<sql::Connection>> {
        Result<std::unique_ptr<Connection>> c = Connection::Open(path, gate);
        if (!c) return std::unexpected(c.error());
        return std::unique_ptr<sql::Connection>(std::move(*c));
      },
      options.connections);
  std::unique_ptr<Database> db(new Database(options, std::move(pool), std::move(vault), now));
  {
    Result<sql::Pool::Lease> lease = db->store_.pool().Acquire();
    if (!lease) return std::unexpected(lease.error());
    if (Result<void> ok = sql::ApplySchemaPolicy(**lease, Migrations(), options.schema_policy,
                                                 now.time_since_epoch().count());
        !ok) {
      return std::unexpected(ok.error());
    }
  }
  return db;
}

Result<std::vector<MigrationStatus>> Database::Migrate() {
  Result<sql::Pool::Lease> lease = store_.pool().Acquire();
  if (!lease) return std::unexpected(lease.error());
  return sql::Migrate(**lease, Migrations(), now_.time_since_epoch().count());
}

namespace {

// Copies every page of `from` into `to` with SQLite's online backup API: a consistent
// snapshot even while other connections write.
Result<void> CopyDatabase(sqlite3* from, sqlite3* to) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) return std::unexpected(ErrorFor(to, sqlite3_errcode(to), "backup"));
  int rc = SQLITE_OK;
  do {
    rc = sqlite3_backup_step(backup, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(10);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return std::unexpected(ErrorFor(to, rc, "backup"));
  return {};
}

Result<void> CheckIntegrity(Connection& c, const std::filesystem::path& path) {
  Result<sql::Rows> r = c.Query("PRAGMA integrity_check");
  if (!r || r->rows.empty() || r->rows[0].Text(0) != "ok") {
    const std::string why = !r                ? r.error().message
                            : r->rows.empty() ? "no answer"
                                              : r->rows[0].Text(0);
    Error e{ErrorCode::kFailedPrecondition,
            path.string() + " is damaged: " + why,
            {{"backup", "backup.integrity", "the backup is damaged: " + why, "备份文件已损坏"}}};
    return std::unexpected(std::move(e));
  }
  return {};
}

}  // namespace

Result<std::vector<BackfillStatus>> Database::Backfill() {
  Result<sql::Pool::Lease> lease = store_.pool().Acquire();
  if (!lease) return std::unexpected(lease.error());
  Result<BackfillStatus> names =
      sql::BackfillUnitNames(**lease, store_.vault(), now_.time_since_epoch().count());
  if (!names) return std::unexpected(names.error());
  return std::vector<BackfillStatus>{std::move(*names)};
}

Result<void> Database::Backup(const std::filesystem::path& to) {
  // Created here, exclusively and 0600: a backup is as private as the database, and a file
  // (or a link) already at `to` is never overwritten.
  if (Result<void> created = CreatePrivateFile(to); !created) {
    if (created.error().code == ErrorCode::kAlreadyExists) {
      return FailedPrecondition(to.string() + " exists; backups never overwrite a file");
    }
    return created;
  }
  Result<void> copied = CopyTo(to);
  if (!copied) {
    std::error_code ec;  // a half-written backup is worse than none; removing it is best effort
    for (std::string_view suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(Companion(to, suffix), ec);
    }
  }
  return copied;
}

Result<void> Database::CopyTo(const std::filesystem::path& to) {
  Result<std::unique_ptr<Connection>> target = Connection::Open(to);
  if (!target) return std::unexpected(target.error());
  Result<sql::Pool::Lease> lease = store_.pool().Acquire();
  if (!lease) return std::unexpected(lease.error());
  auto& source = static_cast<Connection&>(**lease);
  if (Result<void> copied = CopyDatabase(source.handle(), (*target)->handle()); !copied) {
    return copied;
  }
  return CheckIntegrity(**target, to);
}

Result<void> Database::Restore(const std::filesystem::path& from) {
  std::error_code ec;
  if (!std::filesystem::exists(from, ec)) return NotFound(from.string() + " does not exist");
  Result<std::unique_ptr<Connection>> backup = Connection::Open(from);
  if (!backup) {
    const std::string why = backup.error().message;
    Error e{ErrorCode::kFailedPrecondition,
            from.string() + " is not a Beian backup: " + why,
            {{"backup", "backup.integrity", "not a SQLite backup: " + why, "不是有效的备份文件"}}};
    return std::unexpected(std::move(e));
  }
  if (Result<void> ok = CheckIntegrity(**backup, from); !ok) return ok;
  Result<sql::Pool::Lease> lease = store_.pool().Acquire();
  if (!lease) return std::unexpected(lease.error());
  auto& target = static_cast<Connection&>(**lease);
  if (Result<void> copied = CopyDatabase((*backup)->handle(), target.handle()); !copied) {
    return copied;
  }
  Result<std::vector<MigrationStatus>> migrated =
      sql::Migrate(target, Migrations(), now_.time_since_epoch().count());
  if (!migrated) return std::unexpected(migrated.error());
  return {};
}

}  // namespace icp::sqlite
