#include "app/deadline_sweeper.h"

#include <algorithm>
#include <map>
#include <string>

#include "app/notification.h"
#include "base/date.h"

namespace icp {
namespace {

constexpr std::string_view kActor = "system:sweeper";

std::string Seconds(std::chrono::sys_seconds t) {
  return std::to_string(t.time_since_epoch().count());
}

std::string Entity(ApplicationId id) { return "application:" + std::to_string(id.value()); }

// Every open state after draft: the ones DueActions can find something due in.
std::vector<ApplicationState> SweptStates() {
  std::vector<ApplicationState> out;
  for (ApplicationState s : AllApplicationStates()) {
    if (!IsTerminal(s) && s != ApplicationState::kDraft) out.push_back(s);
  }
  return out;
}

// What one application's unit of work did, added to the report once it commits.
struct Done {
  int reminders = 0;
  int skipped_reminders = 0;
  int expired = 0;
  int sms_timed_out = 0;
  int second_calls = 0;
  int overdue = 0;
  std::optional<std::chrono::sys_seconds> oldest_due;

  void Due(std::chrono::sys_seconds at) { oldest_due = std::min(oldest_due.value_or(at), at); }
};

}  // namespace

DeadlinePolicyFor PoliciesOf(const RuleSet& rules) {
  return [&rules](const Province& p) { return DeadlinePolicyOf(rules.For(p).parameters); };
}

Result<SweepReport> DeadlineSweeper::RunOnce(std::chrono::sys_seconds now) {
  SweepReport report;
  {
    // Idempotent: two sweepers deleting the same rows delete them once between them.
    Result<std::unique_ptr<UnitOfWork>> uow = db_->Begin();
    if (!uow) return std::unexpected(uow.error());
    Result<std::int64_t> sessions = (*uow)->sessions().PurgeEnded(now - options_.session_retention);
    if (!sessions) return std::unexpected(sessions.error());
    Result<std::int64_t> keys = (*uow)->idempotency().Purge(now - options_.key_retention);
    if (!keys) return std::unexpected(keys.error());
    if (Result<void> c = (*uow)->Commit(); !c) return std::unexpected(c.error());
    report.purged_sessions = *sessions;
    report.purged_keys = *keys;
  }
  ApplicationQuery query;
  query.states = SweptStates();
  query.limit = options_.page;
  for (;;) {
    std::vector<ApplicationId> ids;
    {
      Result<std::unique_ptr<ReadTransaction>> read = db_->BeginRead();
      if (!read) return std::unexpected(read.error());
      Result<std::vector<ApplicationRecord>> page = (*read)->applications().List(query);
      if (!page) return std::unexpected(page.error());
      for (const ApplicationRecord& r : *page) ids.push_back(r.id);
    }
    for (ApplicationId id : ids) {
      ++report.examined;
      Result<Outcome> r = Sweep(id, now, report);
      if (!r && r.error().code == ErrorCode::kAborted) {
        ++report.conflicts;
      } else if (!r) {
        ++report.failed;
        Error e = r.error();
        e.message = Entity(id) + ": " + e.message;
        report.errors.push_back(std::move(e));
      } else if (*r == Outcome::kConflict) {
        ++report.conflicts;
      }
    }
    if (ids.size() < query.limit) break;
    query.after = ids.back();
  }
  return report;
}

// What one application's unit of work is doing.
struct DeadlineSweeper::Item {
  UnitOfWork& uow;
  ApplicationRecord record;
  DeadlinePolicy policy;
  std::chrono::sys_seconds now;
  ApplicationState state;  // before any move
  std::string entered;     // when it entered that state, in seconds: part of the keys
  Done done;
  bool changed = false;  // the record must be updated
  bool wrote = false;    // something to commit

  // Puts `n` in the outbox under the application's `key`; false when the key is there.
  Result<bool> Notify(std::string_view template_id, std::map<std::string, std::string> params,
                      const std::string& key) {
    return EnqueueNotification(
        uow, {std::string(template_id), record.account, record.id, std::move(params)},
        Entity(record.id) + ":" + key, now);
  }
  Result<void> Audit(std::string action, std::string details) {
    wrote = true;
    return uow.audit().Append(AuditEntry{now, std::string(kActor), std::move(action),
                                         Entity(record.id), std::move(details)});
  }
};

Result<DeadlineSweeper::Outcome> DeadlineSweeper::Sweep(ApplicationId id,
                                                        std::chrono::sys_seconds now,
                                                        SweepReport& report) {
  Result<std::unique_ptr<UnitOfWork>> began = db_->Begin();
  if (!began) return std::unexpected(began.error());
  Result<ApplicationRecord> got = (*began)->applications().Get(id);
  if (!got) return std::unexpected(got.error());
  const DeadlinePolicy policy = policy_for_(got->application.subject.province);
  const std::vector<DueAction> actions = DueActions(got->lifecycle, now, policy);
  if (actions.empty()) return Outcome::kDone;
  const ApplicationState state = got->lifecycle.state();
  const std::string entered = Seconds(got->lifecycle.entered_state_at());
  Item item{**began, std::move(*got), policy, now, state, entered, {}};
  for (const DueAction& a : actions) {
    Result<Outcome> r = Act(item, a);
    if (!r || *r == Outcome::kConflict) return r;
  }
  report.overdue += item.done.overdue;
  if (!item.wrote) return Outcome::kDone;
  if (item.changed) {
    item.record.updated_at = now;
    if (Result<std::int64_t> u = item.uow.applications().Update(item.record); !u) {
      return std::unexpected(u.error());
    }
  }
  if (Result<void> c = item.uow.Commit(); !c) return std::unexpected(c.error());
  const Done& d = item.done;
  report.reminders += d.reminders;
  report.skipped_reminders += d.skipped_reminders;
  report.expired += d.expired;
  report.sms_timed_out += d.sms_timed_out;
  report.second_calls += d.second_calls;
  if (d.oldest_due) report.lag = std::max(report.lag, now - *d.oldest_due);
  return Outcome::kDone;
}

Result<DeadlineSweeper::Outcome> DeadlineSweeper::Act(Item& item, const DueAction& a) {
  switch (a.kind) {
    case DueAction::Kind::kOverdue:
      ++item.done.overdue;
      return Outcome::kDone;
    case DueAction::Kind::kCallAgain:
      return CallAgain(item);
    case DueAction::Kind::kRemind:
      return Remind(item, a);
    case DueAction::Kind::kApplyEvent:
      return ApplyEvent(item, *a.event);
  }
  return Internal("unknown due action");
}

Result<DeadlineSweeper::Outcome> DeadlineSweeper::CallAgain(Item& item) {
  // The reviewer's queue shows the call by next_call_at; the customer hears of it once per
  // scheduled call, whichever sweeper gets there first. Nothing of the record changes.
  const std::chrono::sys_seconds at = *item.record.lifecycle.next_call_at();
  Result<bool> added =
      item.Notify(notification_template::kSecondCall, {}, "second-call:" + Seconds(at));
  if (!added) return std::unexpected(added.error());
  if (!*added) return Outcome::kDone;  // told already
  if (Result<void> ok =
          item.Audit("application.second_call_notice", R"({"call_at":)" + Seconds(at) + "}");
      !ok) {
    return std::unexpected(ok.error());
  }
  ++item.done.second_calls;
  item.done.Due(at);
  return Outcome::kDone;
}

Result<DeadlineSweeper::Outcome> DeadlineSweeper::Remind(Item& item, const DueAction& a) {
  ApplicationLifecycle& lifecycle = item.record.lifecycle;
  Result<bool> added =
      item.Notify(notification_template::kReminder,
                  {{"days", std::to_string(a.reminder_day)},
                   {"state", std::string(ApplicationStateLabel(item.state))},
                   {"expires_on", FormatIsoDate(ChinaDate(lifecycle.deadline()->due))}},
                  "reminder:" + std::to_string(a.reminder_day) + ":" + item.entered);
  if (!added) return std::unexpected(added.error());
  // The key is there but the record we read does not show the reminder: another sweeper
  // sent it after our read. Theirs stands.
  if (!*added) return Outcome::kConflict;
  std::string skipped;
  for (int day : a.skipped_reminder_days) {
    skipped += (skipped.empty() ? "" : ",") + std::to_string(day);
  }
  if (Result<void> ok =
          item.Audit("application.remind", R"({"day":)" + std::to_string(a.reminder_day) +
                                               R"(,"skipped":[)" + skipped + "]}");
      !ok) {
    return std::unexpected(ok.error());
  }
  lifecycle.RecordReminder(a);
  item.changed = true;
  ++item.done.reminders;
  item.done.skipped_reminders += static_cast<int>(a.skipped_reminder_days.size());
  int first_day = a.reminder_day;
  for (int day : a.skipped_reminder_days) first_day = std::min(first_day, day);
  item.done.Due(lifecycle.entered_state_at() + std::chrono::days(first_day));
  return Outcome::kDone;
}

Result<DeadlineSweeper::Outcome> DeadlineSweeper::ApplyEvent(Item& item, ApplicationEvent event) {
  ApplicationLifecycle& lifecycle = item.record.lifecycle;
  const std::chrono::sys_seconds due = lifecycle.deadline()->due;
  Result<TransitionRecord> moved = lifecycle.Apply(event, item.now, *calendar_, item.policy);
  if (!moved) return std::unexpected(moved.error());
  if (event == ApplicationEvent::kExpire) {
    Result<bool> added = item.Notify(notification_template::kExpired,
                                     {{"state", std::string(ApplicationStateLabel(item.state))}},
                                     "expired:" + item.entered);
    if (!added) return std::unexpected(added.error());
    if (!*added) return Outcome::kConflict;
    ++item.done.expired;
  } else {
    ++item.done.sms_timed_out;
  }
  if (Result<void> ok =
          item.Audit("application." + std::string(ApplicationEventName(event)),
                     R"({"from":")" + std::string(ApplicationStateName(item.state)) +
                         R"(","to":")" + std::string(ApplicationStateName(moved->to)) + R"("})");
      !ok) {
    return std::unexpected(ok.error());
  }
  item.changed = true;
  item.done.Due(due);
  return Outcome::kDone;
}

}  // namespace icp
