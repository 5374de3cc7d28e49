#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace icp::sql {

// The small interface the shared repositories (storage/sql) need from a SQL engine. Two
// drivers implement it: sqlite::Connection and postgres::Connection. Everything crosses as
// text or integers, so one repository serves both engines; binary data (ciphertexts,
// hashes) travels as base64 / hex text.

// A statement parameter: NULL, an integer or text. Statements number them $1, $2, ...
using Value = std::variant<std::monostate, std::int64_t, std::string>;

// One result row; each cell is NULL or the engine's text form of the value.
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}

  std::size_t size() const { return cells_.size(); }
  bool IsNull(std::size_t i) const { return !cells_.at(i).has_value(); }
  // The cell as text; "" for NULL.
  const std::string& Text(std::size_t i) const;
  std::optional<std::string> OptionalText(std::size_t i) const { return cells_.at(i); }
  // The cell as an integer; 0 for NULL. A cell that is not an integer (a row some other
  // writer damaged: the schema's types should make it impossible) reads as 0 and marks the
  // row malformed; readers call Check() once they have read a row.
  std::int64_t Int(std::size_t i) const;
  std::optional<std::int64_t> OptionalInt(std::size_t i) const;

  // kInternal (rule "storage.corrupt") naming the first cell that did not read as asked.
  Result<void> Check() const;

 private:
  std::vector<std::optional<std::string>> cells_;
  mutable std::optional<std::size_t> malformed_;  // the first cell that did not read
};

struct Rows {
  std::vector<Row> rows;
  std::int64_t affected = 0;  // rows inserted, updated or deleted by the statement

  bool empty() const { return rows.empty(); }
};

enum class Dialect { kSqlite, kPostgres };

// One statement of a batch: its text and its parameters $1..$n (both borrowed: they must
// live until the batch returns).
struct Statement {
  std::string_view text;
  std::span<const Value> params;
};

// Why a batch stopped: the statement that failed (its index in the batch; the batch's size
// for the COMMIT that CommitAfter adds) and its error.
struct BatchFailure {
  std::size_t index = 0;
  Error error;
};

// One connection, used by one thread at a time. Drivers map engine errors to Error by the
// engine's codes (SQLite extended result codes, SQLSTATE), never by message text:
//   unique violation                         -> kAlreadyExists
//   check, foreign key, not null, a trigger  -> kFailedPrecondition
//   a value of the wrong type (STRICT)       -> kFailedPrecondition
//   serialization failure, deadlock          -> kAborted (retry the whole unit of work)
//   busy, locked, connection lost            -> kUnavailable
//   anything else                            -> kInternal
// A constraint error also names the constraint (ConstraintOf): a unique key as
// "table.column" (SQLite's own naming; the PostgreSQL schema names its constraints the same
// way), a named CHECK or foreign key by its name, a trigger by the rule it raises.
class Connection {
 public:
  virtual ~Connection() = default;

  virtual Dialect dialect() const = 0;

  // Runs one statement with parameters $1..$n and returns its rows. Drivers cache the
  // prepared statement by its text, so pass the same constexpr string each time.
  virtual Result<Rows> Query(std::string_view statement, std::span<const Value> params = {}) = 0;

  // Runs `statements` in order and returns their rows, as one exchange with the engine where
  // the driver can (PostgreSQL's pipeline mode: one round trip for all of them). Stops at
  // the first that fails: the ones after it do not run (inside a transaction, the failure
  // ends the transaction, as with Query). The default runs them one by one with Query.
  virtual std::expected<std::vector<Rows>, BatchFailure> Batch(
      std::span<const Statement> statements);
  // Runs `statements`, then COMMIT, as one exchange where the driver can. If any of them
  // fails, nothing is committed (the failure has index < statements.size()); a failed COMMIT
  // has index statements.size(). The default runs Batch, then Commit.
  virtual std::expected<void, BatchFailure> CommitAfter(std::span<const Statement> statements);

  // Runs a script of statements without parameters (migrations).
  virtual Result<void> Execute(std::string_view script) = 0;

  // Transactions. Begin() starts a write transaction: on SQLite it takes the write lock
  // at once (BEGIN IMMEDIATE), on PostgreSQL it is READ COMMITTED. BeginRead() starts a
  // read-only transaction whose reads all see the snapshot its first read takes, and which
  // blocks no writer (SQLite: BEGIN DEFERRED in WAL mode; PostgreSQL: REPEATABLE READ READ
  // ONLY). End either with Commit() or Rollback().
  virtual Result<void> Begin() = 0;
  virtual Result<void> BeginRead() = 0;
  virtual Result<void> Commit() = 0;
  virtual Result<void> Rollback() = 0;

  // False once the connection is broken; the pool then discards it.
  virtual bool healthy() const = 0;
};

// The constraint an engine error names ("subjects.active_certificate_hash",
// "filing-number.kept-forever"), or "" when it names none. Repositories classify errors by it.
std::string_view ConstraintOf(const Error& e);

// An Error for a constraint violation, as drivers build it: the constraint travels as the
// rule of the error's one violation.
Error ConstraintError(ErrorCode code, std::string constraint, std::string message);

}  // namespace icp::sql
