#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "base/date.h"
#include "base/result.h"
#include "domain/application_lifecycle.h"
#include "domain/application_type.h"
#include "domain/certificate.h"
#include "domain/domain_name.h"
#include "domain/material.h"
#include "domain/province.h"

namespace icp {

// The closed set of check kinds (docs/rules.md). "JSON declares, C++ implements": a rules
// file picks kinds and parameters; evaluate.cc says what each kind means.

enum class Severity { kError, kWarning };
std::string_view SeverityName(Severity s);  // "error", "warning"

enum class Direction { kYes, kNo, kWithProof, kIfLegalRep };

enum class MaterialOwner { kSubject, kSubjectPrincipal, kEachWebsite, kEachWebsitePrincipal };

// Whose certificate a check looks at.
enum class CertificateHolder { kSubject, kSubjectPrincipal, kWebsitePrincipal };

// Fields some kinds name; "websites.x" means the field of every website.
enum class FieldRef {
  kSubjectRemark,
  kSubjectPhone2,
  kSubjectEmergency,
  kSubjectMobile,
  kSubjectInvestor,
  kWebsiteRemark,
  kWebsiteEmergency,
  kWebsiteMobile,
};

namespace checks {

struct MaterialRequired {
  MaterialKind material;
  MaterialOwner owner;
  int min_domains = 0;
  int min_filed_websites = 0;
  int min_websites = 0;
};
struct SubjectLeaderLegalRep {
  std::optional<MaterialKind> alternative;
};
struct WebsiteLeaderAuthorization {
  MaterialKind material = MaterialKind::kWebsiteLeaderAuthorization;
};
struct PrincipalMinAge {
  int min_age = 18;
  bool subject = false;
  bool website = false;
  std::optional<MaterialKind> alternative;
};
struct CertificateProvince {
  std::optional<MaterialKind> alternative;
};
struct CertificateTypes {
  std::vector<CertificateType> allowed;
  std::vector<CertificateHolder> roles;
};
struct CertificateMatchesSubjectType {};
struct UnitCertificateProvince {};
struct CertificateValidity {
  int min_days_left = 90;
  bool subject = false;
  bool website = false;
};
struct PersonalSinglePerson {};
struct FieldRequired {
  FieldRef field = FieldRef::kSubjectRemark;
  int min_chars = 0;
  std::vector<std::string> must_contain;
};
struct DistinctContacts {
  std::vector<FieldRef> fields;
  int min_distinct = 0;  // 0: all distinct
};
struct SiteName {
  int min_chars = 0;
  std::vector<std::string> banned_words;
  std::vector<std::string> banned_prefixes;
  bool require_chinese = false;
};
struct DomainSuffix {
  std::vector<SuffixStatus> refuse = {SuffixStatus::kNotApproved};
  std::vector<SuffixStatus> warn = {SuffixStatus::kUnknown};
  std::vector<std::string> allowed_suffixes;  // A-label form; empty: no province list
};
struct DomainSuffixForSubjectType {
  std::vector<SubjectType> subject_types;
  std::vector<std::string> suffixes;  // A-label form
};
struct DomainLabelWords {
  std::vector<std::string> banned;
  std::vector<SubjectType> except_subject_types;
};
struct RegistrableDomainOnly {};
struct MaxWebsites {
  int max = 1;
};
struct MaxDomainsPerWebsite {
  int max = 1;
};
struct ChangeDirection {
  Direction unit_to_unit = Direction::kYes;
  Direction unit_to_personal = Direction::kYes;
  Direction personal_to_personal = Direction::kYes;
  Direction personal_to_unit = Direction::kYes;
};
struct ChangeLimits {
  bool province_changeable = false;
  bool add_domains = false;
};
struct AccessUnchanged {
  bool subject_name = false;
  bool subject_certificate = false;
  bool subject_principal = false;
  bool website_principal = false;
  bool website_name = false;
};
struct ResourceEligibility {
  bool require_resource = true;  // every website names a resource or authorization code
};
struct ReviewerCheck {
  std::string check_zh;
  std::string check;
  // The field paths the reviewer looks at ("subject.principal.mobile"); "websites[*]" stands
  // for each website, so the warning is reported once per website at its own path.
  std::vector<std::string> fields;
};

}  // namespace checks

using CheckParams =
    std::variant<checks::MaterialRequired, checks::SubjectLeaderLegalRep,
                 checks::WebsiteLeaderAuthorization, checks::PrincipalMinAge,
                 checks::CertificateProvince, checks::CertificateTypes,
                 checks::CertificateMatchesSubjectType, checks::UnitCertificateProvince,
                 checks::CertificateValidity, checks::PersonalSinglePerson, checks::FieldRequired,
                 checks::DistinctContacts, checks::SiteName, checks::DomainSuffix,
                 checks::DomainSuffixForSubjectType, checks::DomainLabelWords,
                 checks::RegistrableDomainOnly, checks::MaxWebsites, checks::MaxDomainsPerWebsite,
                 checks::ChangeDirection, checks::ChangeLimits, checks::AccessUnchanged,
                 checks::ResourceEligibility, checks::ReviewerCheck>;

// The kind names, in CheckParams order ("material_required", ...).
std::string_view CheckKindName(const CheckParams& params);
// Every kind name, in CheckParams order.
std::span<const std::string_view> CheckKindNames();

// When a check applies. Unset parts do not restrict.
struct Applicability {
  std::optional<bool> individual;  // "subject": "individual" / "unit"
  std::vector<SubjectType> subject_types;
  std::vector<ApplicationType> application_types;  // empty: all but the cancellations
};

struct Check {
  std::string id;
  CheckParams params;
  Applicability when;
  Severity severity = Severity::kError;
  std::string source;
  std::optional<Date> effective_from;
  std::string replaces;  // id of a national check this one switches off
  std::string message_zh;
  std::string message;
};

// Numbers the workflow uses; national values, overridden per province (docs/rules.md).
struct RuleParameters {
  int bureau_review_working_days = 20;
  int provider_review_working_days = 2;
  int customer_window_days = 45;
  std::vector<int> reminder_days = {7, 15, 30};
  int sms_window_hours = 24;
  int contact_retry_minutes = 60;
  int resource_min_prepaid_months = 3;
  int resource_min_remaining_months = 1;
  int authorization_codes_per_server = 5;
  // National only (a province file may not set it): whether a submitted cancellation may be
  // abandoned before it reaches the bureau (DeadlinePolicy; FACTS.md §4.8 against seed 002).
  bool cancellation_abandonable_before_bureau = false;
};

// The lifecycle's durations for a province.
DeadlinePolicy DeadlinePolicyOf(const RuleParameters& parameters);

// One parsed file: national.json or provinces/NN.json.
struct RuleFile {
  std::string province;  // "national" or "44"
  std::string name;
  std::string version;
  std::map<std::string, int> parameter_overrides;              // as written, for merging
  std::vector<int> reminder_days;                              // when the file sets them
  std::optional<bool> cancellation_abandonable_before_bureau;  // national.json only
  std::vector<Check> checks;
};

// The rules in force for one province: the national checks (less those it replaces) and
// its own, with merged parameters.
struct ProvinceRules {
  Province province;
  std::string version;  // "national <v> + 44 <v>"
  RuleParameters parameters;
  std::vector<Check> checks;
};

// Every province's rules; immutable, shared as std::shared_ptr<const RuleSet>.
class RuleSet {
 public:
  // Combines national.json and the 31 province files. kInvalidArgument when a province
  // file is missing, an id repeats, or `replaces` names no national check.
  static Result<RuleSet> Build(RuleFile national, std::vector<RuleFile> provinces);

  const ProvinceRules& For(Province province) const;
  std::size_t check_count() const;

 private:
  RuleSet() = default;

  std::vector<ProvinceRules> provinces_;  // in Province::All() order
};

}  // namespace icp
