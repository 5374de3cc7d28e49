// The review journal and the idempotency keys in memory, with the constraints of the SQL
// schema (storage/sqlite/migrations/0004_review_and_idempotency.sql).
#include "storage/memory/repositories.h"

namespace icp::memory {
namespace {

// A CHECK of the SQL schema, refused with the constraint's name as its rule.
Result<void> Check(bool holds, std::string constraint) {
  if (holds) return {};
  Error e{ErrorCode::kFailedPrecondition, "check constraint failed: " + constraint, {}};
  e.violations.push_back({"", constraint, e.message, ""});
  return std::unexpected(std::move(e));
}

}  // namespace

Result<void> ReviewJournal::Append(const ReviewNote& n) {
  return s_.Write([&]() -> Result<void> {
    State& st = s_.state();
    Result<void> ok = Require(n.round >= 1, "a review note's round is at least 1");
    if (ok) {
      ok =
          Check(n.kind != ReviewNoteKind::kReturnReason || (!n.field.empty() && !n.message.empty()),
                "review_notes_return_reason_on_a_field");
    }
    if (ok) {
      ok = Check((n.kind == ReviewNoteKind::kContact) == n.contact.has_value(),
                 "review_notes_contact_outcome");
    }
    if (ok) {
      ok = Check(n.kind == ReviewNoteKind::kRuleWarning || n.author.has_value(),
                 "review_notes_reviewer_acts");
    }
    if (ok) ok = ForeignKey(st.applications, n.application, "application");
    if (ok) ok = ForeignKey(st.accounts, n.author, "account");
    if (!ok) return std::unexpected(ok.error());
    st.review_notes.push_back(n);
    return {};
  });
}

Result<std::vector<ReviewNote>> ReviewJournal::List(ApplicationId application) {
  return s_.Read([&]() -> Result<std::vector<ReviewNote>> {
    std::vector<ReviewNote> out;
    for (const ReviewNote& n : s_.state().review_notes) {
      if (n.application == application) out.push_back(n);
    }
    return out;
  });
}

Result<std::optional<IdempotencyRecord>> IdempotencyStore::Find(AccountId account,
                                                                const std::string& key) {
  return s_.Read([&]() -> Result<std::optional<IdempotencyRecord>> {
    const auto& keys = s_.state().idempotency;
    auto it = keys.find({account.value(), key});
    if (it == keys.end()) return std::optional<IdempotencyRecord>();
    return std::optional<IdempotencyRecord>(it->second);
  });
}

Result<bool> IdempotencyStore::Reserve(const IdempotencyRecord& pending) {
  return s_.Write([&]() -> Result<bool> {
    State& st = s_.state();
    Result<void> ok =
        Require(!pending.key.empty() && pending.key.size() <= 255, "a key has 1-255 characters");
    if (ok) ok = Require(pending.request_hash.size() == 64, "a request hash has 64 characters");
    if (ok) ok = ForeignKey(st.accounts, pending.account, "account");
    if (!ok) return std::unexpected(ok.error());
    IdempotencyRecord row = pending;
    row.done = false;
    row.status = 0;
    row.response.clear();
    return st.idempotency.emplace(std::pair{pending.account.value(), pending.key}, row).second;
  });
}

Result<bool> IdempotencyStore::TakeOver(AccountId account, const std::string& key,
                                        std::chrono::sys_seconds stale_before,
                                        std::chrono::sys_seconds now) {
  return s_.Write([&]() -> Result<bool> {
    auto& keys = s_.state().idempotency;
    auto it = keys.find({account.value(), key});
    if (it == keys.end() || it->second.done || it->second.created_at >= stale_before) {
      return false;
    }
    it->second.created_at = now;
    return true;
  });
}

Result<void> IdempotencyStore::Complete(AccountId account, const std::string& key, int status,
                                        const std::string& response) {
  return s_.Write([&]() -> Result<void> {
    auto& keys = s_.state().idempotency;
    auto it = keys.find({account.value(), key});
    if (it == keys.end() || it->second.done) return Missing("pending idempotency key", key);
    Result<void> ok = Check(status >= 200 && status <= 499, "idempotency_keys_done_has_answer");
    if (!ok) return ok;
    it->second.done = true;
    it->second.status = status;
    it->second.response = response;
    return {};
  });
}

Result<void> IdempotencyStore::Release(AccountId account, const std::string& key) {
  return s_.Write([&]() -> Result<void> {
    auto& keys = s_.state().idempotency;
    auto it = keys.find({account.value(), key});
    if (it != keys.end() && !it->second.done) keys.erase(it);
    return {};
  });
}

Result<std::int64_t> IdempotencyStore::Purge(std::chrono::sys_seconds created_before) {
  return s_.Write([&]() -> Result<std::int64_t> {
    return static_cast<std::int64_t>(std::erase_if(s_.state().idempotency, [&](const auto& kv) {
      return kv.second.created_at < created_before;
    }));
  });
}

}  // namespace icp::memory
