#include "app/bureau_outcome_service.h"

#include <string>
#include <utility>

#include "app/gate_lists.h"
#include "app/notification.h"
#include "base/check.h"

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
  if (Result<bool> queued = EnqueueNotification(uow, *n, key, now); !queued) {
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

// Whether `events` are the last moves of `lifecycle`: the outcome was applied before (a
// result delivered again, or ZXSJ after the BAJG that approved the same cancellation).
bool AlreadyApplied(const ApplicationLifecycle& lifecycle, const std::vector<Event>& events) {
  const std::vector<TransitionRecord>& history = lifecycle.history();
  if (events.empty() || history.size() < events.size()) return false;
  const std::size_t start = history.size() - events.size();
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (history[start + i].event != events[i]) return false;
  }
  return true;
}

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

Result<void> AuditRecord(UnitOfWork& uow, std::string_view action, std::string entity,
                         const ApplicationRecord& r, std::chrono::sys_seconds now) {
  const std::string details = "{\"application\":" + std::to_string(r.id.value()) +
                              ",\"type\":" + Quoted(ApplicationTypeName(r.lifecycle.type())) + "}";
  return uow.audit().Append(
      {now, std::string(kActor), std::string(action), std::move(entity), details});
}

std::string SubjectEntity(SubjectId id) { return "subject:" + std::to_string(id.value()); }
std::string WebsiteEntity(WebsiteId id) { return "website:" + std::to_string(id.value()); }

// The subject an approved change or cancellation acts on, as it is on record.
Result<SubjectRecord> SubjectOf(UnitOfWork& uow, const ApplicationRecord& r) {
  // Every store holds it (applications_type_names_subject: a change or cancellation names
  // its subject on record).
  ICP_CHECK(r.subject.has_value()) << "application " << r.id.value() << " names no subject";
  return uow.subjects().Get(*r.subject);
}

bool SharesDomain(const Website& a, const Website& b) {
  for (const DomainName& x : a.domains) {
    for (const DomainName& y : b.domains) {
      if (x.ascii() == y.ascii()) return true;
    }
  }
  return false;
}

// The subject's website on record that application website `i` is about: the one sharing a
// domain with it, an active one before a cancelled one. kFailedPrecondition
// (bureau.record-missing) when there is none.
Result<WebsiteRecord> WebsiteOf(const std::vector<WebsiteRecord>& sites, const ApplicationRecord& r,
                                std::size_t i) {
  const Website& w = r.application.websites[i];
  const WebsiteRecord* found = nullptr;
  for (const WebsiteRecord& site : sites) {
    if (!SharesDomain(site.website, w)) continue;
    if (found == nullptr || (found->cancelled && !site.cancelled)) found = &site;
  }
  if (found == nullptr) {
    const std::string domain = w.domains.empty() ? "" : w.domains.front().unicode();
    return Refusal(ErrorCode::kFailedPrecondition, "websites[" + std::to_string(i) + "]",
                   "bureau.record-missing",
                   "no website on record under subject " + std::to_string(r.subject->value()) +
                       " has the domain " + domain + " that application " +
                       std::to_string(r.id.value()) + " names",
                   "该主体下没有域名为 " + domain + " 的已备案网站");
  }
  return *found;
}

// Cancels `number` in the registry unless it was cancelled already.
Result<void> CancelNumber(UnitOfWork& uow, const std::optional<FilingNumber>& number,
                          std::chrono::sys_seconds now) {
  if (!number) return {};
  Result<std::optional<IssuedNumber>> issued = uow.numbers().Find(*number);
  if (!issued) return std::unexpected(issued.error());
  if (!*issued || (*issued)->cancelled_at) return {};
  return uow.numbers().Cancel(*number, now);
}

// Marks `site` cancelled here (changed_by the application), and cancels its number when
// `number_too`; nothing that is so already is written again.
Result<void> CancelWebsite(UnitOfWork& uow, WebsiteRecord site, const ApplicationRecord& r,
                           bool number_too, std::chrono::sys_seconds now) {
  if (!site.cancelled) {
    site.cancelled = true;
    site.changed_by = r.id;
    if (Result<std::int64_t> rev = uow.websites().Update(site); !rev) {
      return std::unexpected(rev.error());
    }
    if (Result<void> ok = AuditRecord(uow, "record.cancel", WebsiteEntity(site.id), r, now); !ok) {
      return ok;
    }
  }
  if (!number_too) return {};
  return CancelNumber(uow, site.number, now);
}

// 注销主体: the subject and every website of it cancelled, with all their numbers.
Result<void> CancelSubjectRecord(UnitOfWork& uow, const ApplicationRecord& r,
                                 std::chrono::sys_seconds now) {
  Result<SubjectRecord> subject = SubjectOf(uow, r);
  if (!subject) return std::unexpected(subject.error());
  Result<std::vector<WebsiteRecord>> sites = uow.websites().ListBySubject(subject->id);
  if (!sites) return std::unexpected(sites.error());
  for (const WebsiteRecord& site : *sites) {
    if (Result<void> ok = CancelWebsite(uow, site, r, true, now); !ok) return ok;
  }
  subject->cancelled = true;
  subject->changed_by = r.id;
  if (Result<std::int64_t> rev = uow.subjects().Update(*subject); !rev) {
    return std::unexpected(rev.error());
  }
  if (Result<void> ok = AuditRecord(uow, "record.cancel", SubjectEntity(subject->id), r, now);
      !ok) {
    return ok;
  }
  return CancelNumber(uow, subject->number, now);
}

// 注销网站 (`number_too`) and 取消接入: the application's websites cancelled here. After 取消接入
// the number stays valid nationally (the website may be accessed elsewhere: seed 002), but
// this provider no longer serves it, and the access gate denies its domains.
Result<void> CancelWebsiteRecords(UnitOfWork& uow, const ApplicationRecord& r, bool number_too,
                                  std::chrono::sys_seconds now) {
  Result<SubjectRecord> subject = SubjectOf(uow, r);
  if (!subject) return std::unexpected(subject.error());
  Result<std::vector<WebsiteRecord>> sites = uow.websites().ListBySubject(subject->id);
  if (!sites) return std::unexpected(sites.error());
  std::vector<WebsiteRecord> targets;
  for (std::size_t i = 0; i < r.application.websites.size(); ++i) {
    Result<WebsiteRecord> site = WebsiteOf(*sites, r, i);
    if (!site) return std::unexpected(site.error());
    targets.push_back(std::move(*site));
  }
  for (const WebsiteRecord& site : targets) {
    if (Result<void> ok = CancelWebsite(uow, site, r, number_too, now); !ok) return ok;
  }
  return {};
}

// 变更主体 / 变更网站 / 变更接入: the record rewritten with the application's content, as the
// bureau now holds it (BGBA carries the subject and the changed websites with their access).
// Every clash is found before anything is written.
Result<void> ChangeRecords(UnitOfWork& uow, const ApplicationRecord& r,
                           std::chrono::sys_seconds now) {
  Result<SubjectRecord> subject = SubjectOf(uow, r);
  if (!subject) return std::unexpected(subject.error());
  const Application& app = r.application;
  // A certificate another active subject holds is refused by the store itself
  // (subject.already-on-record), which ends the unit of work.
  const bool subject_changes = subject->subject != app.subject;
  Result<std::vector<WebsiteRecord>> sites = uow.websites().ListBySubject(subject->id);
  if (!sites) return std::unexpected(sites.error());
  std::vector<WebsiteRecord> changed;
  for (std::size_t i = 0; i < app.websites.size(); ++i) {
    Result<WebsiteRecord> site = WebsiteOf(*sites, r, i);
    if (!site) return std::unexpected(site.error());
    if (site->website == app.websites[i]) continue;
    for (std::size_t j = 0; j < app.websites[i].domains.size(); ++j) {
      const DomainName& d = app.websites[i].domains[j];
      Result<std::optional<WebsiteRecord>> holder = uow.websites().FindByDomain(d);
      if (!holder) return std::unexpected(holder.error());
      if (*holder && (*holder)->id != site->id) {
        return Refusal(ErrorCode::kAlreadyExists,
                       "websites[" + std::to_string(i) + "].domains[" + std::to_string(j) + "]",
                       "website.domain-taken",
                       "domain " + d.unicode() + " that application " +
                           std::to_string(r.id.value()) + " gives website " +
                           std::to_string(site->id.value()) + " belongs to website " +
                           std::to_string((*holder)->id.value()) + " on record",
                       "域名 " + d.unicode() + " 已属于另一个已备案网站，变更无法写入备案记录");
      }
    }
    site->website = app.websites[i];
    site->changed_by = r.id;
    changed.push_back(std::move(*site));
  }
  if (subject_changes) {
    subject->subject = app.subject;
    subject->changed_by = r.id;
    if (Result<std::int64_t> rev = uow.subjects().Update(*subject); !rev) {
      return std::unexpected(rev.error());
    }
    if (Result<void> ok = AuditRecord(uow, "record.change", SubjectEntity(subject->id), r, now);
        !ok) {
      return ok;
    }
  }
  for (const WebsiteRecord& site : changed) {
    if (Result<std::int64_t> rev = uow.websites().Update(site); !rev) {
      return std::unexpected(rev.error());
    }
    if (Result<void> ok = AuditRecord(uow, "record.change", WebsiteEntity(site.id), r, now); !ok) {
      return ok;
    }
  }
  return {};
}

// What an approval does to the records on file, by type. Filings that add a website (first
// filing, new website, new or continued access) are recorded when BASJ brings their numbers
// (StoreFiled).
Result<void> FollowApproval(UnitOfWork& uow, const ApplicationRecord& r,
                            std::chrono::sys_seconds now) {
  switch (r.lifecycle.type()) {
    case ApplicationType::kCancelSubject:
      return CancelSubjectRecord(uow, r, now);
    case ApplicationType::kCancelWebsite:
      return CancelWebsiteRecords(uow, r, true, now);
    case ApplicationType::kCancelAccess:
      return CancelWebsiteRecords(uow, r, false, now);
    case ApplicationType::kChangeSubject:
    case ApplicationType::kChangeWebsite:
    case ApplicationType::kChangeAccess:
      return ChangeRecords(uow, r, now);
    default:
      return {};
  }
}

}  // namespace

Result<void> BureauOutcomeService::Record(UnitOfWork& uow, const BureauOutcome& outcome,
                                          std::chrono::sys_seconds now) {
  Result<ApplicationRecord> stored = uow.applications().Get(outcome.application);
  if (!stored) return std::unexpected(stored.error());
  const ApplicationType type = stored->lifecycle.type();
  const std::vector<Event> events = EventsOf(outcome, type);
  const ApplicationLifecycle stored_lifecycle = stored->lifecycle;
  ApplicationRecord record = std::move(*stored);
  const ProvinceRules& rules = rules_->For(record.application.subject.province);
  for (Event e : events) {
    Result<TransitionRecord> moved =
        record.lifecycle.Apply(e, now, calendar_, DeadlinePolicyOf(rules.parameters));
    if (!moved) {
      // The same outcome again (a file the bureau sent twice, ZXSJ after its BAJG): applied
      // already, nothing changes. Any other refused move is the caller's to report.
      if (moved.error().rule() == "lifecycle.transition" &&
          AlreadyApplied(stored_lifecycle, events)) {
        return {};
      }
      return std::unexpected(moved.error());
    }
  }
  if (record.lifecycle.state() == ApplicationState::kApproved) {
    // The records on file follow the approval, in this unit of work (docs/bureau-protocol.md,
    // "What the records do").
    if (Result<void> ok = FollowApproval(uow, record, now); !ok) return ok;
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
  if (!AddsWebsite(record.lifecycle.type())) {
    // A change or cancellation brings no new record: the bureau's ids only (a changed
    // website's new domain has its Ymid now). A cancelled website is never filed again here.
    if (!subject) return Audit(uow, record, "filed", "", now);
    if (Result<void> ok = uow.bureau_link().SetSubjectIds(*subject, isp_id, ids); !ok) return ok;
    return Audit(uow, record, "filed", "", now);
  }
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
  if (!record.subject) {
    // The application now names the subject it put on record, as the customer's later
    // changes, access filings and cancellations will.
    ApplicationRecord named = record;
    named.subject = *subject;
    if (Result<std::int64_t> rev = uow.applications().Update(named); !rev) {
      return std::unexpected(rev.error());
    }
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
    Result<std::optional<IssuedNumber>> issued = uow.numbers().Find(*number);
    if (!issued) return std::unexpected(issued.error());
    if (*issued && (*issued)->website && !(*issued)->cancelled_at) {
      // Accessed here again (继续接入 after 取消接入): the website on record under its number,
      // cancelled here but filed all along, becomes active again. An access filing changes
      // no data (the database refuses it), so the record keeps its content.
      Result<WebsiteRecord> site = uow.websites().Get(*(*issued)->website);
      if (!site) return std::unexpected(site.error());
      if (!site->cancelled) continue;
      site->cancelled = false;
      site->changed_by = record.id;
      if (Result<std::int64_t> rev = uow.websites().Update(*site); !rev) {
        return std::unexpected(rev.error());
      }
      continue;
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
