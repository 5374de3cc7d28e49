#include "notify/log_sink.h"

#include <spdlog/spdlog.h>

namespace icp::notify {

Result<void> LogSink::Deliver(const ClaimedMessage& message) {
  spdlog::info("notification {} key={} attempt={} payload={}", message.message.topic,
               message.message.idempotency_key, message.attempts, message.message.payload);
  return {};
}

}  // namespace icp::notify
