#pragma once

#include <chrono>
#include <string>

#include "base/result.h"
#include "ports/database.h"
#include "ports/message_sink.h"

namespace icp {

struct DispatcherOptions {
  std::string worker = "dispatcher";  // unique per process: "icpd-<host>-<pid>"
  std::chrono::seconds lease{60};     // a message is re-sent this long after a crash
  std::size_t batch = 20;
  std::chrono::seconds first_retry{10};   // doubles per attempt ...
  std::chrono::seconds last_retry{3600};  // ... up to this
};

// Sends what the outbox holds (STYLE.md §2.4 "later"). Each round claims a batch under a
// lease and commits the claim, delivers each message, and records each outcome in its own
// unit of work. A dispatcher that dies after delivering but before recording leaves the
// lease to run out; the next round anywhere sends the message again with the same key,
// and the receiver's Inbox makes its effect happen once.
class OutboxDispatcher {
 public:
  OutboxDispatcher(Database& db, MessageSink& sink, DispatcherOptions options)
      : db_(db), sink_(sink), options_(std::move(options)) {}

  struct Round {
    int delivered = 0;
    int retried = 0;
  };

  // One round at `now`. Errors are the store's; delivery failures are retried, not errors.
  Result<Round> RunOnce(std::chrono::sys_seconds now);

 private:
  std::chrono::sys_seconds RetryAt(std::chrono::sys_seconds now, int attempts) const;

  Database& db_;
  MessageSink& sink_;
  DispatcherOptions options_;
};

}  // namespace icp
