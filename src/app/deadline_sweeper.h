#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "domain/application_lifecycle.h"
#include "domain/holiday_calendar.h"
#include "domain/province.h"
#include "ports/database.h"
#include "rules/rule_set.h"

namespace icp {

// The deadline policy of a province (DeadlinePolicyOf over the province's merged rules).
using DeadlinePolicyFor = std::function<DeadlinePolicy(const Province&)>;

// The policy of `rules` for each province. `rules` must outlive the function.
DeadlinePolicyFor PoliciesOf(const RuleSet& rules);

struct SweepReport {
  int examined = 0;           // open applications looked at
  int reminders = 0;          // application.reminder notifications put in the outbox
  int skipped_reminders = 0;  // earlier reminder days recorded as skipped, never sent late
  int expired = 0;            // moved to expired (application.expired sent)
  int sms_timed_out = 0;      // MIIT's SMS window ran out: back to ready for bureau
  int second_calls = 0;       // contact.second_call put in the outbox (once per scheduled call)
  int overdue = 0;            // provider or bureau targets passed: counted, nothing changed
  int conflicts = 0;          // changed by someone else meanwhile: left for the next pass
  int failed = 0;             // other errors, each in `errors`; the pass goes on
  std::int64_t purged_sessions = 0;  // ended sessions deleted (SweeperOptions)
  std::int64_t purged_keys = 0;      // Idempotency-Keys past their retention, deleted
  std::vector<Error> errors;
  // How late the oldest item due at the start of the pass is (now minus its due time);
  // zero when nothing was due. /metrics shows it as the sweeper's lag.
  std::chrono::seconds lag{0};
};

struct SweeperOptions {
  // Applications read per page of the scan.
  std::size_t page = 100;
  // Each pass also forgets what has served its time: sessions ended (expired or revoked) more
  // than `session_retention` ago, and Idempotency-Keys older than `key_retention` (docs/api.md
  // promises 24 hours).
  std::chrono::seconds session_retention = std::chrono::days(7);
  std::chrono::seconds key_retention = std::chrono::hours(24);
};

// One pass over the open applications acts on what DueActions says is due: the latest
// reminder (application.reminder, the earlier ones recorded as skipped), the expiry of the
// customer window (kExpire, application.expired), MIIT's SMS timeout (kSmsTimedOut), the
// second call a missed one scheduled (contact.second_call, once per scheduled call), and
// counts overdue provider and bureau targets. Each application is handled in its own unit of
// work: the change, its audit entry (actor "system:sweeper") and its notification commit
// together. Safe with several sweepers on one store: the revision check on Update (kAborted)
// and the outbox's unique keys let exactly one of them act on each item; the others count a
// conflict and the next pass finds nothing left to do.
//
// The scan reads every open application after draft, a page at a time (ApplicationRepository::
// ListDue lists only deadlines and calls that fell due, not reminders, which fall due before
// the deadline, and without paging a backlog of overdue targets would hide the rest).
class DeadlineSweeper {
 public:
  DeadlineSweeper(Database& db, const HolidayCalendar& calendar, DeadlinePolicyFor policy_for,
                  SweeperOptions options = {})
      : db_(&db), calendar_(&calendar), policy_for_(std::move(policy_for)), options_(options) {}

  // One pass at `now`. Errors are the store's when a page cannot be read; an error on one
  // application is counted in the report and the pass goes on.
  Result<SweepReport> RunOnce(std::chrono::sys_seconds now);

 private:
  enum class Outcome { kDone, kConflict };
  struct Item;  // one application's unit of work
  Result<Outcome> Sweep(ApplicationId id, std::chrono::sys_seconds now, SweepReport& report);
  Result<Outcome> Act(Item& item, const DueAction& action);
  Result<Outcome> CallAgain(Item& item);
  Result<Outcome> Remind(Item& item, const DueAction& action);
  Result<Outcome> ApplyEvent(Item& item, ApplicationEvent event);

  Database* db_;
  const HolidayCalendar* calendar_;
  DeadlinePolicyFor policy_for_;
  SweeperOptions options_;
};

}  // namespace icp
