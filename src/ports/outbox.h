#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
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

// Where a message is in its life. Pending until delivered; dead (a dead letter) once a
// dispatcher gave up on it, until an operator retries it. Delivered is final.
enum class OutboxState { kPending, kDelivered, kDead };

// "pending", "delivered", "dead".
std::string_view OutboxStateName(OutboxState state);

// A message as an operator sees it (`icpctl outbox list`).
struct OutboxEntry {
  OutboxMessageId id;
  OutboxMessage message;
  OutboxState state = OutboxState::kPending;
  int attempts = 0;
  std::optional<std::string> lease_owner;  // the worker holding it, while a lease is set
  std::optional<std::chrono::sys_seconds> lease_until;
  std::optional<std::chrono::sys_seconds> finished_at;  // delivered or declared dead
  std::string last_error;
};

struct OutboxQuery {
  bool dead_only = false;  // false: every message not delivered yet (pending and dead)
  OutboxMessageId after{0};
  std::size_t limit = 100;
};

struct OutboxStats {
  std::int64_t pending = 0;  // waiting or leased; neither delivered nor dead
  std::int64_t delivered = 0;
  std::int64_t dead = 0;
};

// The outbox table. A lease is held by one worker (a dispatcher process's own identity)
// and only that worker may act on it: every call that ends a lease answers kAborted (rule
// "outbox.lease-lost") when `worker` does not hold it, and changes nothing.
// What every store checks before a claim: kInvalidArgument for an empty worker or a lease
// that ends before it starts.
Result<void> CheckClaim(std::string_view worker, std::chrono::sys_seconds now,
                        std::chrono::sys_seconds lease_until);

class Outbox {
 public:
  virtual ~Outbox() = default;

  // Adds the message; false (and nothing added) if its key is already in the outbox.
  virtual Result<bool> Enqueue(const OutboxMessage& message) = 0;
  // Leases up to `limit` pending messages that are available at `now` and not leased (or
  // whose lease ran out: a dispatcher that died) to `worker` until `lease_until`, in id
  // order, and counts an attempt on each. Concurrent dispatchers never get the same
  // message while a lease holds. kInvalidArgument for an empty worker or a lease that
  // ends before it starts.
  virtual Result<std::vector<ClaimedMessage>> Claim(std::string_view worker,
                                                    std::chrono::sys_seconds now,
                                                    std::chrono::sys_seconds lease_until,
                                                    std::size_t limit) = 0;
  // The message was delivered at `at`: final.
  virtual Result<void> MarkDelivered(OutboxMessageId id, std::string_view worker,
                                     std::chrono::sys_seconds at) = 0;
  // A failed delivery: the lease ends and the message is retried from `retry_at`.
  virtual Result<void> Release(OutboxMessageId id, std::string_view worker,
                               std::chrono::sys_seconds retry_at, std::string_view error) = 0;
  // The claim is undone without a delivery: the lease ends and the attempt it counted is
  // taken back (a dispatcher whose lease would run out before it gets to the message).
  virtual Result<void> Unclaim(OutboxMessageId id, std::string_view worker) = 0;
  // The dispatcher gives up: the message becomes a dead letter at `at`, with `error`, and
  // is never claimed again unless an operator retries it.
  virtual Result<void> MarkDead(OutboxMessageId id, std::string_view worker,
                                std::chrono::sys_seconds at, std::string_view error) = 0;
  // Messages not delivered yet (or only the dead ones), in id order after `query.after`.
  virtual Result<std::vector<OutboxEntry>> List(const OutboxQuery& query) = 0;
  // Compare-and-set dead -> pending: the message is available again at `now` with its
  // attempts counted from zero; its last error is kept. kNotFound for no such message,
  // kFailedPrecondition (rule "outbox.not-dead") for one that is not dead.
  virtual Result<void> Retry(OutboxMessageId id, std::chrono::sys_seconds now) = 0;
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
