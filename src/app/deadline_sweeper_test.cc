#include "app/deadline_sweeper.h"

#include <gtest/gtest.h>

#include <map>

#include "app/notification.h"
#include "ports/testing/fake_clock.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using storage_testing::kT0;
using storage_testing::Move;
using storage_testing::TestCalendar;
using storage_testing::TestDeadlinePolicy;

DeadlinePolicyFor NationalPolicy() {
  return [](const Province&) { return TestDeadlinePolicy(); };
}

class DeadlineSweeperTest : public ::testing::Test {
 protected:
  // An application, of account_ for serial 1 and of an account of its own otherwise (an
  // account has one application in progress), moved through `events` at kT0.
  ApplicationId Insert(std::initializer_list<ApplicationEvent> events, int serial = 1) {
    const AccountId account =
        serial == 1 ? account_
                    : storage_testing::CreateAccount(*db_, "customer-" + std::to_string(serial));
    ApplicationRecord record = storage_testing::NewRecord(
        account, storage_testing::SampleApplication(serial, "s" + std::to_string(serial) + ".cn"));
    for (ApplicationEvent e : events) Move(record, e, kT0);
    auto uow = std::move(*db_->Begin());
    Result<ApplicationId> id = uow->applications().Insert(record);
    EXPECT_TRUE(id.has_value()) << id.error().message;
    EXPECT_TRUE(uow->Commit().has_value());
    return *id;
  }
  ApplicationRecord Get(ApplicationId id) { return *(*db_->Begin())->applications().Get(id); }
  SweepReport Run() {
    Result<SweepReport> r = sweeper_.RunOnce(clock_.Now());
    EXPECT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->failed, 0) << (r->errors.empty() ? "" : r->errors[0].message);
    return *r;
  }
  // The outbox's notifications, by key.
  std::map<std::string, Notification> Sent() {
    std::map<std::string, Notification> out;
    const std::vector<OutboxEntry> entries = *(*db_->Begin())->outbox().List({});
    for (const OutboxEntry& e : entries) {
      EXPECT_EQ(e.message.topic, "notify");
      Result<Notification> n = ParseNotificationPayload(e.message.payload);
      EXPECT_TRUE(n.has_value()) << e.message.payload;
      out.emplace(e.message.idempotency_key, *n);
    }
    return out;
  }
  std::vector<StoredAuditEntry> Audit() { return *(*db_->Begin())->audit().Read(0, 1000); }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  AccountId account_ = storage_testing::CreateAccount(*db_, "customer");
  FakeClock clock_{kT0};
  DeadlineSweeper sweeper_{*db_, TestCalendar(), NationalPolicy(), {.page = 2}};
};

constexpr std::initializer_list<ApplicationEvent> kReturned = {ApplicationEvent::kSubmit,
                                                               ApplicationEvent::kProviderReturn};

TEST_F(DeadlineSweeperTest, RemindsAt7And15And30DaysAndExpiresAt45) {
  const ApplicationId id = Insert(kReturned);
  const std::string k = "application:" + std::to_string(id.value()) + ":";
  const std::string entered = std::to_string(kT0.time_since_epoch().count());
  std::map<int, int> reminded_on_day;
  int expired_on_day = 0;
  for (int day = 1; day <= 50; ++day) {
    clock_.Set(kT0 + days(day));
    SweepReport r = Run();
    EXPECT_EQ(r.skipped_reminders, 0) << "day " << day;
    if (r.reminders != 0) reminded_on_day[day] += r.reminders;
    if (r.expired != 0) expired_on_day = day;
  }
  EXPECT_EQ(reminded_on_day, (std::map<int, int>{{7, 1}, {15, 1}, {30, 1}}));
  EXPECT_EQ(expired_on_day, 45);
  EXPECT_EQ(Get(id).lifecycle.state(), ApplicationState::kExpired);

  std::map<std::string, Notification> sent = Sent();
  ASSERT_EQ(sent.size(), 4u);
  const Notification& fifteen = sent.at(k + "reminder:15:" + entered);
  EXPECT_EQ(fifteen.template_id, "application.reminder");
  EXPECT_EQ(fifteen.account, account_);
  EXPECT_EQ(fifteen.application, id);
  EXPECT_EQ(fifteen.params.at("days"), "15");
  EXPECT_EQ(fifteen.params.at("state"), "初审驳回");
  EXPECT_EQ(fifteen.params.at("expires_on"), FormatIsoDate(ChinaDate(kT0 + days(45))));
  EXPECT_TRUE(sent.contains(k + "reminder:7:" + entered));
  EXPECT_TRUE(sent.contains(k + "reminder:30:" + entered));
  EXPECT_EQ(sent.at(k + "expired:" + entered).params.at("state"), "初审驳回");

  std::vector<std::string> actions;
  for (const StoredAuditEntry& e : Audit()) {
    if (e.entry.actor != "system:sweeper") continue;
    EXPECT_EQ(e.entry.entity, "application:" + std::to_string(id.value()));
    actions.push_back(e.entry.action + " " + e.entry.details);
  }
  EXPECT_EQ(actions, (std::vector<std::string>{
                         R"(application.remind {"day":7,"skipped":[]})",
                         R"(application.remind {"day":15,"skipped":[]})",
                         R"(application.remind {"day":30,"skipped":[]})",
                         R"(application.expire {"from":"provider_returned","to":"expired"})"}));
}

TEST_F(DeadlineSweeperTest, ASweeperThatWasDownSendsOnlyTheLatestReminder) {
  const ApplicationId id = Insert(kReturned);
  clock_.Set(kT0 + days(31));
  SweepReport r = Run();
  EXPECT_EQ(r.reminders, 1);
  EXPECT_EQ(r.skipped_reminders, 2);
  EXPECT_EQ(r.lag, days(31 - 7));
  std::map<std::string, Notification> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent.begin()->second.params.at("days"), "30");
  EXPECT_EQ(Get(id).lifecycle.skipped_reminders(), (std::vector<int>{7, 15}));

  clock_.Set(kT0 + days(40));
  EXPECT_EQ(Run().reminders, 0);
  EXPECT_EQ(Sent().size(), 1u);
}

TEST_F(DeadlineSweeperTest, LeavesAReminderAnotherSweeperSentToIt) {
  // Another sweeper's reminder is in the outbox, but the record read does not show it yet
  // (its unit of work committed after our read): this one changes nothing.
  const ApplicationId id = Insert(kReturned);
  const std::string key = "application:" + std::to_string(id.value()) +
                          ":reminder:7:" + std::to_string(kT0.time_since_epoch().count());
  {
    auto uow = std::move(*db_->Begin());
    ASSERT_TRUE(*uow->outbox().Enqueue({"notify", key, "{}", kT0}));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  clock_.Set(kT0 + days(8));
  SweepReport r = Run();
  EXPECT_EQ(r.conflicts, 1);
  EXPECT_EQ(r.reminders, 0);
  EXPECT_TRUE(Get(id).lifecycle.reminded().empty());
  EXPECT_EQ(Get(id).revision, 1);
  for (const StoredAuditEntry& e : Audit()) EXPECT_NE(e.entry.actor, "system:sweeper");
}

TEST_F(DeadlineSweeperTest, TellsTheCustomerOfTheSecondCallOnce) {
  const ApplicationId id = Insert({ApplicationEvent::kSubmit, ApplicationEvent::kContactMissed});
  clock_.Set(kT0 + minutes(59));
  EXPECT_EQ(Run().second_calls, 0);
  clock_.Set(kT0 + minutes(61));
  SweepReport first = Run();
  EXPECT_EQ(first.second_calls, 1);
  EXPECT_EQ(first.lag, minutes(1));
  clock_.Set(kT0 + minutes(62));
  SweepReport again = Run();
  EXPECT_EQ(again.second_calls, 0);
  EXPECT_EQ(again.lag, minutes(0));
  std::map<std::string, Notification> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent.begin()->second.template_id, "contact.second_call");
  // Nothing about the application changed: the reviewer's queue shows the call.
  EXPECT_EQ(Get(id).revision, 1);
  EXPECT_EQ(Get(id).lifecycle.next_call_at(), kT0 + minutes(60));
}

TEST_F(DeadlineSweeperTest, CountsAnOverdueReviewWithoutChangingIt) {
  const ApplicationId id = Insert({ApplicationEvent::kSubmit});
  clock_.Set(Get(id).lifecycle.deadline()->due);
  SweepReport r = Run();
  EXPECT_EQ(r.overdue, 1);
  EXPECT_EQ(r.lag, minutes(0));
  EXPECT_TRUE(Sent().empty());
  EXPECT_EQ(Get(id).revision, 1);
  EXPECT_EQ(Get(id).lifecycle.state(), ApplicationState::kProviderReview);
}

TEST_F(DeadlineSweeperTest, TimesOutMiitsSmsCheck) {
  const ApplicationId id =
      Insert({ApplicationEvent::kSubmit, ApplicationEvent::kProviderPass,
              ApplicationEvent::kVerificationDone, ApplicationEvent::kSentToBureau});
  ASSERT_EQ(Get(id).lifecycle.state(), ApplicationState::kSmsPending);
  clock_.Set(kT0 + hours(23));
  EXPECT_EQ(Run().sms_timed_out, 0);
  clock_.Set(kT0 + hours(25));
  SweepReport r = Run();
  EXPECT_EQ(r.sms_timed_out, 1);
  EXPECT_EQ(r.lag, hours(1));
  EXPECT_EQ(Get(id).lifecycle.state(), ApplicationState::kReadyForBureau);
  EXPECT_TRUE(Sent().empty());
}

// A pass forgets sessions ended over a week ago and Idempotency-Keys over a day old; what is
// younger stays (SweeperOptions).
TEST_F(DeadlineSweeperTest, ForgetsEndedSessionsAndOldIdempotencyKeys) {
  {
    auto uow = std::move(*db_->Begin());
    const std::string csrf(43, 'C');
    ASSERT_TRUE(
        uow->sessions()
            .Insert({SessionId(), account_, csrf, kT0, kT0, kT0 + hours(2)}, std::string(43, 'a'))
            .has_value());
    ASSERT_TRUE(
        uow->sessions()
            .Insert({SessionId(), account_, csrf, kT0, kT0, kT0 + days(30)}, std::string(43, 'b'))
            .has_value());
    ASSERT_TRUE(uow->idempotency()
                    .Reserve({account_, "old", std::string(64, 'a'), false, 0, "", kT0})
                    .value_or(false));
    ASSERT_TRUE(uow->idempotency()
                    .Reserve({account_, "new", std::string(64, 'b'), false, 0, "", kT0 + days(8)})
                    .value_or(false));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  clock_.Set(kT0 + days(8) + hours(3));
  SweepReport report = Run();
  EXPECT_EQ(report.purged_sessions, 1);
  EXPECT_EQ(report.purged_keys, 1);
  auto read = std::move(*db_->BeginRead());
  EXPECT_FALSE(read->sessions().FindByToken(std::string(43, 'a')).has_value());
  EXPECT_TRUE(read->sessions().FindByToken(std::string(43, 'b')).has_value());
}

TEST_F(DeadlineSweeperTest, PagesThroughEveryOpenApplication) {
  // Page size 2: five applications need three pages, and drafts are not read.
  for (int i = 1; i <= 5; ++i) Insert(kReturned, i);
  Insert({}, 6);
  clock_.Set(kT0 + days(8));
  SweepReport r = Run();
  EXPECT_EQ(r.examined, 5);
  EXPECT_EQ(r.reminders, 5);
  EXPECT_EQ(Sent().size(), 5u);
}

}  // namespace
}  // namespace icp
