// Authorization codes in portable SQL: kept forever, a used code stays used.
#include "ports/storage_errors.h"
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {

namespace errors = storage_errors;

namespace {
constexpr std::string_view kInsertCode =
    "INSERT INTO authorization_codes (code, server_id, ip, state, generated_by, created_at, "
    "closed_by, closed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
constexpr std::string_view kCodeByCode =
    "SELECT code, server_id, ip, state, generated_by, created_at, closed_by, closed_at "
    "FROM authorization_codes WHERE code = $1";
constexpr std::string_view kCodesByServer =
    "SELECT code, server_id, ip, state, generated_by, created_at, closed_by, closed_at "
    "FROM authorization_codes WHERE server_id = $1 ORDER BY code";
constexpr std::string_view kCodesByAccount =
    "SELECT code, server_id, ip, state, generated_by, created_at, closed_by, closed_at "
    "FROM authorization_codes WHERE generated_by = $1 OR (state = 'used' AND closed_by = $1) "
    "ORDER BY code";
constexpr std::string_view kTransitionCode =
    "UPDATE authorization_codes SET state = $3, closed_by = $4, closed_at = $5 "
    "WHERE code = $1 AND state = $2";

Result<std::vector<AuthorizationCode>> Codes(Session& s, std::string_view statement,
                                             std::string_view key) {
  const Value k = Text(key);
  Result<Rows> r = s.Run(statement, std::span(&k, 1));
  if (!r) return std::unexpected(r.error());
  std::vector<AuthorizationCode> out;
  for (const Row& row : r->rows) {
    std::optional<AuthorizationCodeState> state = AuthorizationCodeStateFromName(row.Text(3));
    if (!state) return Internal("authorization code " + row.Text(0) + " has an unknown state");
    out.push_back({row.Text(0), row.Text(1), row.Text(2), *state, row.Text(4), TimeAt(row, 5),
                   row.OptionalText(6), OptionalTimeAt(row, 7)});
    if (Result<void> ok = row.Check(); !ok) return Corrupt("authorization code", ok.error());
  }
  return out;
}

}  // namespace

Result<void> AuthorizationCodeRepository::Insert(const AuthorizationCode& c) {
  const Value p[] = {c.code,
                     c.server_id,
                     c.ip,
                     Text(AuthorizationCodeStateName(c.state)),
                     c.generated_by,
                     Time(c.created_at),
                     OptionalText(c.closed_by),
                     OptionalTime(c.closed_at)};
  Result<Rows> r = s_.Run(kInsertCode, p);
  if (!r) {
    if (ConstraintOf(r.error()) == "authorization_codes.code") {
      return s_.Refuse(AlreadyExists("authorization code " + c.code + " exists"));
    }
    return std::unexpected(r.error());
  }
  return {};
}

Result<AuthorizationCode> AuthorizationCodeRepository::Get(std::string_view code) {
  Result<std::vector<AuthorizationCode>> r = Codes(s_, kCodeByCode, code);
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Missing("authorization code", code);
  return std::move(r->front());
}

Result<void> AuthorizationCodeRepository::Transition(std::string_view code,
                                                     AuthorizationCodeState from,
                                                     AuthorizationCodeState to, std::string_view by,
                                                     std::chrono::sys_seconds at) {
  const Value p[] = {Text(code), Text(AuthorizationCodeStateName(from)),
                     Text(AuthorizationCodeStateName(to)), Text(by), Time(at)};
  Result<Rows> r = s_.Run(kTransitionCode, p);
  if (!r) {
    if (ConstraintOf(r.error()) == "auth-code.used") return s_.Refuse(errors::CodeUsed(code));
    if (ConstraintOf(r.error()) == "auth-code.closed")
      return s_.Refuse(errors::CodeStateChanged(code));
    return std::unexpected(r.error());
  }
  if (r->affected == 1) return {};
  if (Result<AuthorizationCode> found = Get(code); !found) return std::unexpected(found.error());
  return s_.Refuse(errors::CodeStateChanged(code));
}

Result<std::vector<AuthorizationCode>> AuthorizationCodeRepository::ListByServer(
    std::string_view server_id) {
  return Codes(s_, kCodesByServer, server_id);
}

}  // namespace icp::sql

namespace icp::sql {

Result<std::vector<AuthorizationCode>> AuthorizationCodeRepository::ListByAccount(
    std::string_view account) {
  return Codes(s_, kCodesByAccount, account);
}

}  // namespace icp::sql
