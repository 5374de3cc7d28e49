#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/caller.h"
#include "app/real_name_checks.h"
#include "base/date.h"
#include "base/result.h"
#include "ports/clock.h"
#include "ports/database.h"
#include "ports/password_hasher.h"

namespace icp {

// How long sessions live and how hard sign-in is throttled (icpd settings "auth_*").
struct AuthSettings {
  // A session ends after this long without a request (sliding expiry) ...
  std::chrono::seconds session_idle{std::chrono::hours(2)};
  // ... and in any case this long after sign-in.
  std::chrono::seconds session_absolute{std::chrono::hours(12)};
  // last_seen_at is written at most this often per session.
  std::chrono::seconds touch_interval{60};
  // Failed sign-ins allowed before each further one waits: per login and per client address.
  std::int64_t free_failures_per_login = 5;
  std::int64_t free_failures_per_address = 20;
  // The first wait; each further failure doubles it, up to backoff_max.
  std::chrono::seconds backoff_base{2};
  std::chrono::seconds backoff_max{std::chrono::minutes(15)};
  // Failures further apart than this start the count again.
  std::chrono::seconds failure_window{std::chrono::hours(1)};
};

// How long to wait after the `failures`-th failure in a row when `free` are allowed: none
// below `free`, then base, 2·base, 4·base, ... capped at `max`.
std::chrono::seconds BackoffAfter(std::int64_t failures, std::int64_t free,
                                  std::chrono::seconds base, std::chrono::seconds max);

// A new session: the token goes into the cookie and is never shown again.
struct SignedIn {
  std::string token;
  std::string csrf_token;
  std::chrono::sys_seconds expires_at{};
  Account account;
};

// Who a credential belongs to.
struct Authenticated {
  Caller caller;
  bool by_session = false;
  std::string csrf_token;  // sessions only
  std::optional<SessionId> session;
};

// An API key just made: the secret is shown this once.
struct NewApiKey {
  ApiKeyRecord key;
  std::string secret;
};

struct NewAccount {
  std::string login;
  Role role = Role::kCustomer;
  std::string display_name;
  std::string password;
  std::optional<Email> email = std::nullopt;
  std::optional<MobileNumber> mobile = std::nullopt;
};

struct AccountPage {
  std::vector<Account> accounts;
  std::optional<AccountId> next_after;  // the cursor of the next page, if there is one
};

// API keys begin with this, so a bearer credential says what it is.
inline constexpr std::string_view kApiKeyMark = "icpk_";

// Accounts, sign-in, sessions and API keys (issue 9). Every change writes an audit entry in
// the same unit of work, with personal data masked (rule audit.personal-data).
class AuthService {
 public:
  // Hashes a dummy password once, so that an unknown login costs what a known one does.
  static Result<std::unique_ptr<AuthService>> Create(Database& db, PasswordHasher& hasher,
                                                     TokenSource& tokens, Clock& clock,
                                                     AuthSettings settings = {});

  // kUnauthenticated (rule auth.credentials) for an unknown login or a wrong password, alike
  // and after the same work; kResourceExhausted (rule auth.throttled, with retry_after) while
  // the login or the address must wait; kPermissionDenied (rule account.disabled) for a
  // disabled account's right password.
  Result<SignedIn> SignIn(std::string_view login, std::string_view password,
                          std::string_view client_address);
  // Ends the session of `token`; kUnauthenticated (auth.invalid) if it is not a live one.
  Result<void> SignOut(std::string_view token);
  // A session token (cookie) or an API key (bearer, starting with kApiKeyMark).
  // kUnauthenticated (rule auth.invalid) for an unknown, expired or revoked one, or one of a
  // disabled account. Slides the session's expiry.
  Result<Authenticated> AuthenticateSession(std::string_view token);
  Result<Authenticated> AuthenticateApiKey(std::string_view secret);

  Result<NewApiKey> CreateApiKey(const Caller& caller, std::string_view name);
  Result<std::vector<ApiKeyRecord>> ListApiKeys(const Caller& caller);
  // The caller's own key (an admin: any); kNotFound otherwise.
  Result<ApiKeyRecord> RevokeApiKey(const Caller& caller, ApiKeyId id);

  // The first admin of a new store (icpctl accounts bootstrap, run by an operator on the
  // store itself); kFailedPrecondition (rule account.admin-exists) once any admin exists.
  // `actor` names the operator for the audit log.
  Result<Account> CreateFirstAdmin(const NewAccount& account, std::string_view actor);

  // Admin only (kPermissionDenied, rule auth.role, for anyone else).
  Result<Account> CreateAccount(const Caller& caller, const NewAccount& account);
  Result<AccountPage> ListAccounts(const Caller& caller, AccountId after, std::size_t limit);
  // An admin: any account; anyone else: only its own (kNotFound for others).
  Result<Account> GetAccount(const Caller& caller, AccountId id);
  // Also ends the account's sessions and revokes its API keys.
  Result<Account> DisableAccount(const Caller& caller, AccountId id);
  Result<Account> SetRealName(const Caller& caller, AccountId id, RealName real_name);
  Result<Account> SetBoundMobile(const Caller& caller, AccountId id, MobileNumber mobile);

  // What seed 000's checks compare a filing with (app/real_name_checks.h).
  Result<AccountIdentity> RealNameOf(AccountId id);

  const AuthSettings& settings() const { return settings_; }
  // The day in China now, which bounds birth dates in certificates being parsed.
  Date Today() const { return ChinaDate(clock_.Now()); }

 private:
  AuthService(Database& db, PasswordHasher& hasher, TokenSource& tokens, Clock& clock,
              AuthSettings settings, std::string dummy_hash)
      : db_(db),
        hasher_(hasher),
        tokens_(tokens),
        clock_(clock),
        settings_(settings),
        dummy_hash_(std::move(dummy_hash)) {}

  // Checks `in` (every problem at once), hashes the password, inserts, audits as `actor`.
  Result<Account> InsertAccount(const NewAccount& in, std::string_view actor, bool first_admin);
  Result<void> RecordFailure(std::string_view login_key, std::string_view address_key,
                             std::chrono::sys_seconds now);
  // Reads, changes and stores one account with its audit entry, as an admin.
  template <class Change>
  Result<Account> ChangeAccount(const Caller& caller, AccountId id, std::string_view action,
                                Change change);

  Database& db_;
  PasswordHasher& hasher_;
  TokenSource& tokens_;
  Clock& clock_;
  AuthSettings settings_;
  std::string dummy_hash_;
};

}  // namespace icp
