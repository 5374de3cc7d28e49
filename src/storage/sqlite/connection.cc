#include "storage/sqlite/connection.h"

#include <chrono>

#include <sqlite3.h>

namespace icp::sqlite {

namespace {

// The constraint SQLite's message names after its fixed prefix: "UNIQUE constraint failed:
// subjects.active_certificate_hash" names the key by its columns, "CHECK constraint failed:
// name" a named CHECK; a trigger's message is the rule it raises. Only the part SQLite
// itself formats is read, and only for an error whose extended code says what it is.
std::string ConstraintNamed(int extended, std::string_view message) {
  if (extended == SQLITE_CONSTRAINT_TRIGGER) return std::string(message);
  if (extended == SQLITE_CONSTRAINT_FOREIGNKEY) return "foreign-key";
  // PostgreSQL names no constraint for NOT NULL either; "table.column" is a unique key's name.
  if (extended == SQLITE_CONSTRAINT_NOTNULL) return {};
  const std::size_t colon = message.find(" failed: ");
  if (colon == std::string_view::npos) return {};
  return std::string(message.substr(colon + 9));
}

}  // namespace

Error ErrorFor(sqlite3* db, int code, std::string_view doing) {
  const int extended = db != nullptr ? sqlite3_extended_errcode(db) : code;
  const std::string engine_message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  std::string message = std::string("sqlite ") + std::string(doing) + ": " + engine_message;
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT: {
      const ErrorCode kind =
          extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY
              ? ErrorCode::kAlreadyExists
              : ErrorCode::kFailedPrecondition;
      return sql::ConstraintError(kind, ConstraintNamed(extended, engine_message),
                                  std::move(message));
    }
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return {ErrorCode::kUnavailable, std::move(message), {}};
    default:
      return {ErrorCode::kInternal, std::move(message), {}};
  }
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::filesystem::path& path,
                                                     std::shared_ptr<WriteGate> gate) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error e = ErrorFor(db, rc, "open " + path.string());
    sqlite3_close_v2(db);
    e.code = ErrorCode::kUnavailable;
    return std::unexpected(std::move(e));
  }
  std::unique_ptr<Connection> c(new Connection(db, std::move(gate)));
  sqlite3_busy_timeout(db, 30'000);
  sqlite3_extended_result_codes(db, 1);
  Result<void> pragmas = c->Execute(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; "
      "PRAGMA trusted_schema = OFF;");
  if (!pragmas) return std::unexpected(pragmas.error());
  return c;
}

Connection::~Connection() {
  if (through_gate_) gate_->release();  // closing ends the transaction
  for (auto& [text, prepared] : statements_) sqlite3_finalize(prepared.stmt);
  sqlite3_close_v2(db_);
}

Result<const Connection::Prepared*> Connection::Prepare(std::string_view statement) {
  if (auto it = statements_.find(statement); it != statements_.end()) return &it->second;
  Prepared prepared;
  const int rc = sqlite3_prepare_v3(db_, statement.data(), static_cast<int>(statement.size()),
                                    SQLITE_PREPARE_PERSISTENT, &prepared.stmt, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(ErrorFor(db_, rc, "prepare"));
  // "$N" at bind index k: slots[N-1] = k. Other spellings (?, :name) are not ours and stay
  // unbound, as before.
  const int count = sqlite3_bind_parameter_count(prepared.stmt);
  for (int k = 1; k <= count; ++k) {
    const char* name = sqlite3_bind_parameter_name(prepared.stmt, k);
    if (name == nullptr || name[0] != '$') continue;
    std::size_t n = 0;
    const char* p = name + 1;
    for (; *p >= '0' && *p <= '9' && n < 100000; ++p)
      n = n * 10 + static_cast<std::size_t>(*p - '0');
    if (*p != '\0' || n == 0 || p == name + 1) continue;
    if (prepared.slots.size() < n) prepared.slots.resize(n, 0);
    prepared.slots[n - 1] = k;
  }
  return &statements_.emplace(std::string(statement), std::move(prepared)).first->second;
}

Result<sql::Rows> Connection::Query(std::string_view statement,
                                    std::span<const sql::Value> params) {
  Result<const Prepared*> prepared = Prepare(statement);
  if (!prepared) return std::unexpected(prepared.error());
  sqlite3_stmt* stmt = (*prepared)->stmt;
  const std::vector<int>& slots = (*prepared)->slots;
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  for (std::size_t i = 0; i < params.size() && i < slots.size(); ++i) {
    const int index = slots[i];
    if (index == 0) continue;  // the statement does not use this parameter
    const sql::Value& v = params[i];
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      sqlite3_bind_int64(stmt, index, *n);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
    } else {
      sqlite3_bind_null(stmt, index);
    }
  }
  sql::Rows out;
  for (;;) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      Error e = ErrorFor(db_, rc, "step");
      sqlite3_reset(stmt);
      return std::unexpected(std::move(e));
    }
    const int columns = sqlite3_column_count(stmt);
    std::vector<std::optional<std::string>> cells;
    cells.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
        cells.emplace_back();
      } else {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        cells.emplace_back(
            std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
      }
    }
    out.rows.emplace_back(std::move(cells));
  }
  out.affected = sqlite3_stmt_readonly(stmt) ? 0 : sqlite3_changes64(db_);
  sqlite3_reset(stmt);
  return out;
}

Result<void> Connection::Execute(std::string_view script) {
  const std::string text(script);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(ErrorFor(db_, rc, "exec"));
  return {};
}

// The same 30 s as the busy timeout, so a writer waits as long for a writer of this process
// as for one of another.
constexpr std::chrono::seconds kWriteGateWait{30};

Result<void> Connection::Begin() {
  if (gate_ != nullptr && !through_gate_) {
    if (!gate_->try_acquire_for(kWriteGateWait)) {
      return Unavailable("another writer of this process held the database for 30 s");
    }
    through_gate_ = true;
  }
  Result<void> begun = Execute("BEGIN IMMEDIATE");
  if (!begun) OpenGateIfDone();
  return begun;
}

void Connection::OpenGateIfDone() {
  if (through_gate_ && sqlite3_get_autocommit(db_) != 0) {
    through_gate_ = false;
    gate_->release();
  }
}
// Takes no lock until the first read, which then holds a WAL snapshot: writers go on.
Result<void> Connection::BeginRead() { return Execute("BEGIN DEFERRED"); }

Result<void> Connection::Commit() {
  if (sqlite3_get_autocommit(db_) != 0) return Internal("COMMIT without an open transaction");
  Result<void> committed = Execute("COMMIT");
  OpenGateIfDone();  // a COMMIT that failed busy leaves the transaction open, and the gate shut
  return committed;
}

Result<void> Connection::Rollback() {
  if (sqlite3_get_autocommit(db_) != 0) {
    OpenGateIfDone();
    return {};  // no transaction open
  }
  Result<void> rolled_back = Execute("ROLLBACK");
  OpenGateIfDone();
  return rolled_back;
}

}  // namespace icp::sqlite
