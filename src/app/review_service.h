#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/application_service.h"

namespace icp {

// One reason a reviewer returns an application for: the field it is about, what is wrong
// and how to fix it (the customer sees it on that very field).
struct ReturnReason {
  std::string field;  // "subject.name", "websites[0].domains[0]"
  std::string message;
  std::string suggestion;
};

// The provider's review (初审, DESIGN.md "Who uses it"): the queue, claims, contact calls,
// returns with per-field reasons, passes. Staff only (reviewers and admins); every act is a
// note in the review journal and an audit entry, committed with the move it causes.
class ReviewService {
 public:
  ReviewService(Database& db, std::shared_ptr<const RuleSet> rules,
                const HolidayCalendar& calendar, Clock& clock);

  // Applications waiting for the provider, by due time (oldest deadline first). `filters`
  // may narrow by states (default: provider review and verification), province, type and
  // due time; `filters.by_due_after` is the page cursor.
  Result<Page<ApplicationRecord, DueCursor>> Queue(const Caller& caller, ApplicationQuery filters);

  // Takes the application: the claim is a note, and the revision moves, so two reviewers
  // claiming at once cannot both succeed (kAborted for the second).
  Result<ApplicationView> Claim(const Caller& caller, ApplicationId id, std::int64_t revision);

  // A call to the leader. A missed call schedules the second about an hour later (the
  // rules' contact_retry_minutes); a second miss in a row returns the application (seed 000).
  Result<ApplicationView> RecordContact(const Caller& caller, ApplicationId id,
                                        std::int64_t revision, ContactOutcome outcome);

  // Returns the application to the customer with at least one reason, each on a field
  // (kInvalidArgument listing every reason without a field or a message).
  Result<ApplicationView> Return(const Caller& caller, ApplicationId id, std::int64_t revision,
                                 const std::vector<ReturnReason>& reasons);

  // Passes it on: from provider review to verification (a filing; the leader must have been
  // reached in this round, rule "review.contact-first") or to the bureau (a cancellation),
  // and from verification, the identity verification found done, to ready for bureau.
  Result<ApplicationView> Pass(const Caller& caller, ApplicationId id, std::int64_t revision);

 private:
  // Loads the application for a staff act: kPermissionDenied for a customer (the route
  // refuses them first), kAborted for a stale revision.
  Result<ApplicationRecord> Load(UnitOfWork& uow, const Caller& caller, ApplicationId id,
                                 std::int64_t revision);
  // Applies `event`, appends `notes`, stores and audits, then commits.
  Result<ApplicationView> Act(std::unique_ptr<UnitOfWork> uow, const Caller& caller,
                              ApplicationRecord record, std::optional<ApplicationEvent> event,
                              std::vector<ReviewNote> notes, std::string_view action);

  Database& db_;
  std::shared_ptr<const RuleSet> rules_;
  const HolidayCalendar& calendar_;
  Clock& clock_;
};

}  // namespace icp
