#include "app/auth_service.h"

#include <algorithm>
#include <utility>

#include "base/strings.h"

namespace icp {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr std::size_t kTokenBytes = 32;  // 43 base64url characters
constexpr std::size_t kApiKeyPrefixLength = kApiKeyMark.size() + 8;
constexpr std::size_t kMinPassword = 8;
constexpr std::size_t kMaxPassword = 1024;

std::unexpected<Error> BadCredentials() {
  Error e{ErrorCode::kUnauthenticated, "unknown login or wrong password", {}};
  e.violations.push_back(
      {"", "auth.credentials", "unknown login or wrong password", "账号或密码错误"});
  return std::unexpected(std::move(e));
}

std::unexpected<Error> InvalidCredential(std::string why) {
  Error e{ErrorCode::kUnauthenticated, why, {}};
  e.violations.push_back({"", "auth.invalid", std::move(why), "登录已失效，请重新登录"});
  return std::unexpected(std::move(e));
}

std::unexpected<Error> AdminOnly() {
  Error e{ErrorCode::kPermissionDenied, "only an admin may do this", {}};
  e.violations.push_back({"", "auth.role", "only an admin may do this", "仅管理员可执行此操作"});
  return std::unexpected(std::move(e));
}

Result<void> RequireAdmin(const Caller& caller) {
  if (caller.role != Role::kAdmin) return AdminOnly();
  return {};
}

// A JSON string literal for audit details (the details are built here, in app/, without a
// JSON library: every value is one of ours or masked).
std::string Quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Details(std::initializer_list<std::pair<std::string_view, std::string>> members) {
  std::string out = "{";
  for (const auto& [key, value] : members) {
    if (out.size() > 1) out += ",";
    out += Quoted(key) + ":" + Quoted(value);
  }
  return out + "}";
}

std::string ActorOf(AccountId id) { return "account:" + std::to_string(id.value()); }
std::string AccountEntity(AccountId id) { return "account:" + std::to_string(id.value()); }

// Commits, or the commit's error.
Result<void> Commit(UnitOfWork& uow) { return uow.Commit(); }

Result<std::unique_ptr<UnitOfWork>> Begin(Database& db) { return db.Begin(); }

std::size_t Characters(std::string_view text) {
  return static_cast<std::size_t>(std::ranges::count_if(
      text, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool IsLoginCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
         c == '@';
}

}  // namespace

seconds BackoffAfter(std::int64_t failures, std::int64_t free, seconds base, seconds max) {
  if (failures < free) return seconds(0);
  const std::int64_t doublings = failures - free;
  seconds wait = base;
  for (std::int64_t i = 0; i < doublings && wait < max; ++i) wait *= 2;
  return std::min(wait, max);
}

Result<std::unique_ptr<AuthService>> AuthService::Create(Database& db, PasswordHasher& hasher,
                                                         TokenSource& tokens, Clock& clock,
                                                         AuthSettings settings) {
  Result<std::string> dummy = hasher.Hash(tokens.NewToken(kTokenBytes));
  if (!dummy) return std::unexpected(dummy.error());
  return std::unique_ptr<AuthService>(
      new AuthService(db, hasher, tokens, clock, settings, std::move(*dummy)));
}

// ---- sign-in ----

Result<SignedIn> AuthService::SignIn(std::string_view login, std::string_view password,
                                     std::string_view client_address) {
  const sys_seconds now = clock_.Now();
  const std::string login_key = "login:" + std::string(login);
  const std::string address_key = "address:" + std::string(client_address);

  // 1. Read the throttle and the account, then let go of the store: the hash is slow.
  std::optional<Account> account;
  {
    Result<std::unique_ptr<UnitOfWork>> uow = Begin(db_);
    if (!uow) return std::unexpected(uow.error());
    Result<ThrottleState> by_login = (*uow)->login_throttle().Get(login_key);
    if (!by_login) return std::unexpected(by_login.error());
    Result<ThrottleState> by_address = (*uow)->login_throttle().Get(address_key);
    if (!by_address) return std::unexpected(by_address.error());
    const sys_seconds allowed = std::max(by_login->next_allowed_at, by_address->next_allowed_at);
    if (now < allowed) {
      Error e =
          ResourceExhausted("too many failed sign-ins; try again later", allowed - now).error();
      e.violations.push_back({"", "auth.throttled",
                              "too many failed sign-ins; try again in " +
                                  std::to_string((allowed - now).count()) + " s",
                              "登录失败次数过多，请稍后再试"});
      return std::unexpected(std::move(e));
    }
    Result<Account> found = (*uow)->accounts().FindByLogin(login);
    if (found) {
      account = std::move(*found);
    } else if (found.error().code != ErrorCode::kNotFound) {
      return std::unexpected(found.error());
    }
  }

  // 2. Verify: an unknown login costs one verification too, against the dummy hash.
  bool ok = false;
  if (account) {
    ok = hasher_.Verify(account->password_hash, password);
  } else {
    (void)hasher_.Verify(dummy_hash_, password);
  }
  if (!ok) {
    if (Result<void> counted = RecordFailure(login_key, address_key, now); !counted) {
      return std::unexpected(counted.error());
    }
    return BadCredentials();
  }
  if (account->disabled_at) {
    Error e{ErrorCode::kPermissionDenied, "this account is disabled", {}};
    e.violations.push_back({"", "account.disabled", "this account is disabled", "该账号已停用"});
    return std::unexpected(std::move(e));
  }
  std::optional<std::string> rehashed;
  if (hasher_.NeedsRehash(account->password_hash)) {
    Result<std::string> h = hasher_.Hash(password);
    if (!h) return std::unexpected(h.error());
    rehashed = std::move(*h);
  }

  // 3. Open the session.
  SignedIn out{tokens_.NewToken(kTokenBytes), tokens_.NewToken(kTokenBytes),
               now + std::min(settings_.session_idle, settings_.session_absolute), *account};
  Result<std::unique_ptr<UnitOfWork>> uow = Begin(db_);
  if (!uow) return std::unexpected(uow.error());
  if (Result<void> r = (*uow)->login_throttle().Clear(login_key); !r) {
    return std::unexpected(r.error());
  }
  if (rehashed) {
    out.account.password_hash = *rehashed;
    if (Result<void> r = (*uow)->accounts().Update(out.account); !r) {
      return std::unexpected(r.error());
    }
  }
  SessionRecord session{SessionId(), account->id,    out.csrf_token, now,
                        now,         out.expires_at, std::nullopt};
  Result<SessionId> id = (*uow)->sessions().Insert(session, out.token);
  if (!id) return std::unexpected(id.error());
  if (Result<void> r = (*uow)->audit().Append({now, ActorOf(account->id), "session.create",
                                               "session:" + std::to_string(id->value()),
                                               Details({{"by", "password"}})});
      !r) {
    return std::unexpected(r.error());
  }
  if (Result<void> c = Commit(**uow); !c) return std::unexpected(c.error());
  return out;
}

Result<void> AuthService::RecordFailure(std::string_view login_key, std::string_view address_key,
                                        sys_seconds now) {
  Result<std::unique_ptr<UnitOfWork>> uow = Begin(db_);
  if (!uow) return std::unexpected(uow.error());
  LoginThrottle& throttle = (*uow)->login_throttle();
  const struct {
    std::string_view key;
    std::int64_t free;
  } counters[] = {{login_key, settings_.free_failures_per_login},
                  {address_key, settings_.free_failures_per_address}};
  for (const auto& [key, free] : counters) {
    Result<ThrottleState> state = throttle.RecordFailure(key, now, now - settings_.failure_window);
    if (!state) return std::unexpected(state.error());
    const seconds wait =
        BackoffAfter(state->failures, free, settings_.backoff_base, settings_.backoff_max);
    if (wait > seconds(0)) {
      if (Result<void> r = throttle.Delay(key, now + wait); !r) return r;
    }
  }
  return Commit(**uow);
}

Result<void> AuthService::SignOut(std::string_view token) {
  const sys_seconds now = clock_.Now();
  Result<std::unique_ptr<UnitOfWork>> uow = Begin(db_);
  if (!uow) return std::unexpected(uow.error());
  Result<SessionRecord> session = (*uow)->sessions().FindByToken(token);
  if (!session) {
    if (session.error().code == ErrorCode::kNotFound) return InvalidCredential("no such session");
    return std::unexpected(session.error());
  }
  if (session->revoked_at || now >= session->expires_at) {
    return InvalidCredential("the session has ended");
  }
  if (Result<void> r = (*uow)->sessions().Revoke(session->id, now); !r) return r;
  if (Result<void> r =
          (*uow)->audit().Append({now, ActorOf(session->account), "session.revoke",
                                  "session:" + std::to_string(session->id.value()), "{}"});
      !r) {
    return r;
  }
  return Commit(**uow);
}

// Authentication runs on every request, so it reads from a snapshot, which takes no lock;
// only a session or key due to be touched opens a unit of work for the write.
Result<Authenticated> AuthService::AuthenticateSession(std::string_view token) {
  const sys_seconds now = clock_.Now();
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  Result<SessionRecord> session = (*read)->sessions().FindByToken(token);
  if (!session) {
    if (session.error().code == ErrorCode::kNotFound) return InvalidCredential("no such session");
    return std::unexpected(session.error());
  }
  if (session->revoked_at) return InvalidCredential("the session was ended");
  if (now >= session->expires_at) return InvalidCredential("the session expired");
  Result<Account> account = (*read)->accounts().Get(session->account);
  if (!account) return std::unexpected(account.error());
  if (account->disabled_at) return InvalidCredential("the account is disabled");
  read->reset();
  if (now - session->last_seen_at >= settings_.touch_interval) {
    const sys_seconds expires =
        std::min(now + settings_.session_idle, session->created_at + settings_.session_absolute);
    Result<std::unique_ptr<UnitOfWork>> uow = Begin(db_);
    if (!uow) return std::unexpected(uow.error());
    // Touch refuses a session revoked since the read (rule "session.revoked").
    if (Result<void> r = (*uow)->sessions().Touch(session->id, now, std::max(expires, now)); !r) {
      if (r.error().code == ErrorCode::kFailedPrecondition) {
        return InvalidCredential("the session was ended");
      }
      return std::unexpected(r.error());
    }
    if (Result<void> c = Commit(**uow); !c) return std::unexpected(c.error());
  }
  return Authenticated{{account->id, account->role}, true, session->csrf_token, session->id};
}

Result<Authenticated> AuthService::AuthenticateApiKey(std::string_view secret) {
  if (!secret.starts_with(kApiKeyMark)) return InvalidCredential("not an API key");
  const sys_seconds now = clock_.Now();
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  Result<ApiKeyRecord> key = (*read)->api_keys().FindBySecret(secret);
  if (!key) {
    if (key.error().code == ErrorCode::kNotFound) return InvalidCredential("no such API key");
    return std::unexpected(key.error());
  }
  if (key->revoked_at) return InvalidCredential("the API key is revoked");
  Result<Account> account = (*read)->accounts().Get(key->account);
  if (!account) return std::unexpected(account.error());
  if (account->disabled_at) return InvalidCredential("the account is disabled");
  read->reset();
  if (!key->last_used_at || now - *key->last_used_at >= settings_.touch_interval) {
    Result<std::unique_ptr<UnitOfWork>> uow = Begin(db_);
    if (!uow) return std::unexpected(uow.error());
    // MarkUsed refuses a key revoked since the read (rule "api-key.revoked").
    if (Result<void> r = (*uow)->api_keys().MarkUsed(key->id, now); !r) {
      if (r.error().code == ErrorCode::kFailedPrecondition) {
        return InvalidCredential("the API key is revoked");
      }
      return std::unexpected(r.error());
    }
    if (Result<void> c = Commit(**uow); !c) return std::unexpected(c.error());
  }
  return Authenticated{{account->id, account->role}, false, "", std::nullopt};
}

// ---- API keys ----

Result<NewApiKey> AuthService::CreateApiKey(const Caller& caller, std::string_view name) {
  const std::size_t length = IsValidUtf8(name) ? Characters(FoldWidthAndTrim(name)) : 0;
  if (length < 1 || length > 100) {
    return InvalidFields({{"name", "api-key.name", "an API key's name has 1 to 100 characters",
                           "API 密钥名称须为 1 至 100 个字符"}});
  }
  const sys_seconds now = clock_.Now();
  NewApiKey out;
  out.secret = std::string(kApiKeyMark) + tokens_.NewToken(kTokenBytes);
  out.key = {ApiKeyId(),
             caller.account,
             FoldWidthAndTrim(name),
             out.secret.substr(0, kApiKeyPrefixLength),
             now,
             std::nullopt,
             std::nullopt};
  Result<std::unique_ptr<UnitOfWork>> uow = Begin(db_);
  if (!uow) return std::unexpected(uow.error());
  Result<ApiKeyId> id = (*uow)->api_keys().Insert(out.key, out.secret);
  if (!id) return std::unexpected(id.error());
  out.key.id = *id;
  if (Result<void> r = (*uow)->audit().Append({now, ActorOf(caller.account), "api-key.create",
                                               "api-key:" + std::to_string(id->value()),
                                               Details({{"prefix", out.key.prefix}})});
      !r) {
    return std::unexpected(r.error());
  }
  if (Result<void> c = Commit(**uow); !c) return std::unexpected(c.error());
  return out;
}

Result<std::vector<ApiKeyRecord>> AuthService::ListApiKeys(const Caller& caller) {
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  return (*read)->api_keys().ListByAccount(caller.account);
}

Result<ApiKeyRecord> AuthService::RevokeApiKey(const Caller& caller, ApiKeyId id) {
  const sys_seconds now = clock_.Now();
  Result<std::unique_ptr<UnitOfWork>> uow = Begin(db_);
  if (!uow) return std::unexpected(uow.error());
  Result<ApiKeyRecord> key = (*uow)->api_keys().Get(id);
  if (!key) return std::unexpected(key.error());
  if (key->account != caller.account && caller.role != Role::kAdmin) {
    return NotFound("API key " + std::to_string(id.value()) + " does not exist");
  }
  if (Result<void> r = (*uow)->api_keys().Revoke(id, now); !r) return std::unexpected(r.error());
  if (Result<void> r = (*uow)->audit().Append({now, ActorOf(caller.account), "api-key.revoke",
                                               "api-key:" + std::to_string(id.value()),
                                               Details({{"prefix", key->prefix}})});
      !r) {
    return std::unexpected(r.error());
  }
  if (Result<void> c = Commit(**uow); !c) return std::unexpected(c.error());
  key->revoked_at = now;
  return *key;
}

// ---- accounts (admin) ----

Result<Account> AuthService::CreateAccount(const Caller& caller, const NewAccount& in) {
  if (Result<void> ok = RequireAdmin(caller); !ok) return std::unexpected(ok.error());
  return InsertAccount(in, ActorOf(caller.account), false);
}

Result<Account> AuthService::CreateFirstAdmin(const NewAccount& in, std::string_view actor) {
  NewAccount admin = in;
  admin.role = Role::kAdmin;
  return InsertAccount(admin, actor, true);
}

Result<Account> AuthService::InsertAccount(const NewAccount& in, std::string_view actor,
                                           bool first_admin) {
  std::vector<FieldViolation> problems;
  if (in.login.empty() || in.login.size() > 64 ||
      !std::ranges::all_of(in.login, IsLoginCharacter)) {
    problems.push_back({"login", "account.login",
                        "a login has 1 to 64 characters of a-z, 0-9 and . _ - @",
                        "登录名须为 1 至 64 个小写字母、数字或 . _ - @"});
  }
  const std::size_t name_length =
      IsValidUtf8(in.display_name) ? Characters(FoldWidthAndTrim(in.display_name)) : 0;
  if (name_length < 1 || name_length > 100) {
    problems.push_back({"display_name", "account.display-name",
                        "a display name has 1 to 100 characters", "显示名称须为 1 至 100 个字符"});
  }
  if (in.password.size() < kMinPassword || in.password.size() > kMaxPassword) {
    problems.push_back({"password", "account.password",
                        "a password has at least 8 characters (and at most 1024 bytes)",
                        "密码至少 8 个字符"});
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
  Result<std::string> hash = hasher_.Hash(in.password);
  if (!hash) return std::unexpected(hash.error());
  const sys_seconds now = clock_.Now();
  Account account{AccountId(), in.login,    in.role,      FoldWidthAndTrim(in.display_name),
                  *hash,       now,         std::nullopt, in.email,
                  in.mobile,   std::nullopt};
  Result<std::unique_ptr<UnitOfWork>> uow = Begin(db_);
  if (!uow) return std::unexpected(uow.error());
  if (first_admin) {
    // Reads every account in the unit of work that inserts: SQLite's write lock (and on
    // PostgreSQL the unique login) keep two bootstraps from both succeeding unseen.
    for (AccountId after;;) {
      Result<std::vector<Account>> page = (*uow)->accounts().List(after, 500);
      if (!page) return std::unexpected(page.error());
      if (page->empty()) break;
      for (const Account& a : *page) {
        if (a.role == Role::kAdmin) {
          Error e{ErrorCode::kFailedPrecondition,
                  "an admin exists already (" + a.login + "); it creates further accounts",
                  {}};
          e.violations.push_back({"", "account.admin-exists", e.message, "管理员账号已存在"});
          return std::unexpected(std::move(e));
        }
      }
      after = page->back().id;
    }
  }
  Result<AccountId> id = (*uow)->accounts().Insert(account);
  if (!id) return std::unexpected(id.error());
  account.id = *id;
  if (Result<void> r = (*uow)->audit().Append(
          {now, std::string(actor), "account.create", AccountEntity(*id),
           Details({{"role", std::string(RoleName(in.role))},
                    {"email", in.email ? MaskEmail(in.email->str()) : ""},
                    {"mobile", in.mobile ? MaskMobile(in.mobile->str()) : ""}})});
      !r) {
    return std::unexpected(r.error());
  }
  if (Result<void> c = Commit(**uow); !c) return std::unexpected(c.error());
  return account;
}

Result<AccountPage> AuthService::ListAccounts(const Caller& caller, AccountId after,
                                              std::size_t limit) {
  if (Result<void> ok = RequireAdmin(caller); !ok) return std::unexpected(ok.error());
  limit = std::clamp<std::size_t>(limit, 1, 200);
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  // One more than asked: whether there is a next page.
  Result<std::vector<Account>> rows = (*read)->accounts().List(after, limit + 1);
  if (!rows) return std::unexpected(rows.error());
  AccountPage page;
  if (rows->size() > limit) {
    rows->resize(limit);
    page.next_after = rows->back().id;
  }
  page.accounts = std::move(*rows);
  return page;
}

Result<Account> AuthService::GetAccount(const Caller& caller, AccountId id) {
  if (caller.role != Role::kAdmin && caller.account != id) {
    return NotFound("account " + std::to_string(id.value()) + " does not exist");
  }
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  return (*read)->accounts().Get(id);
}

template <class Change>
Result<Account> AuthService::ChangeAccount(const Caller& caller, AccountId id,
                                           std::string_view action, Change change) {
  if (Result<void> ok = RequireAdmin(caller); !ok) return std::unexpected(ok.error());
  const sys_seconds now = clock_.Now();
  Result<std::unique_ptr<UnitOfWork>> uow = Begin(db_);
  if (!uow) return std::unexpected(uow.error());
  Result<Account> account = (*uow)->accounts().Get(id);
  if (!account) return std::unexpected(account.error());
  Result<std::string> details = change(**uow, *account, now);
  if (!details) return std::unexpected(details.error());
  if (Result<void> r = (*uow)->accounts().Update(*account); !r) return std::unexpected(r.error());
  if (Result<void> r = (*uow)->audit().Append(
          {now, ActorOf(caller.account), std::string(action), AccountEntity(id), *details});
      !r) {
    return std::unexpected(r.error());
  }
  if (Result<void> c = Commit(**uow); !c) return std::unexpected(c.error());
  return std::move(*account);
}

Result<Account> AuthService::DisableAccount(const Caller& caller, AccountId id) {
  if (caller.account == id) {
    return InvalidFields({{"id", "account.disable-self", "an admin cannot disable its own account",
                           "管理员不能停用自己的账号"}});
  }
  return ChangeAccount(
      caller, id, "account.disable",
      [](UnitOfWork& uow, Account& account, sys_seconds now) -> Result<std::string> {
        if (account.disabled_at) {
          Error e{ErrorCode::kFailedPrecondition, "the account is disabled already", {}};
          e.violations.push_back({"", "account.disabled", e.message, "该账号已停用"});
          return std::unexpected(std::move(e));
        }
        account.disabled_at = now;
        Result<std::int64_t> sessions = uow.sessions().RevokeAllOf(account.id, now);
        if (!sessions) return std::unexpected(sessions.error());
        Result<std::int64_t> keys = uow.api_keys().RevokeAllOf(account.id, now);
        if (!keys) return std::unexpected(keys.error());
        return Details({{"sessions_ended", std::to_string(*sessions)},
                        {"api_keys_revoked", std::to_string(*keys)}});
      });
}

Result<Account> AuthService::SetRealName(const Caller& caller, AccountId id, RealName real_name) {
  return ChangeAccount(
      caller, id, "account.real-name",
      [&](UnitOfWork&, Account& account, sys_seconds now) -> Result<std::string> {
        std::string details = Details(
            {{"kind", std::string(RealNameKindName(real_name.kind()))},
             {"name", MaskName(real_name.name())},
             {"certificate_type", std::string(CertificateTypeName(real_name.certificate().type()))},
             {"certificate_number", MaskCertificateNumber(real_name.certificate().number())}});
        account.real_name = VerifiedRealName{std::move(real_name), now};
        return details;
      });
}

Result<Account> AuthService::SetBoundMobile(const Caller& caller, AccountId id,
                                            MobileNumber mobile) {
  return ChangeAccount(caller, id, "account.mobile",
                       [&](UnitOfWork&, Account& account, sys_seconds) -> Result<std::string> {
                         std::string details = Details({{"mobile", MaskMobile(mobile.str())}});
                         account.mobile = std::move(mobile);
                         return details;
                       });
}

Result<AccountIdentity> AuthService::RealNameOf(AccountId id) {
  Result<std::unique_ptr<UnitOfWork>> uow = Begin(db_);
  if (!uow) return std::unexpected(uow.error());
  Result<Account> account = (*uow)->accounts().Get(id);
  if (!account) return std::unexpected(account.error());
  return AccountIdentity{account->real_name, account->mobile};
}

}  // namespace icp
