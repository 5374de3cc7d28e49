// Applications and their history in memory. "One open application per subject" and "one
// open application per domain" are derived from the rows on every write, as the SQL schema
// derives its unique columns open_subject_key, open_account and application_domains.open_domain.
#include <algorithm>
#include <string>
#include <utility>

#include "ports/storage_errors.h"
#include "storage/common/keys.h"
#include "storage/memory/repositories.h"

namespace icp::memory {

namespace errors = storage_errors;

namespace {

bool IsOpen(const ApplicationRecord& record) { return !IsTerminal(record.lifecycle.state()); }

bool HasDomain(const Application& a, const DomainName& domain) {
  return std::ranges::any_of(a.websites, [&](const Website& w) {
    return std::ranges::find(w.domains, domain) != w.domains.end();
  });
}

// applications.subject_key: the identity of the subject on record it names, else its own
// certificate.
std::string SubjectKey(const State& state, const ApplicationRecord& record) {
  if (record.subject) {
    auto it = state.subject_identity.find(record.subject->value());
    if (it != state.subject_identity.end()) return it->second;
  }
  return keys::CertificateKey(record.application.subject.certificate);
}

const ApplicationRecord* OpenForSubject(const State& state, const std::string& key,
                                        ApplicationId except) {
  for (const auto& [id, record] : state.applications) {
    if (IsOpen(record) && record.id != except && SubjectKey(state, record) == key) {
      return &record;
    }
  }
  return nullptr;
}

const ApplicationRecord* OpenForAccount(const State& state, AccountId account,
                                        ApplicationId except) {
  for (const auto& [id, record] : state.applications) {
    if (IsOpen(record) && record.id != except && record.account == account) return &record;
  }
  return nullptr;
}

// New websites, changes and cancellations are about a subject on record (CHECK
// applications_type_names_subject).
bool NeedsSubjectOnRecord(ApplicationType type) {
  return type != ApplicationType::kFirstFiling &&
         type != ApplicationType::kNewWebsiteFiledElsewhere &&
         type != ApplicationType::kNewAccess && type != ApplicationType::kContinueAccess;
}

// An active subject whose identity or certificate is `key` (trigger
// applications_subject_on_record).
bool ActiveSubjectHolds(const State& state, const std::string& key) {
  for (const auto& [id, subject] : state.subjects) {
    if (subject.cancelled) continue;
    if (state.subject_identity.at(id) == key ||
        keys::CertificateKey(subject.subject.certificate) == key) {
      return true;
    }
  }
  return false;
}

const ApplicationRecord* OpenForDomain(const State& state, const DomainName& domain,
                                       ApplicationId except) {
  for (const auto& [id, record] : state.applications) {
    if (IsOpen(record) && record.id != except && HasDomain(record.application, domain)) {
      return &record;
    }
  }
  return nullptr;
}

// The applications row: one open application per subject and per account, an open
// application about no subject on record names no active subject's certificate, and the
// rows it names. `stored` is the row before an update (nullptr on insert).
Result<void> CheckRow(const State& state, const ApplicationRecord& record,
                      const ApplicationRecord* stored) {
  const ApplicationId self = stored ? stored->id : ApplicationId();
  if (Result<void> ok = ForeignKey(state.subjects, record.subject, "subject"); !ok) return ok;
  const std::string key = SubjectKey(state, record);
  if (IsOpen(record) && !record.subject &&
      (stored == nullptr || !IsOpen(*stored) || SubjectKey(state, *stored) != key) &&
      ActiveSubjectHolds(state, key)) {
    return errors::ApplicationMustNameSubjectOnRecord();
  }
  if (!record.subject && NeedsSubjectOnRecord(record.lifecycle.type())) {
    return errors::ApplicationTypeNeedsSubject();
  }
  if (IsOpen(record) && OpenForSubject(state, key, self)) {
    return errors::SubjectHasOpenApplication();
  }
  if (IsOpen(record) && OpenForAccount(state, record.account, self)) {
    return errors::AccountHasOpenApplication();
  }
  return ForeignKey(state.accounts, record.account, "account");
}

// One open application per domain; a terminal application holds none.
Result<void> DomainsFree(const State& state, const ApplicationRecord& record, ApplicationId self) {
  if (!IsOpen(record)) return {};
  for (const auto& [domain, field] : keys::DomainsOf(record.application)) {
    if (OpenForDomain(state, *domain, self) != nullptr) {
      return errors::DomainHasOpenApplication(domain->unicode(), field);
    }
  }
  return {};
}

// The moves already stored must come back unchanged, at the front of the new history.
Result<void> HistoryAppended(const ApplicationRecord& stored, const ApplicationRecord& next) {
  const std::vector<TransitionRecord>& before = stored.lifecycle.history();
  const std::vector<TransitionRecord>& after = next.lifecycle.history();
  if (after.size() < before.size() || !std::equal(before.begin(), before.end(), after.begin())) {
    return errors::HistoryAppendOnly(stored.id.value());
  }
  return {};
}

}  // namespace

Result<ApplicationId> ApplicationRepository::Insert(const ApplicationRecord& record) {
  return s_.Write([&]() -> Result<ApplicationId> {
    State& st = s_.state();
    Result<void> ok = CheckRow(st, record, nullptr);
    if (ok) ok = DomainsFree(st, record, ApplicationId());
    if (!ok) return std::unexpected(ok.error());
    const ApplicationId id(++st.sequences.applications);
    ApplicationRecord stored = record;
    stored.id = id;
    stored.revision = 1;
    st.applications.insert_or_assign(id.value(), std::move(stored));
    return id;
  });
}

Result<ApplicationRecord> ApplicationRepository::Get(ApplicationId id) {
  return s_.Read([&]() -> Result<ApplicationRecord> {
    auto it = s_.state().applications.find(id.value());
    if (it == s_.state().applications.end()) {
      return Missing("application", std::to_string(id.value()));
    }
    return it->second;
  });
}

Result<std::int64_t> ApplicationRepository::Update(const ApplicationRecord& record) {
  return s_.Write([&]() -> Result<std::int64_t> {
    State& st = s_.state();
    auto it = st.applications.find(record.id.value());
    if (it == st.applications.end()) {
      return Missing("application", std::to_string(record.id.value()));
    }
    if (it->second.revision != record.revision) {
      return errors::StaleRevision("application", record.id.value());
    }
    Result<void> ok = CheckRow(st, record, &it->second);
    if (ok) ok = HistoryAppended(it->second, record);
    if (ok) ok = DomainsFree(st, record, record.id);
    if (!ok) return std::unexpected(ok.error());
    ApplicationRecord stored = record;
    stored.revision = record.revision + 1;
    it->second = std::move(stored);
    return it->second.revision;
  });
}

namespace {

std::chrono::sys_seconds DueOf(const ApplicationRecord& record) {
  const std::optional<Deadline>& d = record.lifecycle.deadline();
  return d ? d->due : kNoDeadline;
}

bool Matches(const ApplicationRecord& record, const ApplicationQuery& q) {
  if (q.account && record.account != *q.account) return false;
  if (q.province && record.application.subject.province != *q.province) return false;
  if (q.type && record.lifecycle.type() != *q.type) return false;
  if (q.due_before && !(record.lifecycle.deadline() && DueOf(record) <= *q.due_before)) {
    return false;
  }
  return q.states.empty() ||
         std::ranges::find(q.states, record.lifecycle.state()) != q.states.end();
}

bool IsDue(const ApplicationRecord& record, std::chrono::sys_seconds now) {
  const ApplicationLifecycle& l = record.lifecycle;
  return IsOpen(record) && ((l.deadline() && l.deadline()->due <= now) ||
                            (l.next_call_at() && *l.next_call_at() <= now));
}

}  // namespace

Result<std::vector<ApplicationRecord>> ApplicationRepository::List(const ApplicationQuery& q) {
  return s_.Read([&]() -> Result<std::vector<ApplicationRecord>> {
    const auto& applications = s_.state().applications;
    std::vector<ApplicationRecord> out;
    if (q.by_due_after) {
      for (const auto& [id, record] : applications) {
        const DueCursor at{DueOf(record), record.id};
        const bool later = at.due > q.by_due_after->due ||
                           (at.due == q.by_due_after->due && at.id > q.by_due_after->id);
        if (later && Matches(record, q)) out.push_back(record);
      }
      std::ranges::sort(out, [](const ApplicationRecord& a, const ApplicationRecord& b) {
        return std::pair(DueOf(a), a.id) < std::pair(DueOf(b), b.id);
      });
      if (out.size() > q.limit)
        out.erase(out.begin() + static_cast<std::ptrdiff_t>(q.limit), out.end());
      return out;
    }
    for (auto it = applications.upper_bound(q.after.value());
         it != applications.end() && out.size() < q.limit; ++it) {
      if (Matches(it->second, q)) out.push_back(it->second);
    }
    return out;
  });
}

Result<std::vector<ApplicationId>> ApplicationRepository::ListDue(std::chrono::sys_seconds now,
                                                                  std::size_t limit) {
  return s_.Read([&]() -> Result<std::vector<ApplicationId>> {
    std::vector<ApplicationId> out;
    for (const auto& [id, record] : s_.state().applications) {
      if (out.size() == limit) break;
      if (IsDue(record, now)) out.push_back(record.id);
    }
    return out;
  });
}

Result<std::optional<ApplicationId>> ApplicationRepository::FindOpenBySubject(
    const Certificate& c) {
  return s_.Read([&]() -> Result<std::optional<ApplicationId>> {
    const std::string certificate = keys::CertificateKey(c);
    const ApplicationRecord* found = OpenForSubject(s_.state(), certificate, {});
    for (const auto& [id, subject] : s_.state().subjects) {
      if (found != nullptr) break;
      if (!subject.cancelled && keys::CertificateKey(subject.subject.certificate) == certificate) {
        found = OpenForSubject(s_.state(), s_.state().subject_identity.at(id), {});
      }
    }
    if (found == nullptr) return std::nullopt;
    return found->id;
  });
}

Result<std::optional<ApplicationId>> ApplicationRepository::FindOpenByDomain(
    const DomainName& domain) {
  return s_.Read([&]() -> Result<std::optional<ApplicationId>> {
    const ApplicationRecord* found = OpenForDomain(s_.state(), domain, {});
    if (found == nullptr) return std::nullopt;
    return found->id;
  });
}

}  // namespace icp::memory
