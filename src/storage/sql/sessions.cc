// Sessions, API keys and the sign-in throttle in portable SQL. Secrets and throttle keys are
// stored as their keyed hash (PiiVault::Hash), so the table alone signs nobody in and names
// no login or client address.
#include "ports/storage_errors.h"
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {
namespace {

constexpr std::string_view kInsertSession =
    "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, "
    "expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
constexpr std::string_view kSessionByToken =
    "SELECT id, account_id, csrf_token, created_at, last_seen_at, expires_at, revoked_at "
    "FROM sessions WHERE token_hash = $1";
constexpr std::string_view kTouchSession =
    "UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1 AND revoked_at IS NULL "
    "RETURNING id";
constexpr std::string_view kRevokeSession =
    "UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id";
constexpr std::string_view kSessionExists = "SELECT 1 FROM sessions WHERE id = $1";
constexpr std::string_view kPurgeSessions =
    "DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1 RETURNING id";
constexpr std::string_view kRevokeSessionsOf =
    "UPDATE sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL "
    "RETURNING id";

constexpr std::string_view kInsertApiKey =
    "INSERT INTO api_keys (account_id, name, prefix, secret_hash, created_at, last_used_at, "
    "revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
#define ICP_API_KEY_COLUMNS \
  "SELECT id, account_id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys "
constexpr std::string_view kApiKeyById = ICP_API_KEY_COLUMNS "WHERE id = $1";
constexpr std::string_view kApiKeyBySecret = ICP_API_KEY_COLUMNS "WHERE secret_hash = $1";
constexpr std::string_view kApiKeysOf = ICP_API_KEY_COLUMNS "WHERE account_id = $1 ORDER BY id";
#undef ICP_API_KEY_COLUMNS
constexpr std::string_view kUseApiKey =
    "UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id";
constexpr std::string_view kRevokeApiKey =
    "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id";
constexpr std::string_view kApiKeyExists = "SELECT 1 FROM api_keys WHERE id = $1";
constexpr std::string_view kRevokeApiKeysOf =
    "UPDATE api_keys SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL "
    "RETURNING id";

constexpr std::string_view kThrottleOf =
    "SELECT failures, last_failure_at, next_allowed_at FROM login_throttle WHERE key_hash = $1";
// One statement, so two processes failing at once count two (the row lock on PostgreSQL,
// the write lock on SQLite).
constexpr std::string_view kThrottleFailure =
    "INSERT INTO login_throttle (key_hash, failures, last_failure_at, next_allowed_at) "
    "VALUES ($1, 1, $2, 0) ON CONFLICT (key_hash) DO UPDATE SET "
    "failures = CASE WHEN login_throttle.last_failure_at < $3 THEN 1 "
    "ELSE login_throttle.failures + 1 END, "
    "next_allowed_at = CASE WHEN login_throttle.last_failure_at < $3 THEN 0 "
    "ELSE login_throttle.next_allowed_at END, "
    "last_failure_at = $2 "
    "RETURNING failures, last_failure_at, next_allowed_at";
constexpr std::string_view kThrottleDelay =
    "UPDATE login_throttle SET next_allowed_at = $2 WHERE key_hash = $1 AND next_allowed_at < $2";
constexpr std::string_view kThrottleClear = "DELETE FROM login_throttle WHERE key_hash = $1";

std::string TokenHash(const Session& s, std::string_view token) {
  return s.vault.Hash(token, "session-token");
}
std::string SecretHash(const Session& s, std::string_view secret) {
  return s.vault.Hash(secret, "api-key");
}
std::string ThrottleKey(const Session& s, std::string_view key) {
  return s.vault.Hash(key, "login-throttle");
}

// kNotFound when no row has `id`, else the `revoked` refusal: an UPDATE ... AND revoked_at IS
// NULL that matched nothing.
std::unexpected<Error> NothingMatched(Session& s, std::string_view exists, std::int64_t id,
                                      std::string_view what,
                                      std::unexpected<Error> (*revoked)(std::int64_t)) {
  const Value key = id;
  Result<Rows> r = s.Run(exists, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Missing(what, id);
  return s.Refuse(revoked(id));
}

Result<std::int64_t> Count(Result<Rows> r) {
  if (!r) return std::unexpected(r.error());
  return static_cast<std::int64_t>(r->rows.size());
}

}  // namespace

// ---- sessions ----

Result<SessionId> SessionRepository::Insert(const SessionRecord& rec, std::string_view token) {
  const Value p[] = {TokenHash(s_, token),
                     std::int64_t{rec.account.value()},
                     rec.csrf_token,
                     Time(rec.created_at),
                     Time(rec.last_seen_at),
                     Time(rec.expires_at),
                     OptionalTime(rec.revoked_at)};
  Result<Rows> r = s_.Run(kInsertSession, p);
  if (!r) {
    if (ConstraintOf(r.error()) == "sessions.token_hash") {
      return s_.Refuse(storage_errors::SessionTokenTaken());
    }
    return std::unexpected(r.error());
  }
  return SessionId(r->rows.at(0).Int(0));
}

Result<SessionRecord> SessionRepository::FindByToken(std::string_view token) {
  const Value key = TokenHash(s_, token);
  Result<Rows> r = s_.Run(kSessionByToken, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return NotFound("no session has this token");
  const Row& row = r->rows[0];
  SessionRecord out{SessionId(row.Int(0)), AccountId(row.Int(1)), row.Text(2),
                    TimeAt(row, 3),        TimeAt(row, 4),        TimeAt(row, 5),
                    OptionalTimeAt(row, 6)};
  if (Result<void> ok = row.Check(); !ok) return Corrupt("session " + row.Text(0), ok.error());
  return out;
}

Result<void> SessionRepository::Touch(SessionId id, std::chrono::sys_seconds last_seen_at,
                                      std::chrono::sys_seconds expires_at) {
  const Value p[] = {std::int64_t{id.value()}, Time(last_seen_at), Time(expires_at)};
  Result<Rows> r = s_.Run(kTouchSession, p);
  if (!r) return std::unexpected(r.error());
  if (r->empty()) {
    return NothingMatched(s_, kSessionExists, id.value(), "session",
                          storage_errors::SessionRevoked);
  }
  return {};
}

Result<void> SessionRepository::Revoke(SessionId id, std::chrono::sys_seconds at) {
  const Value p[] = {std::int64_t{id.value()}, Time(at)};
  Result<Rows> r = s_.Run(kRevokeSession, p);
  if (!r) return std::unexpected(r.error());
  if (r->empty()) {
    return NothingMatched(s_, kSessionExists, id.value(), "session",
                          storage_errors::SessionRevoked);
  }
  return {};
}

Result<std::int64_t> SessionRepository::RevokeAllOf(AccountId account,
                                                    std::chrono::sys_seconds at) {
  const Value p[] = {std::int64_t{account.value()}, Time(at)};
  return Count(s_.Run(kRevokeSessionsOf, p));
}

Result<std::int64_t> SessionRepository::PurgeEnded(std::chrono::sys_seconds ended_before) {
  const Value p[] = {Time(ended_before)};
  return Count(s_.Run(kPurgeSessions, p));
}

// ---- API keys ----

Result<ApiKeyId> ApiKeyRepository::Insert(const ApiKeyRecord& rec, std::string_view secret) {
  const Value p[] = {std::int64_t{rec.account.value()},
                     rec.name,
                     rec.prefix,
                     SecretHash(s_, secret),
                     Time(rec.created_at),
                     OptionalTime(rec.last_used_at),
                     OptionalTime(rec.revoked_at)};
  Result<Rows> r = s_.Run(kInsertApiKey, p);
  if (!r) {
    const std::string_view c = ConstraintOf(r.error());
    if (c == "api_keys.secret_hash" || c == "api_keys.prefix") {
      return s_.Refuse(storage_errors::ApiKeyTaken());
    }
    return std::unexpected(r.error());
  }
  return ApiKeyId(r->rows.at(0).Int(0));
}

Result<std::vector<ApiKeyRecord>> ApiKeyRepository::Select(std::string_view statement,
                                                           const Value& key) {
  Result<Rows> r = s_.Run(statement, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  std::vector<ApiKeyRecord> out;
  for (const Row& row : r->rows) {
    out.push_back({ApiKeyId(row.Int(0)), AccountId(row.Int(1)), row.Text(2), row.Text(3),
                   TimeAt(row, 4), OptionalTimeAt(row, 5), OptionalTimeAt(row, 6)});
    if (Result<void> ok = row.Check(); !ok) return Corrupt("API key " + row.Text(0), ok.error());
  }
  return out;
}

Result<ApiKeyRecord> ApiKeyRepository::Get(ApiKeyId id) {
  Result<std::vector<ApiKeyRecord>> r = Select(kApiKeyById, std::int64_t{id.value()});
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Missing("API key", id.value());
  return std::move(r->front());
}

Result<ApiKeyRecord> ApiKeyRepository::FindBySecret(std::string_view secret) {
  Result<std::vector<ApiKeyRecord>> r = Select(kApiKeyBySecret, SecretHash(s_, secret));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return NotFound("no API key has this secret");
  return std::move(r->front());
}

Result<std::vector<ApiKeyRecord>> ApiKeyRepository::ListByAccount(AccountId account) {
  return Select(kApiKeysOf, std::int64_t{account.value()});
}

Result<void> ApiKeyRepository::MarkUsed(ApiKeyId id, std::chrono::sys_seconds at) {
  const Value p[] = {std::int64_t{id.value()}, Time(at)};
  Result<Rows> r = s_.Run(kUseApiKey, p);
  if (!r) return std::unexpected(r.error());
  if (r->empty()) {
    return NothingMatched(s_, kApiKeyExists, id.value(), "API key", storage_errors::ApiKeyRevoked);
  }
  return {};
}

Result<void> ApiKeyRepository::Revoke(ApiKeyId id, std::chrono::sys_seconds at) {
  const Value p[] = {std::int64_t{id.value()}, Time(at)};
  Result<Rows> r = s_.Run(kRevokeApiKey, p);
  if (!r) return std::unexpected(r.error());
  if (r->empty()) {
    return NothingMatched(s_, kApiKeyExists, id.value(), "API key", storage_errors::ApiKeyRevoked);
  }
  return {};
}

Result<std::int64_t> ApiKeyRepository::RevokeAllOf(AccountId account, std::chrono::sys_seconds at) {
  const Value p[] = {std::int64_t{account.value()}, Time(at)};
  return Count(s_.Run(kRevokeApiKeysOf, p));
}

// ---- the sign-in throttle ----

namespace {

Result<ThrottleState> StateOf(const Rows& rows) {
  if (rows.empty()) return ThrottleState{};
  const Row& row = rows.rows[0];
  ThrottleState out{row.Int(0), TimeAt(row, 1), TimeAt(row, 2)};
  if (Result<void> ok = row.Check(); !ok) return Corrupt("sign-in throttle", ok.error());
  return out;
}

}  // namespace

Result<ThrottleState> LoginThrottle::Get(std::string_view key) {
  const Value k = ThrottleKey(s_, key);
  Result<Rows> r = s_.Run(kThrottleOf, std::span(&k, 1));
  if (!r) return std::unexpected(r.error());
  return StateOf(*r);
}

Result<ThrottleState> LoginThrottle::RecordFailure(std::string_view key,
                                                   std::chrono::sys_seconds at,
                                                   std::chrono::sys_seconds window_start) {
  const Value p[] = {ThrottleKey(s_, key), Time(at), Time(window_start)};
  Result<Rows> r = s_.Run(kThrottleFailure, p);
  if (!r) return std::unexpected(r.error());
  return StateOf(*r);
}

Result<void> LoginThrottle::Delay(std::string_view key, std::chrono::sys_seconds at) {
  const Value p[] = {ThrottleKey(s_, key), Time(at)};
  Result<Rows> r = s_.Run(kThrottleDelay, p);
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<void> LoginThrottle::Clear(std::string_view key) {
  const Value k = ThrottleKey(s_, key);
  Result<Rows> r = s_.Run(kThrottleClear, std::span(&k, 1));
  if (!r) return std::unexpected(r.error());
  return {};
}

}  // namespace icp::sql
