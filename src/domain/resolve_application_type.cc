#include "domain/resolve_application_type.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace icp {
namespace {

using S = SubjectStanding;
using D = DomainStanding;
using T = ApplicationType;

// Everything that can stand in the way of an application, and what the customer is told.
// The Chinese wording follows the provider's own messages where the seeds quote one
// ("此证件存在进行中的订单", "证件已在其他账号下有备案记录", 主办者冲突, 域名冲突,
// "提示域名已备案").
enum class Conflict {
  kSubjectInOtherAccount,
  kEmptyShell,
  kOnlyWebsiteCancelled,
  kOpenApplicationSubject,
  kOpenApplicationSubjectOtherAccount,
  kSubjectConflictElsewhere,
  kDomainUnderOtherSubject,
  kDomainFiledHere,
  kDomainFiledWrongChoice,
  kOpenApplicationDomain,
  kOpenApplicationDomainOtherAccount,
  kDomainConflictElsewhere,
  kUndetermined,
  kAccessAndNewWebsite,
};

// What a conflict is about decides its field path.
enum class Scope { kSubject, kDomain, kWebsites };

struct ConflictText {
  Conflict conflict;
  Scope scope;
  std::string_view rule;
  std::string_view message;
  std::string_view message_zh;
};

constexpr ConflictText kConflicts[] = {
    {Conflict::kSubjectInOtherAccount, Scope::kSubject, "type.subject-in-other-account",
     "This certificate already has a filing record under another account here: sign in to "
     "that account, or request a transfer of the filing to this account (备案转移, with the "
     "transfer letter and your identity document) and file once it is approved.",
     "证件已在其他账号下有备案记录：请登录对应账号办理；如无法登录原账号，"
     "请在本账号申请备案转移（需提供备案转移申请书和身份证件），审核通过后再提交。"},
    {Conflict::kEmptyShell, Scope::kSubject, "type.empty-shell",
     "The subject has a filing number but no website and no access (an empty shell); it "
     "cannot be filed through a provider: have the bureau cancel it offline, then apply for "
     "a first filing.",
     "该主体有备案号但无网站、无接入（空壳主体），无法通过接入商办理："
     "请先向管局线下申请注销空壳主体，再提交首次备案。"},
    {Conflict::kOnlyWebsiteCancelled, Scope::kSubject, "type.only-website-cancelled",
     "The subject's only website was cancelled, so the subject has no website left: cancel "
     "the subject, then apply for a first filing.",
     "该主体下唯一的网站已被注销，主体下已无网站：请先注销主体，再提交首次备案。"},
    {Conflict::kOpenApplicationSubject, Scope::kSubject, "type.open-application-subject",
     "This certificate has an application in progress: wait until it completes or abandon "
     "it, then apply again.",
     "此证件存在进行中的订单：请等待该订单完成或放弃该订单后再提交。"},
    {Conflict::kOpenApplicationSubjectOtherAccount, Scope::kSubject,
     "type.open-application-subject-other-account",
     "This certificate has an application in progress under another account here: sign in "
     "to that account to continue it.",
     "此证件已在其他账号下提交过备案申请：请登录对应账号继续办理。"},
    {Conflict::kSubjectConflictElsewhere, Scope::kSubject, "type.subject-conflict-elsewhere",
     "Subject conflict: the subject has an application in progress at another provider, and "
     "a subject may have only one at a time; finish or abandon it there first.",
     "备案主办者冲突：该主体在其他接入商有流程中的备案，一个主体只能有一个在流程中的备案，"
     "请在该接入商完成或放弃后再提交。"},
    {Conflict::kDomainUnderOtherSubject, Scope::kDomain, "type.domain-under-other-subject",
     "Domain conflict: the domain is on record under another subject. Use another domain, "
     "or, if the domain is now yours, ask the bureau of that record's province to cancel it.",
     "域名冲突：该域名已在其他主体名下备案。请更换域名；如域名现归您所有，"
     "请向该备案所在省管局申请注销原备案后再提交。"},
    {Conflict::kDomainFiledHere, Scope::kDomain, "type.domain-already-filed",
     "The domain is already filed through us under this subject: there is nothing to file; "
     "use a change filing to correct its information.",
     "该域名已在本接入商备案在本主体下，无需再次备案；如需修改信息，请办理变更备案。"},
    {Conflict::kDomainFiledWrongChoice, Scope::kDomain, "type.domain-already-filed",
     "The domain is already filed, so it cannot be added by a first filing or a new website: "
     "apply for an access filing instead.",
     "提示域名已备案：该域名已有备案号，不能用于首次备案或新增网站，请办理接入备案。"},
    {Conflict::kOpenApplicationDomain, Scope::kDomain, "type.open-application-domain",
     "This domain has an application in progress: wait until it completes or abandon it, "
     "then apply again.",
     "该域名存在进行中的订单：请等待该订单完成或放弃该订单后再提交。"},
    {Conflict::kOpenApplicationDomainOtherAccount, Scope::kDomain,
     "type.open-application-domain-other-account",
     "This domain has an application in progress under another account. If the domain is "
     "yours, send us its domain certificate, the holder's ID and a photo of the holder with "
     "the ID, and we will look into it.",
     "该域名在其他账号下存在进行中的订单。如该域名归您所有，请提供域名证书、"
     "域名持有者证件及手持证件照片，我们核实后处理。"},
    {Conflict::kDomainConflictElsewhere, Scope::kDomain, "type.domain-conflict-elsewhere",
     "Domain conflict: the domain has an application in progress at another provider; it "
     "can be filed here only once that one is finished or abandoned.",
     "域名冲突：该域名在其他接入商有流程中的备案，只能在一个接入商完成备案后再提交另一个。"},
    {Conflict::kUndetermined, Scope::kDomain, "type.undetermined",
     "The records disagree: the domain is on record under this subject, but the subject is "
     "not. Check the certificate number (after a switch to a unified licence, enter the old "
     "number); if it is right, look the domain up in the MIIT public query.",
     "信息冲突：该域名备案在本主体名下，但未查到本主体的备案记录。"
     "请核对证件号码（营业执照已换为三证合一的，请填写原证件号码）；"
     "填写无误请在工信部公共查询中查看冲突的备案号。"},
    {Conflict::kAccessAndNewWebsite, Scope::kWebsites, "type.access-and-new-website",
     "Access filing and new websites cannot share one application: file the access "
     "first, then add the new websites.",
     "接入备案与新增网站不能在同一订单中办理：请先办理接入备案，再新增网站。"},
};

// FACTS.md §3.3, read top to bottom for each domain: every conflict row that matches is
// reported; otherwise the first type row that matches decides. No match at all means the
// facts contradict each other (type.undetermined). nullopt matches any standing.
struct TypeRow {
  std::optional<SubjectStanding> subject;
  std::optional<DomainStanding> domain;
  std::variant<ApplicationType, Conflict> outcome;
};

constexpr std::optional<SubjectStanding> kAnySubject;
constexpr std::optional<DomainStanding> kAnyDomain;

// clang-format off
constexpr TypeRow kTypeTable[] = {
    // Subject                  Domain                          Outcome
    {S::kFiledHereOtherAccount, kAnyDomain,                     Conflict::kSubjectInOtherAccount},
    {S::kEmptyShell,            kAnyDomain,                     Conflict::kEmptyShell},
    {kAnySubject,               D::kFiledUnderOtherSubject,     Conflict::kDomainUnderOtherSubject},
    {kAnySubject,               D::kFiledUnderSubjectHere,      Conflict::kDomainFiledHere},
    {S::kNotFiled,              D::kNotFiled,                   T::kFirstFiling},
    {S::kCancelled,             D::kNotFiled,                   T::kFirstFiling},
    {S::kFiledHere,             D::kNotFiled,                   T::kNewWebsite},
    {S::kFiledElsewhereOnly,    D::kNotFiled,                   T::kNewWebsiteFiledElsewhere},
    {S::kFiledElsewhereOnly,    D::kFiledUnderSubjectElsewhere, T::kNewAccess},
    {S::kFiledHere,             D::kFiledUnderSubjectElsewhere, T::kContinueAccess},
};
// clang-format on

// The additional blocking checks of FACTS.md §3.3, independent of the table.
struct SubjectCheck {
  bool (*applies)(const ApplicationTypeFacts&);
  Conflict conflict;
};

constexpr SubjectCheck kSubjectChecks[] = {
    {[](const ApplicationTypeFacts& f) {
       return f.subject_open_application == OpenApplication::kHere;
     },
     Conflict::kOpenApplicationSubject},
    {[](const ApplicationTypeFacts& f) {
       return f.subject_open_application == OpenApplication::kHereOtherAccount;
     },
     Conflict::kOpenApplicationSubjectOtherAccount},
    {[](const ApplicationTypeFacts& f) {
       return f.subject_open_application == OpenApplication::kElsewhere;
     },
     Conflict::kSubjectConflictElsewhere},
    {[](const ApplicationTypeFacts& f) { return f.only_website_cancelled; },
     Conflict::kOnlyWebsiteCancelled},
};

// A type chosen for a domain that is already on record under the subject: "提示域名已备案,
// 情况一" [S3] — first filing and new website only add domains nobody has filed.
bool ChoseNewForFiledDomain(const DomainFacts& d, std::optional<ApplicationType> chosen) {
  const bool chose_new = chosen == T::kFirstFiling || chosen == T::kNewWebsite ||
                         chosen == T::kNewWebsiteFiledElsewhere;
  const bool filed =
      d.standing == D::kFiledUnderSubjectHere || d.standing == D::kFiledUnderSubjectElsewhere;
  return chose_new && filed;
}

struct DomainCheck {
  bool (*applies)(const DomainFacts&, std::optional<ApplicationType> chosen);
  Conflict conflict;
};

constexpr DomainCheck kDomainChecks[] = {
    {[](const DomainFacts& d, std::optional<ApplicationType>) {
       return d.open_application == OpenApplication::kHere;
     },
     Conflict::kOpenApplicationDomain},
    {[](const DomainFacts& d, std::optional<ApplicationType>) {
       return d.open_application == OpenApplication::kHereOtherAccount;
     },
     Conflict::kOpenApplicationDomainOtherAccount},
    {[](const DomainFacts& d, std::optional<ApplicationType>) {
       return d.open_application == OpenApplication::kElsewhere;
     },
     Conflict::kDomainConflictElsewhere},
    {ChoseNewForFiledDomain, Conflict::kDomainFiledWrongChoice},
};

constexpr std::string_view kSubjectField = "subject.certificate.number";

const ConflictText& TextOf(Conflict c) {
  return *std::find_if(std::begin(kConflicts), std::end(kConflicts),
                       [c](const ConflictText& t) { return t.conflict == c; });
}

std::string DomainField(std::size_t website, std::size_t domain) {
  return "websites[" + std::to_string(website) + "].domains[" + std::to_string(domain) + "]";
}

// Collects violations once each: a subject-wide row matches for every domain, and a wrong
// choice may repeat what the table already said about the same domain.
class Conflicts {
 public:
  void Add(Conflict c, std::string_view domain_field) {
    const ConflictText& t = TextOf(c);
    std::string field(t.scope == Scope::kSubject    ? kSubjectField
                      : t.scope == Scope::kWebsites ? std::string_view("websites")
                                                    : domain_field);
    Add({std::move(field), std::string(t.rule), std::string(t.message), std::string(t.message_zh)});
  }

  void Add(FieldViolation v) {
    const bool seen = std::any_of(list_.begin(), list_.end(), [&v](const FieldViolation& o) {
      return o.field == v.field && o.rule == v.rule;
    });
    if (!seen) list_.push_back(std::move(v));
  }

  bool HasRule(std::string_view rule) const {
    return std::any_of(list_.begin(), list_.end(),
                       [rule](const FieldViolation& v) { return v.rule == rule; });
  }

  bool empty() const { return list_.empty(); }
  std::vector<FieldViolation> Take() { return std::move(list_); }

 private:
  std::vector<FieldViolation> list_;
};

// Applies kTypeTable to one domain: the type it implies, or the conflicts it reports.
std::optional<ApplicationType> Lookup(SubjectStanding subject, DomainStanding domain,
                                      Conflicts& conflicts, std::string_view field) {
  std::optional<ApplicationType> type;
  bool conflicted = false;
  for (const TypeRow& row : kTypeTable) {
    if (row.subject && *row.subject != subject) continue;
    if (row.domain && *row.domain != domain) continue;
    if (const Conflict* c = std::get_if<Conflict>(&row.outcome)) {
      conflicts.Add(*c, field);
      conflicted = true;
    } else if (!type) {
      type = std::get<ApplicationType>(row.outcome);
    }
  }
  if (conflicted) return std::nullopt;
  if (!type) conflicts.Add(Conflict::kUndetermined, field);
  return type;
}

FieldViolation ChoseWrongly(ApplicationType chosen, ApplicationType resolved) {
  const std::string c(ApplicationTypeLabel(chosen));
  const std::string r(ApplicationTypeLabel(resolved));
  return {"type", "type.chosen-wrongly",
          "The records of the subject and its domains call for a \"" +
              std::string(ApplicationTypeName(resolved)) + "\" application, not \"" +
              std::string(ApplicationTypeName(chosen)) + "\".",
          "根据主体与域名的备案情况，应办理“" + r + "”，而不是“" + c + "”。"};
}

bool HasDomain(const ApplicationTypeFacts& facts) {
  return std::any_of(facts.websites.begin(), facts.websites.end(),
                     [](const WebsiteFacts& w) { return !w.domains.empty(); });
}

}  // namespace

Result<ApplicationType> ResolveApplicationType(const ApplicationTypeFacts& facts) {
  if (!HasDomain(facts)) {
    return InvalidFields({{"websites", "type.no-domain",
                           "List at least one website domain to determine the filing type.",
                           "请至少填写一个网站域名，以验证备案类型。"}});
  }
  Conflicts conflicts;
  for (const SubjectCheck& check : kSubjectChecks) {
    if (check.applies(facts)) conflicts.Add(check.conflict, {});
  }
  std::optional<ApplicationType> resolved;
  bool mixed = false;
  for (std::size_t i = 0; i < facts.websites.size(); ++i) {
    for (std::size_t j = 0; j < facts.websites[i].domains.size(); ++j) {
      const DomainFacts& d = facts.websites[i].domains[j];
      const std::string field = DomainField(i, j);
      const std::optional<ApplicationType> type =
          Lookup(facts.subject, d.standing, conflicts, field);
      for (const DomainCheck& check : kDomainChecks) {
        if (check.applies(d, facts.chosen)) conflicts.Add(check.conflict, field);
      }
      if (!type) continue;
      if (resolved && *resolved != *type) mixed = true;
      if (!resolved) resolved = type;
    }
  }
  // Different domains can only disagree as access vs new website for one subject (§3.5).
  if (mixed) conflicts.Add(Conflict::kAccessAndNewWebsite, {});
  if (facts.chosen && resolved && !mixed && *facts.chosen != *resolved &&
      !conflicts.HasRule("type.domain-already-filed")) {
    conflicts.Add(ChoseWrongly(*facts.chosen, *resolved));
  }
  if (conflicts.empty()) return *resolved;
  Error error = InvalidFields(conflicts.Take()).error();
  error.code = ErrorCode::kFailedPrecondition;
  return std::unexpected(std::move(error));
}

}  // namespace icp
