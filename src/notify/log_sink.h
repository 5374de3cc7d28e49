#pragma once

#include "base/result.h"
#include "ports/message_sink.h"

namespace icp::notify {

// The default notification sink: writes one log line per message (topic, idempotency key,
// attempt and the payload, which names the template, the account, the application and the
// parameters; the outbox holds no personal data, so neither does the line) and delivers
// nothing. For installs without mail or SMS, and for development.
class LogSink final : public MessageSink {
 public:
  Result<void> Deliver(const ClaimedMessage& message) override;
};

}  // namespace icp::notify
