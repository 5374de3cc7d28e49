// The outbox and the inbox in memory.
#include "storage/memory/outbox.h"

#include <algorithm>
#include <string>
#include <utility>

#include "ports/storage_errors.h"
#include "storage/common/personal_data_guard.h"

namespace icp::memory {

namespace {

bool Finished(const OutboxRow& row) { return row.delivered_at || row.dead_at; }

// A lease that ran out belongs to a dispatcher that died: the message is claimable again.
bool Claimable(const OutboxRow& row, std::chrono::sys_seconds now) {
  return !Finished(row) && row.message.available_at <= now &&
         (!row.lease_until || *row.lease_until <= now);
}

OutboxEntry EntryOf(std::int64_t id, const OutboxRow& row) {
  OutboxEntry e;
  e.id = OutboxMessageId(id);
  e.message = row.message;
  e.state = row.delivered_at ? OutboxState::kDelivered
                             : (row.dead_at ? OutboxState::kDead : OutboxState::kPending);
  e.attempts = row.attempts;
  e.lease_owner = row.lease_owner;
  e.lease_until = row.lease_until;
  e.finished_at = row.delivered_at ? row.delivered_at : row.dead_at;
  e.last_error = row.last_error;
  return e;
}

}  // namespace

Result<bool> Outbox::Enqueue(const OutboxMessage& message) {
  return s_.Write([&]() -> Result<bool> {
    if (Result<void> ok = RefuseUnmaskedPersonalData(message); !ok) {
      return std::unexpected(ok.error());
    }
    State& st = s_.state();
    if (std::ranges::any_of(st.outbox, [&](const auto& row) {
          return row.second.message.idempotency_key == message.idempotency_key;
        })) {
      return false;
    }
    OutboxRow row;
    row.message = message;
    st.outbox.emplace(++st.sequences.outbox, std::move(row));
    return true;
  });
}

Result<std::vector<ClaimedMessage>> Outbox::Claim(std::string_view worker,
                                                  std::chrono::sys_seconds now,
                                                  std::chrono::sys_seconds lease_until,
                                                  std::size_t limit) {
  if (Result<void> ok = CheckClaim(worker, now, lease_until); !ok) {
    return std::unexpected(ok.error());
  }
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

template <class F>
Result<void> Outbox::EndLease(OutboxMessageId id, std::string_view worker, F&& end) {
  return s_.Write([&]() -> Result<void> {
    auto it = s_.state().outbox.find(id.value());
    if (it == s_.state().outbox.end() || it->second.lease_owner != worker) {
      return storage_errors::LeaseLost(id.value());
    }
    OutboxRow& row = it->second;
    end(row);
    row.lease_owner = std::nullopt;
    row.lease_until = std::nullopt;
    return {};
  });
}

Result<void> Outbox::MarkDelivered(OutboxMessageId id, std::string_view worker,
                                   std::chrono::sys_seconds at) {
  return EndLease(id, worker, [&](OutboxRow& row) { row.delivered_at = at; });
}

Result<void> Outbox::Release(OutboxMessageId id, std::string_view worker,
                             std::chrono::sys_seconds retry_at, std::string_view error) {
  return EndLease(id, worker, [&](OutboxRow& row) {
    row.message.available_at = retry_at;
    row.last_error = std::string(error);
  });
}

Result<void> Outbox::Unclaim(OutboxMessageId id, std::string_view worker) {
  return EndLease(id, worker, [&](OutboxRow& row) { --row.attempts; });
}

Result<void> Outbox::MarkDead(OutboxMessageId id, std::string_view worker,
                              std::chrono::sys_seconds at, std::string_view error) {
  return EndLease(id, worker, [&](OutboxRow& row) {
    row.dead_at = at;
    row.last_error = std::string(error);
  });
}

Result<std::vector<OutboxEntry>> Outbox::List(const OutboxQuery& query) {
  return s_.Read([&]() -> Result<std::vector<OutboxEntry>> {
    std::vector<OutboxEntry> out;
    const auto& table = s_.state().outbox;
    for (auto it = table.upper_bound(query.after.value());
         it != table.end() && out.size() < query.limit; ++it) {
      const OutboxRow& row = it->second;
      if (row.delivered_at || (query.dead_only && !row.dead_at)) continue;
      out.push_back(EntryOf(it->first, row));
    }
    return out;
  });
}

Result<void> Outbox::Retry(OutboxMessageId id, std::chrono::sys_seconds now) {
  return s_.Write([&]() -> Result<void> {
    auto it = s_.state().outbox.find(id.value());
    if (it == s_.state().outbox.end()) {
      return NotFound("no outbox message " + std::to_string(id.value()));
    }
    OutboxRow& row = it->second;
    if (!row.dead_at) return storage_errors::OutboxNotDead(id.value());
    row.dead_at = std::nullopt;
    row.attempts = 0;
    row.message.available_at = now;
    return {};
  });
}

Result<OutboxStats> Outbox::Stats() {
  return s_.Read([&]() -> Result<OutboxStats> {
    OutboxStats stats;
    for (const auto& [id, row] : s_.state().outbox) {
      ++(row.delivered_at ? stats.delivered : (row.dead_at ? stats.dead : stats.pending));
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
