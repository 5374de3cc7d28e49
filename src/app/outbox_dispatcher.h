#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "ports/clock.h"
#include "ports/database.h"
#include "ports/message_sink.h"

namespace icp {

struct DispatcherOptions {
  // This dispatcher's own identity, unique among every dispatcher sharing the store
  // (exe/ builds it from the host, the process id and a random part). Required.
  std::string worker{};
  // How long a claimed batch is leased: a message is sent again this long after a crash.
  std::chrono::seconds lease{60};
  // How long the sink may take to deliver one message before giving up (its own timeout).
  std::chrono::seconds delivery_timeout{10};
  // Kept in hand on top of the delivery timeout before the lease ends: clocks of
  // dispatchers on different hosts disagree a little, and recording an outcome takes time.
  std::chrono::seconds safety_margin{5};
  std::size_t batch = 20;
  // Deliveries tried before a message becomes a dead letter (`icpctl outbox list --dead`).
  int max_attempts = 10;
  std::chrono::seconds first_retry{10};   // doubles per attempt ...
  std::chrono::seconds last_retry{3600};  // ... up to this
};

// kInvalidArgument naming the option: no worker identity, a lease too short for one
// delivery (lease < delivery_timeout + safety_margin), no batch, no attempt, or retry
// waits that are not positive and increasing.
Result<void> Validate(const DispatcherOptions& options);

// Sends what the outbox holds (STYLE.md §2.4 "later"). Each round claims a batch under a
// lease and commits the claim, delivers each message, and records each outcome in its own
// unit of work. Before each delivery it reads the clock: when the lease has less than one
// delivery timeout plus the safety margin left, it hands the rest of the batch back
// unattempted, so no message is delivered by a dispatcher whose lease may have run out. A
// dispatcher that dies after delivering but before recording leaves the lease to run out;
// the next round anywhere sends the message again with the same key, and the receiver's
// Inbox makes its effect happen once. A message that fails `max_attempts` times (a crash
// during a delivery counts) becomes a dead letter.
class OutboxDispatcher {
 public:
  // kInvalidArgument for options that Validate() refuses.
  static Result<OutboxDispatcher> Create(Database& db, MessageSink& sink, Clock& clock,
                                         DispatcherOptions options);

  struct Round {
    int delivered = 0;
    int retried = 0;      // failed, released for a later attempt
    int dead = 0;         // failed for the last time: now a dead letter
    int handed_back = 0;  // not attempted: too little of the lease was left
  };

  // One round. Errors are the store's; delivery failures are retried, not errors.
  Result<Round> RunOnce();

  const DispatcherOptions& options() const { return options_; }

 private:
  OutboxDispatcher(Database& db, MessageSink& sink, Clock& clock, DispatcherOptions options)
      : db_(&db), sink_(&sink), clock_(&clock), options_(std::move(options)) {}

  Result<std::vector<ClaimedMessage>> Claim(std::chrono::sys_seconds now);
  // Records what became of one delivery in its own unit of work.
  Result<void> Record(const ClaimedMessage& m, const Result<void>& sent, Round& round);
  Result<void> HandBack(std::span<const ClaimedMessage> rest);
  std::chrono::sys_seconds RetryAt(std::chrono::sys_seconds now, int attempts) const;

  Database* db_;
  MessageSink* sink_;
  Clock* clock_;
  DispatcherOptions options_;
};

}  // namespace icp
