#pragma once

#include "base/result.h"
#include "ports/outbox.h"

namespace icp {

// Where the outbox dispatcher sends a message: the bureau gateway, the notifier. Delivery is
// at least once; the message's idempotency key travels with it (an Idempotency-Key header
// over HTTP), and the receiver applies each key once (Inbox).
class MessageSink {
 public:
  virtual ~MessageSink() = default;

  // kUnavailable / kDeadlineExceeded: try again later; any other error also retries, with
  // the message kept, since dropping a filing is never right.
  virtual Result<void> Deliver(const ClaimedMessage& message) = 0;
};

}  // namespace icp
