#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "app/caller.h"
#include "base/result.h"
#include "domain/holiday_calendar.h"
#include "ports/bureau_registry.h"
#include "ports/clock.h"
#include "ports/database.h"
#include "rules/evaluate.h"
#include "rules/rule_set.h"

namespace icp {

// Whether the type check asked the bureau's registry (isp_querybeianstatus).
enum class BureauAsked {
  kNotConfigured,  // no bureau link: decided from this provider's records alone
  kAsked,          // the registry answered every question asked
  kUnavailable,    // it could not be asked: decided from local data (see `message`)
};
std::string_view BureauAskedName(BureauAsked asked);  // "not_configured", "asked", "unavailable"

// What the registry said of one domain of the document.
struct DomainRegistryStatus {
  std::string field;  // "websites[0].domains[1]"
  DomainName domain;
  RegistryStatus status;
};

// What the national registry knows of the document's subject and domains, as the type check
// asked it (BUREAU-PROTOCOL §2, isp_querybeianstatus).
struct BureauView {
  BureauAsked asked = BureauAsked::kNotConfigured;
  std::string message;  // why it could not be asked (kUnavailable)
  // By certificate; unset when not asked (no bureau, or a certificate V3.0 cannot query).
  std::optional<RegistryStatus> subject;
  std::vector<DomainRegistryStatus> domains;  // each domain asked, in document order
};

// The answer of 验证备案类型 (the type check): which application the account needs for a
// subject and its domains, every conflict in the way (each with its fix in the message), and
// the materials the province asks of that subject type for that application type. With a
// bureau link, what the national registry knows is folded in (a subject filed through other
// providers, a domain filed under another subject) and shown in `bureau`.
struct TypeCheck {
  std::optional<ApplicationType> type;    // unset when a conflict stands in the way
  std::vector<FieldViolation> conflicts;  // rule ids type.* (domain/resolve_application_type.h)
  std::optional<SubjectId> subject;       // the subject on record it concerns, if any
  std::vector<MaterialRequirement> materials;
  BureauView bureau;
};

// An application with what was said about it: the rules' warnings, the reviewers' reasons,
// contact attempts (ports/review_journal.h).
struct ApplicationView {
  ApplicationRecord record;
  std::vector<ReviewNote> notes;
  // What the bureau said (returns, refusals), oldest first (ports/bureau_link.h).
  std::vector<BureauReason> bureau_reasons;
  // The submission round the application is in (0 before the first submit).
  int round = 0;
  // The materials checklist of its province, subject type and type (what the type check
  // lists): filled by Get only.
  std::vector<MaterialRequirement> materials = {};
};

// What a submit found: the application now under review, and the warnings it carries.
struct Submission {
  ApplicationView view;
  std::vector<Violation> warnings;
};

// A page of a list and where the next one starts (nullopt: this was the last).
template <class T, class Cursor>
struct Page {
  std::vector<T> items;
  std::optional<Cursor> next;
};

// The customer's side of an application (DESIGN.md "Who uses it"): type check, create, edit,
// submit, withdraw, abandon, read. Every call runs in one unit of work: the change, its
// audit entry and its outbox messages commit together. A customer reaches only its own
// account's applications: another account's answer kNotFound, as a missing one does.
//
// Revisions: Edit, Submit, Withdraw and Abandon take the revision the caller last read
// (an HTTP If-Match); a stale one is kAborted (rule "storage.revision") and changes nothing.
class ApplicationService {
 public:
  // All borrowed; they outlive the service. `rules` is read at each call, so a reload
  // (a new shared_ptr swapped in by the owner) takes effect on the next call.
  // `registry` (optional) is the bureau's registry, asked by the type check and the submit
  // of filings that need the filing password.
  ApplicationService(Database& db, std::shared_ptr<const RuleSet> rules,
                     const HolidayCalendar& calendar, Clock& clock,
                     BureauRegistry* registry = nullptr);

  // Resolves the type for `document` (its subject's certificate and its websites' domains)
  // from the account's records and open applications here, with `chosen` as the customer's
  // pick, and, with a registry, what the bureau knows of the subject and of each domain not
  // on record here: a subject filed through other providers only is kFiledElsewhereOnly, a
  // domain filed under it kFiledUnderSubjectElsewhere, a domain filed under another subject
  // the conflict type.domain-under-other-subject. A registry that cannot be reached leaves
  // the check to local data, with bureau.asked = kUnavailable (never an error). The
  // materials are those of the province and subject type for the resolved (or chosen) type.
  Result<TypeCheck> CheckType(const Caller& caller, const Application& document);

  // Sets the registry after construction (icpd learns the bureau's address late, when it
  // starts an embedded one). Before serving only: not synchronised with calls.
  void SetRegistry(BureauRegistry* registry) { registry_ = registry; }

  // Opens an application in draft. Its type is `document.type` when given (a change,
  // cancellation or the customer's pick, checked against the type check), else the type
  // check's. A type check conflict is kFailedPrecondition listing the conflicts; a change,
  // cancellation or continued access needs the subject on record in this account
  // (kFailedPrecondition, rule "application.subject-not-here"), and its filed record is
  // attached as `original`. Customers only. `before_commit`, when given, runs in the unit of
  // work that creates it, with the view the commit stores, just before the commit: what must
  // commit with the application or not at all (the HTTP layer keeps the answer of the
  // request's Idempotency-Key there); its error rolls the creation back.
  using BeforeCommit = std::function<Result<void>(UnitOfWork&, const ApplicationView&)>;
  Result<ApplicationView> Create(const Caller& caller, Application document,
                                 const BeforeCommit& before_commit = {});

  Result<ApplicationView> Get(const Caller& caller, ApplicationId id);

  // Customers list their own; staff everyone's (optionally one account's). By id.
  Result<Page<ApplicationRecord, ApplicationId>> List(const Caller& caller, ApplicationQuery query);

  // Replaces the document of an editable application (draft, returned by the provider or
  // by the bureau; else kFailedPrecondition, rule "application.not-editable"). The type and
  // the filed record stay as they are (rule "application.type-fixed").
  Result<ApplicationView> Edit(const Caller& caller, ApplicationId id, std::int64_t revision,
                               Application document);

  // Evaluates the province's rules: any error refuses the submit (kInvalidArgument listing
  // every violation with its field and rule id); warnings are recorded in the review journal
  // and returned. Then the lifecycle moves (draft or returned -> provider review).
  //
  // Filings whose upload carries the filing password (NeedsFilingPassword) take it here.
  // With a registry (a bureau link) it is required: absent is kInvalidArgument at
  // "filing_password" (rule "application.filing-password.required"); and it is checked with
  // the bureau (isp_verifybamm) against the subject's number before anything else: wrong is
  // kInvalidArgument at "filing_password" (rule "bureau.filing-password.wrong", with seed 004's way
  // to recover it); too many wrong today (msg_code 22) is kFailedPrecondition (rule
  // "bureau.filing-password.locked"); a subject whose number neither this provider nor the bureau
  // knows is kFailedPrecondition (rule "bureau.filing-password.no-number"); a bureau that cannot be
  // asked is kUnavailable (rule "bureau.unavailable"), and nothing changes. A right password is
  // kept with the application for the upload (Application::filing_password). Without a registry the
  // submit works as before, and a password given is kept unchecked.
  Result<Submission> Submit(const Caller& caller, ApplicationId id, std::int64_t revision,
                            std::optional<std::string> filing_password = std::nullopt);

  // 撤销 / 放弃 (FACTS §4.5). Irreversible: `confirmed` must be true (kFailedPrecondition,
  // rule "application.confirm"). A submitted cancellation cannot be withdrawn (seed 002):
  // the lifecycle refuses it (rule "lifecycle.transition").
  Result<ApplicationView> Withdraw(const Caller& caller, ApplicationId id, std::int64_t revision,
                                   bool confirmed);
  Result<ApplicationView> Abandon(const Caller& caller, ApplicationId id, std::int64_t revision,
                                  bool confirmed);

 private:
  Result<ApplicationView> Move(const Caller& caller, ApplicationId id, std::int64_t revision,
                               bool confirmed, ApplicationEvent event, std::string_view action);

  // Asks the registry about `document` (outside any transaction); kNotConfigured without one.
  BureauView AskBureau(const Application& document);
  // The filing password check of Submit, outside any transaction.
  Result<void> CheckFilingPassword(const ApplicationRecord& record,
                                   const std::optional<std::string>& password);

  Database& db_;
  std::shared_ptr<const RuleSet> rules_;
  const HolidayCalendar& calendar_;
  Clock& clock_;
  BureauRegistry* registry_;
};

// Reads an application `caller` may see: kNotFound for another account's (a customer) or a
// missing one. Shared by the use cases that act on applications.
Result<ApplicationRecord> VisibleApplication(StoreReader& store, const Caller& caller,
                                             ApplicationId id);

// Reads application `id` as `uow` leaves it, with its review notes, runs `before_commit`
// (when given) in `uow` with that view, and commits `uow`: what every act on an application
// answers.
Result<ApplicationView> CommitAndView(std::unique_ptr<UnitOfWork> uow, ApplicationId id,
                                      const ApplicationService::BeforeCommit& before_commit = {});

// Types whose upload carries the filing password (ICPmm, BUREAU-PROTOCOL §4.3-§4.6):
// new_website_filed_elsewhere, new_access, continue_access and the three cancellations.
bool NeedsFilingPassword(ApplicationType type);

// The submission round of `lifecycle`: how many times it was submitted.
int SubmissionRound(const ApplicationLifecycle& lifecycle);

// An audit entry's actor for `caller`: "account:12".
std::string ActorOf(const Caller& caller);

}  // namespace icp
