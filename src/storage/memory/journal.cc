// The audit log, the outbox and the inbox in memory.
#include <algorithm>
#include <string>
#include <utility>

#include "ports/storage_errors.h"
#include "storage/common/audit_chain.h"
#include "storage/common/personal_data_guard.h"
#include "storage/memory/repositories.h"

namespace icp::memory {

// ---- audit log ----

Result<void> AuditLog::Append(AuditEntry entry) {
  return s_.Write([&]() -> Result<void> {
    if (Result<void> ok = RefuseUnmaskedPersonalData(entry); !ok) return ok;
    pending_.push_back(std::move(entry));
    return {};
  });
}

void AuditLog::Flush(Journal& journal) {
  for (AuditEntry& entry : pending_) {
    const std::int64_t seq = journal.head_seq + 1;
    std::string hash = audit_chain::Hash(journal.head_hash, seq, entry);
    journal.entries.push_back({seq, std::move(entry), journal.head_hash, hash});
    journal.head_seq = seq;
    journal.head_hash = std::move(hash);
  }
  pending_.clear();
}

Result<std::vector<StoredAuditEntry>> AuditLog::Read(std::int64_t after, std::size_t limit) {
  return s_.Read([&]() -> Result<std::vector<StoredAuditEntry>> {
    const std::vector<StoredAuditEntry>& entries = s_.journal().entries;
    // entries[i] has seq i + 1, so the first entry after `after` is at index `after`.
    const std::size_t first =
        std::min(static_cast<std::size_t>(std::max<std::int64_t>(after, 0)), entries.size());
    const std::size_t last = first + std::min(limit, entries.size() - first);
    return std::vector<StoredAuditEntry>(entries.begin() + static_cast<std::ptrdiff_t>(first),
                                         entries.begin() + static_cast<std::ptrdiff_t>(last));
  });
}

Result<AuditVerification> AuditLog::Verify() {
  return s_.Read([&]() -> Result<AuditVerification> {
    const Journal& journal = s_.journal();
    audit_chain::Verifier verifier;
    for (const StoredAuditEntry& entry : journal.entries) {
      if (!verifier.Add(entry)) break;
    }
    return verifier.Finish(journal.head_seq, journal.head_hash);
  });
}

// ---- outbox ----

namespace {

// The row if `worker` holds its lease and it is not delivered yet.
OutboxRow* Leased(State& state, OutboxMessageId id, std::string_view worker) {
  auto it = state.outbox.find(id.value());
  if (it == state.outbox.end()) return nullptr;
  OutboxRow& row = it->second;
  if (row.delivered_at || row.lease_owner != worker) return nullptr;
  return &row;
}

bool Claimable(const OutboxRow& row, std::chrono::sys_seconds now) {
  return !row.delivered_at && row.message.available_at <= now &&
         (!row.lease_until || *row.lease_until <= now);
}

}  // namespace

Result<bool> Outbox::Enqueue(const OutboxMessage& message) {
  return s_.Write([&]() -> Result<bool> {
    if (Result<void> ok = RefuseUnmaskedPersonalData(message); !ok)
      return std::unexpected(ok.error());
    State& st = s_.state();
    if (std::ranges::any_of(st.outbox, [&](const auto& row) {
          return row.second.message.idempotency_key == message.idempotency_key;
        })) {
      return false;
    }
    st.outbox.emplace(++st.sequences.outbox, OutboxRow{message, 0, std::nullopt, std::nullopt,
                                                       std::nullopt, std::string()});
    return true;
  });
}

// A lease that ran out belongs to a dispatcher that died: the message is claimable again.
Result<std::vector<ClaimedMessage>> Outbox::Claim(std::string_view worker,
                                                  std::chrono::sys_seconds now,
                                                  std::chrono::sys_seconds lease_until,
                                                  std::size_t limit) {
  return s_.Write([&]() -> Result<std::vector<ClaimedMessage>> {
    std::vector<ClaimedMessage> out;
    for (auto& [id, row] : s_.state().outbox) {
      if (out.size() == limit) break;
      if (!Claimable(row, now)) continue;
      row.lease_owner = std::string(worker);
      row.lease_until = lease_until;
      ++row.attempts;
      out.push_back({OutboxMessageId(id), row.message, row.attempts});
    }
    return out;
  });
}

Result<void> Outbox::MarkDelivered(OutboxMessageId id, std::string_view worker,
                                   std::chrono::sys_seconds at) {
  return s_.Write([&]() -> Result<void> {
    OutboxRow* row = Leased(s_.state(), id, worker);
    if (row == nullptr) return storage_errors::LeaseLost(id.value());
    row->delivered_at = at;
    row->lease_owner = std::nullopt;
    row->lease_until = std::nullopt;
    return {};
  });
}

Result<void> Outbox::Release(OutboxMessageId id, std::string_view worker,
                             std::chrono::sys_seconds retry_at, std::string_view error) {
  return s_.Write([&]() -> Result<void> {
    OutboxRow* row = Leased(s_.state(), id, worker);
    if (row == nullptr) return storage_errors::LeaseLost(id.value());
    row->message.available_at = retry_at;
    row->last_error = std::string(error);
    row->lease_owner = std::nullopt;
    row->lease_until = std::nullopt;
    return {};
  });
}

Result<OutboxStats> Outbox::Stats() {
  return s_.Read([&]() -> Result<OutboxStats> {
    OutboxStats stats;
    for (const auto& [id, row] : s_.state().outbox) {
      ++(row.delivered_at ? stats.delivered : stats.pending);
    }
    return stats;
  });
}

// ---- inbox ----

Result<bool> Inbox::Accept(std::string_view key, std::chrono::sys_seconds at) {
  return s_.Write(
      [&]() -> Result<bool> { return s_.state().inbox.emplace(std::string(key), at).second; });
}

}  // namespace icp::memory
