#pragma once

#include <string_view>
#include <vector>

#include "ports/outbox.h"
#include "storage/sql/repositories.h"

namespace icp::sql {

// The outbox in portable SQL. A lease is a (lease_owner, lease_until) pair on the row, and
// every statement that ends one names the owner in its WHERE clause, so only the holder
// acts on it; dead letters are rows with dead_at set (CHECKs in the migrations keep
// delivered and dead exclusive and finished rows unleased).
class Outbox final : public icp::Outbox {
 public:
  explicit Outbox(Session& s) : s_(s) {}
  Result<bool> Enqueue(const OutboxMessage& message) override;
  Result<std::vector<ClaimedMessage>> Claim(std::string_view worker, std::chrono::sys_seconds now,
                                            std::chrono::sys_seconds lease_until,
                                            std::size_t limit) override;
  Result<void> MarkDelivered(OutboxMessageId id, std::string_view worker,
                             std::chrono::sys_seconds at) override;
  Result<void> Release(OutboxMessageId id, std::string_view worker,
                       std::chrono::sys_seconds retry_at, std::string_view error) override;
  Result<void> Unclaim(OutboxMessageId id, std::string_view worker) override;
  Result<void> MarkDead(OutboxMessageId id, std::string_view worker, std::chrono::sys_seconds at,
                        std::string_view error) override;
  Result<std::vector<OutboxEntry>> List(const OutboxQuery& query) override;
  Result<void> Retry(OutboxMessageId id, std::chrono::sys_seconds now) override;
  Result<OutboxStats> Stats() override;

 private:
  // Runs a statement that ends `worker`'s lease on `id`; kAborted (lease lost) if it
  // matched no row.
  Result<void> EndLease(std::string_view statement, std::span<const Value> params,
                        OutboxMessageId id);

  Session& s_;
};

class Inbox final : public icp::Inbox {
 public:
  explicit Inbox(Session& s) : s_(s) {}
  Result<bool> Accept(std::string_view key, std::chrono::sys_seconds at) override;

 private:
  Session& s_;
};

}  // namespace icp::sql
