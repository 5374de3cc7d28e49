#pragma once

#include <string_view>
#include <vector>

#include "ports/outbox.h"
#include "storage/memory/repositories.h"

namespace icp::memory {

// The outbox in memory, with the SQL store's rules: only a lease's holder ends it, a
// leased message is neither delivered nor dead, delivered and dead are exclusive.
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
  // Applies `end` to `worker`'s leased row `id` and clears the lease; kAborted (lease
  // lost) if `worker` does not hold it.
  template <class F>
  Result<void> EndLease(OutboxMessageId id, std::string_view worker, F&& end);

  Session& s_;
};

class Inbox final : public icp::Inbox {
 public:
  explicit Inbox(Session& s) : s_(s) {}
  Result<bool> Accept(std::string_view key, std::chrono::sys_seconds at) override;

 private:
  Session& s_;
};

}  // namespace icp::memory
