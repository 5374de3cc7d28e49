#include "app/bureau_outcome_service.h"

#include <string>
#include <utility>

#include "app/gate_lists.h"
#include "app/notification.h"

namespace icp {
namespace {

using Kind = BureauOutcome::Kind;
using Event = ApplicationEvent;
namespace t = notification_template;

constexpr std::string_view kActor = "system:bureau";

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kSent:
      return "sent";
    case Kind::kSmsVerified:
      return "sms_verified";
    case Kind::kSmsTimedOut:
      return "sms_timed_out";
    case Kind::kSmsFailed:
      return "sms_failed";
    case Kind::kReturned:
      return "returned";
    case Kind::kRefused:
      return "refused";
    case Kind::kApproved:
      return "approved";
    case Kind::kCancellationDone:
      return "cancellation_done";
  }
  return "unknown";
}

std::vector<Event> EventsOf(const BureauOutcome& o, ApplicationType type) {
  switch (o.kind) {
    case Kind::kSent:
      // A bureau without MIIT's SMS step (v3.0-strict): the step is passed as the file is
      // taken, so the application waits under the bureau's deadline (application_lifecycle.h).
      if (o.no_sms_step && !IsCancellation(type))
        return {Event::kSentToBureau, Event::kSmsVerified};
      return {Event::kSentToBureau};
    case Kind::kSmsVerified:
      return {Event::kSmsVerified};
    case Kind::kSmsTimedOut:
      return {Event::kSmsTimedOut};
    case Kind::kSmsFailed:
      return {Event::kSmsFailedFiveTimes};
    case Kind::kReturned:
      return {Event::kBureauReturn};
    case Kind::kRefused:
      return {Event::kSubmissionRefused};
    case Kind::kApproved:
    case Kind::kCancellationDone:
      return {Event::kBureauApprove};
  }
  return {};
}

// What the customer is told, or nullopt.
std::optional<Notification> Tell(const ApplicationRecord& r, const BureauOutcome& o) {
  Notification n{"", r.account, r.id, {}};
  const bool cancellation = IsCancellation(r.lifecycle.type());
  switch (o.kind) {
    case Kind::kSent:
      if (cancellation) return std::nullopt;
      n.template_id = o.no_sms_step ? t::kSmsVerified : t::kSentToBureau;
      return n;
    case Kind::kSmsVerified:
      n.template_id = t::kSmsVerified;
      return n;
    case Kind::kSmsTimedOut:
    case Kind::kSmsFailed:
      n.template_id = t::kSmsReturned;
      n.params["reason"] = o.kind == Kind::kSmsTimedOut ? "短信核验超时" : "短信核验错误次数过多";
      return n;
    case Kind::kReturned:
      n.template_id = o.conflict ? t::kBureauConflict : t::kBureauReturned;
      n.params["reasons"] = std::to_string(std::max<std::size_t>(o.reasons.size(), 1));
      return n;
    case Kind::kRefused:
      n.template_id = t::kBureauRefused;
      return n;
    case Kind::kApproved:
      n.template_id = cancellation ? t::kCancellationDone : t::kApproved;
      return n;
    case Kind::kCancellationDone:
      n.template_id = t::kCancellationDone;
      return n;
  }
  return std::nullopt;
}

Result<void> Notify(UnitOfWork& uow, const ApplicationRecord& r, const BureauOutcome& o,
                    std::chrono::sys_seconds now) {
  std::optional<Notification> n = Tell(r, o);
  if (!n) return {};
  // One per move: a result file seen twice cannot tell twice.
  const std::string key = "application:" + std::to_string(r.id.value()) + ":" + n->template_id +
                          ":" + std::to_string(r.lifecycle.history().size());
  Result<OutboxMessage> message = NotificationMessage(*n, key, now);
  if (!message) return std::unexpected(message.error());
  if (Result<bool> queued = uow.outbox().Enqueue(*message); !queued) {
    return std::unexpected(queued.error());
  }
  return {};
}

Result<void> Audit(UnitOfWork& uow, const ApplicationRecord& r, std::string_view what,
                   std::string_view file_name, std::chrono::sys_seconds now) {
  const std::string details = "{\"state\":\"" +
                              std::string(ApplicationStateName(r.lifecycle.state())) +
                              "\",\"file\":\"" + std::string(file_name) + "\"}";
  return uow.audit().Append({now, std::string(kActor), "application.bureau." + std::string(what),
                             "application:" + std::to_string(r.id.value()), details});
}

}  // namespace

Result<void> BureauOutcomeService::Record(UnitOfWork& uow, const BureauOutcome& outcome,
                                          std::chrono::sys_seconds now) {
  Result<ApplicationRecord> stored = uow.applications().Get(outcome.application);
  if (!stored) return std::unexpected(stored.error());
  const ApplicationType type = stored->lifecycle.type();
  const std::vector<Event> events = EventsOf(outcome, type);
  ApplicationRecord record = std::move(*stored);
  const ProvinceRules& rules = rules_->For(record.application.subject.province);
  for (Event e : events) {
    Result<TransitionRecord> moved =
        record.lifecycle.Apply(e, now, calendar_, DeadlinePolicyOf(rules.parameters));
    if (!moved) return std::unexpected(moved.error());
  }
  record.updated_at = now;
  if (Result<std::int64_t> rev = uow.applications().Update(record); !rev) {
    return std::unexpected(rev.error());
  }
  for (BureauReason reason : outcome.reasons) {
    reason.application = record.id;
    reason.at = now;
    if (Result<void> ok = uow.bureau_link().AddReason(reason); !ok) return ok;
  }
  if (Result<void> ok = Audit(uow, record, KindName(outcome.kind), outcome.file_name, now); !ok) {
    return ok;
  }
  if (Result<void> ok = Notify(uow, record, outcome, now); !ok) return ok;
  return {};
}

Result<void> BureauOutcomeService::RecordFiled(UnitOfWork& uow, std::int64_t isp_id,
                                               std::optional<ApplicationId> application,
                                               const BureauIds& ids, std::chrono::sys_seconds now) {
  if (application) {
    Result<ApplicationRecord> record = uow.applications().Get(*application);
    if (!record) return std::unexpected(record.error());
    if (record->lifecycle.state() == ApplicationState::kBureauReview) {
      // The record came before the approving result: BASJ is the approval (§7.3).
      if (Result<void> ok =
              Record(uow, {Kind::kApproved, record->id, "", false, false, {}, {}}, now);
          !ok) {
        return ok;
      }
      record = uow.applications().Get(*application);
      if (!record) return std::unexpected(record.error());
    }
    if (record->lifecycle.state() != ApplicationState::kApproved) {
      return Refusal(ErrorCode::kFailedPrecondition, "state", "bureau.filed-before-approval",
                     "BASJ names an application that is not approved",
                     "管局备案数据对应的申请尚未审核通过");
    }
    return StoreFiled(uow, isp_id, *record, ids, now);
  }
  // A record this provider holds already: its ids only.
  std::optional<SubjectId> subject;
  if (ids.subject_id) {
    Result<std::optional<SubjectId>> found =
        uow.bureau_link().SubjectByBureauId(isp_id, *ids.subject_id);
    if (!found) return std::unexpected(found.error());
    subject = *found;
  }
  if (!subject && !ids.subject_number.empty()) {
    if (Result<FilingNumber> number = FilingNumber::Parse(ids.subject_number); number) {
      Result<std::optional<IssuedNumber>> issued = uow.numbers().Find(*number);
      if (!issued) return std::unexpected(issued.error());
      if (*issued) subject = (*issued)->subject;
    }
  }
  if (!subject) {
    return NotFound("no subject on record has the bureau's id or number " + ids.subject_number);
  }
  return uow.bureau_link().SetSubjectIds(*subject, isp_id, ids);
}

Result<void> BureauOutcomeService::StoreFiled(UnitOfWork& uow, std::int64_t isp_id,
                                              const ApplicationRecord& record, const BureauIds& ids,
                                              std::chrono::sys_seconds now) {
  const Application& app = record.application;
  std::optional<SubjectId> subject = record.subject;
  if (!subject) {
    Result<std::optional<SubjectRecord>> found =
        uow.subjects().FindByCertificate(app.subject.certificate);
    if (!found) return std::unexpected(found.error());
    if (*found) subject = (*found)->id;
  }
  if (!subject) {
    Result<FilingNumber> number = FilingNumber::Parse(ids.subject_number);
    if (!number) {
      return Refusal(ErrorCode::kFailedPrecondition, "subject_number", "bureau.number",
                     "the bureau's subject number does not read: " + number.error().message);
    }
    Result<SubjectId> id = uow.subjects().Insert(
        {SubjectId(), record.account, app.subject, std::nullopt, false, std::nullopt, 0});
    if (!id) return std::unexpected(id.error());
    if (Result<void> ok = uow.numbers().Issue({*number, *id, std::nullopt, now, std::nullopt});
        !ok) {
      return ok;
    }
    Result<SubjectRecord> s = uow.subjects().Get(*id);
    if (!s) return std::unexpected(s.error());
    s->number = *number;
    if (Result<std::int64_t> rev = uow.subjects().Update(*s); !rev) {
      return std::unexpected(rev.error());
    }
    subject = *id;
  }
  for (const Website& w : app.websites) {
    const BureauIds::Website* filed = nullptr;
    for (const BureauIds::Website& f : ids.websites) {
      for (const auto& [domain, id] : f.domain_ids) {
        for (const DomainName& d : w.domains) {
          if (d.ascii() == domain) filed = &f;
        }
      }
    }
    if (filed == nullptr || w.domains.empty()) continue;
    Result<std::optional<WebsiteRecord>> there = uow.websites().FindByDomain(w.domains.front());
    if (!there) return std::unexpected(there.error());
    if (*there) continue;  // on record already (a BASJ seen again)
    Result<FilingNumber> number = FilingNumber::Parse(filed->number);
    if (!number) {
      return Refusal(ErrorCode::kFailedPrecondition, "website_number", "bureau.number",
                     "the bureau's website number does not read: " + number.error().message);
    }
    Result<WebsiteId> id =
        uow.websites().Insert({WebsiteId(), *subject, w, std::nullopt, false, std::nullopt, 0});
    if (!id) return std::unexpected(id.error());
    if (Result<void> ok = uow.numbers().Issue({*number, *subject, *id, now, std::nullopt}); !ok) {
      return ok;
    }
    Result<WebsiteRecord> site = uow.websites().Get(*id);
    if (!site) return std::unexpected(site.error());
    site->number = *number;
    if (Result<std::int64_t> rev = uow.websites().Update(*site); !rev) {
      return std::unexpected(rev.error());
    }
  }
  if (Result<void> ok = uow.bureau_link().SetSubjectIds(*subject, isp_id, ids); !ok) return ok;
  return Audit(uow, record, "filed", "", now);
}

Result<GateListReport> BureauOutcomeService::RecordLists(UnitOfWork& uow,
                                                         const GateListUpdate& update,
                                                         std::chrono::sys_seconds now) {
  return ApplyGateListsIn(uow, update, "system:bureau", now);
}

}  // namespace icp
