// Materials, cloud resources and authorization codes in memory, with the constraints and
// the row order of the SQL schema (storage/sqlite/migrations/0001_init.sql).
#include <string>

#include "ports/storage_errors.h"
#include "storage/memory/repositories.h"

namespace icp::memory {

// ---- materials ----

Result<MaterialId> MaterialRepository::Insert(const MaterialRecord& record) {
  return s_.Write([&]() -> Result<MaterialId> {
    State& st = s_.state();
    Result<void> ok = Require(record.size >= 0, "a material's size is not negative");
    if (ok) ok = Require(record.sha256.size() == 64, "a material's sha256 has 64 characters");
    if (ok) ok = ForeignKey(st.applications, record.application, "application");
    if (!ok) return std::unexpected(ok.error());
    MaterialRecord stored = record;
    stored.id = MaterialId(++st.sequences.materials);
    st.materials.emplace(stored.id.value(), stored);
    return stored.id;
  });
}

Result<MaterialRecord> MaterialRepository::Get(MaterialId id) {
  return s_.Read([&]() -> Result<MaterialRecord> {
    auto it = s_.state().materials.find(id.value());
    if (it == s_.state().materials.end()) return Missing("material", std::to_string(id.value()));
    return it->second;
  });
}

Result<std::vector<MaterialRecord>> MaterialRepository::List(ApplicationId application) {
  return s_.Read([&]() -> Result<std::vector<MaterialRecord>> {
    std::vector<MaterialRecord> out;
    for (const auto& [id, record] : s_.state().materials) {
      if (record.application == application) out.push_back(record);
    }
    return out;
  });
}

Result<void> MaterialRepository::Remove(MaterialId id) {
  return s_.Write([&]() -> Result<void> {
    if (s_.state().materials.erase(id.value()) == 0) {
      return Missing("material", std::to_string(id.value()));
    }
    return {};
  });
}

// ---- resources ----

namespace {

// The resource with the backends bound behind it, in id order, as the SQL store reads them.
Resource Assemble(const State& state, const ResourceRow& row) {
  Resource out = row.resource;
  for (const auto& [id, other] : state.resources) {
    if (other.parent == out.id) out.backends.push_back(Assemble(state, other));
  }
  return out;
}

}  // namespace

// A backend is a row of its own bound to its load balancer: binding is redone on every
// upsert, so a server no longer behind the balancer becomes a top-level resource again.
Result<void> ResourceRepository::Write(const Resource& resource,
                                       const std::optional<std::string>& parent) {
  if (Result<void> ok = Require(resource.purchased.count >= 0, "purchased count not negative");
      !ok) {
    return ok;
  }
  State& st = s_.state();
  ResourceRow& row = st.resources[resource.id];
  row.resource = resource;
  row.resource.backends.clear();
  row.parent = parent;
  for (auto& [id, other] : st.resources) {
    if (other.parent == resource.id) other.parent = std::nullopt;
  }
  for (const Resource& backend : resource.backends) {
    if (Result<void> ok = Write(backend, resource.id); !ok) return ok;
  }
  return {};
}

Result<void> ResourceRepository::Upsert(const Resource& resource) {
  return s_.Write([&] { return Write(resource, std::nullopt); });
}

Result<Resource> ResourceRepository::Get(std::string_view id) {
  return s_.Read([&]() -> Result<Resource> {
    auto it = s_.state().resources.find(std::string(id));
    if (it == s_.state().resources.end()) return Missing("resource", id);
    return Assemble(s_.state(), it->second);
  });
}

Result<std::vector<Resource>> ResourceRepository::ListByAccount(std::string_view account) {
  return s_.Read([&]() -> Result<std::vector<Resource>> {
    std::vector<Resource> out;
    for (const auto& [id, row] : s_.state().resources) {
      if (row.resource.account == account && !row.parent) {
        out.push_back(Assemble(s_.state(), row));
      }
    }
    return out;
  });
}

// ---- authorization codes ----

namespace {

// authorization_codes' CHECK "auth-code.closed": closed_by and closed_at are set exactly when
// the code is not unused.
bool ClosedMatchesState(const AuthorizationCode& c) {
  return (c.state == AuthorizationCodeState::kUnused) == (!c.closed_by && !c.closed_at);
}

}  // namespace

Result<void> AuthorizationCodeRepository::Insert(const AuthorizationCode& code) {
  return s_.Write([&]() -> Result<void> {
    if (!ClosedMatchesState(code)) return FailedPrecondition("auth-code.closed");
    if (!s_.state().authorization_codes.emplace(code.code, code).second) {
      return AlreadyExists("authorization code " + code.code + " exists");
    }
    return {};
  });
}

Result<AuthorizationCode> AuthorizationCodeRepository::Get(std::string_view code) {
  return s_.Read([&]() -> Result<AuthorizationCode> {
    auto it = s_.state().authorization_codes.find(std::string(code));
    if (it == s_.state().authorization_codes.end()) return Missing("authorization code", code);
    return it->second;
  });
}

// Compare and set, so two filings racing for one unused code cannot both take it. A used
// code stays used, as the SQL schema's trigger authorization_codes_used_is_final holds.
Result<void> AuthorizationCodeRepository::Transition(std::string_view code,
                                                     AuthorizationCodeState from,
                                                     AuthorizationCodeState to, std::string_view by,
                                                     std::chrono::sys_seconds at) {
  return s_.Write([&]() -> Result<void> {
    auto it = s_.state().authorization_codes.find(std::string(code));
    if (it == s_.state().authorization_codes.end()) return Missing("authorization code", code);
    AuthorizationCode& stored = it->second;
    if (stored.state != from) return storage_errors::CodeStateChanged(code);
    if (from == AuthorizationCodeState::kUsed && to != AuthorizationCodeState::kUsed) {
      return storage_errors::CodeUsed(code);
    }
    if (to == AuthorizationCodeState::kUnused) return FailedPrecondition("auth-code.closed");
    stored.state = to;
    stored.closed_by = std::string(by);
    stored.closed_at = at;
    return {};
  });
}

Result<std::vector<AuthorizationCode>> AuthorizationCodeRepository::ListByServer(
    std::string_view server_id) {
  return s_.Read([&]() -> Result<std::vector<AuthorizationCode>> {
    std::vector<AuthorizationCode> out;
    for (const auto& [code, stored] : s_.state().authorization_codes) {
      if (stored.server_id == server_id) out.push_back(stored);
    }
    return out;
  });
}

Result<std::vector<AuthorizationCode>> AuthorizationCodeRepository::ListByAccount(
    std::string_view account) {
  return s_.Read([&]() -> Result<std::vector<AuthorizationCode>> {
    std::vector<AuthorizationCode> out;
    for (const auto& [code, stored] : s_.state().authorization_codes) {
      const bool redeemed =
          stored.state == AuthorizationCodeState::kUsed && stored.closed_by == account;
      if (stored.generated_by == account || redeemed) out.push_back(stored);
    }
    return out;
  });
}

// ---- verifications ----

namespace {

std::unexpected<Error> Reviewed(std::int64_t id) {
  Error e{ErrorCode::kAborted,
          "verification " + std::to_string(id) + " was reviewed already",
          {{"", "verification.reviewed", "This verification was reviewed already.",
            "该核验记录已审核。"}}};
  return std::unexpected(std::move(e));
}

}  // namespace

Result<VerificationId> VerificationRepository::Insert(const VerificationRecord& record) {
  return s_.Write([&]() -> Result<VerificationId> {
    State& st = s_.state();
    Result<void> ok = ForeignKey(st.applications, record.application, "application");
    if (ok) ok = ForeignKey(st.accounts, record.submitted_by, "account");
    if (ok) {
      ok = Require(!record.evidence.empty() && record.evidence.size() <= 256,
                   "a verification's evidence has 1 to 256 characters");
    }
    if (ok && record.method == VerificationMethod::kCurtainPhoto) {
      ok = Require(record.evidence.size() == 64, "a curtain photo's evidence is a blob name");
    }
    if (!ok) return std::unexpected(ok.error());
    VerificationRecord stored = record;
    stored.id = VerificationId(++st.sequences.verifications);
    stored.state = VerificationState::kPending;
    stored.reason.clear();
    stored.reviewed_by = std::nullopt;
    stored.reviewed_at = std::nullopt;
    st.verifications.emplace(stored.id.value(), stored);
    return stored.id;
  });
}

Result<VerificationRecord> VerificationRepository::Get(VerificationId id) {
  return s_.Read([&]() -> Result<VerificationRecord> {
    auto it = s_.state().verifications.find(id.value());
    if (it == s_.state().verifications.end()) {
      return Missing("verification", std::to_string(id.value()));
    }
    return it->second;
  });
}

Result<std::vector<VerificationRecord>> VerificationRepository::List(ApplicationId application) {
  return s_.Read([&]() -> Result<std::vector<VerificationRecord>> {
    std::vector<VerificationRecord> out;
    for (const auto& [id, record] : s_.state().verifications) {
      if (record.application == application) out.push_back(record);
    }
    return out;
  });
}

Result<void> VerificationRepository::Review(VerificationId id, VerificationState state,
                                            std::string_view reason, AccountId reviewer,
                                            std::chrono::sys_seconds at) {
  return s_.Write([&]() -> Result<void> {
    State& st = s_.state();
    auto it = st.verifications.find(id.value());
    if (it == st.verifications.end()) return Missing("verification", std::to_string(id.value()));
    if (it->second.state != VerificationState::kPending) return Reviewed(id.value());
    Result<void> ok = Require(state != VerificationState::kPending, "a review decides");
    if (ok)
      ok =
          Require(state != VerificationState::kFailed || !reason.empty(), "a failure has a reason");
    if (ok) ok = ForeignKey(st.accounts, reviewer, "account");
    if (!ok) return ok;
    it->second.state = state;
    it->second.reason = std::string(reason);
    it->second.reviewed_by = reviewer;
    it->second.reviewed_at = at;
    return {};
  });
}

}  // namespace icp::memory
