#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>

#include "storage/sql/connection.h"

struct sqlite3;
struct sqlite3_stmt;

namespace icp::sqlite {

// One SQLite connection: WAL, foreign keys on, synchronous=FULL (a commit that returned is
// on disk), a busy timeout so that writers in other threads and processes queue instead of
// failing. `sqlite3` appears in storage/sqlite/ and nowhere else.
class Connection final : public sql::Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const std::filesystem::path& path);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }
  Result<sql::Rows> Query(std::string_view statement,
                          std::span<const sql::Value> params = {}) override;
  Result<void> Execute(std::string_view script) override;
  Result<void> Begin() override;
  Result<void> BeginRead() override;
  Result<void> Commit() override;
  Result<void> Rollback() override;
  bool healthy() const override { return db_ != nullptr; }

  sqlite3* handle() { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  Result<sqlite3_stmt*> Prepare(std::string_view statement);

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// The Error for SQLite result `code` on `db` (STYLE.md §4.2's one mapping function).
Error ErrorFor(sqlite3* db, int code, std::string_view doing);

}  // namespace icp::sqlite
