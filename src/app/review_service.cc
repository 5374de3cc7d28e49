#include "app/review_service.h"

#include <algorithm>
#include <utility>

#include "app/notification.h"
#include "ports/storage_errors.h"

namespace icp {
namespace {

// Whether the leader was reached since the application entered its current state.
bool ReachedThisRound(const std::vector<ReviewNote>& notes, int round) {
  return std::ranges::any_of(notes, [round](const ReviewNote& n) {
    return n.round == round && n.kind == ReviewNoteKind::kContact &&
           n.contact == ContactOutcome::kReached;
  });
}

// What the customer is told when the review moves its application: returned (with how many
// reasons), passed to verification, ready for the bureau; nothing for acts that move no state.
std::optional<Notification> NotificationFor(const ApplicationRecord& record,
                                            const std::vector<ReviewNote>& notes) {
  namespace t = notification_template;
  // REQUIRES: the act just moved the lifecycle (its last move is this act's).
  const std::vector<TransitionRecord>& history = record.lifecycle.history();
  if (history.empty() || history.back().from == history.back().to) return std::nullopt;
  Notification n{"", record.account, record.id, {}};
  switch (record.lifecycle.state()) {
    case ApplicationState::kProviderReturned: {
      const auto reasons = std::ranges::count_if(
          notes, [](const ReviewNote& r) { return r.kind == ReviewNoteKind::kReturnReason; });
      n.template_id = t::kReturned;
      n.params["reasons"] = std::to_string(reasons);
      return n;
    }
    case ApplicationState::kVerification:
      n.template_id = t::kPassedReview;
      return n;
    case ApplicationState::kReadyForBureau:
      n.template_id = t::kReadyForBureau;
      return n;
    default:
      return std::nullopt;
  }
}

}  // namespace

ReviewService::ReviewService(Database& db, std::shared_ptr<const RuleSet> rules,
                             const HolidayCalendar& calendar, Clock& clock)
    : db_(db), rules_(std::move(rules)), calendar_(calendar), clock_(clock) {}

Result<Page<ApplicationRecord, DueCursor>> ReviewService::Queue(const Caller& caller,
                                                                ApplicationQuery filters) {
  if (!caller.is_staff()) {
    return Refusal(ErrorCode::kPermissionDenied, "", "auth.role", "the queue is for reviewers",
                   "审核队列仅供审核专员使用");
  }
  if (filters.states.empty()) {
    filters.states = {ApplicationState::kProviderReview, ApplicationState::kVerification};
  }
  if (!filters.by_due_after) filters.by_due_after = DueCursor{};
  const std::size_t limit = std::clamp<std::size_t>(filters.limit, 1, 200);
  filters.limit = limit + 1;
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  Result<std::vector<ApplicationRecord>> rows = (*read)->applications().List(filters);
  if (!rows) return std::unexpected(rows.error());
  Page<ApplicationRecord, DueCursor> page;
  if (rows->size() > limit) {
    rows->pop_back();
    const ApplicationRecord& last = rows->back();
    const std::optional<Deadline>& d = last.lifecycle.deadline();
    page.next = DueCursor{d ? d->due : kNoDeadline, last.id};
  }
  page.items = std::move(*rows);
  return page;
}

Result<ApplicationRecord> ReviewService::Load(UnitOfWork& uow, const Caller& caller,
                                              ApplicationId id, std::int64_t revision) {
  if (!caller.is_staff()) {
    return Refusal(ErrorCode::kPermissionDenied, "", "auth.role", "reviewing is for reviewers",
                   "仅审核专员可以审核");
  }
  Result<ApplicationRecord> record = VisibleApplication(uow, caller, id);
  if (!record) return record;
  if (record->revision != revision) return storage_errors::StaleRevision("application", id.value());
  return record;
}

Result<ApplicationView> ReviewService::Act(std::unique_ptr<UnitOfWork> uow, const Caller& caller,
                                           ApplicationRecord record,
                                           std::optional<ApplicationEvent> event,
                                           std::vector<ReviewNote> notes, std::string_view action) {
  const std::chrono::sys_seconds now = clock_.Now();
  if (event) {
    const ProvinceRules& rules = rules_->For(record.application.subject.province);
    Result<TransitionRecord> moved =
        record.lifecycle.Apply(*event, now, calendar_, DeadlinePolicyOf(rules.parameters));
    if (!moved) return std::unexpected(moved.error());
  }
  record.updated_at = now;
  // Every act moves the revision, also one that changes no state (a claim, a reached call):
  // two reviewers acting on one application at once cannot both succeed.
  if (Result<std::int64_t> rev = uow->applications().Update(record); !rev) {
    return std::unexpected(rev.error());
  }
  for (ReviewNote& n : notes) {
    n.at = now;
    if (Result<void> ok = uow->review_notes().Append(n); !ok) return std::unexpected(ok.error());
  }
  if (std::optional<Notification> tell =
          event ? NotificationFor(record, notes) : std::optional<Notification>()) {
    // One per move: the key names the move, so a replayed act cannot tell twice.
    const std::string key = "application:" + std::to_string(record.id.value()) + ":" +
                            tell->template_id + ":" +
                            std::to_string(record.lifecycle.history().size());
    if (Result<bool> queued = EnqueueNotification(*uow, *tell, key, now); !queued) {
      return std::unexpected(queued.error());
    }
  }
  const std::string details = "{\"state\":\"" +
                              std::string(ApplicationStateName(record.lifecycle.state())) +
                              "\",\"notes\":" + std::to_string(notes.size()) + "}";
  if (Result<void> a =
          uow->audit().Append({now, ActorOf(caller), std::string(action),
                               "application:" + std::to_string(record.id.value()), details});
      !a) {
    return std::unexpected(a.error());
  }
  return CommitAndView(std::move(uow), record.id);
}

Result<ApplicationView> ReviewService::Claim(const Caller& caller, ApplicationId id,
                                             std::int64_t revision) {
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<ApplicationRecord> record = Load(**uow, caller, id, revision);
  if (!record) return std::unexpected(record.error());
  const ApplicationState s = record->lifecycle.state();
  if (s != ApplicationState::kProviderReview && s != ApplicationState::kVerification) {
    return Refusal(ErrorCode::kFailedPrecondition, "", "review.not-in-review",
                   "only an application under the provider's review can be claimed",
                   "该申请不在初审阶段，无法领取");
  }
  ReviewNote note{id,
                  SubmissionRound(record->lifecycle),
                  ReviewNoteKind::kClaim,
                  "",
                  "",
                  "",
                  "",
                  std::nullopt,
                  caller.account,
                  {}};
  return Act(std::move(*uow), caller, std::move(*record), std::nullopt, {note}, "review.claim");
}

Result<ApplicationView> ReviewService::RecordContact(const Caller& caller, ApplicationId id,
                                                     std::int64_t revision,
                                                     ContactOutcome outcome) {
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<ApplicationRecord> record = Load(**uow, caller, id, revision);
  if (!record) return std::unexpected(record.error());
  const int round = SubmissionRound(record->lifecycle);
  std::vector<ReviewNote> notes{
      {id, round, ReviewNoteKind::kContact, "", "", "", "", outcome, caller.account, {}}};
  if (outcome == ContactOutcome::kMissed && record->lifecycle.missed_calls() >= 1) {
    // The second miss returns it (the lifecycle's guard); the customer reads why.
    notes.push_back({id,
                     round,
                     ReviewNoteKind::kReturnReason,
                     "subject.principal.mobile",
                     "review.unreachable",
                     "两次电话联系负责人均未接通",
                     "请确认负责人手机号码可以接通后重新提交",
                     std::nullopt,
                     caller.account,
                     {}});
  }
  const ApplicationEvent event = outcome == ContactOutcome::kReached
                                     ? ApplicationEvent::kContactReached
                                     : ApplicationEvent::kContactMissed;
  return Act(std::move(*uow), caller, std::move(*record), event, std::move(notes),
             "review.contact");
}

Result<ApplicationView> ReviewService::Return(const Caller& caller, ApplicationId id,
                                              std::int64_t revision,
                                              const std::vector<ReturnReason>& reasons) {
  std::vector<FieldViolation> problems;
  if (reasons.empty()) {
    problems.push_back({"reasons", "review.reason-required",
                        "a return needs at least one reason on a field",
                        "驳回时请至少填写一条针对具体字段的原因"});
  }
  for (std::size_t i = 0; i < reasons.size(); ++i) {
    const std::string at = "reasons[" + std::to_string(i) + "]";
    if (reasons[i].field.empty()) {
      problems.push_back(
          {at + ".field", "review.reason-field", "say which field is wrong", "请指明有问题的字段"});
    }
    if (reasons[i].message.empty()) {
      problems.push_back(
          {at + ".message", "review.reason-message", "say what is wrong", "请填写驳回原因"});
    }
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<ApplicationRecord> record = Load(**uow, caller, id, revision);
  if (!record) return std::unexpected(record.error());
  const int round = SubmissionRound(record->lifecycle);
  std::vector<ReviewNote> notes;
  for (const ReturnReason& r : reasons) {
    notes.push_back({id,
                     round,
                     ReviewNoteKind::kReturnReason,
                     r.field,
                     "",
                     r.message,
                     r.suggestion,
                     std::nullopt,
                     caller.account,
                     {}});
  }
  return Act(std::move(*uow), caller, std::move(*record), ApplicationEvent::kProviderReturn,
             std::move(notes), "review.return");
}

Result<ApplicationView> ReviewService::Pass(const Caller& caller, ApplicationId id,
                                            std::int64_t revision) {
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<ApplicationRecord> record = Load(**uow, caller, id, revision);
  if (!record) return std::unexpected(record.error());
  const int round = SubmissionRound(record->lifecycle);
  const ApplicationState s = record->lifecycle.state();
  ApplicationEvent event = ApplicationEvent::kProviderPass;
  ReviewNoteKind kind = ReviewNoteKind::kPass;
  if (s == ApplicationState::kVerification) {
    event = ApplicationEvent::kVerificationDone;
    kind = ReviewNoteKind::kVerification;
  } else if (s == ApplicationState::kProviderReview && !IsCancellation(record->lifecycle.type())) {
    Result<std::vector<ReviewNote>> notes = (*uow)->review_notes().List(id);
    if (!notes) return std::unexpected(notes.error());
    if (!ReachedThisRound(*notes, round)) {
      return Refusal(ErrorCode::kFailedPrecondition, "", "review.contact-first",
                     "reach the leader by phone before passing the application",
                     "请先电话联系并核实负责人后再通过初审");
    }
  }
  ReviewNote note{id, round, kind, "", "", "", "", std::nullopt, caller.account, {}};
  return Act(std::move(*uow), caller, std::move(*record), event, {note}, "review.pass");
}

}  // namespace icp
