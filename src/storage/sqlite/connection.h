#pragma once

#include <filesystem>
#include <memory>
#include <semaphore>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/sql/connection.h"

struct sqlite3;
struct sqlite3_stmt;

namespace icp::sqlite {

// The writers of one database file in this process queue here for SQLite's single write
// lock: a waiter is woken the moment the lock is free, where SQLite's busy handler would
// sleep and poll (1, 2, 5, ... 100 ms). Writers in other processes still meet the busy
// timeout.
using WriteGate = std::binary_semaphore;

// One SQLite connection: WAL, foreign keys on, synchronous=FULL (a commit that returned is
// on disk), a busy timeout so that writers in other threads and processes queue instead of
// failing. `sqlite3` appears in storage/sqlite/ and nowhere else.
class Connection final : public sql::Connection {
 public:
  // `gate`, shared by the connections of one file, queues this process's writers (Begin).
  static Result<std::unique_ptr<Connection>> Open(const std::filesystem::path& path,
                                                  std::shared_ptr<WriteGate> gate = nullptr);
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
  Connection(sqlite3* db, std::shared_ptr<WriteGate> gate) : db_(db), gate_(std::move(gate)) {}
  // A statement prepared once per connection, with where each of its parameters goes:
  // `slots[i]` is the bind index of "$<i+1>" (0: the statement does not use it), read from
  // the statement's parameter names when it is prepared, not looked up on every call.
  struct Prepared {
    sqlite3_stmt* stmt = nullptr;
    std::vector<int> slots;
  };
  // Finds statements by the text a caller holds, without copying it into a key.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  Result<const Prepared*> Prepare(std::string_view statement);
  // Lets the next writer in once no transaction is open on this connection.
  void OpenGateIfDone();

  sqlite3* db_;
  std::shared_ptr<WriteGate> gate_;
  bool through_gate_ = false;  // this connection's write transaction holds the gate
  std::unordered_map<std::string, Prepared, TextHash, std::equal_to<>> statements_;
};

// The Error for SQLite result `code` on `db` (STYLE.md §4.2's one mapping function).
Error ErrorFor(sqlite3* db, int code, std::string_view doing);

}  // namespace icp::sqlite
