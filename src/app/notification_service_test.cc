// The customers' notifications (站内消息): kept with the outbox message that carries them,
// once per key, and read through NotificationService by their owner only.
#include "app/notification_service.h"

#include <gtest/gtest.h>

#include "app/notification.h"
#include "ports/testing/fake_clock.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using std::chrono::hours;
using storage_testing::kT0;

class NotificationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    alice_.account = storage_testing::CreateAccount(*db_, "alice");
    bob_.account = storage_testing::CreateAccount(*db_, "bob");
    reviewer_.account = storage_testing::CreateAccount(*db_, "reviewer");
  }

  Notification Moved(const Caller& to) const {
    return {"transfer.moved",
            to.account,
            std::nullopt,
            {{"transfer", "7"}, {"subject_number", "粤ICP备2026010001号"}}};
  }

  // Enqueues `n` under `key` in a unit of work, committed when `commit`.
  Result<bool> Tell(const Notification& n, const std::string& key, bool commit = true) {
    Result<std::unique_ptr<UnitOfWork>> uow = db_->Begin();
    if (!uow) return std::unexpected(uow.error());
    Result<bool> told = EnqueueNotification(**uow, n, key, clock_.Now());
    if (!told) return told;
    if (commit) {
      if (Result<void> ok = (*uow)->Commit(); !ok) return std::unexpected(ok.error());
    }
    return told;
  }

  std::vector<OutboxEntry> Outbox() { return *(*db_->Begin())->outbox().List({}); }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  FakeClock clock_{kT0};
  NotificationService service_{*db_, clock_};
  Caller alice_{AccountId(), Role::kCustomer};
  Caller bob_{AccountId(), Role::kCustomer};
  Caller reviewer_{AccountId(), Role::kReviewer};
};

TEST_F(NotificationServiceTest, TheConsoleKeepsTheTextTheSmsAndEmailCarryOncePerKey) {
  Result<bool> first = Tell(Moved(alice_), "transfer:7:moved");
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_TRUE(*first);
  clock_.Advance(hours(1));
  Result<bool> again = Tell(Moved(alice_), "transfer:7:moved");
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_FALSE(*again) << "a retried enqueue writes nothing";

  ASSERT_EQ(Outbox().size(), 1u);
  Result<NotificationPage> page = service_.List(alice_, std::nullopt, 10);
  ASSERT_TRUE(page.has_value()) << page.error().message;
  ASSERT_EQ(page->items.size(), 1u);
  const StoredNotification& n = page->items[0];
  // The same words the notifier sends by SMS (the body) and e-mail (subject and body).
  Result<RenderedNotification> text =
      (*NotificationTemplates::Builtin())
          ->Render(*ParseNotificationPayload(Outbox()[0].message.payload));
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(n.title, text->subject);
  EXPECT_EQ(n.body, text->body);
  EXPECT_NE(n.body.find("粤ICP备2026010001号"), std::string::npos) << n.body;
  EXPECT_EQ(n.idempotency_key, "transfer:7:moved");
  EXPECT_EQ(n.template_id, "transfer.moved");
  EXPECT_EQ(n.created_at, kT0);
  EXPECT_FALSE(n.application.has_value());
}

TEST_F(NotificationServiceTest, NothingIsKeptForAUnitOfWorkThatDidNotCommit) {
  ASSERT_TRUE(Tell(Moved(alice_), "transfer:7:moved", false).has_value());
  EXPECT_TRUE(Outbox().empty());
  EXPECT_EQ(service_.UnreadCount(alice_).value_or(-1), 0);
}

TEST_F(NotificationServiceTest, ABadNotificationIsRefusedBeforeAnythingIsWritten) {
  Notification bad = Moved(alice_);
  bad.params.erase("transfer");
  Result<bool> r = Tell(bad, "transfer:7:moved");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "notification.params");
  EXPECT_TRUE(Outbox().empty());
}

TEST_F(NotificationServiceTest, OnlyTheOwnerReadsAndMarksIt) {
  ASSERT_TRUE(Tell(Moved(alice_), "k:1").has_value());
  ASSERT_TRUE(Tell(Moved(alice_), "k:2").has_value());
  ASSERT_TRUE(Tell(Moved(bob_), "k:3").has_value());
  EXPECT_EQ(service_.UnreadCount(alice_).value_or(-1), 2);
  EXPECT_EQ(service_.UnreadCount(bob_).value_or(-1), 1);
  Result<NotificationPage> alices = service_.List(alice_, std::nullopt, 1);
  ASSERT_TRUE(alices.has_value());
  ASSERT_EQ(alices->items.size(), 1u);
  EXPECT_EQ(alices->items[0].idempotency_key, "k:2");
  ASSERT_TRUE(alices->next.has_value());
  const NotificationId newest = alices->items[0].id;

  Result<StoredNotification> by_bob = service_.MarkRead(bob_, newest);
  ASSERT_FALSE(by_bob.has_value());
  EXPECT_EQ(by_bob.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(by_bob.error().rule(), "notification.not-found");

  clock_.Advance(hours(2));
  Result<StoredNotification> read = service_.MarkRead(alice_, newest);
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_EQ(read->read_at, kT0 + hours(2));
  EXPECT_EQ(service_.UnreadCount(alice_).value_or(-1), 1);
  Result<std::int64_t> all = service_.MarkAllRead(alice_);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(*all, 1);
  EXPECT_EQ(service_.UnreadCount(alice_).value_or(-1), 0);
  EXPECT_EQ(service_.UnreadCount(bob_).value_or(-1), 1);
}

TEST_F(NotificationServiceTest, StaffHaveNoNotificationsAndPagesHaveBounds) {
  EXPECT_EQ(service_.List(reviewer_, std::nullopt, 10).error().rule(), "auth.role");
  EXPECT_EQ(service_.UnreadCount(reviewer_).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_.MarkRead(reviewer_, NotificationId(1)).error().rule(), "auth.role");
  EXPECT_EQ(service_.MarkAllRead(reviewer_).error().rule(), "auth.role");
  EXPECT_EQ(service_.List(alice_, std::nullopt, 0).error().rule(), "request.limit");
  EXPECT_EQ(service_.List(alice_, std::nullopt, kMaxNotificationPage + 1).error().rule(),
            "request.limit");
  EXPECT_TRUE(service_.List(alice_, std::nullopt, kMaxNotificationPage).has_value());
}

}  // namespace
}  // namespace icp
