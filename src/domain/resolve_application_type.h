#pragma once

#include <optional>
#include <vector>

#include "base/result.h"
#include "domain/application_type.h"

namespace icp {

// 验证备案类型: which kind of application a subject needs for a set of domains, decided from
// what this provider and the bureau know about them (FACTS.md §3.2, §3.3). The facts are
// gathered by the caller (our records, the bureau's registry); deciding is pure.

// Where the subject (by certificate type + number) stands. A cancelled subject is gone from
// the registry and may file again as new (FACTS.md §3.5, §4.8).
enum class SubjectStanding {
  kNotFiled,               // no record anywhere
  kFiledHere,              // filed through this provider, in the applying account
  kFiledHereOtherAccount,  // filed through this provider, in another account
  kFiledElsewhereOnly,     // on record at the bureau through other providers only
  kEmptyShell,             // 空壳主体: a subject number with no websites and no access
  kCancelled,              // was filed, since cancelled
};

// Where a domain stands. A domain whose website was cancelled is kNotFiled.
enum class DomainStanding {
  kNotFiled,
  kFiledUnderSubjectHere,       // on record under this subject and accessed here
  kFiledUnderSubjectElsewhere,  // on record under this subject, accessed by other providers only
  kFiledUnderOtherSubject,      // on record under a different subject
};

// An application still in the workflow (not approved, abandoned or expired) that names the
// subject or the domain. MIIT allows one per subject and one per domain (FACTS.md §3.3).
enum class OpenApplication {
  kNone,
  kHere,              // at this provider, in the applying account
  kHereOtherAccount,  // at this provider, in another account
  kElsewhere,         // at another provider (the bureau reports 主办者冲突 / 域名冲突)
};

struct DomainFacts {
  DomainStanding standing = DomainStanding::kNotFiled;
  OpenApplication open_application = OpenApplication::kNone;
};

// One website of the application: its domains, in the order of Website::domains.
struct WebsiteFacts {
  std::vector<DomainFacts> domains;
};

struct ApplicationTypeFacts {
  SubjectStanding subject = SubjectStanding::kNotFiled;
  OpenApplication subject_open_application = OpenApplication::kNone;
  // The website being brought here was cancelled and it was the subject's only one, so the
  // subject has no website left (FACTS.md §3.3, §3.5 [S4]).
  bool only_website_cancelled = false;
  // In the order of Application::websites.
  std::vector<WebsiteFacts> websites;
  // The type the customer picked, if the console asked; a wrong pick is reported.
  std::optional<ApplicationType> chosen;
};

// The type of the application, from the decision table of FACTS.md §3.3 and its additional
// blocking checks. Resolves to kFirstFiling, kNewWebsite, kNewWebsiteFiledElsewhere,
// kNewAccess or kContinueAccess; change and cancellation types are chosen on an existing
// record, never resolved here.
//
// Errors list every conflict that applies, each a FieldViolation whose field is
// "subject.certificate.number", "websites[i].domains[j]", "websites" or "type", and whose
// rule is one of:
//   type.subject-in-other-account, type.empty-shell, type.only-website-cancelled,
//   type.open-application-subject, type.open-application-subject-other-account,
//   type.subject-conflict-elsewhere, type.domain-under-other-subject,
//   type.domain-already-filed, type.open-application-domain,
//   type.open-application-domain-other-account, type.domain-conflict-elsewhere,
//   type.undetermined, type.access-and-new-website, type.chosen-wrongly
// with the code kFailedPrecondition (the records, not the input, stand in the way).
// kInvalidArgument with rule type.no-domain when no website lists a domain.
Result<ApplicationType> ResolveApplicationType(const ApplicationTypeFacts& facts);

}  // namespace icp
