// Accounts, subjects, websites and filing numbers in memory, with the constraints of the SQL
// schema (storage/sqlite/migrations/0001_init.sql) checked in the order the engine meets
// them: CHECK, then UNIQUE, then foreign keys. Uniqueness is a scan over the rows, not an
// index: the memory store serves tests and demos, and a scan cannot drift from its rows.
#include <algorithm>
#include <string>

#include "ports/storage_errors.h"
#include "storage/common/keys.h"
#include "storage/memory/repositories.h"

namespace icp::memory {

namespace errors = storage_errors;

Result<void> Session::Usable() const {
  if (committed_) return FailedPrecondition("this unit of work has ended");
  if (failed_) return Aborted("an earlier statement of this unit of work failed; begin a new one");
  return {};
}

std::unexpected<Error> Missing(std::string_view what, std::string_view key) {
  return NotFound(std::string(what) + " " + std::string(key) + " does not exist");
}

Result<void> Require(bool holds, std::string_view what) {
  if (holds) return {};
  return FailedPrecondition("check constraint failed: " + std::string(what));
}

namespace {

// Code points, as SQLite's length() counts text.
std::size_t Characters(std::string_view text) {
  return static_cast<std::size_t>(std::ranges::count_if(
      text, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Data on record changes only through an application that may change it (triggers
// *_change_through_an_application): a change of content, certificate or cancellation names
// a new application about this subject in changed_by, and an access filing (新增接入, 继续接入,
// 取消接入) never changes content.
Result<void> ChangeGuard(const State& state, const std::optional<ApplicationId>& changed_by,
                         const std::optional<ApplicationId>& stored_changed_by, SubjectId subject,
                         bool content_changed, bool status_changed) {
  if (!content_changed && !status_changed) return {};
  auto it = changed_by ? state.applications.find(changed_by->value()) : state.applications.end();
  if (content_changed && it != state.applications.end()) {
    const ApplicationType type = it->second.lifecycle.type();
    if (type == ApplicationType::kNewAccess || type == ApplicationType::kContinueAccess ||
        type == ApplicationType::kCancelAccess) {
      return errors::AccessFilingChangesNoData();
    }
  }
  if (it == state.applications.end() || changed_by == stored_changed_by ||
      it->second.subject != subject) {
    return errors::RecordChangeNeedsApplication();
  }
  return {};
}

// The number on a subject or website is one issued to it (triggers *_number_issued).
Result<void> NumberIssuedTo(const State& state, const std::optional<FilingNumber>& number,
                            SubjectId subject, std::optional<WebsiteId> website) {
  if (!number) return {};
  auto it = state.numbers.find(number->canonical());
  if (it == state.numbers.end() || it->second.subject != subject || it->second.website != website) {
    return errors::NumberNotIssuedToRecord();
  }
  return {};
}

// A number as the SQL stores keep it: in canonical form.
std::optional<FilingNumber> Canonical(const std::optional<FilingNumber>& number) {
  if (!number || !number->legacy_prefix()) return number;
  return FilingNumber::Parse(number->canonical()).value();
}

}  // namespace

// ---- accounts ----

Result<AccountId> AccountRepository::Insert(const Account& account) {
  return s_.Write([&]() -> Result<AccountId> {
    State& st = s_.state();
    const std::size_t length = Characters(account.login);
    if (Result<void> ok = Require(length >= 1 && length <= 128, "login has 1 to 128 characters");
        !ok) {
      return std::unexpected(ok.error());
    }
    if (Result<void> ok =
            Require(!account.disabled_at || *account.disabled_at >= account.created_at,
                    "accounts_disabled_after_created");
        !ok) {
      return std::unexpected(ok.error());
    }
    if (std::ranges::any_of(st.accounts,
                            [&](const auto& row) { return row.second.login == account.login; })) {
      return errors::LoginTaken(account.login);
    }
    Account stored = account;
    stored.id = AccountId(++st.sequences.accounts);
    st.accounts.emplace(stored.id.value(), stored);
    return stored.id;
  });
}

Result<Account> AccountRepository::Get(AccountId id) {
  return s_.Read([&]() -> Result<Account> {
    auto it = s_.state().accounts.find(id.value());
    if (it == s_.state().accounts.end()) return Missing("account", std::to_string(id.value()));
    return it->second;
  });
}

Result<Account> AccountRepository::FindByLogin(std::string_view login) {
  return s_.Read([&]() -> Result<Account> {
    for (const auto& [id, account] : s_.state().accounts) {
      if (account.login == login) return account;
    }
    return Missing("account", login);
  });
}

// ---- subjects ----

namespace {

const SubjectRecord* ActiveSubject(const State& state, const std::string& certificate,
                                   SubjectId except) {
  for (const auto& [id, record] : state.subjects) {
    if (!record.cancelled && record.id != except &&
        keys::CertificateKey(record.subject.certificate) == certificate) {
      return &record;
    }
  }
  return nullptr;
}

// What the subjects row must satisfy beyond its revision: one active subject per
// certificate, and the rows it names.
Result<void> CheckSubject(const State& state, const SubjectRecord& record, SubjectId self) {
  if (!record.cancelled &&
      ActiveSubject(state, keys::CertificateKey(record.subject.certificate), self) != nullptr) {
    return errors::SubjectOnRecord();
  }
  if (Result<void> ok = ForeignKey(state.accounts, record.account, "account"); !ok) return ok;
  return ForeignKey(state.applications, record.changed_by, "application");
}

}  // namespace

Result<SubjectId> SubjectRepository::Insert(const SubjectRecord& record) {
  return s_.Write([&]() -> Result<SubjectId> {
    State& st = s_.state();
    if (Result<void> ok = CheckSubject(st, record, SubjectId()); !ok) {
      return std::unexpected(ok.error());
    }
    if (record.number) return errors::NumberNotIssuedToRecord();  // nothing is issued to it yet
    SubjectRecord stored = record;
    stored.id = SubjectId(++st.sequences.subjects);
    stored.revision = 1;
    st.subjects.emplace(stored.id.value(), stored);
    st.subject_identity.emplace(stored.id.value(),
                                keys::CertificateKey(record.subject.certificate));
    return stored.id;
  });
}

Result<SubjectRecord> SubjectRepository::Get(SubjectId id) {
  return s_.Read([&]() -> Result<SubjectRecord> {
    auto it = s_.state().subjects.find(id.value());
    if (it == s_.state().subjects.end()) return Missing("subject", std::to_string(id.value()));
    return it->second;
  });
}

Result<std::optional<SubjectRecord>> SubjectRepository::FindByCertificate(const Certificate& c) {
  return s_.Read([&]() -> Result<std::optional<SubjectRecord>> {
    const SubjectRecord* found = ActiveSubject(s_.state(), keys::CertificateKey(c), SubjectId());
    if (found == nullptr) return std::nullopt;
    return *found;
  });
}

Result<std::int64_t> SubjectRepository::Update(const SubjectRecord& record) {
  return s_.Write([&]() -> Result<std::int64_t> {
    State& st = s_.state();
    auto it = st.subjects.find(record.id.value());
    if (it == st.subjects.end()) return Missing("subject", std::to_string(record.id.value()));
    if (it->second.revision != record.revision) {
      return errors::StaleRevision("subject", record.id.value());
    }
    const SubjectRecord& before = it->second;
    Result<void> ok =
        ChangeGuard(st, record.changed_by, before.changed_by, record.id,
                    record.subject != before.subject, record.cancelled != before.cancelled);
    if (ok) ok = CheckSubject(st, record, record.id);
    if (ok && record.number != it->second.number) {
      ok = NumberIssuedTo(st, record.number, record.id, std::nullopt);
    }
    if (!ok) return std::unexpected(ok.error());
    SubjectRecord stored = record;
    stored.account = it->second.account;  // the owner never changes (the SQL UPDATE omits it)
    stored.number = Canonical(record.number);
    stored.revision = record.revision + 1;
    it->second = std::move(stored);
    return it->second.revision;
  });
}

Result<std::vector<SubjectRecord>> SubjectRepository::ListByAccount(AccountId account) {
  return s_.Read([&]() -> Result<std::vector<SubjectRecord>> {
    std::vector<SubjectRecord> out;
    for (const auto& [id, record] : s_.state().subjects) {
      if (record.account == account) out.push_back(record);
    }
    return out;
  });
}

Result<std::optional<SubjectRecord>> SubjectRepository::FindByNumber(const FilingNumber& number) {
  return s_.Read([&]() -> Result<std::optional<SubjectRecord>> {
    const std::string wanted = number.canonical();
    for (const auto& [id, record] : s_.state().subjects) {
      if (!record.cancelled && record.number && record.number->canonical() == wanted) {
        return record;
      }
    }
    return std::nullopt;
  });
}

Result<std::vector<SubjectRecord>> SubjectRepository::ListByUnitName(std::string_view name,
                                                                     SubjectId after,
                                                                     std::size_t limit) {
  return s_.Read([&]() -> Result<std::vector<SubjectRecord>> {
    std::vector<SubjectRecord> out;
    for (auto it = s_.state().subjects.upper_bound(after.value());
         it != s_.state().subjects.end() && out.size() < limit; ++it) {
      const SubjectRecord& record = it->second;
      if (!record.cancelled && !IsIndividual(record.subject.type) && record.subject.name == name) {
        out.push_back(record);
      }
    }
    return out;
  });
}

// ---- websites ----

namespace {

const WebsiteRecord* ActiveWebsite(const State& state, const DomainName& domain, WebsiteId except) {
  for (const auto& [id, record] : state.websites) {
    if (!record.cancelled && record.id != except &&
        std::ranges::find(record.website.domains, domain) != record.website.domains.end()) {
      return &record;
    }
  }
  return nullptr;
}

// An active website's domains are its own (unique index on website_domains.active_domain);
// a domain listed twice counts once, at its first place.
Result<void> DomainsFree(const State& state, const WebsiteRecord& record, WebsiteId self) {
  if (record.cancelled) return {};
  const std::vector<DomainName>& domains = record.website.domains;
  for (std::size_t i = 0; i < domains.size(); ++i) {
    const auto first = domains.begin() + static_cast<std::ptrdiff_t>(i);
    if (std::find(domains.begin(), first, domains[i]) != first) continue;
    if (ActiveWebsite(state, domains[i], self) != nullptr) {
      return errors::DomainTaken(domains[i].unicode(),
                                 "website.domains[" + std::to_string(i) + "]");
    }
  }
  return {};
}

Result<void> CheckWebsite(const State& state, const WebsiteRecord& record, WebsiteId self) {
  if (Result<void> ok = ForeignKey(state.subjects, record.subject, "subject"); !ok) return ok;
  if (Result<void> ok = ForeignKey(state.applications, record.changed_by, "application"); !ok) {
    return ok;
  }
  return DomainsFree(state, record, self);
}

}  // namespace

Result<WebsiteId> WebsiteRepository::Insert(const WebsiteRecord& record) {
  return s_.Write([&]() -> Result<WebsiteId> {
    State& st = s_.state();
    if (Result<void> ok = CheckWebsite(st, record, WebsiteId()); !ok) {
      return std::unexpected(ok.error());
    }
    if (record.number) return errors::NumberNotIssuedToRecord();  // nothing is issued to it yet
    WebsiteRecord stored = record;
    stored.id = WebsiteId(++st.sequences.websites);
    stored.revision = 1;
    st.websites.emplace(stored.id.value(), stored);
    return stored.id;
  });
}

Result<WebsiteRecord> WebsiteRepository::Get(WebsiteId id) {
  return s_.Read([&]() -> Result<WebsiteRecord> {
    auto it = s_.state().websites.find(id.value());
    if (it == s_.state().websites.end()) return Missing("website", std::to_string(id.value()));
    return it->second;
  });
}

Result<std::optional<WebsiteRecord>> WebsiteRepository::FindByDomain(const DomainName& domain) {
  return s_.Read([&]() -> Result<std::optional<WebsiteRecord>> {
    const WebsiteRecord* found = ActiveWebsite(s_.state(), domain, WebsiteId());
    if (found == nullptr) return std::nullopt;
    return *found;
  });
}

Result<std::int64_t> WebsiteRepository::Update(const WebsiteRecord& record) {
  return s_.Write([&]() -> Result<std::int64_t> {
    State& st = s_.state();
    auto it = st.websites.find(record.id.value());
    if (it == st.websites.end()) return Missing("website", std::to_string(record.id.value()));
    if (it->second.revision != record.revision) {
      return errors::StaleRevision("website", record.id.value());
    }
    if (record.subject != it->second.subject) return errors::RecordIdentityFixed();
    Result<void> ok =
        ChangeGuard(st, record.changed_by, it->second.changed_by, record.subject,
                    record.website != it->second.website, record.cancelled != it->second.cancelled);
    if (ok) ok = CheckWebsite(st, record, record.id);
    if (ok && record.number != it->second.number) {
      ok = NumberIssuedTo(st, record.number, record.subject, record.id);
    }
    if (!ok) return std::unexpected(ok.error());
    WebsiteRecord stored = record;
    stored.number = Canonical(record.number);
    stored.revision = record.revision + 1;
    it->second = std::move(stored);
    return it->second.revision;
  });
}

Result<std::vector<WebsiteRecord>> WebsiteRepository::ListBySubject(SubjectId subject) {
  return s_.Read([&]() -> Result<std::vector<WebsiteRecord>> {
    std::vector<WebsiteRecord> out;
    for (const auto& [id, record] : s_.state().websites) {
      if (record.subject == subject) out.push_back(record);
    }
    return out;
  });
}

Result<std::optional<WebsiteRecord>> WebsiteRepository::FindByNumber(const FilingNumber& number) {
  return s_.Read([&]() -> Result<std::optional<WebsiteRecord>> {
    const std::string wanted = number.canonical();
    for (const auto& [id, record] : s_.state().websites) {
      if (!record.cancelled && record.number && record.number->canonical() == wanted) {
        return record;
      }
    }
    return std::nullopt;
  });
}

// ---- filing numbers ----

Result<void> FilingNumberRegistry::Issue(const IssuedNumber& issued) {
  return s_.Write([&]() -> Result<void> {
    State& st = s_.state();
    const std::string canonical = issued.number.canonical();
    if (st.numbers.contains(canonical)) return errors::NumberIssuedOnce(canonical);
    if (Result<void> ok = ForeignKey(st.subjects, issued.subject, "subject"); !ok) return ok;
    if (Result<void> ok = ForeignKey(st.websites, issued.website, "website"); !ok) return ok;
    Result<FilingNumber> stored_number = FilingNumber::Parse(canonical);
    if (!stored_number) return std::unexpected(stored_number.error());
    IssuedNumber stored = issued;
    stored.number = *stored_number;
    stored.cancelled_at = std::nullopt;  // issuing never cancels (the SQL INSERT writes NULL)
    st.numbers.emplace(canonical, std::move(stored));
    return {};
  });
}

Result<void> FilingNumberRegistry::Cancel(const FilingNumber& number, std::chrono::sys_seconds at) {
  return s_.Write([&]() -> Result<void> {
    auto it = s_.state().numbers.find(number.canonical());
    if (it == s_.state().numbers.end()) {
      return NotFound("filing number " + number.canonical() + " was never issued");
    }
    if (it->second.cancelled_at) return errors::NumberCancelled(number.canonical());
    it->second.cancelled_at = at;
    return {};
  });
}

Result<std::optional<IssuedNumber>> FilingNumberRegistry::Find(const FilingNumber& number) {
  return s_.Read([&]() -> Result<std::optional<IssuedNumber>> {
    auto it = s_.state().numbers.find(number.canonical());
    if (it == s_.state().numbers.end()) return std::nullopt;
    return it->second;
  });
}

}  // namespace icp::memory
