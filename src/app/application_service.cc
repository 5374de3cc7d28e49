#include "app/application_service.h"

#include <algorithm>
#include <string>
#include <utility>

#include "app/account_real_names.h"
#include "app/real_name_checks.h"
#include "domain/resolve_application_type.h"
#include "ports/storage_errors.h"

namespace icp {
namespace {

bool IsEditable(ApplicationState s) {
  return s == ApplicationState::kDraft || s == ApplicationState::kProviderReturned ||
         s == ApplicationState::kBureauReturned;
}

// Types the type check can resolve; the others are chosen on a record.
bool IsResolvable(ApplicationType t) {
  return t == ApplicationType::kFirstFiling || t == ApplicationType::kNewWebsite ||
         t == ApplicationType::kNewWebsiteFiledElsewhere || t == ApplicationType::kNewAccess ||
         t == ApplicationType::kContinueAccess;
}

OpenApplication OpenFor(StoreReader& store, const std::optional<ApplicationId>& open,
                        const Caller& caller) {
  if (!open) return OpenApplication::kNone;
  Result<ApplicationRecord> r = store.applications().Get(*open);
  return r && r->account == caller.account ? OpenApplication::kHere
                                           : OpenApplication::kHereOtherAccount;
}

// The facts the type check decides on, from this provider's records.
struct GatheredFacts {
  ApplicationTypeFacts facts;
  std::optional<SubjectRecord> subject;  // the subject on record, in any account
};

// Two numbers name the same subject (their canonical forms agree: 川 is 蜀).
bool SameSubjectNumber(std::string_view a, std::string_view b) {
  Result<FilingNumber> x = FilingNumber::Parse(a);
  Result<FilingNumber> y = FilingNumber::Parse(b);
  return x && y && x->subject_number() == y->subject_number();
}

const RegistryStatus* DomainStatus(const BureauView& bureau, std::string_view field) {
  for (const DomainRegistryStatus& d : bureau.domains) {
    if (d.field == field) return &d.status;
  }
  return nullptr;
}

// Folds what the bureau's registry said into the facts gathered from this provider's
// records: the registry knows the subject (filed through other providers) and the domains
// that are not on record here.
void FoldBureau(const BureauView& bureau, GatheredFacts& out) {
  const bool filed_at_bureau = bureau.subject && bureau.subject->filed;
  if (!out.subject && filed_at_bureau) out.facts.subject = SubjectStanding::kFiledElsewhereOnly;
  std::string number;
  if (out.subject && out.subject->number) {
    number = out.subject->number->str();
  } else if (filed_at_bureau) {
    number = bureau.subject->subject_number;
  }
  for (std::size_t w = 0; w < out.facts.websites.size(); ++w) {
    std::vector<DomainFacts>& domains = out.facts.websites[w].domains;
    for (std::size_t d = 0; d < domains.size(); ++d) {
      if (domains[d].standing != DomainStanding::kNotFiled) continue;
      const RegistryStatus* s = DomainStatus(
          bureau, "websites[" + std::to_string(w) + "].domains[" + std::to_string(d) + "]");
      if (s == nullptr || !s->filed) continue;
      domains[d].standing = !number.empty() && SameSubjectNumber(number, s->subject_number)
                                ? DomainStanding::kFiledUnderSubjectElsewhere
                                : DomainStanding::kFiledUnderOtherSubject;
    }
  }
}

Result<GatheredFacts> Gather(StoreReader& store, const Caller& caller, const Application& doc,
                             const BureauView& bureau) {
  GatheredFacts out;
  Result<std::optional<SubjectRecord>> subject =
      store.subjects().FindByCertificate(doc.subject.certificate);
  if (!subject) return std::unexpected(subject.error());
  out.subject = *subject;
  if (out.subject) {
    Result<std::vector<WebsiteRecord>> sites = store.websites().ListBySubject(out.subject->id);
    if (!sites) return std::unexpected(sites.error());
    const bool any_active = std::ranges::any_of(*sites, [](auto& w) { return !w.cancelled; });
    if (out.subject->account != caller.account) {
      out.facts.subject = SubjectStanding::kFiledHereOtherAccount;
    } else if (out.subject->number && !any_active) {
      out.facts.subject = SubjectStanding::kEmptyShell;
      out.facts.only_website_cancelled = !sites->empty();
    } else {
      out.facts.subject = SubjectStanding::kFiledHere;
    }
  }
  Result<std::optional<ApplicationId>> open =
      store.applications().FindOpenBySubject(doc.subject.certificate);
  if (!open) return std::unexpected(open.error());
  out.facts.subject_open_application = OpenFor(store, *open, caller);
  for (const Website& w : doc.websites) {
    WebsiteFacts site;
    for (const DomainName& d : w.domains) {
      DomainFacts domain;
      Result<std::optional<WebsiteRecord>> filed = store.websites().FindByDomain(d);
      if (!filed) return std::unexpected(filed.error());
      if (*filed) {
        domain.standing = out.subject && (*filed)->subject == out.subject->id
                              ? DomainStanding::kFiledUnderSubjectHere
                              : DomainStanding::kFiledUnderOtherSubject;
      }
      Result<std::optional<ApplicationId>> open_domain = store.applications().FindOpenByDomain(d);
      if (!open_domain) return std::unexpected(open_domain.error());
      domain.open_application = OpenFor(store, *open_domain, caller);
      site.domains.push_back(domain);
    }
    out.facts.websites.push_back(std::move(site));
  }
  if (doc.type && IsResolvable(*doc.type)) out.facts.chosen = doc.type;
  FoldBureau(bureau, out);
  return out;
}

// What Evaluate needs beside the document: the subject's filed websites and the inventory
// the websites name (resources and authorization codes).
Result<EvaluationFacts> EvaluationFactsFor(StoreReader& store, const ApplicationRecord& record) {
  EvaluationFacts facts;
  facts.inventory_known = true;
  if (record.subject) {
    Result<std::vector<WebsiteRecord>> sites = store.websites().ListBySubject(*record.subject);
    if (!sites) return std::unexpected(sites.error());
    facts.filed_websites = static_cast<int>(
        std::ranges::count_if(*sites, [](const WebsiteRecord& w) { return !w.cancelled; }));
  }
  for (const Website& w : record.application.websites) {
    for (const std::string& id : w.resources) {
      if (Result<Resource> r = store.resources().Get(id); r) {
        facts.resources.push_back(std::move(*r));
        continue;
      } else if (r.error().code != ErrorCode::kNotFound) {
        return std::unexpected(r.error());
      }
      Result<AuthorizationCode> code = store.authorization_codes().Get(id);
      if (!code) {
        if (code.error().code == ErrorCode::kNotFound) continue;  // the rules name it unknown
        return std::unexpected(code.error());
      }
      if (Result<Resource> server = store.resources().Get(code->server_id); server) {
        facts.resources.push_back(std::move(*server));
      }
      facts.authorization_codes.push_back(std::move(*code));
    }
  }
  // Whose servers they are, and how each owner is verified (a code's server is judged with
  // its owner's verification).
  for (const Resource& r : facts.resources) {
    if (facts.account_verifications.contains(r.account)) continue;
    Result<Account> owner = store.accounts().FindByLogin(r.account);
    if (!owner && owner.error().code != ErrorCode::kNotFound) return std::unexpected(owner.error());
    facts.account_verifications[r.account] =
        owner ? VerificationOfAccount(*owner) : AccountVerification::kNone;
  }
  return facts;
}

Result<void> Audit(UnitOfWork& uow, const Caller& caller, std::string_view action, ApplicationId id,
                   std::chrono::sys_seconds now, std::string details) {
  return uow.audit().Append({now, ActorOf(caller), std::string(action),
                             "application:" + std::to_string(id.value()), std::move(details)});
}

Result<ApplicationView> ViewOf(StoreReader& store, ApplicationRecord record) {
  Result<std::vector<ReviewNote>> notes = store.review_notes().List(record.id);
  if (!notes) return std::unexpected(notes.error());
  Result<std::vector<BureauReason>> bureau = store.bureau_link().Reasons(record.id);
  if (!bureau) return std::unexpected(bureau.error());
  const int round = SubmissionRound(record.lifecycle);
  return ApplicationView{std::move(record), std::move(*notes), std::move(*bureau), round};
}

Result<void> RequireCustomer(const Caller& caller) {
  if (caller.role == Role::kCustomer) return {};
  return Refusal(ErrorCode::kPermissionDenied, "", "auth.role",
                 "only a customer account files applications", "仅客户账号可以提交备案申请");
}

}  // namespace

Result<ApplicationView> CommitAndView(std::unique_ptr<UnitOfWork> uow, ApplicationId id,
                                      const ApplicationService::BeforeCommit& before_commit) {
  // Read inside the unit of work, which sees its own writes: the view is what the commit
  // stores, without a second transaction to read it back.
  Result<ApplicationRecord> record = uow->applications().Get(id);
  if (!record) return std::unexpected(record.error());
  Result<ApplicationView> view = ViewOf(*uow, std::move(*record));
  if (!view) return std::unexpected(view.error());
  if (before_commit) {
    if (Result<void> b = before_commit(*uow, *view); !b) return std::unexpected(b.error());
  }
  if (Result<void> c = uow->Commit(); !c) return std::unexpected(c.error());
  return view;
}

std::string ActorOf(const Caller& caller) {
  return "account:" + std::to_string(caller.account.value());
}

int SubmissionRound(const ApplicationLifecycle& lifecycle) {
  return static_cast<int>(std::ranges::count_if(
      lifecycle.history(), [](const auto& t) { return t.event == ApplicationEvent::kSubmit; }));
}

Result<ApplicationRecord> VisibleApplication(StoreReader& store, const Caller& caller,
                                             ApplicationId id) {
  Result<ApplicationRecord> record = store.applications().Get(id);
  if (!record || !caller.MayRead(record->account)) {
    if (record || record.error().code == ErrorCode::kNotFound) {
      return Refusal(ErrorCode::kNotFound, "", "application.not-found",
                     "no application " + std::to_string(id.value()),
                     "申请不存在：" + std::to_string(id.value()));
    }
  }
  return record;
}

std::string_view BureauAskedName(BureauAsked asked) {
  switch (asked) {
    case BureauAsked::kNotConfigured:
      return "not_configured";
    case BureauAsked::kAsked:
      return "asked";
    case BureauAsked::kUnavailable:
      return "unavailable";
  }
  return "not_configured";
}

ApplicationService::ApplicationService(Database& db, std::shared_ptr<const RuleSet> rules,
                                       const HolidayCalendar& calendar, Clock& clock,
                                       BureauRegistry* registry)
    : db_(db), rules_(std::move(rules)), calendar_(calendar), clock_(clock), registry_(registry) {}

BureauView ApplicationService::AskBureau(const Application& doc) {
  BureauView view;
  if (registry_ == nullptr) return view;
  view.asked = BureauAsked::kAsked;
  auto unavailable = [&](const Error& e) {
    view = BureauView{BureauAsked::kUnavailable, e.message, std::nullopt, {}};
  };
  Result<std::optional<RegistryStatus>> subject =
      registry_->StatusOfCertificate(doc.subject.type, doc.subject.certificate);
  if (!subject) {
    unavailable(subject.error());
    return view;
  }
  view.subject = *subject;
  for (std::size_t w = 0; w < doc.websites.size(); ++w) {
    for (std::size_t d = 0; d < doc.websites[w].domains.size(); ++d) {
      const DomainName& domain = doc.websites[w].domains[d];
      Result<RegistryStatus> s = registry_->StatusOfDomain(domain);
      if (!s) {
        unavailable(s.error());
        return view;
      }
      view.domains.push_back(
          {"websites[" + std::to_string(w) + "].domains[" + std::to_string(d) + "]", domain, *s});
    }
  }
  return view;
}

Result<TypeCheck> ApplicationService::CheckType(const Caller& caller, const Application& doc) {
  BureauView bureau = AskBureau(doc);
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  Result<GatheredFacts> gathered = Gather(**read, caller, doc, bureau);
  if (!gathered) return std::unexpected(gathered.error());
  TypeCheck out;
  if (gathered->subject && gathered->subject->account == caller.account) {
    out.subject = gathered->subject->id;
  }
  Result<ApplicationType> type = ResolveApplicationType(gathered->facts);
  if (type) {
    out.type = *type;
  } else {
    out.conflicts = type.error().violations;
  }
  const std::optional<ApplicationType> listed = out.type ? out.type : doc.type;
  if (listed) {
    out.materials = MaterialsFor(rules_->For(doc.subject.province), doc.subject.type, *listed,
                                 ChinaDate(clock_.Now()));
  }
  out.bureau = std::move(bureau);
  return out;
}

Result<ApplicationView> ApplicationService::Create(const Caller& caller, Application doc,
                                                   const BeforeCommit& before_commit) {
  if (Result<void> ok = RequireCustomer(caller); !ok) return std::unexpected(ok.error());
  // The type is resolved as the type check resolves it: with what the bureau knows, asked
  // before the unit of work (no transaction waits on the network).
  const BureauView registry = doc.type && !IsResolvable(*doc.type) ? BureauView{} : AskBureau(doc);
  const std::chrono::sys_seconds now = clock_.Now();
  Result<std::unique_ptr<UnitOfWork>> begun = db_.Begin();
  if (!begun) return std::unexpected(begun.error());
  UnitOfWork& uow = **begun;
  ApplicationRecord record{ApplicationId(),
                           caller.account,
                           std::nullopt,
                           doc,
                           ApplicationLifecycle::Start(ApplicationType::kFirstFiling, now),
                           0,
                           now,
                           now};
  if (doc.type && !IsResolvable(*doc.type)) {
    // A change, cancellation or cancelled access acts on the subject this account has on
    // record; the record as filed travels with it.
    Result<std::optional<SubjectRecord>> subject =
        uow.subjects().FindByCertificate(doc.subject.certificate);
    if (!subject) return std::unexpected(subject.error());
    if (!*subject || (*subject)->account != caller.account) {
      return Refusal(ErrorCode::kFailedPrecondition, "subject.certificate",
                     "application.subject-not-here",
                     "this account has no subject on record with this certificate",
                     "本账号下没有该证件对应的已备案主体，无法办理变更或注销");
    }
    Result<std::vector<WebsiteRecord>> sites = uow.websites().ListBySubject((*subject)->id);
    if (!sites) return std::unexpected(sites.error());
    // The record as filed, with the bureau's ids when the gateway has learned them (BASJ).
    Result<std::optional<BureauIds>> bureau = uow.bureau_link().SubjectIds((*subject)->id);
    if (!bureau) return std::unexpected(bureau.error());
    FiledRecord original{(*subject)->subject, {}, std::move(*bureau)};
    for (const WebsiteRecord& w : *sites) {
      if (!w.cancelled) original.websites.push_back(w.website);
    }
    record.subject = (*subject)->id;
    record.application.original = std::move(original);
    record.lifecycle = ApplicationLifecycle::Start(*doc.type, now);
  } else {
    Result<GatheredFacts> gathered = Gather(uow, caller, doc, registry);
    if (!gathered) return std::unexpected(gathered.error());
    Result<ApplicationType> type = ResolveApplicationType(gathered->facts);
    if (!type) return std::unexpected(type.error());
    if (gathered->subject && gathered->subject->account == caller.account &&
        *type != ApplicationType::kFirstFiling) {
      record.subject = gathered->subject->id;
    }
    record.lifecycle = ApplicationLifecycle::Start(*type, now);
  }
  record.application.type = record.lifecycle.type();
  Result<ApplicationId> id = uow.applications().Insert(record);
  if (!id) return std::unexpected(id.error());
  const std::string details =
      "{\"type\":\"" + std::string(ApplicationTypeName(record.lifecycle.type())) + "\"}";
  if (Result<void> a = Audit(uow, caller, "application.create", *id, now, details); !a) {
    return std::unexpected(a.error());
  }
  return CommitAndView(std::move(*begun), *id, before_commit);
}

Result<ApplicationView> ApplicationService::Get(const Caller& caller, ApplicationId id) {
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  Result<ApplicationRecord> record = VisibleApplication(**read, caller, id);
  if (!record) return std::unexpected(record.error());
  Result<ApplicationView> view = ViewOf(**read, std::move(*record));
  if (!view) return view;
  // The checklist of the application's province, subject type and type, as the type check
  // gives it: kept with nothing but the document, so any browser opening a draft has it.
  const Application& doc = view->record.application;
  view->materials = MaterialsFor(rules_->For(doc.subject.province), doc.subject.type,
                                 view->record.lifecycle.type(), ChinaDate(clock_.Now()));
  return view;
}

Result<Page<ApplicationRecord, ApplicationId>> ApplicationService::List(const Caller& caller,
                                                                        ApplicationQuery query) {
  if (!caller.is_staff()) query.account = caller.account;
  query.limit = std::clamp<std::size_t>(query.limit, 1, 200);
  const std::size_t limit = query.limit;
  query.limit = limit + 1;  // one more tells whether a next page exists
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  Result<std::vector<ApplicationRecord>> rows = (*read)->applications().List(query);
  if (!rows) return std::unexpected(rows.error());
  Page<ApplicationRecord, ApplicationId> page;
  if (rows->size() > limit) {
    rows->pop_back();
    page.next = rows->back().id;
  }
  page.items = std::move(*rows);
  return page;
}

Result<ApplicationView> ApplicationService::Edit(const Caller& caller, ApplicationId id,
                                                 std::int64_t revision, Application doc) {
  if (Result<void> ok = RequireCustomer(caller); !ok) return std::unexpected(ok.error());
  Result<std::unique_ptr<UnitOfWork>> begun = db_.Begin();
  if (!begun) return std::unexpected(begun.error());
  UnitOfWork& uow = **begun;
  Result<ApplicationRecord> record = VisibleApplication(uow, caller, id);
  if (!record) return std::unexpected(record.error());
  if (!IsEditable(record->lifecycle.state())) {
    return Refusal(
        ErrorCode::kFailedPrecondition, "", "application.not-editable",
        "an application in state " + std::string(ApplicationStateName(record->lifecycle.state())) +
            " cannot be edited",
        std::string("当前状态（") + std::string(ApplicationStateLabel(record->lifecycle.state())) +
            "）不可修改");
  }
  if (doc.type && *doc.type != record->lifecycle.type()) {
    return Refusal(ErrorCode::kFailedPrecondition, "type", "application.type-fixed",
                   "an application keeps the type it was opened with; open a new one instead",
                   "申请类型创建后不可更改，如需其他类型请新建申请");
  }
  doc.type = record->lifecycle.type();
  doc.original = record->application.original;
  doc.materials = record->application.materials;  // materials change through their own calls
  record->application = std::move(doc);
  record->revision = revision;
  record->updated_at = clock_.Now();
  if (Result<std::int64_t> rev = uow.applications().Update(*record); !rev) {
    return std::unexpected(rev.error());
  }
  if (Result<void> a = Audit(uow, caller, "application.edit", id, record->updated_at, "{}"); !a) {
    return std::unexpected(a.error());
  }
  return CommitAndView(std::move(*begun), id);
}

bool NeedsFilingPassword(ApplicationType type) {
  switch (type) {
    case ApplicationType::kNewWebsiteFiledElsewhere:
    case ApplicationType::kNewAccess:
    case ApplicationType::kContinueAccess:
    case ApplicationType::kCancelSubject:
    case ApplicationType::kCancelWebsite:
    case ApplicationType::kCancelAccess:
      return true;
    default:
      return false;
  }
}

namespace {

// Seed 004: how a customer who forgot the password gets a new one.
constexpr std::string_view kRecoveryHintZh =
    "ICP备案密码错误。如忘记备案密码，请到工信部备案管理系统（https://beian.miit.gov.cn）"
    "“找回备案密码”：备案/许可证号填写主体备案号，无需填写最后的“-1”等排序码；证件类型、证件"
    "号码和手机号码须与原备案信息一致（可在原备案服务商处查询），否则会提示“该备案信息不存在”。"
    "新密码将以短信和邮件发送给主体负责人。";
constexpr std::string_view kRecoveryHintEn =
    "the ICP filing password is wrong. If it is forgotten, recover it on MIIT's filing portal "
    "(https://beian.miit.gov.cn, 找回备案密码) with the subject's filing number without its "
    "\"-1\" suffix, and the certificate type, certificate number and mobile exactly as filed "
    "(the original provider can tell them; any mismatch answers 该备案信息不存在); the new "
    "password is sent to the subject leader by SMS and e-mail";

}  // namespace

Result<void> ApplicationService::CheckFilingPassword(const ApplicationRecord& record,
                                                     const std::optional<std::string>& password) {
  // Without a bureau link nothing is sent: the submit works as it did, a password given is
  // kept for a link configured later (the bureau's intake checks it, 1018).
  if (registry_ == nullptr) return {};
  if (!password || password->empty()) {
    return InvalidFields({{"filing_password", "application.filing-password.required",
                           "this filing needs the subject's ICP filing password (备案密码)",
                           "该类备案需要填写主体的ICP备案密码"}});
  }
  // The number the password belongs to: the subject's on record here, else as filed, else
  // what the registry knows of the domain (an access filing) or the certificate.
  std::string number;
  if (record.subject) {
    Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
    if (!read) return std::unexpected(read.error());
    Result<SubjectRecord> subject = (*read)->subjects().Get(*record.subject);
    if (!subject) return std::unexpected(subject.error());
    if (subject->number) number = subject->number->str();
  }
  const Application& app = record.application;
  if (number.empty() && app.original && app.original->bureau) {
    number = app.original->bureau->subject_number;
  }
  if (number.empty() && !app.websites.empty() && !app.websites[0].domains.empty()) {
    Result<RegistryStatus> s = registry_->StatusOfDomain(app.websites[0].domains[0]);
    if (!s) return std::unexpected(s.error());
    if (s->filed) number = s->subject_number;
  }
  if (number.empty()) {
    Result<std::optional<RegistryStatus>> s =
        registry_->StatusOfCertificate(app.subject.type, app.subject.certificate);
    if (!s) return std::unexpected(s.error());
    if (*s && (*s)->filed) number = (*s)->subject_number;
  }
  Result<FilingNumber> parsed = FilingNumber::Parse(number);
  if (!parsed) {
    return Refusal(ErrorCode::kFailedPrecondition, "filing_password",
                   "bureau.filing-password.no-number",
                   "neither this provider nor the bureau knows the subject's filing number, so "
                   "the password cannot be checked",
                   "本平台和管局均未查到该主体的备案号，无法校验备案密码");
  }
  Result<FilingNumber> subject_number = FilingNumber::Parse(parsed->subject_number());
  if (!subject_number) return std::unexpected(subject_number.error());
  Result<PasswordVerdict> verdict = registry_->VerifyPassword(*subject_number, *password);
  if (!verdict) return std::unexpected(verdict.error());
  switch (*verdict) {
    case PasswordVerdict::kRight:
      return {};
    case PasswordVerdict::kWrong:
      return InvalidFields({{"filing_password", "bureau.filing-password.wrong",
                             std::string(kRecoveryHintEn), std::string(kRecoveryHintZh)}});
    case PasswordVerdict::kLocked:
      break;
  }
  return Refusal(ErrorCode::kFailedPrecondition, "filing_password", "bureau.filing-password.locked",
                 "the bureau refuses further password checks for this filing today (five wrong "
                 "passwords); try again tomorrow, or recover the password on MIIT's portal",
                 "该备案今日备案密码校验错误次数已达上限（5次），请明天再试，或到工信部备案管理系统"
                 "找回备案密码");
}

Result<Submission> ApplicationService::Submit(const Caller& caller, ApplicationId id,
                                              std::int64_t revision,
                                              std::optional<std::string> filing_password) {
  if (Result<void> ok = RequireCustomer(caller); !ok) return std::unexpected(ok.error());
  bool needs_password = false;
  {
    // The password is checked with the bureau before the unit of work: no transaction waits
    // on the network. The record is read again below, at the caller's revision.
    Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
    if (!read) return std::unexpected(read.error());
    Result<ApplicationRecord> before = VisibleApplication(**read, caller, id);
    if (!before) return std::unexpected(before.error());
    read->reset();
    needs_password = NeedsFilingPassword(before->lifecycle.type());
    if (needs_password) {
      if (Result<void> ok = CheckFilingPassword(*before, filing_password); !ok) {
        return std::unexpected(ok.error());
      }
    }
  }
  const std::chrono::sys_seconds now = clock_.Now();
  Result<std::unique_ptr<UnitOfWork>> begun = db_.Begin();
  if (!begun) return std::unexpected(begun.error());
  UnitOfWork& uow = **begun;
  Result<ApplicationRecord> record = VisibleApplication(uow, caller, id);
  if (!record) return std::unexpected(record.error());
  if (record->revision != revision) return storage_errors::StaleRevision("application", id.value());
  Result<EvaluationFacts> facts = EvaluationFactsFor(uow, *record);
  if (!facts) return std::unexpected(facts.error());
  const ProvinceRules& rules = rules_->For(record->application.subject.province);
  std::vector<Violation> found =
      Evaluate(record->application, record->lifecycle.type(), rules, *facts, now);
  std::vector<FieldViolation> errors;
  std::vector<Violation> warnings;
  for (Violation& v : found) {
    if (v.severity == Severity::kError) {
      errors.push_back({v.field, v.rule, v.message, v.message_zh});
    } else {
      warnings.push_back(std::move(v));
    }
  }
  // Seed 000: the subject is the account's verified real name, and a personal filer's contact
  // 1 is the account's bound mobile.
  Result<Account> account = uow.accounts().Get(record->account);
  if (!account) return std::unexpected(account.error());
  for (FieldViolation& v :
       CheckAgainstAccount(record->application.subject, {account->real_name, account->mobile})) {
    errors.push_back(std::move(v));
  }
  if (!errors.empty()) return InvalidFields(std::move(errors));
  Result<TransitionRecord> moved = record->lifecycle.Apply(
      ApplicationEvent::kSubmit, now, calendar_, DeadlinePolicyOf(rules.parameters));
  if (!moved) return std::unexpected(moved.error());
  record->updated_at = now;
  record->application.filing_password =
      needs_password ? std::move(filing_password) : std::optional<std::string>();
  if (Result<std::int64_t> rev = uow.applications().Update(*record); !rev) {
    return std::unexpected(rev.error());
  }
  const int round = SubmissionRound(record->lifecycle);
  for (const Violation& w : warnings) {
    ReviewNote note{id,      round,        ReviewNoteKind::kRuleWarning,
                    w.field, w.rule,       w.message_zh,
                    "",      std::nullopt, std::nullopt,
                    now};
    if (Result<void> ok = uow.review_notes().Append(note); !ok) return std::unexpected(ok.error());
  }
  const std::string details = "{\"round\":" + std::to_string(round) +
                              ",\"warnings\":" + std::to_string(warnings.size()) + "}";
  if (Result<void> a = Audit(uow, caller, "application.submit", id, now, details); !a) {
    return std::unexpected(a.error());
  }
  Result<ApplicationView> view = CommitAndView(std::move(*begun), id);
  if (!view) return std::unexpected(view.error());
  return Submission{std::move(*view), std::move(warnings)};
}

Result<ApplicationView> ApplicationService::Withdraw(const Caller& caller, ApplicationId id,
                                                     std::int64_t revision, bool confirmed) {
  return Move(caller, id, revision, confirmed, ApplicationEvent::kWithdraw, "application.withdraw");
}

Result<ApplicationView> ApplicationService::Abandon(const Caller& caller, ApplicationId id,
                                                    std::int64_t revision, bool confirmed) {
  return Move(caller, id, revision, confirmed, ApplicationEvent::kAbandon, "application.abandon");
}

Result<ApplicationView> ApplicationService::Move(const Caller& caller, ApplicationId id,
                                                 std::int64_t revision, bool confirmed,
                                                 ApplicationEvent event, std::string_view action) {
  if (Result<void> ok = RequireCustomer(caller); !ok) return std::unexpected(ok.error());
  if (!confirmed) {
    return Refusal(ErrorCode::kFailedPrecondition, "confirm", "application.confirm",
                   "this cannot be undone: send confirm: true to go ahead",
                   "此操作不可撤回，请确认后再提交（confirm: true）");
  }
  const std::chrono::sys_seconds now = clock_.Now();
  Result<std::unique_ptr<UnitOfWork>> begun = db_.Begin();
  if (!begun) return std::unexpected(begun.error());
  UnitOfWork& uow = **begun;
  Result<ApplicationRecord> record = VisibleApplication(uow, caller, id);
  if (!record) return std::unexpected(record.error());
  record->revision = revision;
  const ProvinceRules& rules = rules_->For(record->application.subject.province);
  Result<TransitionRecord> moved =
      record->lifecycle.Apply(event, now, calendar_, DeadlinePolicyOf(rules.parameters));
  if (!moved) return std::unexpected(moved.error());
  record->updated_at = now;
  if (Result<std::int64_t> rev = uow.applications().Update(*record); !rev) {
    return std::unexpected(rev.error());
  }
  if (Result<void> a = Audit(uow, caller, action, id, now, "{}"); !a) {
    return std::unexpected(a.error());
  }
  return CommitAndView(std::move(*begun), id);
}

}  // namespace icp
