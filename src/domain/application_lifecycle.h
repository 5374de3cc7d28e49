#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "domain/application_type.h"
#include "domain/holiday_calendar.h"

namespace icp {

// Where an application is in the workflow (FACTS.md §4, §11; DESIGN.md "lifecycle").
enum class ApplicationState {
  kDraft,             // 草稿: being filled
  kProviderReview,    // 初审中: the provider's reviewer checks and phones the leader
  kProviderReturned,  // 初审驳回: field-level reasons; the customer fixes and resubmits
  kVerification,      // 待核验: video / curtain photo / Shanghai App check by the customer
  kReadyForBureau,  // 待提交管局: the provider sends it (or got it back from MIIT's SMS step)
  kSmsPending,      // 短信核验中: at the bureau, MIIT's SMS to the leaders, 24 h
  kBureauReview,    // 管局审核中
  kApproved,        // 备案成功: numbers issued (terminal)
  kBureauReturned,  // 管局退回: the customer fixes; it goes through provider review again
  kWithdrawn,       // 已撤销 (terminal)
  kAbandoned,       // 已放弃 (terminal)
  kExpired,         // 已过期: waited more than the customer window (terminal)
};

enum class ApplicationEvent {
  kSubmit,            // customer submits, or resubmits after a return
  kContactMissed,     // reviewer's call not answered
  kContactReached,    // reviewer reached the leader
  kProviderReturn,    // reviewer returns it with field-level reasons
  kProviderPass,      // reviewer passes it
  kVerificationDone,  // identity verification passed
  kSentToBureau,      // provider submitted it to the bureau
  // MIIT's SMS step (FACTS §4.4; BUREAU-PROTOCOL §7.4.1). The bureau's extension codes map
  // onto these: 9012 -> kSmsVerified, 9013 (24 h timeout) -> kSmsTimedOut, 9014 (sixth wrong
  // entry) -> kSmsFailedFiveTimes; both returns go back to ready for bureau, since MIIT
  // returns the application to the provider, who sends the unchanged data again (a new SMS)
  // or returns it to the customer. Our own 24 h deadline applies kSmsTimedOut too: whichever
  // comes first moves it, the other finds it moved. A bureau speaking strict V3.0 has no SMS
  // step: the gateway then applies kSmsVerified in the same unit of work as kSentToBureau,
  // so the application waits under the bureau's review deadline, not a 24 h SMS window that
  // would send it again (docs/bureau-protocol.md "The gateway").
  kSmsVerified,         // every leader completed MIIT's SMS check
  kSmsTimedOut,         // 24 h passed without it
  kSmsFailedFiveTimes,  // the sixth wrong entry: MIIT returns it
  kBureauApprove,
  kBureauReturn,  // the bureau returned it: at its own checks, or on review (reasons kept
                  // beside the lifecycle, a conflict flagged as one: BUREAU-PROTOCOL §7.3)
  // The bureau refused the upload for a fault of the provider's, not the customer's (class P
  // result codes: 5001 schema, 1045 wrong province, ...): back to ready for bureau, and the
  // operators are alerted (BUREAU-PROTOCOL §7.3).
  kSubmissionRefused,
  kWithdraw,  // 撤销: customer takes it back before it reaches the bureau
  kAbandon,   // 放弃
  kExpire,    // the customer window ran out
};

std::span<const ApplicationState> AllApplicationStates();
std::span<const ApplicationEvent> AllApplicationEvents();
std::string_view ApplicationStateName(ApplicationState s);   // "provider_review", ...
std::string_view ApplicationStateLabel(ApplicationState s);  // "初审中", ...
std::string_view ApplicationEventName(ApplicationEvent e);   // "contact_missed", ...
std::optional<ApplicationState> ApplicationStateFromName(std::string_view name);
std::optional<ApplicationEvent> ApplicationEventFromName(std::string_view name);
bool IsTerminal(ApplicationState s);

// What the workflow takes from the rules data: the durations (national.json, overridden per
// province) and the one province-independent choice about cancellations. There are no
// defaults here: the numbers live in data/rules (FACTS.md §4.2 provider review 1-2 working
// days, bureau review ≤ 20 working days; §4.4 SMS 24 h; §4.5 45 days per waiting step,
// reminders at 7, 15, 30; S0 second call about 1 hour after a missed one), and production
// code builds a policy only with DeadlinePolicyOf (rules/rule_set.h).
struct DeadlinePolicy {
  int provider_review_working_days;
  int bureau_review_working_days;
  int customer_window_days;
  std::vector<int> reminder_days;
  int sms_window_hours;
  int contact_retry_minutes;
  // Seed 002: "取消接入和注销备案一旦提交之后将无法撤回" — a cancellation (注销主体, 注销网站,
  // 取消接入) cannot be withdrawn or abandoned once submitted. Tencent's newer practice
  // (FACTS.md §4.8, TQ 注销备案.md) lets the customer abandon one not yet sent to the bureau;
  // true allows that. National parameter `cancellation_abandonable_before_bureau`, off.
  bool cancellation_abandonable_before_bureau;
};

// What the current state waits for, and until when.
struct Deadline {
  enum class Kind { kProviderReview, kCustomerAction, kSms, kBureauReview };
  Kind kind;
  std::chrono::sys_seconds due;
  bool provisional = false;  // counted in working days outside the calendar's years
  // The event applied when it passes unanswered: kExpire for the customer window,
  // kSmsTimedOut for SMS; none for the provider's and the bureau's own targets.
  std::optional<ApplicationEvent> on_expiry;

  friend bool operator==(const Deadline&, const Deadline&) = default;
};

std::string_view DeadlineKindName(Deadline::Kind kind);  // "provider_review", "sms", ...
std::optional<Deadline::Kind> DeadlineKindFromName(std::string_view name);

struct TransitionRecord {
  ApplicationState from;
  ApplicationEvent event;
  ApplicationState to;
  std::chrono::sys_seconds at;

  friend bool operator==(const TransitionRecord&, const TransitionRecord&) = default;
};

// Everything an ApplicationLifecycle holds, for a store to keep and give back.
struct LifecycleSnapshot {
  ApplicationType type = ApplicationType::kFirstFiling;
  ApplicationState state = ApplicationState::kDraft;
  std::chrono::sys_seconds entered_at{};
  std::vector<TransitionRecord> history;
  int missed_calls = 0;
  std::optional<std::chrono::sys_seconds> next_call_at;
  std::optional<Deadline> deadline;
  std::vector<int> reminded;           // reminder days sent in this state
  std::vector<int> skipped_reminders;  // reminder days passed over for a later one
};

// Something a sweeper should do now.
struct DueAction {
  enum class Kind { kRemind, kApplyEvent, kCallAgain, kOverdue };
  Kind kind;
  int reminder_day = 0;                   // kRemind: 7, 15 or 30
  std::optional<ApplicationEvent> event;  // kApplyEvent
  // kRemind: earlier reminder days that fell due at the same time (a sweeper that was down).
  // Only the latest is sent; these are recorded as skipped, never sent late.
  std::vector<int> skipped_reminder_days;
};

// The lifecycle of one application: its state, the moves it made, and what it waits for.
// All time is passed in; nothing here reads a clock.
class ApplicationLifecycle {
 public:
  static ApplicationLifecycle Start(ApplicationType type, std::chrono::sys_seconds now);

  // A lifecycle as a store kept it. The history is replayed through the transition table:
  // every move must be a row of it, each starting where the one before ended, and the last
  // ending in `state`; otherwise kInternal (rule "lifecycle.stored"): the stored copy was
  // not written by Apply(). A cancellation's abandon is accepted as the policy of its day
  // allowed it (the policy is not stored).
  static Result<ApplicationLifecycle> Restore(LifecycleSnapshot snapshot);
  LifecycleSnapshot Snapshot() const;

  // Looks the move up in the transition table. kFailedPrecondition (rule
  // "lifecycle.transition") naming state and event when the table has no such move. A
  // reached contact clears the missed-call count: only two misses in a row return it.
  Result<TransitionRecord> Apply(ApplicationEvent event, std::chrono::sys_seconds now,
                                 const HolidayCalendar& calendar, const DeadlinePolicy& policy);

  // Records that `remind` (a kRemind from DueActions) was sent: its day as sent and its
  // skipped days as skipped, so DueActions lists none of them again.
  // REQUIRES: remind.kind == DueAction::Kind::kRemind.
  void RecordReminder(const DueAction& remind);

  ApplicationType type() const { return type_; }
  ApplicationState state() const { return state_; }
  const std::vector<TransitionRecord>& history() const { return history_; }
  int missed_calls() const { return missed_calls_; }
  std::optional<std::chrono::sys_seconds> next_call_at() const { return next_call_at_; }
  const std::optional<Deadline>& deadline() const { return deadline_; }
  std::chrono::sys_seconds entered_state_at() const { return entered_at_; }
  const std::vector<int>& reminded() const { return reminded_; }
  const std::vector<int>& skipped_reminders() const { return skipped_reminders_; }

 private:
  ApplicationLifecycle(ApplicationType type, std::chrono::sys_seconds now)
      : type_(type), entered_at_(now) {}
  void SetDeadline(std::chrono::sys_seconds now, const HolidayCalendar& calendar,
                   const DeadlinePolicy& policy);

  ApplicationType type_;
  ApplicationState state_ = ApplicationState::kDraft;
  std::chrono::sys_seconds entered_at_;
  std::vector<TransitionRecord> history_;
  int missed_calls_ = 0;
  std::optional<std::chrono::sys_seconds> next_call_at_;
  std::optional<Deadline> deadline_;
  std::vector<int> reminded_;
  std::vector<int> skipped_reminders_;
};

// What is due at `now`: the reminder for the latest of the policy's days passed in a
// customer-action state (not yet sent or skipped; earlier ones due at the same time ride along
// as skipped_reminder_days), the expiry or SMS timeout to apply, the second call to make, or
// an overdue provider or bureau target. Pure.
std::vector<DueAction> DueActions(const ApplicationLifecycle& lifecycle,
                                  std::chrono::sys_seconds now, const DeadlinePolicy& policy);

}  // namespace icp
