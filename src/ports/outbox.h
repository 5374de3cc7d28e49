#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "ports/ids.h"

namespace icp {

// A message to another system, written in the same transaction as the change that causes
// it. The idempotency key is unique and travels with every delivery, so a receiver that
// records keys (Inbox) applies each message once although it may arrive more than once.
struct OutboxMessage {
  std::string topic;            // "bureau.submit", "notify.sms"
  std::string idempotency_key;  // "application:42:submit:3"
  std::string payload;          // JSON text
  std::chrono::sys_seconds available_at{};

  friend bool operator==(const OutboxMessage&, const OutboxMessage&) = default;
};

struct ClaimedMessage {
  OutboxMessageId id;
  OutboxMessage message;
  int attempts = 0;  // deliveries tried, this one included
};

struct OutboxStats {
  std::int64_t pending = 0;
  std::int64_t delivered = 0;
};

class Outbox {
 public:
  virtual ~Outbox() = default;

  // Adds the message; false (and nothing added) if its key is already in the outbox.
  virtual Result<bool> Enqueue(const OutboxMessage& message) = 0;
  // Leases up to `limit` undelivered messages that are available at `now` and not leased
  // (or whose lease ran out: a dispatcher that died) to `worker` until `lease_until`, in id
  // order. Concurrent dispatchers never get the same message while a lease holds.
  virtual Result<std::vector<ClaimedMessage>> Claim(std::string_view worker,
                                                    std::chrono::sys_seconds now,
                                                    std::chrono::sys_seconds lease_until,
                                                    std::size_t limit) = 0;
  // kAborted (rule "outbox.lease-lost") if `worker` no longer holds the lease.
  virtual Result<void> MarkDelivered(OutboxMessageId id, std::string_view worker,
                                     std::chrono::sys_seconds at) = 0;
  // A failed delivery: the lease ends and the message is retried from `retry_at`.
  virtual Result<void> Release(OutboxMessageId id, std::string_view worker,
                               std::chrono::sys_seconds retry_at, std::string_view error) = 0;
  virtual Result<OutboxStats> Stats() = 0;
};

// The receiving side of at-least-once delivery: a message's key is accepted once, in the
// same unit of work as the message's effect, so the effect happens exactly once.
class Inbox {
 public:
  virtual ~Inbox() = default;

  // True the first time `key` is seen; false for a repeat.
  virtual Result<bool> Accept(std::string_view key, std::chrono::sys_seconds at) = 0;
};

}  // namespace icp
