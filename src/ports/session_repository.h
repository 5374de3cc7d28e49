#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "ports/ids.h"

namespace icp {

// A console session (a signed-in browser). The token itself is never stored: the SQL stores
// keep its keyed hash (PiiVault::Hash), so a copy of the database signs nobody in.
struct SessionRecord {
  SessionId id;
  AccountId account;
  std::string csrf_token;  // sent back in X-CSRF-Token on every unsafe request
  std::chrono::sys_seconds created_at{};
  std::chrono::sys_seconds last_seen_at{};
  std::chrono::sys_seconds expires_at{};  // created_at <= last_seen_at <= expires_at
  std::optional<std::chrono::sys_seconds> revoked_at =
      std::nullopt;  // once set, the session never changes

  friend bool operator==(const SessionRecord&, const SessionRecord&) = default;
};

class SessionReader {
 public:
  virtual ~SessionReader() = default;

  // The session whose token is `token`, revoked or expired ones included; kNotFound.
  virtual Result<SessionRecord> FindByToken(std::string_view token) = 0;
};

// With the writes, for a unit of work (ports/database.h); a read transaction has the reader.
class SessionRepository : public SessionReader {
 public:
  // Ignores record.id. `token` is the secret the client holds (at least 32 characters);
  // kAlreadyExists (rule "session.token-taken") if a session has it already.
  virtual Result<SessionId> Insert(const SessionRecord& record, std::string_view token) = 0;
  // Slides the session: sets last_seen_at and expires_at. kNotFound if there is no such
  // session, kFailedPrecondition (rule "session.revoked") if it is revoked.
  virtual Result<void> Touch(SessionId id, std::chrono::sys_seconds last_seen_at,
                             std::chrono::sys_seconds expires_at) = 0;
  // Ends the session; kNotFound if there is no such session, kFailedPrecondition (rule
  // "session.revoked") if it was revoked already.
  virtual Result<void> Revoke(SessionId id, std::chrono::sys_seconds at) = 0;
  // Ends every session of `account` not revoked yet; how many.
  virtual Result<std::int64_t> RevokeAllOf(AccountId account, std::chrono::sys_seconds at) = 0;
  // Deletes the sessions that ended (expired or revoked) before `ended_before`; how many.
  // A token of a deleted session is unknown, as it was already refused.
  virtual Result<std::int64_t> PurgeEnded(std::chrono::sys_seconds ended_before) = 0;
};

// A key a system signs in with (Authorization: Bearer). Only its prefix is kept readable, to
// tell keys apart in a list; the SQL stores keep the whole secret's keyed hash.
struct ApiKeyRecord {
  ApiKeyId id;
  AccountId account;
  std::string name;    // what the owner calls it, 1 to 100 characters
  std::string prefix;  // the first characters of the secret ("icpk_3fA9c2Lx"), unique
  std::chrono::sys_seconds created_at{};
  std::optional<std::chrono::sys_seconds> last_used_at = std::nullopt;
  std::optional<std::chrono::sys_seconds> revoked_at =
      std::nullopt;  // once set, the key never changes

  friend bool operator==(const ApiKeyRecord&, const ApiKeyRecord&) = default;
};

class ApiKeyReader {
 public:
  virtual ~ApiKeyReader() = default;

  virtual Result<ApiKeyRecord> Get(ApiKeyId id) = 0;                       // kNotFound
  virtual Result<ApiKeyRecord> FindBySecret(std::string_view secret) = 0;  // kNotFound
  // Every key of `account`, revoked ones included, in id order.
  virtual Result<std::vector<ApiKeyRecord>> ListByAccount(AccountId account) = 0;
};

// With the writes, for a unit of work (ports/database.h); a read transaction has the reader.
class ApiKeyRepository : public ApiKeyReader {
 public:
  // Ignores record.id; kAlreadyExists (rule "api-key.taken") if the secret or prefix is
  // taken.
  virtual Result<ApiKeyId> Insert(const ApiKeyRecord& record, std::string_view secret) = 0;
  // kNotFound; kFailedPrecondition (rule "api-key.revoked") for a revoked key.
  virtual Result<void> MarkUsed(ApiKeyId id, std::chrono::sys_seconds at) = 0;
  virtual Result<void> Revoke(ApiKeyId id, std::chrono::sys_seconds at) = 0;
  // Revokes every key of `account` not revoked yet; how many.
  virtual Result<std::int64_t> RevokeAllOf(AccountId account, std::chrono::sys_seconds at) = 0;
};

// Failed sign-ins counted per key ("login:<login>", "address:<client address>"); the SQL
// stores keep the key's keyed hash, not the login or the address.
struct ThrottleState {
  std::int64_t failures = 0;
  std::chrono::sys_seconds last_failure_at{};
  std::chrono::sys_seconds next_allowed_at{};  // no attempt is taken before it

  friend bool operator==(const ThrottleState&, const ThrottleState&) = default;
};

class LoginThrottle {
 public:
  virtual ~LoginThrottle() = default;

  // The state of `key`; all zero when it has none.
  virtual Result<ThrottleState> Get(std::string_view key) = 0;
  // Counts one failure at `at`, atomically (two processes failing at once count two). The
  // count starts again from 1 when the last failure was before `window_start`. Returns the
  // new state.
  virtual Result<ThrottleState> RecordFailure(std::string_view key, std::chrono::sys_seconds at,
                                              std::chrono::sys_seconds window_start) = 0;
  // Moves next_allowed_at forward to `at` (never back).
  virtual Result<void> Delay(std::string_view key, std::chrono::sys_seconds at) = 0;
  // Forgets `key` (a successful sign-in).
  virtual Result<void> Clear(std::string_view key) = 0;
};

}  // namespace icp
