#include "ports/outbox.h"

namespace icp {

std::string_view OutboxStateName(OutboxState state) {
  switch (state) {
    case OutboxState::kPending:
      return "pending";
    case OutboxState::kDelivered:
      return "delivered";
    case OutboxState::kDead:
      return "dead";
  }
  return "unknown";
}

Result<void> CheckClaim(std::string_view worker, std::chrono::sys_seconds now,
                        std::chrono::sys_seconds lease_until) {
  if (worker.empty()) return InvalidArgument("an outbox claim needs the worker's identity");
  if (lease_until <= now) return InvalidArgument("an outbox lease must end after it starts");
  return {};
}

}  // namespace icp
