#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/sql/connection.h"

struct pg_conn;
struct pg_result;

namespace icp::postgres {

// One libpq connection. Statements are prepared once per connection (named by a counter)
// and run with text parameters; results come back as text. libpq appears in
// storage/postgres/ and nowhere else.
class Connection final : public sql::Connection {
 public:
  // `url` is a libpq URI (postgresql://user@host:port/db) or keyword string. Fails with
  // kInvalidArgument when libpq cannot parse it and kUnavailable when the server cannot be
  // reached; neither message shows a password. `schema`, when not empty, is created if
  // missing and becomes the search_path (tests give each store its own schema).
  static Result<std::unique_ptr<Connection>> Open(const std::string& url,
                                                  const std::string& schema = {});
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }
  Result<sql::Rows> Query(std::string_view statement,
                          std::span<const sql::Value> params = {}) override;
  // Pipeline mode: the statements (with a pending BEGIN before them, and COMMIT after them
  // for CommitAfter) go out together and their results come back in one round trip.
  std::expected<std::vector<sql::Rows>, sql::BatchFailure> Batch(
      std::span<const sql::Statement> statements) override;
  std::expected<void, sql::BatchFailure> CommitAfter(
      std::span<const sql::Statement> statements) override;
  Result<void> Execute(std::string_view script) override;
  // Begin and BeginRead send nothing: BEGIN goes out with the transaction's first
  // statement (Query, Batch, Execute), saving a round trip. A transaction that ran nothing
  // commits or rolls back without a word to the server.
  Result<void> Begin() override;
  Result<void> BeginRead() override;
  Result<void> Commit() override;
  Result<void> Rollback() override;
  bool healthy() const override;

 private:
  struct ConnDeleter {
    void operator()(pg_conn* conn) const;
  };
  struct ResultDeleter {
    void operator()(pg_result* result) const;
  };
  using ResultPtr = std::unique_ptr<pg_result, ResultDeleter>;

  explicit Connection(pg_conn* conn) : conn_(conn) {}
  Result<void> UseSchema(const std::string& schema);
  // Sends the pending BEGIN, if any, on its own (for Execute and the simple path of Query).
  Result<void> SendPendingBegin();
  // Runs `statements` in one pipeline, after the pending BEGIN and followed by COMMIT when
  // `commit`. The failure's index is that of the statement that failed, statements.size()
  // for COMMIT (and for a connection lost once COMMIT was sent: its outcome is unknown).
  std::expected<std::vector<sql::Rows>, sql::BatchFailure> Pipeline(
      std::span<const sql::Statement> statements, bool commit);
  Result<std::string> Prepare(std::string_view statement);
  ResultPtr ExecPrepared(const std::string& name, std::span<const char* const> values);
  Error Fail(const pg_result* result);

  std::unique_ptr<pg_conn, ConnDeleter> conn_;
  std::unordered_map<std::string, std::string> prepared_;  // statement text -> name
  std::uint64_t next_name_ = 1;  // never reused, so a forgotten name cannot clash
  // The BEGIN statement a Begin or BeginRead left to send with the first statement; empty
  // when none is pending.
  std::string_view pending_begin_;
  // A pipeline that could not be finished leaves the connection unusable.
  bool broken_ = false;
};

}  // namespace icp::postgres
