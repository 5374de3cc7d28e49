#include "app/outbox_dispatcher.h"

#include <algorithm>

namespace icp {

std::chrono::sys_seconds OutboxDispatcher::RetryAt(std::chrono::sys_seconds now,
                                                   int attempts) const {
  std::chrono::seconds wait = options_.first_retry;
  for (int i = 1; i < attempts && wait < options_.last_retry; ++i) wait *= 2;
  return now + std::min(wait, options_.last_retry);
}

Result<OutboxDispatcher::Round> OutboxDispatcher::RunOnce(std::chrono::sys_seconds now) {
  std::vector<ClaimedMessage> claimed;
  {
    Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
    if (!uow) return std::unexpected(uow.error());
    Result<std::vector<ClaimedMessage>> got =
        (*uow)->outbox().Claim(options_.worker, now, now + options_.lease, options_.batch);
    if (!got) return std::unexpected(got.error());
    if (Result<void> c = (*uow)->Commit(); !c) return std::unexpected(c.error());
    claimed = std::move(*got);
  }
  Round round;
  for (const ClaimedMessage& m : claimed) {
    Result<void> sent = sink_.Deliver(m);
    Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
    if (!uow) return std::unexpected(uow.error());
    Result<void> recorded =
        sent ? (*uow)->outbox().MarkDelivered(m.id, options_.worker, now)
             : (*uow)->outbox().Release(m.id, options_.worker, RetryAt(now, m.attempts),
                                        sent.error().message);
    // A lost lease means another dispatcher took the message over; it is theirs now.
    if (!recorded && recorded.error().code != ErrorCode::kAborted) {
      return std::unexpected(recorded.error());
    }
    if (recorded) {
      if (Result<void> c = (*uow)->Commit(); !c) return std::unexpected(c.error());
    }
    ++(sent ? round.delivered : round.retried);
  }
  return round;
}

}  // namespace icp
