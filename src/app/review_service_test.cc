// ApplicationService and ReviewService on the memory store: the customer's acts and the
// provider's review, with the refusals each one guards.
#include "app/review_service.h"

#include <gtest/gtest.h>

#include "app/notification.h"
#include "app/notification_service.h"
#include "ports/testing/fake_clock.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using std::chrono::hours;
using storage_testing::kT0;

// Rules without checks for every province: what is tested here is the workflow, not the
// rules (data/rules/cases test those).
std::shared_ptr<const RuleSet> NoChecks() {
  RuleFile national{"national", "national", "test", {}, {}, std::nullopt, {}};
  std::vector<RuleFile> provinces;
  for (const Province& p : Province::All()) {
    provinces.push_back({std::string(p.code()), std::string(p.code()), "test", {}, {}, {}, {}});
  }
  Result<RuleSet> rules = RuleSet::Build(std::move(national), std::move(provinces));
  EXPECT_TRUE(rules.has_value()) << rules.error().message;
  return std::make_shared<const RuleSet>(std::move(*rules));
}

class ReviewServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    document_ = storage_testing::SampleApplication(1, "review1.cn");
    document_.type.reset();
    // The customer's verified real name and bound mobile are the subject's (seed 000).
    Result<RealName> name = RealName::Make(RealNameKind::kPerson, document_.subject.name,
                                           document_.subject.certificate);
    ASSERT_TRUE(name.has_value()) << name.error().message;
    auto uow = std::move(*db_->Begin());
    Account customer{AccountId(), "customer", Role::kCustomer, "客户", "x", kT0};
    customer.mobile = document_.subject.principal.mobile;
    customer.real_name = VerifiedRealName{*name, kT0};
    customer_.account = *uow->accounts().Insert(customer);
    other_.account =
        *uow->accounts().Insert({AccountId(), "other", Role::kCustomer, "客户", "x", kT0});
    reviewer_.account =
        *uow->accounts().Insert({AccountId(), "reviewer", Role::kReviewer, "审核", "x", kT0});
    ASSERT_TRUE(uow->Commit().has_value());
  }

  // A submitted application of the customer's.
  ApplicationView Submitted() {
    Result<ApplicationView> created = applications_.Create(customer_, document_);
    EXPECT_TRUE(created.has_value()) << created.error().message;
    Result<Submission> done =
        applications_.Submit(customer_, created->record.id, created->record.revision);
    EXPECT_TRUE(done.has_value()) << done.error().message;
    return done->view;
  }

  std::vector<Notification> Told() {
    std::vector<Notification> out;
    const std::vector<OutboxEntry> entries = *(*db_->Begin())->outbox().List({});
    for (const OutboxEntry& e : entries) {
      if (e.message.topic == "notify") out.push_back(*ParseNotificationPayload(e.message.payload));
    }
    return out;
  }

  static std::int64_t Rev(const Result<ApplicationView>& v) { return v->record.revision; }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  FakeClock clock_{kT0};
  std::shared_ptr<const RuleSet> rules_ = NoChecks();
  ApplicationService applications_{*db_, rules_, storage_testing::TestCalendar(), clock_};
  ReviewService reviews_{*db_, rules_, storage_testing::TestCalendar(), clock_};
  Application document_ = storage_testing::SampleApplication(1, "review1.cn");
  Caller customer_{AccountId(), Role::kCustomer};
  Caller other_{AccountId(), Role::kCustomer};
  Caller reviewer_{AccountId(), Role::kReviewer};
};

TEST_F(ReviewServiceTest, ASubmitNeedsTheAccountsRealNameAndMobile) {
  document_.subject.principal.mobile = *MobileNumber::Parse("13900139000");
  Result<ApplicationView> created = applications_.Create(customer_, document_);
  ASSERT_TRUE(created.has_value()) << created.error().message;
  Result<Submission> r = applications_.Submit(customer_, created->record.id, Rev(created));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "realname.mobile");
}

TEST_F(ReviewServiceTest, AnotherAccountsApplicationIsNotFound) {
  ApplicationView mine = Submitted();
  EXPECT_EQ(applications_.Get(other_, mine.record.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(applications_.Withdraw(other_, mine.record.id, mine.record.revision, true).error().code,
            ErrorCode::kNotFound);
  EXPECT_TRUE(applications_.Get(reviewer_, mine.record.id).has_value());
}

TEST_F(ReviewServiceTest, AnIrreversibleActNeedsItsConfirmation) {
  ApplicationView mine = Submitted();
  Result<ApplicationView> r =
      applications_.Withdraw(customer_, mine.record.id, mine.record.revision, false);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "application.confirm");
  EXPECT_TRUE(applications_.Withdraw(customer_, mine.record.id, mine.record.revision, true));
}

TEST_F(ReviewServiceTest, OnlyAReturnedOrDraftApplicationIsEditedAndItKeepsItsType) {
  Result<ApplicationView> created = applications_.Create(customer_, document_);
  ASSERT_TRUE(created.has_value());
  Application changed = document_;
  changed.type = ApplicationType::kNewAccess;
  Result<ApplicationView> retyped =
      applications_.Edit(customer_, created->record.id, Rev(created), changed);
  ASSERT_FALSE(retyped.has_value());
  EXPECT_EQ(retyped.error().rule(), "application.type-fixed");
  Result<Submission> done = applications_.Submit(customer_, created->record.id, Rev(created));
  ASSERT_TRUE(done.has_value());
  Result<ApplicationView> late =
      applications_.Edit(customer_, created->record.id, done->view.record.revision, document_);
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().rule(), "application.not-editable");
}

TEST_F(ReviewServiceTest, AStaleRevisionChangesNothing) {
  ApplicationView mine = Submitted();
  Result<ApplicationView> claimed = reviews_.Claim(reviewer_, mine.record.id, mine.record.revision);
  ASSERT_TRUE(claimed.has_value());
  Result<ApplicationView> again = reviews_.Claim(reviewer_, mine.record.id, mine.record.revision);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().rule(), "storage.revision");
}

TEST_F(ReviewServiceTest, CustomersDoNotReview) {
  ApplicationView mine = Submitted();
  EXPECT_EQ(reviews_.Claim(customer_, mine.record.id, mine.record.revision).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(reviews_.Queue(customer_, {}).error().code, ErrorCode::kPermissionDenied);
}

TEST_F(ReviewServiceTest, PassingNeedsTheLeaderReachedThisRound) {
  ApplicationView mine = Submitted();
  Result<ApplicationView> early = reviews_.Pass(reviewer_, mine.record.id, mine.record.revision);
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().rule(), "review.contact-first");
  Result<ApplicationView> reached = reviews_.RecordContact(
      reviewer_, mine.record.id, mine.record.revision, ContactOutcome::kReached);
  ASSERT_TRUE(reached.has_value());
  Result<ApplicationView> passed = reviews_.Pass(reviewer_, mine.record.id, Rev(reached));
  ASSERT_TRUE(passed.has_value()) << passed.error().message;
  EXPECT_EQ(passed->record.lifecycle.state(), ApplicationState::kVerification);
  Result<ApplicationView> ready = reviews_.Pass(reviewer_, mine.record.id, Rev(passed));
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->record.lifecycle.state(), ApplicationState::kReadyForBureau);
  std::vector<Notification> told = Told();
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[0].template_id, notification_template::kPassedReview);
  EXPECT_EQ(told[1].template_id, notification_template::kReadyForBureau);
  EXPECT_EQ(told[1].account, customer_.account);
}

TEST_F(ReviewServiceTest, TheSecondMissedCallReturnsTheApplication) {
  ApplicationView mine = Submitted();
  Result<ApplicationView> first = reviews_.RecordContact(
      reviewer_, mine.record.id, mine.record.revision, ContactOutcome::kMissed);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->record.lifecycle.state(), ApplicationState::kProviderReview);
  EXPECT_EQ(first->record.lifecycle.next_call_at(), kT0 + hours(1));
  EXPECT_TRUE(Told().empty());
  clock_.Advance(hours(1));
  Result<ApplicationView> second =
      reviews_.RecordContact(reviewer_, mine.record.id, Rev(first), ContactOutcome::kMissed);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->record.lifecycle.state(), ApplicationState::kProviderReturned);
  const ReviewNote& reason = second->notes.back();
  EXPECT_EQ(reason.kind, ReviewNoteKind::kReturnReason);
  EXPECT_EQ(reason.field, "subject.principal.mobile");
  std::vector<Notification> told = Told();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].template_id, notification_template::kReturned);
  EXPECT_EQ(told[0].params.at("reasons"), "1");
}

TEST_F(ReviewServiceTest, AReturnNamesAFieldAndAReasonForEach) {
  ApplicationView mine = Submitted();
  Result<ApplicationView> bad = reviews_.Return(reviewer_, mine.record.id, mine.record.revision,
                                                {{"", "不清楚", ""}, {"subject.name", "", ""}});
  ASSERT_FALSE(bad.has_value());
  ASSERT_EQ(bad.error().violations.size(), 2u);
  EXPECT_EQ(bad.error().violations[0].field, "reasons[0].field");
  EXPECT_EQ(bad.error().violations[1].field, "reasons[1].message");
  EXPECT_EQ(reviews_.Return(reviewer_, mine.record.id, mine.record.revision, {}).error().rule(),
            "review.reason-required");
  Result<ApplicationView> returned =
      reviews_.Return(reviewer_, mine.record.id, mine.record.revision,
                      {{"websites[0].name", "网站名称不符合要求", "请修改"}});
  ASSERT_TRUE(returned.has_value());
  EXPECT_EQ(returned->record.lifecycle.state(), ApplicationState::kProviderReturned);
  // The customer fixes it and resubmits: round two.
  Result<ApplicationView> fixed =
      applications_.Edit(customer_, mine.record.id, Rev(returned), document_);
  ASSERT_TRUE(fixed.has_value()) << fixed.error().message;
  Result<Submission> again = applications_.Submit(customer_, mine.record.id, Rev(fixed));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->view.round, 2);
}

TEST_F(ReviewServiceTest, AReturnTellsTheCustomerInTheConsoleAsBySmsAndEmail) {
  ApplicationView mine = Submitted();
  clock_.Advance(hours(1));
  Result<ApplicationView> returned =
      reviews_.Return(reviewer_, mine.record.id, mine.record.revision,
                      {{"websites[0].name", "网站名称不符合要求", "请修改"}});
  ASSERT_TRUE(returned.has_value()) << returned.error().message;
  NotificationService notifications(*db_, clock_);
  Result<NotificationPage> page = notifications.List(customer_, std::nullopt, 10);
  ASSERT_TRUE(page.has_value()) << page.error().message;
  ASSERT_EQ(page->items.size(), 1u);
  const StoredNotification& n = page->items[0];
  const std::string id = std::to_string(mine.record.id.value());
  EXPECT_EQ(n.template_id, "application.returned");
  EXPECT_EQ(n.application, mine.record.id);
  EXPECT_EQ(n.title, "备案申请 " + id + " 初审未通过");
  EXPECT_NE(n.body.find("共有 1 处需要修改"), std::string::npos) << n.body;
  EXPECT_EQ(n.created_at, kT0 + hours(1));
  ASSERT_EQ(Told().size(), 1u);
  EXPECT_EQ(Told()[0].template_id, n.template_id);
  EXPECT_EQ(notifications.UnreadCount(customer_).value_or(-1), 1);
  EXPECT_TRUE(notifications.List(other_, std::nullopt, 10)->items.empty());
  EXPECT_EQ(notifications.MarkRead(other_, n.id).error().code, ErrorCode::kNotFound);
}

// The order by due time and the cursor are the store's
// (StorageContract.TheQueueListsByDueTimeThenId).
TEST_F(ReviewServiceTest, TheQueueListsWhatWaitsForTheProvider) {
  ApplicationView mine = Submitted();
  Result<Page<ApplicationRecord, DueCursor>> queue = reviews_.Queue(reviewer_, {});
  ASSERT_TRUE(queue.has_value());
  ASSERT_EQ(queue->items.size(), 1u);
  EXPECT_EQ(queue->items[0].id, mine.record.id);
  EXPECT_FALSE(queue->next.has_value());
  // A draft does not wait for the provider.
  ASSERT_TRUE(applications_.Create(other_, storage_testing::SampleApplication(2, "draft2.cn")));
  EXPECT_EQ(reviews_.Queue(reviewer_, {})->items.size(), 1u);
}

}  // namespace
}  // namespace icp
