#include "storage/postgres/connection.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <vector>

namespace icp::postgres {
namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

void IgnoreNotice(void*, const char*) {}

std::string Field(const PGresult* r, int code) {
  const char* v = PQresultErrorField(r, code);
  return v != nullptr ? v : "";
}

// The Error for a failed result (sql/connection.h gives the mapping).
Error ErrorFor(PGconn* conn, const PGresult* r, std::string_view doing) {
  const std::string state = r != nullptr ? Field(r, PG_DIAG_SQLSTATE) : "";
  std::string primary = r != nullptr ? Field(r, PG_DIAG_MESSAGE_PRIMARY) : "";
  if (primary.empty()) primary = PQerrorMessage(conn);
  std::string message = "postgres " + std::string(doing) + ": " + primary;
  if (state == "23505") {
    return {ErrorCode::kAlreadyExists,
            "unique constraint " + Field(r, PG_DIAG_CONSTRAINT_NAME) + " violated: " + primary,
            {}};
  }
  if (state.starts_with("23") || state == "P0001") {
    return {ErrorCode::kFailedPrecondition, std::move(message), {}};
  }
  if (state == "40001" || state == "40P01") return {ErrorCode::kAborted, std::move(message), {}};
  if (state == "57014") return {ErrorCode::kDeadlineExceeded, std::move(message), {}};
  if (state.starts_with("08") || PQstatus(conn) != CONNECTION_OK) {
    return {ErrorCode::kUnavailable, std::move(message), {}};
  }
  return {ErrorCode::kInternal, std::move(message), {}};
}

bool Succeeded(const PGresult* r) {
  const ExecStatusType s = PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url,
                                                     const std::string& schema) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    // libpq's message names host and port but never the password.
    std::string why = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
    PQfinish(conn);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return Unavailable("cannot connect to PostgreSQL: " + why);
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  std::unique_ptr<Connection> c(new Connection(conn));
  if (PQsetClientEncoding(conn, "UTF8") != 0) return Internal("cannot set client_encoding UTF8");
  if (!schema.empty()) {
    char* quoted = PQescapeIdentifier(conn, schema.data(), schema.size());
    if (quoted == nullptr) return InvalidArgument("bad schema name " + schema);
    const std::string q(quoted);
    PQfreemem(quoted);
    if (Result<void> r = c->Execute("CREATE SCHEMA IF NOT EXISTS " + q); !r) {
      // Two connections creating the schema at once: the loser sees a unique violation.
      if (r.error().code != ErrorCode::kAlreadyExists) return std::unexpected(r.error());
    }
    if (Result<void> r = c->Execute("SET search_path TO " + q); !r) {
      return std::unexpected(r.error());
    }
  }
  return c;
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

Result<std::string> Connection::Prepare(std::string_view statement) {
  const std::string text(statement);
  if (auto it = prepared_.find(text); it != prepared_.end()) return it->second;
  std::string name = "s" + std::to_string(prepared_.size() + 1);
  ResultPtr r(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr));
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    return std::unexpected(ErrorFor(conn_, r.get(), "prepare"));
  }
  prepared_.emplace(text, name);
  return name;
}

Result<sql::Rows> Connection::Query(std::string_view statement,
                                    std::span<const sql::Value> params) {
  Result<std::string> name = Prepare(statement);
  if (!name) return std::unexpected(name.error());
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
      texts[i] = std::to_string(*n);
      values[i] = texts[i].c_str();
    } else if (const auto* s = std::get_if<std::string>(&params[i])) {
      values[i] = s->c_str();
    }
  }
  ResultPtr r(PQexecPrepared(conn_, name->c_str(), static_cast<int>(params.size()), values.data(),
                             nullptr, nullptr, 0));
  if (!r || !Succeeded(r.get())) {
    Error e = ErrorFor(conn_, r.get(), "query");
    if (!healthy()) prepared_.clear();
    return std::unexpected(std::move(e));
  }
  sql::Rows out;
  const int rows = PQntuples(r.get());
  const int columns = PQnfields(r.get());
  out.rows.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    std::vector<std::optional<std::string>> cells;
    cells.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(r.get(), i, c)) {
        cells.emplace_back();
      } else {
        cells.emplace_back(std::string(PQgetvalue(r.get(), i, c),
                                       static_cast<std::size_t>(PQgetlength(r.get(), i, c))));
      }
    }
    out.rows.emplace_back(std::move(cells));
  }
  const char* affected = PQcmdTuples(r.get());
  out.affected = affected != nullptr && *affected != '\0' ? std::atoll(affected) : 0;
  return out;
}

Result<void> Connection::Execute(std::string_view script) {
  const std::string text(script);
  ResultPtr r(PQexec(conn_, text.c_str()));
  if (!r || !Succeeded(r.get())) return std::unexpected(ErrorFor(conn_, r.get(), "exec"));
  return {};
}

Result<void> Connection::Begin() { return Execute("BEGIN"); }

Result<void> Connection::Commit() {
  ResultPtr r(PQexec(conn_, "COMMIT"));
  if (!r || !Succeeded(r.get())) return std::unexpected(ErrorFor(conn_, r.get(), "commit"));
  // COMMIT of a transaction that failed earlier reports success with the tag ROLLBACK.
  if (std::string_view(PQcmdStatus(r.get())) == "ROLLBACK") {
    return Aborted("the transaction failed earlier and was rolled back");
  }
  return {};
}

Result<void> Connection::Rollback() {
  if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return {};
  return Execute("ROLLBACK");
}

}  // namespace icp::postgres
