#include "app/outbox_dispatcher.h"

#include <algorithm>
#include <string>

namespace icp {

Result<void> Validate(const DispatcherOptions& o) {
  if (o.worker.empty()) {
    return InvalidArgument("dispatcher.worker: each dispatcher needs its own worker identity");
  }
  if (o.delivery_timeout <= std::chrono::seconds(0) || o.safety_margin < std::chrono::seconds(0)) {
    return InvalidArgument(
        "dispatcher.delivery_timeout must be positive and dispatcher.safety_margin not negative");
  }
  if (o.lease < o.delivery_timeout + o.safety_margin) {
    return InvalidArgument("dispatcher.lease (" + std::to_string(o.lease.count()) +
                           " s) must cover one delivery: delivery_timeout + safety_margin = " +
                           std::to_string((o.delivery_timeout + o.safety_margin).count()) + " s");
  }
  if (o.batch == 0) return InvalidArgument("dispatcher.batch must be at least 1");
  if (o.max_attempts < 1) return InvalidArgument("dispatcher.max_attempts must be at least 1");
  if (o.first_retry <= std::chrono::seconds(0) || o.last_retry < o.first_retry) {
    return InvalidArgument(
        "dispatcher.first_retry must be positive and dispatcher.last_retry at least as long");
  }
  return {};
}

Result<OutboxDispatcher> OutboxDispatcher::Create(Database& db, MessageSink& sink, Clock& clock,
                                                  DispatcherOptions options) {
  if (Result<void> valid = Validate(options); !valid) return std::unexpected(valid.error());
  return OutboxDispatcher(db, sink, clock, std::move(options));
}

std::chrono::sys_seconds OutboxDispatcher::RetryAt(std::chrono::sys_seconds now,
                                                   int attempts) const {
  std::chrono::seconds wait = options_.first_retry;
  for (int i = 1; i < attempts && wait < options_.last_retry; ++i) wait *= 2;
  return now + std::min(wait, options_.last_retry);
}

Result<std::vector<ClaimedMessage>> OutboxDispatcher::Claim(std::chrono::sys_seconds now) {
  Result<std::unique_ptr<UnitOfWork>> uow = db_->Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<std::vector<ClaimedMessage>> got =
      (*uow)->outbox().Claim(options_.worker, now, now + options_.lease, options_.batch);
  if (!got) return std::unexpected(got.error());
  if (Result<void> c = (*uow)->Commit(); !c) return std::unexpected(c.error());
  return got;
}

Result<OutboxDispatcher::Round> OutboxDispatcher::RunOnce() {
  const std::chrono::sys_seconds claimed_at = clock_->Now();
  Result<std::vector<ClaimedMessage>> claimed = Claim(claimed_at);
  if (!claimed) return std::unexpected(claimed.error());
  const std::chrono::sys_seconds lease_until = claimed_at + options_.lease;
  // The last moment a delivery may start and still end, with its outcome recorded, while
  // the lease holds.
  const std::chrono::sys_seconds last_start =
      lease_until - options_.delivery_timeout - options_.safety_margin;
  Round round;
  for (std::size_t i = 0; i < claimed->size(); ++i) {
    const ClaimedMessage& m = (*claimed)[i];
    if (clock_->Now() > last_start) {
      if (Result<void> back = HandBack(std::span(*claimed).subspan(i)); !back) {
        return std::unexpected(back.error());
      }
      round.handed_back = static_cast<int>(claimed->size() - i);
      break;
    }
    // More attempts than allowed means earlier ones left no outcome (a dispatcher died
    // delivering it): it is not sent again.
    Result<void> sent = m.attempts > options_.max_attempts
                            ? Unavailable("no outcome was recorded for " +
                                          std::to_string(m.attempts - 1) + " attempts")
                            : sink_->Deliver(m);
    if (Result<void> recorded = Record(m, sent, round); !recorded) {
      return std::unexpected(recorded.error());
    }
  }
  return round;
}

Result<void> OutboxDispatcher::Record(const ClaimedMessage& m, const Result<void>& sent,
                                      Round& round) {
  const std::chrono::sys_seconds now = clock_->Now();
  const bool last = !sent && m.attempts >= options_.max_attempts;
  Result<std::unique_ptr<UnitOfWork>> uow = db_->Begin();
  if (!uow) return std::unexpected(uow.error());
  Outbox& outbox = (*uow)->outbox();
  Result<void> recorded = sent   ? outbox.MarkDelivered(m.id, options_.worker, now)
                          : last ? outbox.MarkDead(m.id, options_.worker, now, sent.error().message)
                                 : outbox.Release(m.id, options_.worker, RetryAt(now, m.attempts),
                                                  sent.error().message);
  // A lost lease means another dispatcher took the message over; it is theirs now.
  if (!recorded && recorded.error().code != ErrorCode::kAborted) {
    return std::unexpected(recorded.error());
  }
  if (recorded) {
    if (Result<void> c = (*uow)->Commit(); !c) return std::unexpected(c.error());
  }
  ++(sent ? round.delivered : (last ? round.dead : round.retried));
  return {};
}

Result<void> OutboxDispatcher::HandBack(std::span<const ClaimedMessage> rest) {
  Result<std::unique_ptr<UnitOfWork>> uow = db_->Begin();
  if (!uow) return std::unexpected(uow.error());
  for (const ClaimedMessage& m : rest) {
    Result<void> r = (*uow)->outbox().Unclaim(m.id, options_.worker);
    // Lost already: the lease ran out and another dispatcher has it. Leave the rest to run
    // out too; nothing of this unit of work is stored.
    if (!r) return r.error().code == ErrorCode::kAborted ? Result<void>() : r;
  }
  return (*uow)->Commit();
}

}  // namespace icp
