#pragma once

#include <chrono>
#include <memory>

#include "domain/holiday_calendar.h"
#include "ports/bureau_outcomes.h"
#include "rules/rule_set.h"

namespace icp {

// What the bureau said, recorded on the platform (BUREAU-PROTOCOL §7.3; docs/bureau-protocol.md
// "The gateway"): the lifecycle moves by its table, the reasons are kept on the fields they
// concern, an approval brings the records on file up to date (a change rewritten, a
// cancellation cancelled; a new filing's record with its numbers and the bureau's ids when
// BASJ brings them), and the customer is told of every outcome through the outbox, all in the
// caller's unit of work. An outcome delivered again changes nothing.
class BureauOutcomeService final : public BureauOutcomeRecorder {
 public:
  BureauOutcomeService(std::shared_ptr<const RuleSet> rules, const HolidayCalendar& calendar)
      : rules_(std::move(rules)), calendar_(calendar) {}

  Result<void> Record(UnitOfWork& uow, const BureauOutcome& outcome,
                      std::chrono::sys_seconds now) override;
  Result<void> RecordFiled(UnitOfWork& uow, std::int64_t isp_id,
                           std::optional<ApplicationId> application, const BureauIds& ids,
                           std::chrono::sys_seconds now) override;
  Result<GateListReport> RecordLists(UnitOfWork& uow, const GateListUpdate& update,
                                     std::chrono::sys_seconds now) override;

 private:
  // An approved filing's subject and websites on record with their numbers (first filing,
  // new website), and the bureau's ids on the subject.
  Result<void> StoreFiled(UnitOfWork& uow, std::int64_t isp_id, const ApplicationRecord& record,
                          const BureauIds& ids, std::chrono::sys_seconds now);

  std::shared_ptr<const RuleSet> rules_;
  const HolidayCalendar& calendar_;
};

}  // namespace icp
