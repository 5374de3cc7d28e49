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
  // The cell as an integer; 0 for NULL. Aborts on a cell that is not an integer (a bug in
  // the query, not bad input).
  std::int64_t Int(std::size_t i) const;
  std::optional<std::int64_t> OptionalInt(std::size_t i) const;

 private:
  std::vector<std::optional<std::string>> cells_;
};

struct Rows {
  std::vector<Row> rows;
  std::int64_t affected = 0;  // rows inserted, updated or deleted by the statement

  bool empty() const { return rows.empty(); }
};

enum class Dialect { kSqlite, kPostgres };

// One connection, used by one thread at a time. Drivers map engine errors to Error:
//   unique violation                         -> kAlreadyExists (message names the constraint)
//   check, foreign key, not null, a trigger  -> kFailedPrecondition (the engine's message)
//   serialization failure, deadlock          -> kAborted (retry the whole unit of work)
//   busy, locked, connection lost            -> kUnavailable
//   anything else                            -> kInternal
class Connection {
 public:
  virtual ~Connection() = default;

  virtual Dialect dialect() const = 0;

  // Runs one statement with parameters $1..$n and returns its rows. Drivers cache the
  // prepared statement by its text, so pass the same constexpr string each time.
  virtual Result<Rows> Query(std::string_view statement, std::span<const Value> params = {}) = 0;

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

}  // namespace icp::sql
