// The customers' notifications (站内消息): the contract every store passes.
#include <gtest/gtest.h>

#include "ports/storage_errors.h"
#include "storage/testing/contract.h"
#include "storage/testing/fixtures.h"

namespace icp::storage_testing {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

class NotificationContract : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    alice_ = CreateAccount(*db_, "alice-n");
    bob_ = CreateAccount(*db_, "bob-n");
    auto uow = Begin();
    Result<ApplicationId> id =
        uow->applications().Insert(NewRecord(alice_, SampleApplication(11, "notify11.cn")));
    ASSERT_TRUE(id.has_value()) << id.error().message;
    application_ = *id;
    ASSERT_TRUE(uow->Commit().has_value());
  }

  StoredNotification Note(AccountId account, std::string key,
                          std::chrono::sys_seconds at = kT0) const {
    return {NotificationId(),
            account,
            std::move(key),
            "application.approved",
            std::nullopt,
            "备案申请已通过管局审核",
            "恭喜，您的备案申请已通过管局审核，备案号已下发。",
            at,
            std::nullopt};
  }

  // Adds `n` and commits; whether it was added, or the error.
  Result<bool> Add(const StoredNotification& n) {
    auto uow = Begin();
    Result<bool> added = uow->notifications().Add(n);
    if (!added) return added;
    if (Result<void> ok = uow->Commit(); !ok) return std::unexpected(ok.error());
    return added;
  }

  // "added", "skipped" (the key was there), or the error.
  static std::string Outcome(const Result<bool>& r) {
    if (!r) return "error: " + r.error().message;
    return *r ? "added" : "skipped";
  }

  Result<NotificationPage> List(AccountId account, std::optional<NotificationId> before,
                                std::size_t limit) {
    Result<std::unique_ptr<ReadTransaction>> read = db_->BeginRead();
    if (!read) return std::unexpected(read.error());
    return (*read)->notifications().List(account, before, limit);
  }

  std::int64_t Unread(AccountId account) {
    Result<std::unique_ptr<ReadTransaction>> read = db_->BeginRead();
    EXPECT_TRUE(read.has_value());
    Result<std::int64_t> n = (*read)->notifications().UnreadCount(account);
    EXPECT_TRUE(n.has_value()) << n.error().message;
    return n.value_or(-1);
  }

  AccountId alice_;
  AccountId bob_;
  ApplicationId application_;
};

TEST_P(NotificationContract, ListsTheOwnersNewestFirstInPages) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(Outcome(Add(Note(alice_, "a:" + std::to_string(i), kT0 + seconds(i)))), "added");
  }
  ASSERT_EQ(Outcome(Add(Note(bob_, "b:0"))), "added");

  Result<NotificationPage> first = List(alice_, std::nullopt, 2);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].idempotency_key, "a:4");
  EXPECT_EQ(first->items[1].idempotency_key, "a:3");
  EXPECT_EQ(first->items[0].created_at, kT0 + seconds(4));
  EXPECT_EQ(first->items[0].title, "备案申请已通过管局审核");
  EXPECT_EQ(first->items[0].account, alice_);
  EXPECT_FALSE(first->items[0].read_at.has_value());
  ASSERT_TRUE(first->next.has_value());
  EXPECT_EQ(*first->next, first->items[1].id);

  Result<NotificationPage> second = List(alice_, first->next, 2);
  ASSERT_TRUE(second.has_value());
  ASSERT_EQ(second->items.size(), 2u);
  EXPECT_EQ(second->items[0].idempotency_key, "a:2");
  EXPECT_EQ(second->items[1].idempotency_key, "a:1");
  Result<NotificationPage> last = List(alice_, second->next, 2);
  ASSERT_TRUE(last.has_value());
  ASSERT_EQ(last->items.size(), 1u);
  EXPECT_EQ(last->items[0].idempotency_key, "a:0");
  EXPECT_FALSE(last->next.has_value());

  Result<NotificationPage> bobs = List(bob_, std::nullopt, 10);
  ASSERT_TRUE(bobs.has_value());
  ASSERT_EQ(bobs->items.size(), 1u);
  EXPECT_EQ(bobs->items[0].idempotency_key, "b:0");
  EXPECT_EQ(Unread(alice_), 5);
  EXPECT_EQ(Unread(bob_), 1);
}

TEST_P(NotificationContract, OneNotificationPerKey) {
  ASSERT_EQ(Outcome(Add(Note(alice_, "application:1:approved:7"))), "added");
  StoredNotification again = Note(alice_, "application:1:approved:7", kT0 + hours(1));
  again.title = "另一个标题";
  EXPECT_EQ(Outcome(Add(again)), "skipped");
  Result<NotificationPage> page = List(alice_, std::nullopt, 10);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].title, "备案申请已通过管局审核");
  EXPECT_EQ(page->items[0].created_at, kT0);
}

TEST_P(NotificationContract, MarkReadOnceAndOnlyTheOwners) {
  ASSERT_EQ(Outcome(Add(Note(alice_, "a:1"))), "added");
  Result<NotificationPage> page = List(alice_, std::nullopt, 10);
  ASSERT_TRUE(page.has_value());
  const NotificationId id = page->items.at(0).id;

  {  // Bob may not: not found, as if it did not exist, and nothing changes.
    auto uow = Begin();
    Result<StoredNotification> r = uow->notifications().MarkRead(bob_, id, kT0 + hours(1));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
    ASSERT_EQ(r.error().violations.size(), 1u);
    EXPECT_EQ(r.error().violations[0].rule, "notification.not-found");
    ASSERT_TRUE(uow->Commit().has_value()) << "a not-found leaves the unit of work usable";
  }
  EXPECT_EQ(Unread(alice_), 1);
  {
    auto uow = Begin();
    Result<StoredNotification> r =
        uow->notifications().MarkRead(alice_, NotificationId(id.value() + 100), kT0);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  }
  {
    auto uow = Begin();
    Result<StoredNotification> r = uow->notifications().MarkRead(alice_, id, kT0 + hours(1));
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->read_at, kT0 + hours(1));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  {  // A second mark changes nothing: read_at stays the first time.
    auto uow = Begin();
    Result<StoredNotification> r = uow->notifications().MarkRead(alice_, id, kT0 + hours(2));
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->read_at, kT0 + hours(1));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  EXPECT_EQ(Unread(alice_), 0);
  page = List(alice_, std::nullopt, 10);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->items.at(0).read_at, kT0 + hours(1));
}

TEST_P(NotificationContract, ReadIsNeverBeforeCreated) {
  ASSERT_EQ(Outcome(Add(Note(alice_, "a:1", kT0 + hours(5)))), "added");
  ASSERT_EQ(Outcome(Add(Note(alice_, "a:2", kT0 + hours(5)))), "added");
  Result<NotificationPage> page = List(alice_, std::nullopt, 10);
  ASSERT_TRUE(page.has_value());
  auto uow = Begin();
  // A clock behind the writer's: read at its creation.
  Result<StoredNotification> r =
      uow->notifications().MarkRead(alice_, page->items.at(0).id, kT0 + hours(1));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->read_at, kT0 + hours(5));
  Result<std::int64_t> all = uow->notifications().MarkAllRead(alice_, kT0);
  ASSERT_TRUE(all.has_value()) << all.error().message;
  EXPECT_EQ(*all, 1);
  ASSERT_TRUE(uow->Commit().has_value());
  page = List(alice_, std::nullopt, 10);
  ASSERT_TRUE(page.has_value());
  for (const StoredNotification& n : page->items) EXPECT_EQ(n.read_at, kT0 + hours(5));
}

TEST_P(NotificationContract, MarkAllReadMarksOnlyTheOwnersUnread) {
  ASSERT_EQ(Outcome(Add(Note(alice_, "a:1"))), "added");
  ASSERT_EQ(Outcome(Add(Note(alice_, "a:2"))), "added");
  ASSERT_EQ(Outcome(Add(Note(bob_, "b:1"))), "added");
  {
    auto uow = Begin();
    Result<std::int64_t> n = uow->notifications().MarkAllRead(alice_, kT0 + hours(1));
    ASSERT_TRUE(n.has_value()) << n.error().message;
    EXPECT_EQ(*n, 2);
    ASSERT_TRUE(uow->Commit().has_value());
  }
  EXPECT_EQ(Unread(alice_), 0);
  EXPECT_EQ(Unread(bob_), 1);
  auto uow = Begin();
  Result<std::int64_t> again = uow->notifications().MarkAllRead(alice_, kT0 + hours(2));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, 0);
}

TEST_P(NotificationContract, AboutAnApplicationOfItsOwnAccountOnly) {
  StoredNotification mine = Note(alice_, "a:app");
  mine.application = application_;
  ASSERT_EQ(Outcome(Add(mine)), "added");
  Result<NotificationPage> page = List(alice_, std::nullopt, 10);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->items.at(0).application, application_);

  StoredNotification theirs = Note(bob_, "b:app");
  theirs.application = application_;
  auto uow = Begin();
  Result<bool> r = uow->notifications().Add(theirs);
  ASSERT_FALSE(r.has_value());
  ASSERT_FALSE(r.error().violations.empty());
  EXPECT_EQ(r.error().violations[0].rule, "notification.owner");
  EXPECT_FALSE(uow->Commit().has_value()) << "a refused write ends the unit of work";
  EXPECT_EQ(Unread(bob_), 0);
}

TEST_P(NotificationContract, RefusesEmptyOrOverlongText) {
  StoredNotification empty = Note(alice_, "a:empty");
  empty.title = "";
  StoredNotification long_body = Note(alice_, "a:long");
  long_body.body = std::string(2001, 'x');
  StoredNotification no_key = Note(alice_, "");
  StoredNotification nobody = Note(AccountId(9999), "nobody");
  for (const StoredNotification& n : {empty, long_body, no_key, nobody}) {
    auto uow = Begin();
    Result<bool> r = uow->notifications().Add(n);
    EXPECT_FALSE(r.has_value()) << n.idempotency_key;
  }
  // 2000 characters of Chinese are 6000 bytes: characters count, not bytes.
  StoredNotification chinese = Note(alice_, "a:chinese");
  chinese.body.clear();
  for (int i = 0; i < 2000; ++i) chinese.body += "字";
  EXPECT_EQ(Outcome(Add(chinese)), "added");
  EXPECT_EQ(Unread(alice_), 1);
}

INSTANTIATE_TEST_SUITE_P(Stores, NotificationContract, ::testing::ValuesIn(StoresUnderTest()),
                         [](const auto& param) { return param.param.name; });

}  // namespace
}  // namespace icp::storage_testing
