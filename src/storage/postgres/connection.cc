#include "storage/postgres/connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <optional>
#include <utility>
#include <vector>

namespace icp::postgres {
namespace {

struct FreeMem {
  void operator()(char* p) const { PQfreemem(p); }
};
struct FreeConninfo {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};

void IgnoreNotice(void*, const char*) {}

std::string Field(const PGresult* r, int code) {
  const char* v = r != nullptr ? PQresultErrorField(r, code) : nullptr;
  return v != nullptr ? v : "";
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// `text` with every occurrence of `secret` blanked out.
std::string Redacted(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "****");
  }
  return text;
}

// The password in `url` ("" for none), or kInvalidArgument when libpq cannot parse it.
// libpq's parse errors may quote any part of the URL verbatim, the password included, so
// they are shown only for URLs that cannot hold one.
Result<std::string> PasswordOf(const std::string& url) {
  char* raw_error = nullptr;
  std::unique_ptr<PQconninfoOption, FreeConninfo> options(PQconninfoParse(url.c_str(), &raw_error));
  const std::unique_ptr<char, FreeMem> error(raw_error);
  if (!options) {
    const bool may_hold_password =
        url.find('@') != std::string::npos || url.find("password") != std::string::npos;
    std::string why = error && !may_hold_password ? Trimmed(error.get()) : "not shown";
    return InvalidArgument("malformed PostgreSQL URL (" + why + ")");
  }
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val != nullptr) return o->val;
  }
  return "";
}

// Keywords before dbname are defaults that the URL may override; those after it win.
PGconn* Connect(const std::string& url) {
  std::vector<const char*> keys;
  std::vector<const char*> values;
  if (std::getenv("PGCONNECT_TIMEOUT") == nullptr) {
    // libpq waits forever for an unreachable host by default; a pool must not hang.
    keys.push_back("connect_timeout");
    values.push_back("10");
  }
  keys.insert(keys.end(), {"dbname", "client_encoding", nullptr});
  values.insert(values.end(), {url.c_str(), "UTF8", nullptr});
  return PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
}

// The Error for a failed result; sql/connection.h gives the contract. The DETAIL field is
// left out on purpose: it quotes row values, which may be personal data.
Error ErrorFor(PGconn* conn, const PGresult* r) {
  const std::string state = Field(r, PG_DIAG_SQLSTATE);
  std::string primary = Field(r, PG_DIAG_MESSAGE_PRIMARY);
  if (primary.empty()) primary = Trimmed(PQerrorMessage(conn));
  if (PQstatus(conn) != CONNECTION_OK) {
    return {ErrorCode::kUnavailable, "PostgreSQL connection lost: " + primary, {}};
  }
  // Class 23 (integrity constraint violation) names its constraint; so does P0001
  // (raise_exception) from the schema's triggers, which raise USING CONSTRAINT = rule.
  if (state.starts_with("23") || state == "P0001") {
    const ErrorCode code =
        state == "23505" ? ErrorCode::kAlreadyExists : ErrorCode::kFailedPrecondition;
    return sql::ConstraintError(code, Field(r, PG_DIAG_CONSTRAINT_NAME), std::move(primary));
  }
  if (state == "40001" || state == "40P01") return {ErrorCode::kAborted, std::move(primary), {}};
  // 42501 insufficient_privilege: the runtime role tried what only the owner may do.
  if (state == "42501") return {ErrorCode::kPermissionDenied, std::move(primary), {}};
  if (state == "57014") return {ErrorCode::kDeadlineExceeded, std::move(primary), {}};
  // 08P01 on a live connection is a Bind with the wrong number of parameters: a bug.
  if ((state.starts_with("08") && state != "08P01") || state == "55P03") {
    return {ErrorCode::kUnavailable, std::move(primary), {}};  // 55P03: lock not available
  }
  if (!state.empty()) primary += " (SQLSTATE " + state + ")";
  return {ErrorCode::kInternal, std::move(primary), {}};
}

// A pipeline that could not be sent or read to its end: the connection is given up, and
// what the server did with the statements it received is unknown.
Error OutOfStep(PGconn* conn) {
  return {ErrorCode::kUnavailable,
          "PostgreSQL connection lost during a pipeline: " + Trimmed(PQerrorMessage(conn)),
          {}};
}

bool Succeeded(const PGresult* r) {
  const ExecStatusType s = PQresultStatus(r);  // PGRES_FATAL_ERROR for nullptr
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

// libpq's form of the parameters: one C string per $n, nullptr for NULL. `texts` keeps the
// decimal form of integers alive.
Result<std::vector<const char*>> CStrings(std::span<const sql::Value> params,
                                          std::vector<std::string>& texts) {
  texts.assign(params.size(), {});
  std::vector<const char*> values(params.size(), nullptr);
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
      texts[i] = std::to_string(*n);
      values[i] = texts[i].c_str();
    } else if (const auto* s = std::get_if<std::string>(&params[i])) {
      // A C string would silently end at the NUL; PostgreSQL text cannot hold one anyway.
      if (s->find('\0') != std::string::npos) {
        return InvalidArgument("parameter $" + std::to_string(i + 1) + " contains a NUL byte");
      }
      values[i] = s->c_str();
    }
  }
  return values;
}

// What the statement wrote. PostgreSQL also counts the rows a SELECT returned; like
// SQLite's driver, only writes count here.
std::int64_t Affected(PGresult* r) {
  if (std::string_view(PQcmdStatus(r)).starts_with("SELECT")) return 0;
  const std::string_view n = PQcmdTuples(r);  // "" for commands that count nothing
  std::int64_t count = 0;
  std::from_chars(n.data(), n.data() + n.size(), count);
  return count;
}

sql::Rows ToRows(PGresult* r) {
  sql::Rows out;
  const int rows = PQntuples(r);
  const int columns = PQnfields(r);
  out.rows.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    std::vector<std::optional<std::string>> cells(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(r, i, c) != 0) continue;
      cells[static_cast<std::size_t>(c)].emplace(PQgetvalue(r, i, c),
                                                 static_cast<std::size_t>(PQgetlength(r, i, c)));
    }
    out.rows.emplace_back(std::move(cells));
  }
  out.affected = Affected(r);
  return out;
}

}  // namespace

void Connection::ConnDeleter::operator()(pg_conn* conn) const { PQfinish(conn); }
void Connection::ResultDeleter::operator()(pg_result* result) const { PQclear(result); }

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url,
                                                     const std::string& schema) {
  Result<std::string> password = PasswordOf(url);
  if (!password) return std::unexpected(password.error());
  std::unique_ptr<Connection> c(new Connection(Connect(url)));
  PGconn* conn = c->conn_.get();  // may be nullptr (out of memory); libpq accepts that
  if (PQstatus(conn) != CONNECTION_OK) {
    return Unavailable("cannot connect to PostgreSQL: " +
                       Redacted(Trimmed(PQerrorMessage(conn)), *password));
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  const char* encoding = PQparameterStatus(conn, "client_encoding");
  if (encoding == nullptr || std::string_view(encoding) != "UTF8") {
    return Internal("PostgreSQL did not accept client_encoding UTF8");
  }
  if (schema.empty()) return c;
  if (Result<void> r = c->UseSchema(schema); !r) return std::unexpected(r.error());
  return c;
}

Result<void> Connection::UseSchema(const std::string& schema) {
  const std::unique_ptr<char, FreeMem> quoted(
      PQescapeIdentifier(conn_.get(), schema.data(), schema.size()));
  if (!quoted) return InvalidArgument("bad schema name " + schema);
  const std::unique_ptr<char, FreeMem> literal(
      PQescapeLiteral(conn_.get(), schema.data(), schema.size()));
  if (!literal) return InvalidArgument("bad schema name " + schema);
  const std::string q(quoted.get());
  // Only a missing schema is created: the runtime role may not create one, and PostgreSQL
  // checks that privilege even for CREATE SCHEMA IF NOT EXISTS. (A DO block, so that the
  // check prepares no statement of its own.)
  if (Result<void> r = Execute("DO $icp$ BEGIN IF NOT EXISTS (SELECT FROM pg_namespace WHERE "
                               "nspname = " +
                               std::string(literal.get()) + ") THEN CREATE SCHEMA IF NOT EXISTS " +
                               q + "; END IF; END $icp$");
      !r) {
    // Two connections creating the schema at once: the loser sees a unique violation.
    if (r.error().code != ErrorCode::kAlreadyExists) return r;
  }
  return Execute("SET search_path TO " + q);
}

Connection::~Connection() = default;

bool Connection::healthy() const { return !broken_ && PQstatus(conn_.get()) == CONNECTION_OK; }

Error Connection::Fail(const pg_result* result) {
  Error e = ErrorFor(conn_.get(), result);
  // The server forgets prepared statements with the session; so must the cache, or a
  // reconnected session would be asked for statements it never saw.
  if (!healthy()) prepared_.clear();
  return e;
}

Result<std::string> Connection::Prepare(std::string_view statement) {
  std::string text(statement);
  if (auto it = prepared_.find(text); it != prepared_.end()) return it->second;
  std::string name = "s" + std::to_string(next_name_++);
  ResultPtr r(PQprepare(conn_.get(), name.c_str(), text.c_str(), 0, nullptr));
  if (!Succeeded(r.get())) return std::unexpected(Fail(r.get()));
  prepared_.emplace(std::move(text), name);
  return name;
}

Connection::ResultPtr Connection::ExecPrepared(const std::string& name,
                                               std::span<const char* const> values) {
  return ResultPtr(PQexecPrepared(conn_.get(), name.c_str(), static_cast<int>(values.size()),
                                  values.data(), nullptr, nullptr, /*resultFormat=text*/ 0));
}

Result<sql::Rows> Connection::Query(std::string_view statement,
                                    std::span<const sql::Value> params) {
  if (!pending_begin_.empty()) {
    // The transaction's first statement: BEGIN goes with it, in one round trip.
    const sql::Statement one[] = {{statement, params}};
    auto rows = Pipeline(one, /*commit=*/false);
    if (!rows) return std::unexpected(std::move(rows.error().error));
    return std::move(rows->front());
  }
  std::vector<std::string> texts;
  Result<std::vector<const char*>> values = CStrings(params, texts);
  if (!values) return std::unexpected(values.error());
  const bool in_transaction = PQtransactionStatus(conn_.get()) != PQTRANS_IDLE;
  Result<std::string> name = Prepare(statement);
  if (!name) return std::unexpected(name.error());
  ResultPtr r = ExecPrepared(*name, *values);
  if (Field(r.get(), PG_DIAG_SQLSTATE) == "26000") {
    // The statement is gone (someone ran DEALLOCATE or DISCARD ALL): the cache is stale.
    prepared_.clear();
    if (in_transaction) return Aborted("prepared statements were dropped; retry the transaction");
    name = Prepare(statement);
    if (!name) return std::unexpected(name.error());
    r = ExecPrepared(*name, *values);
  }
  if (!Succeeded(r.get())) return std::unexpected(Fail(r.get()));
  return ToRows(r.get());
}

std::expected<std::vector<sql::Rows>, sql::BatchFailure> Connection::Batch(
    std::span<const sql::Statement> statements) {
  if (statements.empty()) return std::vector<sql::Rows>();
  return Pipeline(statements, /*commit=*/false);
}

std::expected<void, sql::BatchFailure> Connection::CommitAfter(
    std::span<const sql::Statement> statements) {
  if (statements.empty()) {
    if (Result<void> c = Commit(); !c) {
      return std::unexpected(sql::BatchFailure{0, std::move(c.error())});
    }
    return {};
  }
  if (pending_begin_.empty() && PQtransactionStatus(conn_.get()) == PQTRANS_IDLE) {
    // COMMIT outside a transaction only warns and "succeeds": never let it.
    return std::unexpected(sql::BatchFailure{
        statements.size(), Internal("COMMIT without an open transaction").error()});
  }
  auto ran = Pipeline(statements, /*commit=*/true);
  if (!ran) return std::unexpected(std::move(ran.error()));
  return {};
}

std::expected<std::vector<sql::Rows>, sql::BatchFailure> Connection::Pipeline(
    std::span<const sql::Statement> statements, bool commit) {
  using Failure = sql::BatchFailure;
  const std::size_t n = statements.size();
  std::vector<std::vector<std::string>> texts(n);
  std::vector<std::vector<const char*>> values(n);
  std::vector<std::string> names(n);
  for (std::size_t i = 0; i < n; ++i) {
    Result<std::vector<const char*>> v = CStrings(statements[i].params, texts[i]);
    if (!v) return std::unexpected(Failure{i, std::move(v.error())});
    values[i] = std::move(*v);
    // Prepared once per connection, before the pipeline (outside it, a PREPARE may run
    // before the pending BEGIN: statements are not transactional).
    Result<std::string> name = Prepare(statements[i].text);
    if (!name) return std::unexpected(Failure{i, std::move(name.error())});
    names[i] = std::move(*name);
  }
  PGconn* conn = conn_.get();
  const std::string begin(pending_begin_);
  pending_begin_ = {};
  const bool in_transaction = !begin.empty() || PQtransactionStatus(conn) != PQTRANS_IDLE;
  if (PQenterPipelineMode(conn) != 1) return std::unexpected(Failure{0, Fail(nullptr)});
  const auto send_text = [conn](const char* text) {
    return PQsendQueryParams(conn, text, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  };
  bool sent = begin.empty() || send_text(begin.c_str());
  for (std::size_t i = 0; sent && i < n; ++i) {
    sent = PQsendQueryPrepared(conn, names[i].c_str(), static_cast<int>(values[i].size()),
                               values[i].data(), nullptr, nullptr, /*text*/ 0) == 1;
  }
  if (sent && commit) sent = send_text("COMMIT");
  if (sent) sent = PQpipelineSync(conn) == 1;
  std::optional<Failure> failure;
  std::vector<sql::Rows> out;
  bool dropped = false;
  if (!sent) {
    // Part of the pipeline may have reached the server (it runs each statement as it
    // arrives, COMMIT included): nothing more can be read from this connection.
    broken_ = true;
    failure = Failure{commit ? n : 0, OutOfStep(conn)};
  }
  // The results: one per query (BEGIN, the statements, COMMIT), each ended by a NULL, then
  // the sync's. Two NULLs in a row, or a result past the last query, mean the connection is
  // not where the protocol says: it is given up rather than read on.
  const std::size_t first = begin.empty() ? 0 : 1;
  const std::size_t queries = first + n + (commit ? 1 : 0);
  out.reserve(n);
  std::size_t q = 0;
  bool after_null = false;
  while (sent && !broken_) {
    ResultPtr r(PQgetResult(conn));
    if (!r) {
      if (after_null || PQstatus(conn) != CONNECTION_OK) broken_ = true;
      after_null = true;
      continue;
    }
    after_null = false;
    const ExecStatusType status = PQresultStatus(r.get());
    if (status == PGRES_PIPELINE_SYNC) {
      if (q != queries || PQexitPipelineMode(conn) != 1) broken_ = true;
      break;
    }
    if (q == queries) {
      broken_ = true;
      break;
    }
    const bool is_commit = commit && q == queries - 1;
    // A failed BEGIN is reported as the first statement's failure.
    const std::size_t index = is_commit ? n : (q < first ? 0 : q - first);
    const bool is_statement = q >= first && !is_commit;
    ++q;
    if (status == PGRES_PIPELINE_ABORTED) continue;  // skipped after a failure
    if (!Succeeded(r.get())) {
      // The statement is gone (someone ran DEALLOCATE or DISCARD ALL): the cache is stale.
      if (Field(r.get(), PG_DIAG_SQLSTATE) == "26000") dropped = true;
      if (!failure) failure = Failure{index, Fail(r.get())};
      continue;
    }
    if (is_commit && std::string_view(PQcmdStatus(r.get())) == "ROLLBACK") {
      if (!failure) {
        failure =
            Failure{n, Aborted("the transaction had failed, so COMMIT rolled it back").error()};
      }
      continue;
    }
    if (is_statement) out.push_back(ToRows(r.get()));
  }
  if (broken_ && !failure) failure = Failure{commit ? n : 0, OutOfStep(conn)};
  if (broken_ || dropped) prepared_.clear();
  if (failure) {
    // A connection lost once COMMIT was sent: the server may have committed.
    if (commit && failure->error.code == ErrorCode::kUnavailable) failure->index = n;
    if (dropped) {
      failure->error = (in_transaction ? Aborted("prepared statements were dropped; retry the "
                                                 "transaction")
                                       : Unavailable("prepared statements were dropped; retry"))
                           .error();
    }
    return std::unexpected(std::move(*failure));
  }
  return out;
}

Result<void> Connection::SendPendingBegin() {
  if (pending_begin_.empty()) return {};
  const std::string begin(pending_begin_);
  pending_begin_ = {};
  return Execute(begin);
}

Result<void> Connection::Execute(std::string_view script) {
  if (Result<void> begun = SendPendingBegin(); !begun) return begun;
  const std::string text(script);
  ResultPtr r(PQexec(conn_.get(), text.c_str()));
  if (!Succeeded(r.get())) return std::unexpected(Fail(r.get()));
  return {};
}

Result<void> Connection::Begin() {
  // PostgreSQL only warns about BEGIN inside a transaction; silently joining a unit of work
  // someone left open would be worse than failing.
  const PGTransactionStatusType status = PQtransactionStatus(conn_.get());
  if (!pending_begin_.empty() || status == PQTRANS_INTRANS || status == PQTRANS_INERROR) {
    return Internal("BEGIN while a transaction is already open");
  }
  pending_begin_ = "BEGIN";
  return {};
}

Result<void> Connection::BeginRead() {
  const PGTransactionStatusType status = PQtransactionStatus(conn_.get());
  if (!pending_begin_.empty() || status == PQTRANS_INTRANS || status == PQTRANS_INERROR) {
    return Internal("BEGIN while a transaction is already open");
  }
  // One snapshot for every statement, taken by the first; a read-only transaction takes no
  // row lock, so no writer waits for it.
  pending_begin_ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
  return {};
}

Result<void> Connection::Commit() {
  if (!pending_begin_.empty()) {
    pending_begin_ = {};  // the transaction ran nothing: there is nothing to commit
    return {};
  }
  // COMMIT outside a transaction only warns and "succeeds": never let it.
  if (PQtransactionStatus(conn_.get()) == PQTRANS_IDLE) {
    return Internal("COMMIT without an open transaction");
  }
  ResultPtr r(PQexec(conn_.get(), "COMMIT"));
  if (!Succeeded(r.get())) return std::unexpected(Fail(r.get()));
  // COMMIT of a transaction that failed earlier "succeeds" with the tag ROLLBACK.
  if (std::string_view(PQcmdStatus(r.get())) == "ROLLBACK") {
    return Aborted("the transaction had failed, so COMMIT rolled it back");
  }
  return {};
}

Result<void> Connection::Rollback() {
  if (!pending_begin_.empty()) {
    pending_begin_ = {};
    return {};
  }
  if (PQtransactionStatus(conn_.get()) == PQTRANS_IDLE) return {};
  return Execute("ROLLBACK");
}

}  // namespace icp::postgres
