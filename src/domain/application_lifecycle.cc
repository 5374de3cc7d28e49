#include "domain/application_lifecycle.h"

#include <algorithm>
#include <array>
#include <string>

#include "base/check.h"
#include "base/enum_table.h"

namespace icp {
namespace {

using State = ApplicationState;
using Event = ApplicationEvent;
using std::chrono::sys_seconds;

constexpr EnumTable<State, 12> kStates({{
    {State::kDraft, "draft", "草稿"},
    {State::kProviderReview, "provider_review", "初审中"},
    {State::kProviderReturned, "provider_returned", "初审驳回"},
    {State::kVerification, "verification", "待核验"},
    {State::kReadyForBureau, "ready_for_bureau", "待提交管局"},
    {State::kSmsPending, "sms_pending", "短信核验中"},
    {State::kBureauReview, "bureau_review", "管局审核中"},
    {State::kApproved, "approved", "备案成功"},
    {State::kBureauReturned, "bureau_returned", "管局退回"},
    {State::kWithdrawn, "withdrawn", "已撤销"},
    {State::kAbandoned, "abandoned", "已放弃"},
    {State::kExpired, "expired", "已过期"},
}});

constexpr EnumTable<Event, 16> kEvents({{
    {Event::kSubmit, "submit", "提交"},
    {Event::kContactMissed, "contact_missed", "电话未接通"},
    {Event::kContactReached, "contact_reached", "电话已接通"},
    {Event::kProviderReturn, "provider_return", "初审驳回"},
    {Event::kProviderPass, "provider_pass", "初审通过"},
    {Event::kVerificationDone, "verification_done", "核验完成"},
    {Event::kSentToBureau, "sent_to_bureau", "提交管局"},
    {Event::kSmsVerified, "sms_verified", "短信核验完成"},
    {Event::kSmsTimedOut, "sms_timed_out", "短信核验超时"},
    {Event::kSmsFailedFiveTimes, "sms_failed_five_times", "短信核验失败 5 次"},
    {Event::kBureauApprove, "bureau_approve", "管局审核通过"},
    {Event::kBureauReturn, "bureau_return", "管局退回"},
    {Event::kSubmissionRefused, "submission_refused", "管局拒收"},
    {Event::kWithdraw, "withdraw", "撤销"},
    {Event::kAbandon, "abandon", "放弃"},
    {Event::kExpire, "expire", "过期"},
}});

// Which application types a row is for. Cancellations (注销主体, 注销网站, 取消接入) skip
// identity verification and MIIT's SMS check (FACTS.md §4.3, §4.4 table: no phones are
// verified for them; Tencent's own staff verifies the leader for 注销). Once submitted, a
// cancellation cannot be withdrawn or abandoned (seed 002); kAbandonableCancellations rows
// exist only when the policy takes up Tencent's newer practice (FACTS.md §4.8).
enum class For { kAll, kFilings, kCancellations, kAbandonableCancellations };

// A second missed call returns the application (S0: "if still unreachable the application is
// rejected"); the first schedules a retry about an hour later.
enum class Guard { kNone, kFirstMissedCall, kSecondMissedCall };

struct Transition {
  State from;
  Event event;
  State to;
  For applies = For::kAll;
  Guard guard = Guard::kNone;
};

// Every move an application can make. A move not listed here is refused.
constexpr std::array<Transition, 38> kTransitions = {{
    {State::kDraft, Event::kSubmit, State::kProviderReview},
    {State::kDraft, Event::kAbandon, State::kAbandoned},

    {State::kProviderReview, Event::kContactMissed, State::kProviderReview, For::kAll,
     Guard::kFirstMissedCall},
    {State::kProviderReview, Event::kContactMissed, State::kProviderReturned, For::kAll,
     Guard::kSecondMissedCall},
    {State::kProviderReview, Event::kContactReached, State::kProviderReview},
    {State::kProviderReview, Event::kProviderReturn, State::kProviderReturned},
    {State::kProviderReview, Event::kProviderPass, State::kVerification, For::kFilings},
    {State::kProviderReview, Event::kProviderPass, State::kReadyForBureau, For::kCancellations},
    {State::kProviderReview, Event::kWithdraw, State::kWithdrawn, For::kFilings},
    {State::kProviderReview, Event::kAbandon, State::kAbandoned, For::kAbandonableCancellations},

    {State::kProviderReturned, Event::kSubmit, State::kProviderReview},
    {State::kProviderReturned, Event::kWithdraw, State::kWithdrawn, For::kFilings},
    {State::kProviderReturned, Event::kAbandon, State::kAbandoned, For::kFilings},
    {State::kProviderReturned, Event::kAbandon, State::kAbandoned, For::kAbandonableCancellations},
    {State::kProviderReturned, Event::kExpire, State::kExpired},

    {State::kVerification, Event::kVerificationDone, State::kReadyForBureau, For::kFilings},
    {State::kVerification, Event::kProviderReturn, State::kProviderReturned, For::kFilings},
    {State::kVerification, Event::kWithdraw, State::kWithdrawn, For::kFilings},
    {State::kVerification, Event::kAbandon, State::kAbandoned, For::kFilings},
    {State::kVerification, Event::kExpire, State::kExpired, For::kFilings},

    {State::kReadyForBureau, Event::kSentToBureau, State::kSmsPending, For::kFilings},
    {State::kReadyForBureau, Event::kSentToBureau, State::kBureauReview, For::kCancellations},
    {State::kReadyForBureau, Event::kProviderReturn, State::kProviderReturned},
    {State::kReadyForBureau, Event::kWithdraw, State::kWithdrawn, For::kFilings},
    // Tencent: after initial review passed, 放弃备案 and refill (FACTS.md §4.5).
    {State::kReadyForBureau, Event::kAbandon, State::kAbandoned, For::kFilings},
    {State::kReadyForBureau, Event::kAbandon, State::kAbandoned, For::kAbandonableCancellations},

    // MIIT returns it to the provider: unchanged data is resubmitted (a new SMS), otherwise
    // the provider returns it to the customer (FACTS.md §4.4).
    {State::kSmsPending, Event::kSmsVerified, State::kBureauReview, For::kFilings},
    {State::kSmsPending, Event::kSmsTimedOut, State::kReadyForBureau, For::kFilings},
    {State::kSmsPending, Event::kSmsFailedFiveTimes, State::kReadyForBureau, For::kFilings},
    // The bureau's own checks at intake (conflicts, blacklists, the password, malformed
    // data: BUREAU-PROTOCOL §3.2 classes R and C) come while MIIT's SMS is still pending.
    {State::kSmsPending, Event::kBureauReturn, State::kBureauReturned, For::kFilings},
    // A fault of the provider's (class P) is the provider's to fix and send again.
    {State::kSmsPending, Event::kSubmissionRefused, State::kReadyForBureau, For::kFilings},

    // At the bureau nothing can be withdrawn or changed until it decides (FACTS.md §4.5).
    {State::kBureauReview, Event::kBureauApprove, State::kApproved},
    {State::kBureauReview, Event::kBureauReturn, State::kBureauReturned},
    {State::kBureauReview, Event::kSubmissionRefused, State::kReadyForBureau},

    // A cancellation the bureau returned has reached the bureau: it is resubmitted or expires.
    {State::kBureauReturned, Event::kSubmit, State::kProviderReview},
    {State::kBureauReturned, Event::kAbandon, State::kAbandoned, For::kFilings},
    {State::kBureauReturned, Event::kExpire, State::kExpired},
    {State::kBureauReturned, Event::kWithdraw, State::kWithdrawn, For::kFilings},
}};

// `cancellation_abandonable`: the policy's cancellation_abandonable_before_bureau.
bool Matches(const Transition& t, ApplicationType type, int missed_calls,
             bool cancellation_abandonable) {
  if (t.applies == For::kFilings && IsCancellation(type)) return false;
  if (t.applies == For::kCancellations && !IsCancellation(type)) return false;
  if (t.applies == For::kAbandonableCancellations &&
      (!IsCancellation(type) || !cancellation_abandonable)) {
    return false;
  }
  if (t.guard == Guard::kFirstMissedCall) return missed_calls == 0;
  if (t.guard == Guard::kSecondMissedCall) return missed_calls >= 1;
  return true;
}

bool WaitsForCustomer(State s) {
  return s == State::kProviderReturned || s == State::kVerification || s == State::kBureauReturned;
}

sys_seconds StartOfChinaDay(Date d) {
  return sys_seconds(std::chrono::sys_days(d)) - std::chrono::hours(8);
}

}  // namespace

std::span<const ApplicationState> AllApplicationStates() { return kStates.All(); }
std::span<const ApplicationEvent> AllApplicationEvents() { return kEvents.All(); }
std::string_view ApplicationStateName(ApplicationState s) { return kStates.Name(s); }
std::string_view ApplicationStateLabel(ApplicationState s) { return kStates.Label(s); }
std::string_view ApplicationEventName(ApplicationEvent e) { return kEvents.Name(e); }

std::optional<ApplicationState> ApplicationStateFromName(std::string_view name) {
  return kStates.FromName(name);
}
std::optional<ApplicationEvent> ApplicationEventFromName(std::string_view name) {
  return kEvents.FromName(name);
}

namespace {
constexpr EnumTable<Deadline::Kind, 4> kDeadlineKinds({{
    {Deadline::Kind::kProviderReview, "provider_review", "初审时限"},
    {Deadline::Kind::kCustomerAction, "customer_action", "待客户处理"},
    {Deadline::Kind::kSms, "sms", "短信核验时限"},
    {Deadline::Kind::kBureauReview, "bureau_review", "管局审核时限"},
}});
}  // namespace

std::string_view DeadlineKindName(Deadline::Kind kind) { return kDeadlineKinds.Name(kind); }
std::optional<Deadline::Kind> DeadlineKindFromName(std::string_view name) {
  return kDeadlineKinds.FromName(name);
}

bool IsTerminal(ApplicationState s) {
  return s == State::kApproved || s == State::kWithdrawn || s == State::kAbandoned ||
         s == State::kExpired;
}

ApplicationLifecycle ApplicationLifecycle::Start(ApplicationType type, sys_seconds now) {
  return ApplicationLifecycle(type, now);
}

Result<ApplicationLifecycle> ApplicationLifecycle::Restore(LifecycleSnapshot snapshot) {
  auto corrupt = [&](const std::string& why) {
    return std::unexpected(Error{ErrorCode::kInternal,
                                 "stored lifecycle is inconsistent: " + why,
                                 {{"history", "lifecycle.stored", why, "存储的流程记录不一致"}}});
  };
  State at = State::kDraft;
  int missed = 0;
  for (std::size_t i = 0; i < snapshot.history.size(); ++i) {
    const TransitionRecord& r = snapshot.history[i];
    const bool listed = std::ranges::any_of(kTransitions, [&](const Transition& t) {
      return t.from == r.from && t.event == r.event && t.to == r.to &&
             Matches(t, snapshot.type, missed, true);
    });
    if (r.from != at || !listed) {
      return corrupt("move " + std::to_string(i) + " (" + std::string(kStates.Name(r.from)) +
                     " --" + std::string(kEvents.Name(r.event)) + "--> " +
                     std::string(kStates.Name(r.to)) + ") is not in the transition table here");
    }
    if (r.event == Event::kContactMissed) ++missed;
    if (r.event == Event::kContactReached) missed = 0;
    if (r.to != r.from && r.to != State::kProviderReview) missed = 0;
    at = r.to;
  }
  if (at != snapshot.state) {
    return corrupt("state " + std::string(kStates.Name(snapshot.state)) +
                   " is not where the history ends (" + std::string(kStates.Name(at)) + ")");
  }
  if (missed != snapshot.missed_calls) return corrupt("missed calls do not match the history");
  ApplicationLifecycle lifecycle(snapshot.type, snapshot.entered_at);
  lifecycle.state_ = snapshot.state;
  lifecycle.history_ = std::move(snapshot.history);
  lifecycle.missed_calls_ = snapshot.missed_calls;
  lifecycle.next_call_at_ = snapshot.next_call_at;
  lifecycle.deadline_ = snapshot.deadline;
  lifecycle.reminded_ = std::move(snapshot.reminded);
  lifecycle.skipped_reminders_ = std::move(snapshot.skipped_reminders);
  return lifecycle;
}

LifecycleSnapshot ApplicationLifecycle::Snapshot() const {
  return {type_,         state_,    entered_at_, history_,          missed_calls_,
          next_call_at_, deadline_, reminded_,   skipped_reminders_};
}

Result<TransitionRecord> ApplicationLifecycle::Apply(ApplicationEvent event, sys_seconds now,
                                                     const HolidayCalendar& calendar,
                                                     const DeadlinePolicy& policy) {
  const Transition* found = nullptr;
  for (const Transition& t : kTransitions) {
    if (t.from == state_ && t.event == event &&
        Matches(t, type_, missed_calls_, policy.cancellation_abandonable_before_bureau)) {
      found = &t;
      break;
    }
  }
  if (found == nullptr) {
    const std::string s(ApplicationStateName(state_));
    const std::string e(ApplicationEventName(event));
    std::string message = "an application in state " + s + " cannot take event " + e;
    std::string zh = "当前状态（" + std::string(kStates.Label(state_)) + "）不能执行“" +
                     std::string(kEvents.Label(event)) + "”";
    if (IsCancellation(type_) && state_ != State::kDraft &&
        (event == Event::kWithdraw || event == Event::kAbandon)) {
      message += ": a cancellation cannot be taken back once submitted";
      zh += "：取消接入和注销备案一旦提交之后将无法撤回";
    }
    Error error{ErrorCode::kFailedPrecondition,
                message,
                {{"state", "lifecycle.transition", message, std::move(zh)}}};
    return std::unexpected(std::move(error));
  }
  TransitionRecord record{state_, event, found->to, now};
  history_.push_back(record);
  if (event == Event::kContactMissed) {
    ++missed_calls_;
    next_call_at_ = found->guard == Guard::kFirstMissedCall
                        ? std::optional(now + std::chrono::minutes(policy.contact_retry_minutes))
                        : std::nullopt;
  } else if (event == Event::kContactReached) {
    // Reached: the count starts again, so missed → reached → missed is one miss, not two.
    missed_calls_ = 0;
    next_call_at_.reset();
  }
  if (found->to != state_) {
    state_ = found->to;
    entered_at_ = now;
    reminded_.clear();
    skipped_reminders_.clear();
    if (state_ != State::kProviderReview) {
      missed_calls_ = 0;
      next_call_at_.reset();
    }
    SetDeadline(now, calendar, policy);
  }
  return record;
}

void ApplicationLifecycle::SetDeadline(sys_seconds now, const HolidayCalendar& calendar,
                                       const DeadlinePolicy& policy) {
  const Date today = ChinaDate(now);
  auto working = [&](int n, Deadline::Kind kind) {
    HolidayCalendar::Deadline d = calendar.AddWorkingDays(today, n);
    // Due at the end of that working day, China time.
    return Deadline{kind, StartOfChinaDay(d.date) + std::chrono::days(1), d.provisional, {}};
  };
  switch (state_) {
    case State::kProviderReview:
    case State::kReadyForBureau:
      deadline_ = working(policy.provider_review_working_days, Deadline::Kind::kProviderReview);
      return;
    case State::kBureauReview:
      deadline_ = working(policy.bureau_review_working_days, Deadline::Kind::kBureauReview);
      return;
    case State::kSmsPending:
      deadline_ = Deadline{Deadline::Kind::kSms, now + std::chrono::hours(policy.sms_window_hours),
                           false, Event::kSmsTimedOut};
      return;
    default:
      break;
  }
  if (WaitsForCustomer(state_)) {
    // 45 natural days per waiting step, not in total (FACTS.md §4.5).
    deadline_ =
        Deadline{Deadline::Kind::kCustomerAction,
                 now + std::chrono::days(policy.customer_window_days), false, Event::kExpire};
    return;
  }
  deadline_.reset();
}

void ApplicationLifecycle::RecordReminder(const DueAction& remind) {
  ICP_CHECK(remind.kind == DueAction::Kind::kRemind) << "RecordReminder takes a kRemind";
  auto add = [](std::vector<int>& list, int day) {
    if (std::find(list.begin(), list.end(), day) == list.end()) list.push_back(day);
  };
  add(reminded_, remind.reminder_day);
  for (int day : remind.skipped_reminder_days) add(skipped_reminders_, day);
}

std::vector<DueAction> DueActions(const ApplicationLifecycle& lifecycle, sys_seconds now,
                                  const DeadlinePolicy& policy) {
  std::vector<DueAction> out;
  if (lifecycle.next_call_at() && *lifecycle.next_call_at() <= now) {
    out.push_back({DueAction::Kind::kCallAgain, 0, std::nullopt, {}});
  }
  const std::optional<Deadline>& d = lifecycle.deadline();
  if (!d) return out;
  if (d->kind == Deadline::Kind::kCustomerAction && now < d->due) {
    auto handled = [&](int day) {
      return std::ranges::find(lifecycle.reminded(), day) != lifecycle.reminded().end() ||
             std::ranges::find(lifecycle.skipped_reminders(), day) !=
                 lifecycle.skipped_reminders().end();
    };
    std::vector<int> due_days;
    for (int day : policy.reminder_days) {
      if (handled(day) || now < lifecycle.entered_state_at() + std::chrono::days(day)) continue;
      due_days.push_back(day);
    }
    if (!due_days.empty()) {
      // A sweeper that was down finds several due: only the latest says what is true now.
      std::ranges::sort(due_days);
      const int latest = due_days.back();
      due_days.pop_back();
      out.push_back({DueAction::Kind::kRemind, latest, std::nullopt, std::move(due_days)});
    }
  }
  if (d->due <= now) {
    out.push_back(d->on_expiry ? DueAction{DueAction::Kind::kApplyEvent, 0, d->on_expiry, {}}
                               : DueAction{DueAction::Kind::kOverdue, 0, std::nullopt, {}});
  }
  return out;
}

}  // namespace icp
