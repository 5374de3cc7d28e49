// Account changes, sessions, API keys and the sign-in throttle in memory, with the
// constraints of the SQL schema (storage/sqlite/migrations/0002_accounts_sessions.sql).
#include <algorithm>
#include <string>

#include "ports/storage_errors.h"
#include "storage/memory/repositories.h"

namespace icp::memory {

namespace errors = storage_errors;

namespace {

std::size_t Characters(std::string_view text) {
  return static_cast<std::size_t>(std::ranges::count_if(
      text, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// CHECK sessions_times, sessions_csrf_form.
Result<void> SessionChecks(const SessionRecord& r) {
  if (Result<void> ok = Require(r.csrf_token.size() >= 32, "sessions_csrf_form"); !ok) return ok;
  return Require(r.created_at <= r.last_seen_at && r.last_seen_at <= r.expires_at &&
                     (!r.revoked_at || *r.revoked_at >= r.created_at),
                 "sessions_times");
}

// CHECK api_keys_name_form, api_keys_prefix_form, api_keys_times.
Result<void> ApiKeyChecks(const ApiKeyRecord& r) {
  const std::size_t name = Characters(r.name);
  if (Result<void> ok = Require(name >= 1 && name <= 100, "api_keys_name_form"); !ok) return ok;
  const std::size_t prefix = Characters(r.prefix);
  if (Result<void> ok = Require(prefix >= 8 && prefix <= 32, "api_keys_prefix_form"); !ok) {
    return ok;
  }
  return Require((!r.last_used_at || *r.last_used_at >= r.created_at) &&
                     (!r.revoked_at || *r.revoked_at >= r.created_at),
                 "api_keys_times");
}

}  // namespace

// ---- accounts ----

Result<void> AccountRepository::Update(const Account& account) {
  return s_.Write([&]() -> Result<void> {
    auto it = s_.state().accounts.find(account.id.value());
    if (it == s_.state().accounts.end()) {
      return Missing("account", std::to_string(account.id.value()));
    }
    Account& stored = it->second;
    if (Result<void> ok = Require(!account.disabled_at || *account.disabled_at >= stored.created_at,
                                  "accounts_disabled_after_created");
        !ok) {
      return ok;
    }
    // id, login and created_at never change (the SQL UPDATE omits them).
    const Account kept = stored;
    stored = account;
    stored.id = kept.id;
    stored.login = kept.login;
    stored.created_at = kept.created_at;
    return {};
  });
}

Result<std::vector<Account>> AccountRepository::List(AccountId after, std::size_t limit) {
  return s_.Read([&]() -> Result<std::vector<Account>> {
    std::vector<Account> out;
    for (auto it = s_.state().accounts.upper_bound(after.value());
         it != s_.state().accounts.end() && out.size() < limit; ++it) {
      out.push_back(it->second);
    }
    return out;
  });
}

// ---- sessions ----

Result<SessionId> SessionRepository::Insert(const SessionRecord& record, std::string_view token) {
  return s_.Write([&]() -> Result<SessionId> {
    State& st = s_.state();
    if (Result<void> ok = SessionChecks(record); !ok) return std::unexpected(ok.error());
    if (std::ranges::any_of(st.sessions,
                            [&](const auto& row) { return row.second.token == token; })) {
      return errors::SessionTokenTaken();
    }
    if (Result<void> ok = ForeignKey(st.accounts, record.account, "account"); !ok) {
      return std::unexpected(ok.error());
    }
    SessionRow row{record, std::string(token)};
    row.record.id = SessionId(++st.sequences.sessions);
    st.sessions.emplace(row.record.id.value(), row);
    return row.record.id;
  });
}

Result<SessionRecord> SessionRepository::FindByToken(std::string_view token) {
  return s_.Read([&]() -> Result<SessionRecord> {
    for (const auto& [id, row] : s_.state().sessions) {
      if (row.token == token) return row.record;
    }
    return NotFound("no session has this token");
  });
}

Result<void> SessionRepository::Touch(SessionId id, std::chrono::sys_seconds last_seen_at,
                                      std::chrono::sys_seconds expires_at) {
  return s_.Write([&]() -> Result<void> {
    auto it = s_.state().sessions.find(id.value());
    if (it == s_.state().sessions.end()) return Missing("session", std::to_string(id.value()));
    SessionRecord& r = it->second.record;
    if (r.revoked_at) return errors::SessionRevoked(id.value());
    SessionRecord next = r;
    next.last_seen_at = last_seen_at;
    next.expires_at = expires_at;
    if (Result<void> ok = SessionChecks(next); !ok) return ok;
    r = next;
    return {};
  });
}

Result<void> SessionRepository::Revoke(SessionId id, std::chrono::sys_seconds at) {
  return s_.Write([&]() -> Result<void> {
    auto it = s_.state().sessions.find(id.value());
    if (it == s_.state().sessions.end()) return Missing("session", std::to_string(id.value()));
    SessionRecord& r = it->second.record;
    if (r.revoked_at) return errors::SessionRevoked(id.value());
    SessionRecord next = r;
    next.revoked_at = at;
    if (Result<void> ok = SessionChecks(next); !ok) return ok;
    r = next;
    return {};
  });
}

Result<std::int64_t> SessionRepository::PurgeEnded(std::chrono::sys_seconds ended_before) {
  return s_.Write([&]() -> Result<std::int64_t> {
    return static_cast<std::int64_t>(std::erase_if(s_.state().sessions, [&](const auto& kv) {
      const SessionRecord& r = kv.second.record;
      return r.expires_at < ended_before || (r.revoked_at && *r.revoked_at < ended_before);
    }));
  });
}

Result<std::int64_t> SessionRepository::RevokeAllOf(AccountId account,
                                                    std::chrono::sys_seconds at) {
  return s_.Write([&]() -> Result<std::int64_t> {
    std::int64_t n = 0;
    for (auto& [id, row] : s_.state().sessions) {
      if (row.record.account != account || row.record.revoked_at) continue;
      SessionRecord next = row.record;
      next.revoked_at = at;
      if (Result<void> ok = SessionChecks(next); !ok) return std::unexpected(ok.error());
      row.record = next;
      ++n;
    }
    return n;
  });
}

// ---- API keys ----

Result<ApiKeyId> ApiKeyRepository::Insert(const ApiKeyRecord& record, std::string_view secret) {
  return s_.Write([&]() -> Result<ApiKeyId> {
    State& st = s_.state();
    if (Result<void> ok = ApiKeyChecks(record); !ok) return std::unexpected(ok.error());
    if (std::ranges::any_of(st.api_keys, [&](const auto& row) {
          return row.second.secret == secret || row.second.record.prefix == record.prefix;
        })) {
      return errors::ApiKeyTaken();
    }
    if (Result<void> ok = ForeignKey(st.accounts, record.account, "account"); !ok) {
      return std::unexpected(ok.error());
    }
    ApiKeyRow row{record, std::string(secret)};
    row.record.id = ApiKeyId(++st.sequences.api_keys);
    st.api_keys.emplace(row.record.id.value(), row);
    return row.record.id;
  });
}

Result<ApiKeyRecord> ApiKeyRepository::Get(ApiKeyId id) {
  return s_.Read([&]() -> Result<ApiKeyRecord> {
    auto it = s_.state().api_keys.find(id.value());
    if (it == s_.state().api_keys.end()) return Missing("API key", std::to_string(id.value()));
    return it->second.record;
  });
}

Result<ApiKeyRecord> ApiKeyRepository::FindBySecret(std::string_view secret) {
  return s_.Read([&]() -> Result<ApiKeyRecord> {
    for (const auto& [id, row] : s_.state().api_keys) {
      if (row.secret == secret) return row.record;
    }
    return NotFound("no API key has this secret");
  });
}

Result<std::vector<ApiKeyRecord>> ApiKeyRepository::ListByAccount(AccountId account) {
  return s_.Read([&]() -> Result<std::vector<ApiKeyRecord>> {
    std::vector<ApiKeyRecord> out;
    for (const auto& [id, row] : s_.state().api_keys) {
      if (row.record.account == account) out.push_back(row.record);
    }
    return out;
  });
}

namespace {

// Sets a time on a key that is not revoked: kNotFound, api-key.revoked, or the CHECKs.
template <class Set>
Result<void> ChangeKey(Session& s, ApiKeyId id, Set set) {
  auto it = s.state().api_keys.find(id.value());
  if (it == s.state().api_keys.end()) return Missing("API key", std::to_string(id.value()));
  ApiKeyRecord& r = it->second.record;
  if (r.revoked_at) return storage_errors::ApiKeyRevoked(id.value());
  ApiKeyRecord next = r;
  set(next);
  if (Result<void> ok = ApiKeyChecks(next); !ok) return ok;
  r = next;
  return {};
}

}  // namespace

Result<void> ApiKeyRepository::MarkUsed(ApiKeyId id, std::chrono::sys_seconds at) {
  return s_.Write(
      [&]() { return ChangeKey(s_, id, [&](ApiKeyRecord& r) { r.last_used_at = at; }); });
}

Result<void> ApiKeyRepository::Revoke(ApiKeyId id, std::chrono::sys_seconds at) {
  return s_.Write([&]() { return ChangeKey(s_, id, [&](ApiKeyRecord& r) { r.revoked_at = at; }); });
}

Result<std::int64_t> ApiKeyRepository::RevokeAllOf(AccountId account, std::chrono::sys_seconds at) {
  return s_.Write([&]() -> Result<std::int64_t> {
    std::int64_t n = 0;
    for (auto& [id, row] : s_.state().api_keys) {
      if (row.record.account != account || row.record.revoked_at) continue;
      if (Result<void> ok =
              ChangeKey(s_, row.record.id, [&](ApiKeyRecord& r) { r.revoked_at = at; });
          !ok) {
        return std::unexpected(ok.error());
      }
      ++n;
    }
    return n;
  });
}

// ---- the sign-in throttle ----

Result<ThrottleState> LoginThrottle::Get(std::string_view key) {
  return s_.Read([&]() -> Result<ThrottleState> {
    auto it = s_.state().login_throttle.find(std::string(key));
    if (it == s_.state().login_throttle.end()) return ThrottleState{};
    return it->second;
  });
}

Result<ThrottleState> LoginThrottle::RecordFailure(std::string_view key,
                                                   std::chrono::sys_seconds at,
                                                   std::chrono::sys_seconds window_start) {
  return s_.Write([&]() -> Result<ThrottleState> {
    auto [it, inserted] = s_.state().login_throttle.try_emplace(std::string(key));
    ThrottleState& st = it->second;
    if (inserted || st.last_failure_at < window_start) {
      st = ThrottleState{1, at, std::chrono::sys_seconds{}};
    } else {
      ++st.failures;
      st.last_failure_at = at;
    }
    return st;
  });
}

Result<void> LoginThrottle::Delay(std::string_view key, std::chrono::sys_seconds at) {
  return s_.Write([&]() -> Result<void> {
    auto it = s_.state().login_throttle.find(std::string(key));
    if (it != s_.state().login_throttle.end() && it->second.next_allowed_at < at) {
      it->second.next_allowed_at = at;
    }
    return {};
  });
}

Result<void> LoginThrottle::Clear(std::string_view key) {
  return s_.Write([&]() -> Result<void> {
    s_.state().login_throttle.erase(std::string(key));
    return {};
  });
}

}  // namespace icp::memory
