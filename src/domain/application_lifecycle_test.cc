#include "domain/application_lifecycle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

namespace icp {
namespace {

using namespace std::chrono;
using State = ApplicationState;
using Event = ApplicationEvent;

// 2026-11-23 10:00 China time, a Monday: the fake clock every test starts from.
const sys_seconds kStart = sys_days(2026y / November / 23d) + 2h;

const HolidayCalendar& Calendar() {
  static const HolidayCalendar c = *HolidayCalendar::Parse(
      "2026-01-01\t2026-01-03\toff\t元旦\n2026-10-01\t2026-10-07\toff\t国庆节\n");
  return c;
}
// The national parameters of data/rules/national.json (FACTS.md §4.2, §4.4, §4.5, S0).
const DeadlinePolicy kPolicy{.provider_review_working_days = 2,
                             .bureau_review_working_days = 20,
                             .customer_window_days = 45,
                             .reminder_days = {7, 15, 30},
                             .sms_window_hours = 24,
                             .contact_retry_minutes = 60,
                             .cancellation_abandonable_before_bureau = false};

// Applies events in order; fails the test on a refused one.
ApplicationLifecycle Walk(ApplicationType type, std::initializer_list<Event> events,
                          sys_seconds at = kStart) {
  ApplicationLifecycle l = ApplicationLifecycle::Start(type, at);
  for (Event e : events) {
    Result<TransitionRecord> r = l.Apply(e, at, Calendar(), kPolicy);
    EXPECT_TRUE(r.has_value()) << ApplicationEventName(e) << ": " << (r ? "" : r.error().message);
  }
  return l;
}

// A canonical way into every state, for a filing and for a cancellation.
std::map<State, std::vector<Event>> PathsTo(bool cancellation) {
  std::vector<Event> ready = cancellation ? std::vector<Event>{Event::kSubmit, Event::kProviderPass}
                                          : std::vector<Event>{Event::kSubmit, Event::kProviderPass,
                                                               Event::kVerificationDone};
  std::vector<Event> review = ready;
  review.push_back(Event::kSentToBureau);
  if (!cancellation) review.push_back(Event::kSmsVerified);
  std::map<State, std::vector<Event>> paths = {
      {State::kDraft, {}},
      {State::kProviderReview, {Event::kSubmit}},
      {State::kProviderReturned, {Event::kSubmit, Event::kProviderReturn}},
      {State::kReadyForBureau, ready},
      {State::kBureauReview, review},
      {State::kAbandoned, {Event::kAbandon}},
      {State::kExpired, {Event::kSubmit, Event::kProviderReturn, Event::kExpire}},
  };
  std::vector<Event> returned = review, approved = review;
  returned.push_back(Event::kBureauReturn);
  approved.push_back(Event::kBureauApprove);
  paths[State::kBureauReturned] = returned;
  paths[State::kApproved] = approved;
  if (!cancellation) {  // a submitted cancellation can never be withdrawn (seed 002)
    paths[State::kWithdrawn] = {Event::kSubmit, Event::kWithdraw};
    paths[State::kVerification] = {Event::kSubmit, Event::kProviderPass};
    std::vector<Event> sms = ready;
    sms.push_back(Event::kSentToBureau);
    paths[State::kSmsPending] = sms;
  }
  return paths;
}

ApplicationLifecycle Reach(ApplicationType type, const std::vector<Event>& path) {
  ApplicationLifecycle l = ApplicationLifecycle::Start(type, kStart);
  for (Event e : path) EXPECT_TRUE(l.Apply(e, kStart, Calendar(), kPolicy).has_value());
  return l;
}

std::string Move(State from, Event e, State to) {
  return std::string(ApplicationStateName(from)) + " --" + std::string(ApplicationEventName(e)) +
         "--> " + std::string(ApplicationStateName(to));
}

// Exactly these moves are accepted for a website filing (first contact missed counted from
// zero); everything else is refused.
const std::set<std::string> kFilingMoves = {
    "draft --submit--> provider_review",
    "draft --abandon--> abandoned",
    "provider_review --contact_missed--> provider_review",
    "provider_review --contact_reached--> provider_review",
    "provider_review --provider_return--> provider_returned",
    "provider_review --provider_pass--> verification",
    "provider_review --withdraw--> withdrawn",
    "provider_returned --submit--> provider_review",
    "provider_returned --withdraw--> withdrawn",
    "provider_returned --abandon--> abandoned",
    "provider_returned --expire--> expired",
    "verification --verification_done--> ready_for_bureau",
    "verification --provider_return--> provider_returned",
    "verification --withdraw--> withdrawn",
    "verification --abandon--> abandoned",
    "verification --expire--> expired",
    "ready_for_bureau --sent_to_bureau--> sms_pending",
    "ready_for_bureau --provider_return--> provider_returned",
    "ready_for_bureau --withdraw--> withdrawn",
    "ready_for_bureau --abandon--> abandoned",
    "sms_pending --sms_verified--> bureau_review",
    "sms_pending --sms_timed_out--> ready_for_bureau",
    "sms_pending --sms_failed_five_times--> ready_for_bureau",
    "sms_pending --bureau_return--> bureau_returned",
    "sms_pending --submission_refused--> ready_for_bureau",
    "bureau_review --bureau_approve--> approved",
    "bureau_review --bureau_return--> bureau_returned",
    "bureau_review --submission_refused--> ready_for_bureau",
    "bureau_returned --submit--> provider_review",
    "bureau_returned --abandon--> abandoned",
    "bureau_returned --expire--> expired",
    "bureau_returned --withdraw--> withdrawn",
};

std::set<std::string> AcceptedMoves(ApplicationType type, const DeadlinePolicy& policy = kPolicy) {
  std::set<std::string> accepted;
  for (const auto& [state, path] : PathsTo(IsCancellation(type))) {
    for (Event e : AllApplicationEvents()) {
      ApplicationLifecycle l = Reach(type, path);
      EXPECT_EQ(l.state(), state);
      Result<TransitionRecord> r = l.Apply(e, kStart, Calendar(), policy);
      if (r) {
        accepted.insert(Move(state, e, r->to));
      } else {
        EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
        EXPECT_EQ(r.error().rule(), "lifecycle.transition");
      }
    }
  }
  return accepted;
}

TEST(ApplicationLifecycle, AcceptsExactlyTheTableForFilings) {
  EXPECT_EQ(AcceptedMoves(ApplicationType::kFirstFiling), kFilingMoves);
  EXPECT_EQ(AcceptedMoves(ApplicationType::kChangeWebsite), kFilingMoves);
}

// The filing moves less verification and SMS, and less every way for the customer to take
// a submitted cancellation back (seed 002: "取消接入和注销备案一旦提交之后将无法撤回").
std::set<std::string> CancellationMoves() {
  std::set<std::string> expected;
  for (const std::string& m : kFilingMoves) {
    if (m.find("verification") != std::string::npos || m.find("sms") != std::string::npos) continue;
    if (m.find("withdraw") != std::string::npos) continue;
    if (m.find("abandon") != std::string::npos && !m.starts_with("draft")) continue;
    expected.insert(m);
  }
  expected.insert("provider_review --provider_pass--> ready_for_bureau");
  expected.insert("ready_for_bureau --sent_to_bureau--> bureau_review");
  return expected;
}

TEST(ApplicationLifecycle, CancellationsSkipVerificationAndSmsAndCannotBeTakenBack) {
  for (ApplicationType type : {ApplicationType::kCancelSubject, ApplicationType::kCancelWebsite,
                               ApplicationType::kCancelAccess}) {
    EXPECT_EQ(AcceptedMoves(type), CancellationMoves()) << ApplicationTypeName(type);
  }
}

TEST(ApplicationLifecycle, CancellationsMayBeAbandonedBeforeTheBureauWhenThePolicySays) {
  DeadlinePolicy tencent = kPolicy;
  tencent.cancellation_abandonable_before_bureau = true;
  std::set<std::string> expected = CancellationMoves();
  expected.insert("provider_review --abandon--> abandoned");
  expected.insert("provider_returned --abandon--> abandoned");
  expected.insert("ready_for_bureau --abandon--> abandoned");
  // Never once it reached the bureau, never withdrawn, and filings are not affected.
  EXPECT_EQ(AcceptedMoves(ApplicationType::kCancelWebsite, tencent), expected);
  EXPECT_EQ(AcceptedMoves(ApplicationType::kFirstFiling, tencent), kFilingMoves);
}

TEST(ApplicationLifecycle, RefusingToTakeBackACancellationSaysWhy) {
  ApplicationLifecycle l = Walk(ApplicationType::kCancelAccess, {Event::kSubmit});
  Result<TransitionRecord> r = l.Apply(Event::kWithdraw, kStart, Calendar(), kPolicy);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "lifecycle.transition");
  EXPECT_THAT(r.error().violations[0].message_zh,
              testing::HasSubstr("取消接入和注销备案一旦提交之后将无法撤回"));
  EXPECT_EQ(l.state(), State::kProviderReview);
}

TEST(ApplicationLifecycle, RestoresACancellationAbandonedUnderAnEarlierPolicy) {
  DeadlinePolicy tencent = kPolicy;
  tencent.cancellation_abandonable_before_bureau = true;
  ApplicationLifecycle l = ApplicationLifecycle::Start(ApplicationType::kCancelAccess, kStart);
  ASSERT_TRUE(l.Apply(Event::kSubmit, kStart, Calendar(), tencent).has_value());
  ASSERT_TRUE(l.Apply(Event::kAbandon, kStart, Calendar(), tencent).has_value());
  EXPECT_TRUE(ApplicationLifecycle::Restore(l.Snapshot()).has_value());
}

TEST(ApplicationLifecycle, RefusalSaysStateAndEventInBothLanguages) {
  ApplicationLifecycle l =
      Walk(ApplicationType::kFirstFiling,
           {Event::kSubmit, Event::kProviderPass, Event::kVerificationDone, Event::kSentToBureau});
  Result<TransitionRecord> r = l.Apply(Event::kWithdraw, kStart, Calendar(), kPolicy);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "an application in state sms_pending cannot take event withdraw");
  EXPECT_EQ(r.error().violations[0].message_zh, "当前状态（短信核验中）不能执行“撤销”");
  EXPECT_EQ(l.state(), State::kSmsPending);  // nothing changed
}

TEST(ApplicationLifecycle, SecondMissedCallReturnsTheApplication) {
  ApplicationLifecycle l = Walk(ApplicationType::kFirstFiling, {Event::kSubmit});
  ASSERT_TRUE(l.Apply(Event::kContactMissed, kStart, Calendar(), kPolicy).has_value());
  EXPECT_EQ(l.state(), State::kProviderReview);
  EXPECT_EQ(l.next_call_at(), kStart + 60min);
  EXPECT_THAT(DueActions(l, kStart + 59min, kPolicy), testing::IsEmpty());
  ASSERT_EQ(DueActions(l, kStart + 60min, kPolicy).size(), 1u);
  EXPECT_EQ(DueActions(l, kStart + 60min, kPolicy)[0].kind, DueAction::Kind::kCallAgain);
  ASSERT_TRUE(l.Apply(Event::kContactMissed, kStart + 61min, Calendar(), kPolicy).has_value());
  EXPECT_EQ(l.state(), State::kProviderReturned);
  EXPECT_FALSE(l.next_call_at().has_value());
}

TEST(ApplicationLifecycle, AReachedContactStartsTheMissedCountAgain) {
  ApplicationLifecycle l =
      Walk(ApplicationType::kFirstFiling,
           {Event::kSubmit, Event::kContactMissed, Event::kContactReached, Event::kContactMissed});
  EXPECT_EQ(l.state(), State::kProviderReview);  // missed, reached, missed: one miss in a row
  EXPECT_EQ(l.missed_calls(), 1);
  EXPECT_EQ(l.next_call_at(), kStart + 60min);
  Result<ApplicationLifecycle> back = ApplicationLifecycle::Restore(l.Snapshot());
  ASSERT_TRUE(back.has_value()) << back.error().message;
  ASSERT_TRUE(back->Apply(Event::kContactMissed, kStart, Calendar(), kPolicy).has_value());
  EXPECT_EQ(back->state(), State::kProviderReturned);  // two in a row
}

TEST(ApplicationLifecycle, ProviderReviewIsDueInWorkingDays) {
  ApplicationLifecycle l = Walk(ApplicationType::kFirstFiling, {Event::kSubmit});
  ASSERT_TRUE(l.deadline().has_value());
  // Monday + 2 working days = Wednesday, due at its end (China time).
  EXPECT_EQ(l.deadline()->due, sys_days(2026y / November / 25d) + 16h);
  EXPECT_EQ(l.deadline()->kind, Deadline::Kind::kProviderReview);
  // Submitted before the National Day week, due after it.
  ApplicationLifecycle october =
      Walk(ApplicationType::kFirstFiling, {Event::kSubmit}, sys_days(2026y / September / 30d) + 2h);
  EXPECT_EQ(october.deadline()->due, sys_days(2026y / October / 9d) + 16h);
}

TEST(ApplicationLifecycle, BureauReviewBeyondTheCalendarIsProvisional) {
  ApplicationLifecycle l = Walk(ApplicationType::kFirstFiling,
                                {Event::kSubmit, Event::kProviderPass, Event::kVerificationDone,
                                 Event::kSentToBureau, Event::kSmsVerified},
                                sys_days(2026y / December / 20d));
  ASSERT_TRUE(l.deadline().has_value());
  EXPECT_EQ(l.deadline()->kind, Deadline::Kind::kBureauReview);
  EXPECT_TRUE(l.deadline()->provisional);
  DeadlinePolicy zhejiang = kPolicy;
  zhejiang.bureau_review_working_days = 30;
  ApplicationLifecycle z = ApplicationLifecycle::Start(ApplicationType::kFirstFiling, kStart);
  for (Event e : {Event::kSubmit, Event::kProviderPass, Event::kVerificationDone,
                  Event::kSentToBureau, Event::kSmsVerified}) {
    ASSERT_TRUE(z.Apply(e, kStart, Calendar(), zhejiang).has_value());
  }
  EXPECT_GT(z.deadline()->due, Walk(ApplicationType::kFirstFiling,
                                    {Event::kSubmit, Event::kProviderPass, Event::kVerificationDone,
                                     Event::kSentToBureau, Event::kSmsVerified})
                                   .deadline()
                                   ->due);
}

TEST(ApplicationLifecycle, SmsTimesOutAfter24Hours) {
  ApplicationLifecycle l =
      Walk(ApplicationType::kNewWebsite,
           {Event::kSubmit, Event::kProviderPass, Event::kVerificationDone, Event::kSentToBureau});
  EXPECT_THAT(DueActions(l, kStart + 23h, kPolicy), testing::IsEmpty());
  std::vector<DueAction> due = DueActions(l, kStart + 24h, kPolicy);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].event, Event::kSmsTimedOut);
  ASSERT_TRUE(l.Apply(*due[0].event, kStart + 24h, Calendar(), kPolicy).has_value());
  EXPECT_EQ(l.state(), State::kReadyForBureau);  // back to the provider, who resubmits
  ASSERT_TRUE(l.Apply(Event::kSentToBureau, kStart + 25h, Calendar(), kPolicy).has_value());
  EXPECT_EQ(l.state(), State::kSmsPending);
}

TEST(ApplicationLifecycle, CustomerWindowRemindsAt7_15_30AndExpiresAt45Days) {
  ApplicationLifecycle l =
      Walk(ApplicationType::kFirstFiling, {Event::kSubmit, Event::kProviderReturn});
  ASSERT_EQ(l.deadline()->due, kStart + days(45));
  EXPECT_THAT(DueActions(l, kStart + days(6), kPolicy), testing::IsEmpty());
  std::vector<DueAction> at7 = DueActions(l, kStart + days(7), kPolicy);
  ASSERT_EQ(at7.size(), 1u);
  EXPECT_EQ(at7[0].kind, DueAction::Kind::kRemind);
  EXPECT_EQ(at7[0].reminder_day, 7);
  EXPECT_THAT(at7[0].skipped_reminder_days, testing::IsEmpty());
  l.RecordReminder(at7[0]);
  EXPECT_THAT(DueActions(l, kStart + days(7), kPolicy), testing::IsEmpty());
  std::vector<DueAction> at15 = DueActions(l, kStart + days(15), kPolicy);
  ASSERT_EQ(at15.size(), 1u);
  EXPECT_EQ(at15[0].reminder_day, 15);
  l.RecordReminder(at15[0]);
  std::vector<DueAction> at30 = DueActions(l, kStart + days(30), kPolicy);
  ASSERT_EQ(at30.size(), 1u);
  l.RecordReminder(at30[0]);
  EXPECT_THAT(l.reminded(), testing::ElementsAre(7, 15, 30));
  EXPECT_THAT(l.skipped_reminders(), testing::IsEmpty());
  std::vector<DueAction> at45 = DueActions(l, kStart + days(45), kPolicy);
  ASSERT_EQ(at45.size(), 1u);
  EXPECT_EQ(at45[0].event, Event::kExpire);
  ASSERT_TRUE(l.Apply(Event::kExpire, kStart + days(45), Calendar(), kPolicy).has_value());
  EXPECT_TRUE(IsTerminal(l.state()));
  EXPECT_FALSE(l.deadline().has_value());
}

TEST(ApplicationLifecycle, RemindersDueAtOnceSendOnlyTheLatest) {
  ApplicationLifecycle l =
      Walk(ApplicationType::kFirstFiling, {Event::kSubmit, Event::kProviderReturn});
  // The sweeper was down from day 6 to day 31: 7, 15 and 30 are all due.
  std::vector<DueAction> at31 = DueActions(l, kStart + days(31), kPolicy);
  ASSERT_EQ(at31.size(), 1u);
  EXPECT_EQ(at31[0].kind, DueAction::Kind::kRemind);
  EXPECT_EQ(at31[0].reminder_day, 30);
  EXPECT_THAT(at31[0].skipped_reminder_days, testing::ElementsAre(7, 15));
  l.RecordReminder(at31[0]);
  EXPECT_THAT(l.reminded(), testing::ElementsAre(30));
  EXPECT_THAT(l.skipped_reminders(), testing::ElementsAre(7, 15));
  EXPECT_THAT(DueActions(l, kStart + days(32), kPolicy), testing::IsEmpty());
  // Kept and given back by a store, the skipped ones stay skipped.
  Result<ApplicationLifecycle> back = ApplicationLifecycle::Restore(l.Snapshot());
  ASSERT_TRUE(back.has_value());
  EXPECT_THAT(back->skipped_reminders(), testing::ElementsAre(7, 15));
  EXPECT_THAT(DueActions(*back, kStart + days(32), kPolicy), testing::IsEmpty());
}

TEST(ApplicationLifecycle, EachWaitingStepHasItsOwnWindow) {
  ApplicationLifecycle l =
      Walk(ApplicationType::kFirstFiling, {Event::kSubmit, Event::kProviderReturn});
  ASSERT_TRUE(l.Apply(Event::kSubmit, kStart + days(40), Calendar(), kPolicy).has_value());
  ASSERT_TRUE(l.Apply(Event::kProviderPass, kStart + days(41), Calendar(), kPolicy).has_value());
  EXPECT_EQ(l.state(), State::kVerification);
  EXPECT_EQ(l.deadline()->due, kStart + days(41 + 45));  // not the first step's day 45
}

// One walk per application type from draft to each end state it can reach.
class LifecycleScenario : public testing::TestWithParam<ApplicationType> {};

TEST_P(LifecycleScenario, ReachesEveryEndState) {
  const ApplicationType type = GetParam();
  const bool cancel = IsCancellation(type);
  std::vector<Event> to_bureau = {Event::kSubmit, Event::kContactMissed, Event::kContactReached,
                                  Event::kProviderPass};
  if (!cancel) to_bureau.push_back(Event::kVerificationDone);
  to_bureau.push_back(Event::kSentToBureau);
  if (!cancel) {
    to_bureau.push_back(Event::kSmsFailedFiveTimes);  // back to the provider, sent again
    to_bureau.push_back(Event::kSentToBureau);
    to_bureau.push_back(Event::kSmsVerified);
  }
  std::vector<Event> approved = to_bureau;
  approved.push_back(Event::kBureauReturn);  // returned once, fixed, through review again
  approved.push_back(Event::kSubmit);
  approved.insert(approved.end(), to_bureau.begin() + 1, to_bureau.end());
  approved.push_back(Event::kBureauApprove);
  ApplicationLifecycle done = ApplicationLifecycle::Start(type, kStart);
  for (Event e : approved) {
    ASSERT_TRUE(done.Apply(e, kStart, Calendar(), kPolicy).has_value()) << ApplicationEventName(e);
  }
  EXPECT_EQ(done.state(), State::kApproved);
  EXPECT_EQ(done.history().size(), approved.size());
  if (!cancel) {
    EXPECT_EQ(Walk(type, {Event::kSubmit, Event::kWithdraw}).state(), State::kWithdrawn);
  }
  EXPECT_EQ(Walk(type, {Event::kAbandon}).state(), State::kAbandoned);
  EXPECT_EQ(Walk(type, {Event::kSubmit, Event::kProviderReturn, Event::kExpire}).state(),
            State::kExpired);
}

INSTANTIATE_TEST_SUITE_P(AllTypes, LifecycleScenario, testing::ValuesIn(AllApplicationTypes()),
                         [](const testing::TestParamInfo<ApplicationType>& p) {
                           return std::string(ApplicationTypeName(p.param));
                         });

TEST(ApplicationLifecycle, RestoresWhatSnapshotKept) {
  ApplicationLifecycle l =
      Walk(ApplicationType::kFirstFiling,
           {Event::kSubmit, Event::kProviderReturn, Event::kSubmit, Event::kContactMissed});
  Result<ApplicationLifecycle> back = ApplicationLifecycle::Restore(l.Snapshot());
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->state(), l.state());
  EXPECT_EQ(back->history(), l.history());
  EXPECT_EQ(back->missed_calls(), 1);
  EXPECT_EQ(back->deadline(), l.deadline());
  EXPECT_EQ(back->reminded(), l.reminded());
  // It goes on from where it was: the second missed call now returns the application.
  ASSERT_TRUE(back->Apply(Event::kContactMissed, kStart + 2h, Calendar(), kPolicy).has_value());
  EXPECT_EQ(back->state(), State::kProviderReturned);
}

TEST(ApplicationLifecycle, RefusesAStoredCopyApplyCouldNotHaveWritten) {
  const LifecycleSnapshot good =
      Walk(ApplicationType::kFirstFiling, {Event::kSubmit, Event::kProviderPass}).Snapshot();
  LifecycleSnapshot skipped = good;
  skipped.history.erase(skipped.history.begin());  // verification without a review
  LifecycleSnapshot wrong_state = good;
  wrong_state.state = State::kApproved;
  LifecycleSnapshot wrong_type = good;
  wrong_type.type = ApplicationType::kCancelWebsite;  // cancellations skip verification
  LifecycleSnapshot wrong_calls = good;
  wrong_calls.missed_calls = 1;
  for (const LifecycleSnapshot& bad : {skipped, wrong_state, wrong_type, wrong_calls}) {
    Result<ApplicationLifecycle> r = ApplicationLifecycle::Restore(bad);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kInternal);
    EXPECT_EQ(r.error().rule(), "lifecycle.stored");
  }
}

}  // namespace
}  // namespace icp
