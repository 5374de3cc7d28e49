#include "app/outbox_dispatcher.h"

#include <gtest/gtest.h>

#include <map>

#include "ports/testing/fake_clock.h"
#include "storage/memory/database.h"

namespace icp {
namespace {

using std::chrono::seconds;
constexpr std::chrono::sys_seconds kT0{seconds(1'795'000'000)};

// The other side: applies each message's effect once per idempotency key, in the same unit
// of work as the key (its own store's Inbox), however often the message arrives. Each
// delivery takes `takes` on the clock.
class Receiver final : public MessageSink {
 public:
  explicit Receiver(FakeClock& clock) : clock_(clock) {}

  Result<void> Deliver(const ClaimedMessage& m) override {
    ++arrivals[m.message.idempotency_key];
    clock_.Advance(takes);
    if (down) return Unavailable("receiver down");
    Result<std::unique_ptr<UnitOfWork>> uow = store->Begin();
    if (!uow) return std::unexpected(uow.error());
    Result<bool> first = (*uow)->inbox().Accept(m.message.idempotency_key, kT0);
    if (!first) return std::unexpected(first.error());
    if (*first) ++effects[m.message.idempotency_key];
    return (*uow)->Commit();
  }

  std::unique_ptr<memory::Database> store = memory::Database::Create();
  std::map<std::string, int> arrivals;
  std::map<std::string, int> effects;
  bool down = false;
  seconds takes{0};

 private:
  FakeClock& clock_;
};

class OutboxDispatcherTest : public ::testing::Test {
 protected:
  void Enqueue(const std::string& key) {
    auto uow = std::move(*db_->Begin());
    ASSERT_TRUE(*uow->outbox().Enqueue({"bureau.submit", key, "{}", kT0}));
    ASSERT_TRUE(uow->Commit());
  }
  OutboxStats Stats() { return *(*db_->Begin())->outbox().Stats(); }
  OutboxDispatcher Dispatcher(DispatcherOptions options) {
    Result<OutboxDispatcher> d = OutboxDispatcher::Create(*db_, receiver_, clock_, options);
    EXPECT_TRUE(d.has_value()) << d.error().message;
    return std::move(*d);
  }
  std::vector<OutboxEntry> Dead() { return *(*db_->Begin())->outbox().List({.dead_only = true}); }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  FakeClock clock_{kT0};
  Receiver receiver_{clock_};
};

TEST_F(OutboxDispatcherTest, DeliversEachMessageAndRecordsIt) {
  Enqueue("a");
  Enqueue("b");
  OutboxDispatcher dispatcher = Dispatcher({.worker = "w1"});
  Result<OutboxDispatcher::Round> round = dispatcher.RunOnce();
  ASSERT_TRUE(round.has_value());
  EXPECT_EQ(round->delivered, 2);
  EXPECT_EQ(Stats().delivered, 2);
  clock_.Advance(seconds(1));
  EXPECT_EQ(dispatcher.RunOnce()->delivered, 0);
}

TEST_F(OutboxDispatcherTest, RefusesOptionsWithoutAWorkerOrALeaseLongEnoughForADelivery) {
  auto refused = [&](DispatcherOptions o) {
    Result<OutboxDispatcher> d = OutboxDispatcher::Create(*db_, receiver_, clock_, o);
    return d.has_value() ? std::string("accepted") : d.error().message;
  };
  EXPECT_NE(refused({}).find("dispatcher.worker"), std::string::npos) << "no shared default";
  EXPECT_NE(refused({.worker = "w",
                     .lease = seconds(14),
                     .delivery_timeout = seconds(10),
                     .safety_margin = seconds(5)})
                .find("dispatcher.lease (14 s) must cover one delivery"),
            std::string::npos);
  EXPECT_NE(refused({.worker = "w", .max_attempts = 0}).find("max_attempts"), std::string::npos);
  EXPECT_NE(refused({.worker = "w", .batch = 0}).find("batch"), std::string::npos);
  EXPECT_EQ(refused({.worker = "w",
                     .lease = seconds(15),
                     .delivery_timeout = seconds(10),
                     .safety_margin = seconds(5)}),
            "accepted");
}

TEST_F(OutboxDispatcherTest, ACrashedDispatcherIsResumedAndTheEffectHappensOnce) {
  Enqueue("application:1:submit:1");
  // Dispatcher A claims and delivers, then dies before recording the delivery.
  {
    auto uow = std::move(*db_->Begin());
    std::vector<ClaimedMessage> claimed = *uow->outbox().Claim("A", kT0, kT0 + seconds(60), 10);
    ASSERT_TRUE(uow->Commit());
    ASSERT_EQ(claimed.size(), 1u);
    ASSERT_TRUE(receiver_.Deliver(claimed[0]));
  }
  OutboxDispatcher b = Dispatcher({.worker = "B", .lease = seconds(60)});
  clock_.Set(kT0 + seconds(30));
  EXPECT_EQ(b.RunOnce()->delivered, 0) << "A's lease still holds";
  clock_.Set(kT0 + seconds(61));
  EXPECT_EQ(b.RunOnce()->delivered, 1) << "B resumes after the lease";
  EXPECT_EQ(receiver_.arrivals["application:1:submit:1"], 2) << "delivered at least once";
  EXPECT_EQ(receiver_.effects["application:1:submit:1"], 1) << "applied exactly once";
  EXPECT_EQ(Stats().delivered, 1);
  EXPECT_EQ(Stats().pending, 0);
}

TEST_F(OutboxDispatcherTest, ARefusingReceiverIsRetriedWithBackoff) {
  Enqueue("k");
  receiver_.down = true;
  OutboxDispatcher d =
      Dispatcher({.worker = "w", .first_retry = seconds(10), .last_retry = seconds(40)});
  auto at = [&](int s) {
    clock_.Set(kT0 + seconds(s));
    return *d.RunOnce();
  };
  EXPECT_EQ(at(0).retried, 1);
  EXPECT_EQ(at(9).retried, 0) << "first retry after 10 s";
  EXPECT_EQ(at(10).retried, 1);
  EXPECT_EQ(at(29).retried, 0) << "then 20 s";
  EXPECT_EQ(at(30).retried, 1);
  receiver_.down = false;
  EXPECT_EQ(at(70).delivered, 1) << "then 40 s, the cap";
  EXPECT_EQ(receiver_.effects["k"], 1);
}

// The lease is 60 s and one delivery may take 10 s plus a 5 s margin, so no delivery may
// start after 45 s. Each takes 20 s here: deliveries start at 0, 20 and 40; the fourth
// would start at 60, when the lease has run out, and is handed back with the rest.
TEST_F(OutboxDispatcherTest, StopsDeliveringBeforeTheLeaseRunsOutAndHandsTheRestBack) {
  for (int i = 0; i < 6; ++i) Enqueue("k" + std::to_string(i));
  receiver_.takes = seconds(20);
  OutboxDispatcher d = Dispatcher({.worker = "w",
                                   .lease = seconds(60),
                                   .delivery_timeout = seconds(10),
                                   .safety_margin = seconds(5),
                                   .batch = 6});
  OutboxDispatcher::Round round = *d.RunOnce();
  EXPECT_EQ(round.delivered, 3);
  EXPECT_EQ(round.handed_back, 3);
  EXPECT_EQ(receiver_.arrivals.size(), 3u) << "nothing delivered past the lease's safe end";
  // Handed back at once, and without an attempt counted: another dispatcher takes them now.
  auto uow = std::move(*db_->Begin());
  std::vector<ClaimedMessage> rest =
      *uow->outbox().Claim("other", clock_.Now(), clock_.Now() + seconds(60), 10);
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0].message.idempotency_key, "k3");
  EXPECT_EQ(rest[0].attempts, 1);
}

TEST_F(OutboxDispatcherTest, AMessageThatKeepsFailingBecomesADeadLetterUntilRetried) {
  Enqueue("k");
  receiver_.down = true;
  OutboxDispatcher d = Dispatcher(
      {.worker = "w", .max_attempts = 3, .first_retry = seconds(10), .last_retry = seconds(10)});
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(d.RunOnce()->retried, 1);
    clock_.Advance(seconds(10));
  }
  EXPECT_EQ(d.RunOnce()->dead, 1) << "the third failure is the last";
  EXPECT_EQ(Stats().dead, 1);
  EXPECT_EQ(Stats().pending, 0);
  ASSERT_EQ(Dead().size(), 1u);
  EXPECT_EQ(Dead()[0].last_error, "receiver down");
  EXPECT_EQ(Dead()[0].attempts, 3);
  clock_.Advance(seconds(3600));
  EXPECT_EQ(d.RunOnce()->retried + d.RunOnce()->delivered, 0) << "a dead letter is not sent";
  EXPECT_EQ(receiver_.arrivals["k"], 3);

  receiver_.down = false;
  {
    const OutboxMessageId dead = Dead()[0].id;
    auto uow = std::move(*db_->Begin());
    ASSERT_TRUE(uow->outbox().Retry(dead, clock_.Now()));
    ASSERT_TRUE(uow->Commit());
  }
  EXPECT_EQ(d.RunOnce()->delivered, 1) << "an operator's retry sends it again";
  EXPECT_EQ(receiver_.effects["k"], 1);
  EXPECT_EQ(Stats().dead, 0);
}

// Dispatchers that die while delivering leave no outcome; the attempts still count, and
// the dispatcher that finds the limit passed declares the message dead without sending it.
TEST_F(OutboxDispatcherTest, AMessageWhoseDispatchersKeepDyingBecomesADeadLetter) {
  Enqueue("k");
  for (int i = 0; i < 3; ++i) {
    auto uow = std::move(*db_->Begin());
    ASSERT_EQ(uow->outbox().Claim("crashing", clock_.Now(), clock_.Now() + seconds(60), 1)->size(),
              1u);
    ASSERT_TRUE(uow->Commit());
    clock_.Advance(seconds(61));
  }
  OutboxDispatcher d = Dispatcher({.worker = "w", .max_attempts = 3});
  EXPECT_EQ(d.RunOnce()->dead, 1);
  EXPECT_EQ(receiver_.arrivals["k"], 0) << "not sent a fourth time";
  ASSERT_EQ(Dead().size(), 1u);
  EXPECT_EQ(Dead()[0].last_error, "no outcome was recorded for 3 attempts");
}

}  // namespace
}  // namespace icp
