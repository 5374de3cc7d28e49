// The outbox's contract (docs/storage.md "The outbox and the inbox"): leases that only their
// holder ends, dead letters, and the operator's compare-and-set retry, on every store.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "storage/testing/contract.h"
#include "storage/testing/fixtures.h"

namespace icp::storage_testing {
namespace {

using std::chrono::seconds;

class OutboxContract : public ContractTest {
 protected:
  void Enqueue(int n, std::chrono::sys_seconds at = kT0) {
    auto uow = Begin();
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(*uow->outbox().Enqueue({"bureau.submit", "k" + std::to_string(i), "{}", at}));
    }
    ASSERT_TRUE(uow->Commit().has_value());
  }

  std::vector<ClaimedMessage> Claim(std::string_view worker, std::chrono::sys_seconds now,
                                    std::size_t limit = 10) {
    auto uow = Begin();
    Result<std::vector<ClaimedMessage>> got =
        uow->outbox().Claim(worker, now, now + seconds(60), limit);
    EXPECT_TRUE(got.has_value()) << got.error().message;
    EXPECT_TRUE(uow->Commit().has_value());
    return got ? *got : std::vector<ClaimedMessage>{};
  }

  // Runs `step` in its own unit of work and commits it if it succeeded.
  template <class F>
  Result<void> InUnit(F&& step) {
    auto uow = Begin();
    Result<void> r = step(uow->outbox());
    if (!r) return r;
    return uow->Commit();
  }

  OutboxStats Stats() { return *Begin()->outbox().Stats(); }
  std::vector<OutboxEntry> List(bool dead_only) {
    return *Begin()->outbox().List({.dead_only = dead_only});
  }
};

TEST_P(OutboxContract, AClaimNeedsAWorkerAndALeaseThatEndsLater) {
  Enqueue(1);
  auto uow = Begin();
  Result<std::vector<ClaimedMessage>> anonymous =
      uow->outbox().Claim("", kT0, kT0 + seconds(60), 1);
  ASSERT_FALSE(anonymous.has_value());
  EXPECT_EQ(anonymous.error().code, ErrorCode::kInvalidArgument);
  Result<std::vector<ClaimedMessage>> over = uow->outbox().Claim("w", kT0, kT0, 1);
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(OutboxContract, OnlyTheLeaseHolderEndsTheLease) {
  Enqueue(1);
  const OutboxMessageId id = Claim("holder", kT0).at(0).id;
  const std::vector<std::pair<std::string, std::function<Result<void>(Outbox&)>>> moves = {
      {"delivered", [&](Outbox& o) { return o.MarkDelivered(id, "other", kT0); }},
      {"released", [&](Outbox& o) { return o.Release(id, "other", kT0, "x"); }},
      {"unclaimed", [&](Outbox& o) { return o.Unclaim(id, "other"); }},
      {"dead", [&](Outbox& o) { return o.MarkDead(id, "other", kT0, "x"); }},
      {"by no one", [&](Outbox& o) { return o.MarkDelivered(id, "", kT0); }},
  };
  for (const auto& [what, move] : moves) {
    Result<void> r = InUnit(move);
    ASSERT_FALSE(r.has_value()) << what;
    EXPECT_EQ(r.error().code, ErrorCode::kAborted) << what;
    EXPECT_EQ(r.error().rule(), "outbox.lease-lost") << what;
  }
  // Even after the lease ran out, the next claimer holds it, not the old holder.
  const OutboxMessageId again = Claim("next", kT0 + seconds(61)).at(0).id;
  EXPECT_EQ(again, id);
  EXPECT_EQ(InUnit([&](Outbox& o) { return o.MarkDelivered(id, "holder", kT0); }).error().rule(),
            "outbox.lease-lost");
  std::vector<OutboxEntry> pending = List(false);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].lease_owner, "next");
  EXPECT_EQ(pending[0].attempts, 2);
  EXPECT_TRUE(InUnit([&](Outbox& o) { return o.MarkDelivered(id, "next", kT0); }).has_value());
  EXPECT_EQ(Stats().delivered, 1);
}

TEST_P(OutboxContract, UnclaimEndsTheLeaseAndTakesTheAttemptBack) {
  Enqueue(2);
  std::vector<ClaimedMessage> a = Claim("a", kT0);
  ASSERT_EQ(a.size(), 2u);
  ASSERT_TRUE(InUnit([&](Outbox& o) { return o.Unclaim(a[1].id, "a"); }).has_value());
  std::vector<ClaimedMessage> b = Claim("b", kT0);
  ASSERT_EQ(b.size(), 1u) << "at once, without waiting for the lease";
  EXPECT_EQ(b[0].id, a[1].id);
  EXPECT_EQ(b[0].attempts, 1) << "the unattempted claim did not count";
}

TEST_P(OutboxContract, ADeadLetterIsListedCountedAndNeverClaimed) {
  Enqueue(3);
  std::vector<ClaimedMessage> a = Claim("a", kT0);
  ASSERT_EQ(a.size(), 3u);
  ASSERT_TRUE(InUnit([&](Outbox& o) -> Result<void> {
                if (Result<void> r = o.MarkDead(a[0].id, "a", kT0 + seconds(1), "HTTP 500"); !r)
                  return r;
                return o.MarkDelivered(a[1].id, "a", kT0 + seconds(1));
              }).has_value());
  OutboxStats stats = Stats();
  EXPECT_EQ(stats.pending, 1);
  EXPECT_EQ(stats.delivered, 1);
  EXPECT_EQ(stats.dead, 1);
  std::vector<OutboxEntry> dead = List(true);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].id, a[0].id);
  EXPECT_EQ(dead[0].state, OutboxState::kDead);
  EXPECT_EQ(dead[0].message.idempotency_key, "k0");
  EXPECT_EQ(dead[0].attempts, 1);
  EXPECT_EQ(dead[0].last_error, "HTTP 500");
  EXPECT_EQ(dead[0].finished_at, kT0 + seconds(1));
  EXPECT_FALSE(dead[0].lease_owner.has_value());
  std::vector<OutboxEntry> undelivered = List(false);
  ASSERT_EQ(undelivered.size(), 2u) << "dead and pending; delivered is not listed";
  EXPECT_EQ(undelivered[0].state, OutboxState::kDead);
  EXPECT_EQ(undelivered[1].state, OutboxState::kPending);
  EXPECT_EQ(undelivered[1].lease_owner, "a");
  EXPECT_EQ(undelivered[1].lease_until, kT0 + seconds(60));
  std::vector<ClaimedMessage> later = Claim("b", kT0 + seconds(3600));
  ASSERT_EQ(later.size(), 1u) << "the dead letter stays where it is";
  EXPECT_EQ(later[0].id, a[2].id);
  EXPECT_EQ(
      InUnit([&](Outbox& o) { return o.MarkDead(a[0].id, "a", kT0, "again"); }).error().rule(),
      "outbox.lease-lost")
      << "a dead letter holds no lease";
}

TEST_P(OutboxContract, RetryIsACompareAndSetFromDead) {
  Enqueue(2);
  std::vector<ClaimedMessage> a = Claim("a", kT0);
  ASSERT_TRUE(InUnit([&](Outbox& o) { return o.MarkDead(a[0].id, "a", kT0, "gone"); }));
  ASSERT_TRUE(InUnit([&](Outbox& o) { return o.MarkDelivered(a[1].id, "a", kT0); }));
  const std::chrono::sys_seconds now = kT0 + seconds(7200);
  ASSERT_TRUE(InUnit([&](Outbox& o) { return o.Retry(a[0].id, now); }).has_value());
  for (OutboxMessageId id : {a[0].id, a[1].id}) {  // retried already; delivered
    Result<void> r = InUnit([&](Outbox& o) { return o.Retry(id, now); });
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_EQ(r.error().rule(), "outbox.not-dead");
  }
  Result<void> missing = InUnit([&](Outbox& o) { return o.Retry(OutboxMessageId(999), now); });
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Stats().dead, 0);
  EXPECT_EQ(Stats().pending, 1);
  EXPECT_TRUE(Claim("b", now - seconds(1)).empty()) << "available from the retry on";
  std::vector<ClaimedMessage> b = Claim("b", now);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].attempts, 1) << "attempts counted afresh";
  EXPECT_EQ(List(false).at(0).last_error, "gone") << "the last error is kept";
}

TEST_P(OutboxContract, ListPagesInIdOrder) {
  Enqueue(5);
  auto uow = Begin();
  std::vector<OutboxEntry> first = *uow->outbox().List({.limit = 2});
  ASSERT_EQ(first.size(), 2u);
  std::vector<OutboxEntry> next = *uow->outbox().List({.after = first.back().id, .limit = 10});
  ASSERT_EQ(next.size(), 3u);
  EXPECT_EQ(next[0].message.idempotency_key, "k2");
  EXPECT_EQ(next[0].state, OutboxState::kPending);
}

// Workers on their own threads claim, deliver into the store's Inbox and record, all at
// once: every message arrives exactly once, since no two hold it while a lease holds.
TEST_P(OutboxContract, ConcurrentWorkersNeverShareAMessage) {
  constexpr int kMessages = 120;
  Enqueue(kMessages);
  std::mutex mutex;
  std::map<std::string, std::vector<std::string>> deliveries;
  std::atomic<int> errors = 0;
  auto work = [&](std::string worker) {
    for (;;) {
      std::vector<ClaimedMessage> got;
      {
        Result<std::unique_ptr<UnitOfWork>> uow = db_->Begin();
        if (!uow) {
          ++errors;
          return;
        }
        Result<std::vector<ClaimedMessage>> c =
            (*uow)->outbox().Claim(worker, kT0, kT0 + seconds(600), 7);
        if (!c || !(*uow)->Commit()) {
          ++errors;
          return;
        }
        got = std::move(*c);
      }
      if (got.empty()) return;
      for (const ClaimedMessage& m : got) {
        {
          std::lock_guard lock(mutex);
          deliveries[m.message.idempotency_key].push_back(worker);
        }
        Result<std::unique_ptr<UnitOfWork>> uow = db_->Begin();
        if (!uow || !(*uow)->inbox().Accept(m.message.idempotency_key, kT0) ||
            !(*uow)->outbox().MarkDelivered(m.id, worker, kT0) || !(*uow)->Commit()) {
          ++errors;
        }
      }
    }
  };
  std::vector<std::thread> workers;
  for (int i = 0; i < 3; ++i) workers.emplace_back(work, "worker-" + std::to_string(i));
  for (std::thread& t : workers) t.join();
  EXPECT_EQ(errors, 0);
  ASSERT_EQ(deliveries.size(), static_cast<std::size_t>(kMessages));
  for (const auto& [key, by] : deliveries) EXPECT_EQ(by.size(), 1u) << key;
  EXPECT_EQ(Stats().delivered, kMessages);
}

INSTANTIATE_TEST_SUITE_P(Stores, OutboxContract, ::testing::ValuesIn(StoresUnderTest()),
                         [](const ::testing::TestParamInfo<StoreUnderTest>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace icp::storage_testing
