#include "app/outbox_dispatcher.h"

#include <gtest/gtest.h>

#include <map>

#include "storage/memory/database.h"

namespace icp {
namespace {

using std::chrono::seconds;
constexpr std::chrono::sys_seconds kT0{seconds(1'795'000'000)};

// The other side: applies each message's effect once per idempotency key, in the same unit
// of work as the key (its own store's Inbox), however often the message arrives.
class Receiver final : public MessageSink {
 public:
  Result<void> Deliver(const ClaimedMessage& m) override {
    ++arrivals[m.message.idempotency_key];
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
};

class OutboxDispatcherTest : public ::testing::Test {
 protected:
  void Enqueue(const std::string& key) {
    auto uow = std::move(*db_->Begin());
    ASSERT_TRUE(*uow->outbox().Enqueue({"bureau.submit", key, "{}", kT0}));
    ASSERT_TRUE(uow->Commit());
  }
  OutboxStats Stats() { return *(*db_->Begin())->outbox().Stats(); }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  Receiver receiver_;
};

TEST_F(OutboxDispatcherTest, DeliversEachMessageAndRecordsIt) {
  Enqueue("a");
  Enqueue("b");
  OutboxDispatcher dispatcher(*db_, receiver_, {.worker = "w1"});
  Result<OutboxDispatcher::Round> round = dispatcher.RunOnce(kT0);
  ASSERT_TRUE(round.has_value());
  EXPECT_EQ(round->delivered, 2);
  EXPECT_EQ(Stats().delivered, 2);
  EXPECT_EQ(dispatcher.RunOnce(kT0 + seconds(1))->delivered, 0);
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
  OutboxDispatcher b(*db_, receiver_, {.worker = "B", .lease = seconds(60)});
  EXPECT_EQ(b.RunOnce(kT0 + seconds(30))->delivered, 0) << "A's lease still holds";
  EXPECT_EQ(b.RunOnce(kT0 + seconds(61))->delivered, 1) << "B resumes after the lease";
  EXPECT_EQ(receiver_.arrivals["application:1:submit:1"], 2) << "delivered at least once";
  EXPECT_EQ(receiver_.effects["application:1:submit:1"], 1) << "applied exactly once";
  EXPECT_EQ(Stats().delivered, 1);
  EXPECT_EQ(Stats().pending, 0);
}

TEST_F(OutboxDispatcherTest, ARefusingReceiverIsRetriedWithBackoff) {
  Enqueue("k");
  receiver_.down = true;
  OutboxDispatcher d(*db_, receiver_,
                     {.worker = "w", .first_retry = seconds(10), .last_retry = seconds(40)});
  EXPECT_EQ(d.RunOnce(kT0)->retried, 1);
  EXPECT_EQ(d.RunOnce(kT0 + seconds(9))->retried, 0) << "first retry after 10 s";
  EXPECT_EQ(d.RunOnce(kT0 + seconds(10))->retried, 1);
  EXPECT_EQ(d.RunOnce(kT0 + seconds(29))->retried, 0) << "then 20 s";
  EXPECT_EQ(d.RunOnce(kT0 + seconds(30))->retried, 1);
  receiver_.down = false;
  EXPECT_EQ(d.RunOnce(kT0 + seconds(70))->delivered, 1) << "then 40 s, the cap";
  EXPECT_EQ(receiver_.effects["k"], 1);
}

}  // namespace
}  // namespace icp
