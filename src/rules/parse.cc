#include "rules/parse.h"

#include <boost/json.hpp>

#include <algorithm>
#include <functional>
#include <regex>
#include <set>
#include <span>
#include <vector>

#include "base/strings.h"

namespace icp {
namespace {

namespace json = boost::json;

// Collects problems while walking one file, so that a file with five mistakes gets five
// messages, not one per run.
class Reader {
 public:
  explicit Reader(std::string_view file) : file_(file) {}

  void Problem(const std::string& where, const std::string& what) {
    problems_.push_back({file_ + ":" + where, "rules.parse", what, ""});
  }
  std::vector<FieldViolation>& problems() { return problems_; }

  std::optional<std::string> String(const json::object& o, std::string_view key,
                                    const std::string& where, bool required) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
      if (required) Problem(where, "missing \"" + std::string(key) + "\"");
      return std::nullopt;
    }
    if (!v->is_string()) {
      Problem(where + "." + std::string(key), "must be a string");
      return std::nullopt;
    }
    return std::string(v->as_string());
  }

  std::optional<int> Int(const json::object& o, std::string_view key, const std::string& where,
                         bool required, int min, int max) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
      if (required) Problem(where, "missing \"" + std::string(key) + "\"");
      return std::nullopt;
    }
    if (!v->is_int64() || v->as_int64() < min || v->as_int64() > max) {
      Problem(where + "." + std::string(key),
              "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
      return std::nullopt;
    }
    return static_cast<int>(v->as_int64());
  }

  std::optional<bool> Bool(const json::object& o, std::string_view key, const std::string& where,
                           bool required) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
      if (required) Problem(where, "missing \"" + std::string(key) + "\"");
      return std::nullopt;
    }
    if (!v->is_bool()) {
      Problem(where + "." + std::string(key), "must be true or false");
      return std::nullopt;
    }
    return v->as_bool();
  }

  std::vector<std::string> Strings(const json::object& o, std::string_view key,
                                   const std::string& where, bool required) {
    std::vector<std::string> out;
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
      if (required) Problem(where, "missing \"" + std::string(key) + "\"");
      return out;
    }
    if (!v->is_array() || v->as_array().empty()) {
      Problem(where + "." + std::string(key), "must be a non-empty list of strings");
      return out;
    }
    for (const json::value& item : v->as_array()) {
      if (!item.is_string() || item.as_string().empty()) {
        Problem(where + "." + std::string(key), "must be a non-empty list of strings");
        return {};
      }
      out.emplace_back(item.as_string());
    }
    return out;
  }

  // Maps each string of a list through `lookup`, reporting the ones it does not know with the
  // names it does (`accepted`).
  template <typename T>
  std::vector<T> Names(const json::object& o, std::string_view key, const std::string& where,
                       bool required,
                       const std::function<std::optional<T>(std::string_view)>& lookup,
                       const std::vector<std::string_view>& accepted) {
    std::vector<T> out;
    for (const std::string& s : Strings(o, key, where, required)) {
      std::optional<T> t = lookup(s);
      if (!t) {
        Problem(where + "." + std::string(key),
                "unknown value \"" + s + "\"; accepted: " + JoinNames(accepted));
      } else {
        out.push_back(*t);
      }
    }
    return out;
  }

  template <typename T>
  std::optional<T> Name(const json::object& o, std::string_view key, const std::string& where,
                        bool required,
                        const std::function<std::optional<T>(std::string_view)>& lookup,
                        const std::vector<std::string_view>& accepted) {
    std::optional<std::string> s = String(o, key, where, required);
    if (!s) return std::nullopt;
    std::optional<T> t = lookup(*s);
    if (!t) {
      Problem(where + "." + std::string(key),
              "unknown value \"" + *s + "\"; accepted: " + JoinNames(accepted));
    }
    return t;
  }

  // Every key of `o` must be in `known`.
  void OnlyKeys(const json::object& o, std::initializer_list<std::string_view> known,
                const std::string& where) {
    for (const auto& [key, value] : o) {
      bool ok = false;
      for (std::string_view k : known) ok = ok || k == key;
      if (!ok) {
        Problem(where, "unknown key \"" + std::string(key) +
                           "\"; accepted: " + JoinNames(std::vector<std::string_view>(known)));
      }
    }
  }

 private:
  std::string file_;
  std::vector<FieldViolation> problems_;
};

std::optional<MaterialKind> MaterialByName(std::string_view s) { return MaterialKindFromName(s); }
std::optional<SubjectType> SubjectByName(std::string_view s) { return SubjectTypeFromName(s); }
std::optional<CertificateType> CertificateByName(std::string_view s) {
  return CertificateTypeFromName(s);
}
std::optional<ApplicationType> TypeByName(std::string_view s) { return ApplicationTypeFromName(s); }

std::optional<Direction> DirectionByName(std::string_view s) {
  if (s == "yes") return Direction::kYes;
  if (s == "no") return Direction::kNo;
  if (s == "with_proof") return Direction::kWithProof;
  if (s == "if_legal_rep") return Direction::kIfLegalRep;
  return std::nullopt;
}

std::optional<SuffixStatus> StatusByName(std::string_view s) {
  if (s == "not_approved") return SuffixStatus::kNotApproved;
  if (s == "unknown") return SuffixStatus::kUnknown;
  return std::nullopt;
}

std::optional<CertificateHolder> RoleByName(std::string_view s) {
  if (s == "subject") return CertificateHolder::kSubject;
  if (s == "subject.principal") return CertificateHolder::kSubjectPrincipal;
  if (s == "website.principal") return CertificateHolder::kWebsitePrincipal;
  return std::nullopt;
}

std::optional<FieldRef> FieldByName(std::string_view s) {
  if (s == "subject.remark") return FieldRef::kSubjectRemark;
  if (s == "subject.principal.phone2") return FieldRef::kSubjectPhone2;
  if (s == "subject.principal.emergency_contact") return FieldRef::kSubjectEmergency;
  if (s == "subject.principal.mobile") return FieldRef::kSubjectMobile;
  if (s == "subject.investor") return FieldRef::kSubjectInvestor;
  if (s == "websites.remark") return FieldRef::kWebsiteRemark;
  if (s == "websites.principal.emergency_contact") return FieldRef::kWebsiteEmergency;
  if (s == "websites.principal.mobile") return FieldRef::kWebsiteMobile;
  return std::nullopt;
}

std::optional<MaterialOwner> OwnerByName(std::string_view s) {
  if (s == "subject") return MaterialOwner::kSubject;
  if (s == "subject.principal") return MaterialOwner::kSubjectPrincipal;
  if (s == "each_website") return MaterialOwner::kEachWebsite;
  if (s == "each_website.principal") return MaterialOwner::kEachWebsitePrincipal;
  return std::nullopt;
}

const std::vector<std::string_view> kDirections = {"yes", "no", "with_proof", "if_legal_rep"};
const std::vector<std::string_view> kStatuses = {"not_approved", "unknown"};
const std::vector<std::string_view> kRoles = {"subject", "subject.principal", "website.principal"};
const std::vector<std::string_view> kFieldRefs = {"subject.remark",
                                                  "subject.principal.phone2",
                                                  "subject.principal.emergency_contact",
                                                  "subject.principal.mobile",
                                                  "subject.investor",
                                                  "websites.remark",
                                                  "websites.principal.emergency_contact",
                                                  "websites.principal.mobile"};
const std::vector<std::string_view> kOwners = {"subject", "subject.principal", "each_website",
                                               "each_website.principal"};
std::vector<std::string_view> MaterialNames() {
  return NamesOf(AllMaterialKinds(), MaterialKindName);
}
std::vector<std::string_view> SubjectNames() { return NamesOf(AllSubjectTypes(), SubjectTypeName); }
std::vector<std::string_view> TypeNames() {
  return NamesOf(AllApplicationTypes(), ApplicationTypeName);
}

// Suffixes are written like domains ("gov.cn", "政务") and kept in A-label form.
std::vector<std::string> Suffixes(Reader& r, const json::object& o, std::string_view key,
                                  const std::string& where, bool required) {
  std::vector<std::string> out;
  for (const std::string& s : r.Strings(o, key, where, required)) {
    Result<std::string> ascii = HostNameToAscii("x." + s, "suffix");
    if (!ascii) {
      r.Problem(where + "." + std::string(key), "\"" + s + "\" is not a domain suffix");
    } else {
      out.push_back(ascii->substr(2));
    }
  }
  return out;
}

// Builds the typed parameters of one kind; std::nullopt for an unknown kind.
std::optional<CheckParams> ParseParams(Reader& r, std::string_view kind, const json::object& p,
                                       const std::string& w) {
  using namespace checks;
  auto material = [&](std::string_view key, bool required) {
    return r.Name<MaterialKind>(p, key, w, required, MaterialByName, MaterialNames());
  };
  if (kind == "material_required") {
    r.OnlyKeys(p, {"material", "owner", "min_domains", "min_filed_websites", "min_websites"}, w);
    MaterialRequired m{material("material", true).value_or(MaterialKind::kIdentityDocument),
                       r.Name<MaterialOwner>(p, "owner", w, true, OwnerByName, kOwners)
                           .value_or(MaterialOwner::kSubject)};
    m.min_domains = r.Int(p, "min_domains", w, false, 1, 1000).value_or(0);
    m.min_filed_websites = r.Int(p, "min_filed_websites", w, false, 1, 1000).value_or(0);
    m.min_websites = r.Int(p, "min_websites", w, false, 1, 1000).value_or(0);
    return m;
  }
  if (kind == "subject_leader_legal_rep") {
    r.OnlyKeys(p, {"alternative"}, w);
    return SubjectLeaderLegalRep{material("alternative", false)};
  }
  if (kind == "website_leader_authorization") {
    r.OnlyKeys(p, {"material"}, w);
    return WebsiteLeaderAuthorization{
        material("material", false).value_or(MaterialKind::kWebsiteLeaderAuthorization)};
  }
  if (kind == "principal_min_age") {
    r.OnlyKeys(p, {"min_age", "roles", "alternative"}, w);
    PrincipalMinAge a;
    a.min_age = r.Int(p, "min_age", w, true, 1, 100).value_or(18);
    for (const std::string& role : r.Strings(p, "roles", w, true)) {
      if (role == "subject") {
        a.subject = true;
      } else if (role == "website") {
        a.website = true;
      } else {
        r.Problem(w + ".roles", "unknown role \"" + role + "\" (subject, website)");
      }
    }
    a.alternative = material("alternative", false);
    return a;
  }
  if (kind == "certificate_province") {
    r.OnlyKeys(p, {"alternative"}, w);
    return CertificateProvince{material("alternative", false)};
  }
  if (kind == "certificate_types") {
    r.OnlyKeys(p, {"allowed", "roles"}, w);
    return CertificateTypes{
        r.Names<CertificateType>(p, "allowed", w, true, CertificateByName, CertificateTypeNames()),
        r.Names<CertificateHolder>(p, "roles", w, true, RoleByName, kRoles)};
  }
  if (kind == "certificate_matches_subject_type") {
    r.OnlyKeys(p, {}, w);
    return CertificateMatchesSubjectType{};
  }
  if (kind == "unit_certificate_province") {
    r.OnlyKeys(p, {}, w);
    return UnitCertificateProvince{};
  }
  if (kind == "certificate_validity") {
    r.OnlyKeys(p, {"min_days_left", "roles"}, w);
    CertificateValidity v;
    v.min_days_left = r.Int(p, "min_days_left", w, true, 1, 3650).value_or(90);
    for (const std::string& role : r.Strings(p, "roles", w, true)) {
      if (role == "subject") {
        v.subject = true;
      } else if (role == "website") {
        v.website = true;
      } else {
        r.Problem(w + ".roles", "unknown role \"" + role + "\" (subject, website)");
      }
    }
    return v;
  }
  if (kind == "personal_single_person") {
    r.OnlyKeys(p, {}, w);
    return PersonalSinglePerson{};
  }
  if (kind == "field_required") {
    r.OnlyKeys(p, {"field", "min_chars", "must_contain"}, w);
    FieldRequired f;
    f.field = r.Name<FieldRef>(p, "field", w, true, FieldByName, kFieldRefs)
                  .value_or(FieldRef::kSubjectRemark);
    f.min_chars = r.Int(p, "min_chars", w, false, 1, 10000).value_or(0);
    f.must_contain = r.Strings(p, "must_contain", w, false);
    return f;
  }
  if (kind == "distinct_contacts") {
    r.OnlyKeys(p, {"fields", "min_distinct"}, w);
    DistinctContacts d{r.Names<FieldRef>(p, "fields", w, true, FieldByName, kFieldRefs)};
    d.min_distinct = r.Int(p, "min_distinct", w, false, 2, 100).value_or(0);
    if (d.fields.size() < 2) r.Problem(w + ".fields", "needs at least two fields");
    return d;
  }
  if (kind == "site_name") {
    r.OnlyKeys(p, {"min_chars", "banned_words", "banned_prefixes", "require_chinese"}, w);
    SiteName s;
    s.min_chars = r.Int(p, "min_chars", w, false, 1, 100).value_or(0);
    s.banned_words = r.Strings(p, "banned_words", w, false);
    s.banned_prefixes = r.Strings(p, "banned_prefixes", w, false);
    s.require_chinese = r.Bool(p, "require_chinese", w, false).value_or(false);
    return s;
  }
  if (kind == "domain_suffix") {
    r.OnlyKeys(p, {"refuse", "warn", "allowed_suffixes"}, w);
    DomainSuffix d;
    if (p.contains("refuse"))
      d.refuse = r.Names<SuffixStatus>(p, "refuse", w, false, StatusByName, kStatuses);
    if (p.contains("warn"))
      d.warn = r.Names<SuffixStatus>(p, "warn", w, false, StatusByName, kStatuses);
    d.allowed_suffixes = Suffixes(r, p, "allowed_suffixes", w, false);
    return d;
  }
  if (kind == "domain_suffix_for_subject_type") {
    r.OnlyKeys(p, {"subject_types", "suffixes"}, w);
    return DomainSuffixForSubjectType{
        r.Names<SubjectType>(p, "subject_types", w, true, SubjectByName, SubjectNames()),
        Suffixes(r, p, "suffixes", w, true)};
  }
  if (kind == "domain_label_words") {
    r.OnlyKeys(p, {"banned", "except_subject_types"}, w);
    return DomainLabelWords{
        r.Strings(p, "banned", w, true),
        r.Names<SubjectType>(p, "except_subject_types", w, false, SubjectByName, SubjectNames())};
  }
  if (kind == "registrable_domain_only") {
    r.OnlyKeys(p, {}, w);
    return RegistrableDomainOnly{};
  }
  if (kind == "max_websites") {
    r.OnlyKeys(p, {"max"}, w);
    return MaxWebsites{r.Int(p, "max", w, true, 1, 1000).value_or(1)};
  }
  if (kind == "max_domains_per_website") {
    r.OnlyKeys(p, {"max"}, w);
    return MaxDomainsPerWebsite{r.Int(p, "max", w, true, 1, 1000).value_or(1)};
  }
  if (kind == "change_direction") {
    r.OnlyKeys(p, {"unit_to_unit", "unit_to_personal", "personal_to_personal", "personal_to_unit"},
               w);
    auto d = [&](std::string_view key) {
      return r.Name<Direction>(p, key, w, true, DirectionByName, kDirections)
          .value_or(Direction::kNo);
    };
    return ChangeDirection{d("unit_to_unit"), d("unit_to_personal"), d("personal_to_personal"),
                           d("personal_to_unit")};
  }
  if (kind == "change_limits") {
    r.OnlyKeys(p, {"province_changeable", "add_domains"}, w);
    return ChangeLimits{r.Bool(p, "province_changeable", w, true).value_or(false),
                        r.Bool(p, "add_domains", w, true).value_or(false)};
  }
  if (kind == "access_unchanged") {
    r.OnlyKeys(p, {"fields"}, w);
    AccessUnchanged a;
    for (const std::string& f : r.Strings(p, "fields", w, true)) {
      if (f == "subject.name") {
        a.subject_name = true;
      } else if (f == "subject.certificate") {
        a.subject_certificate = true;
      } else if (f == "subject.principal") {
        a.subject_principal = true;
      } else if (f == "websites.principal") {
        a.website_principal = true;
      } else if (f == "websites.name") {
        a.website_name = true;
      } else {
        r.Problem(w + ".fields", "unknown field \"" + f +
                                     "\"; accepted: subject.name, subject.certificate, "
                                     "subject.principal, websites.principal, websites.name");
      }
    }
    return a;
  }
  if (kind == "resource_eligibility") {
    r.OnlyKeys(p, {"require_resource"}, w);
    return ResourceEligibility{r.Bool(p, "require_resource", w, false).value_or(true)};
  }
  if (kind == "reviewer_check") {
    r.OnlyKeys(p, {"check_zh", "check", "fields"}, w);
    ReviewerCheck check{r.String(p, "check_zh", w, true).value_or(""),
                        r.String(p, "check", w, true).value_or(""),
                        {}};
    const json::value* fields = p.if_contains("fields");
    if (fields == nullptr || !fields->is_array() || fields->as_array().empty()) {
      r.Problem(w + ".fields", "must list the field paths the reviewer checks");
      return check;
    }
    for (const json::value& f : fields->as_array()) {
      // A path into the application document (docs/application-json.md).
      static constexpr std::string_view kRoots[] = {"subject", "websites", "materials", "original"};
      const bool ok =
          f.is_string() && std::ranges::any_of(kRoots, [&f](std::string_view root) {
            const std::string_view path = f.as_string();
            return path == root || (path.starts_with(root) &&
                                    (path[root.size()] == '.' || path[root.size()] == '['));
          });
      if (!ok) {
        r.Problem(w + ".fields",
                  "each is a field path of the application under subject, "
                  "websites, materials or original");
        continue;
      }
      check.fields.emplace_back(f.as_string());
    }
    return check;
  }
  return std::nullopt;
}

Applicability ParseWhen(Reader& r, const json::object& when, const std::string& w) {
  r.OnlyKeys(when, {"subject", "subject_types", "application_types"}, w);
  Applicability a;
  if (std::optional<std::string> s = r.String(when, "subject", w, false)) {
    if (*s == "individual") {
      a.individual = true;
    } else if (*s == "unit") {
      a.individual = false;
    } else {
      r.Problem(w + ".subject", "must be \"individual\" or \"unit\"");
    }
  }
  a.subject_types =
      r.Names<SubjectType>(when, "subject_types", w, false, SubjectByName, SubjectNames());
  a.application_types =
      r.Names<ApplicationType>(when, "application_types", w, false, TypeByName, TypeNames());
  return a;
}

std::optional<Check> ParseCheck(Reader& r, const json::value& v, std::size_t index,
                                const std::string& province) {
  std::string w = "checks[" + std::to_string(index) + "]";
  if (!v.is_object()) {
    r.Problem(w, "a check is an object");
    return std::nullopt;
  }
  const json::object& o = v.as_object();
  r.OnlyKeys(o,
             {"id", "kind", "params", "when", "severity", "source", "effective_from", "replaces",
              "message_zh", "message"},
             w);
  Check c;
  c.id = r.String(o, "id", w, true).value_or("");
  static const std::regex kId(R"(^(national|[0-9]{2})\.[a-z0-9][a-z0-9.-]*$)");
  if (!c.id.empty()) {
    if (!std::regex_match(c.id, kId))
      r.Problem(w + ".id", "\"" + c.id + "\" is not of the form <province>.<slug>");
    if (!c.id.starts_with(province + "."))
      r.Problem(w + ".id", "\"" + c.id + "\" does not start with \"" + province + ".\"");
    w = c.id;
  }
  const std::string kind = r.String(o, "kind", w, true).value_or("");
  const json::value* params = o.if_contains("params");
  if (params == nullptr || !params->is_object()) {
    r.Problem(w, "missing \"params\" object");
    return std::nullopt;
  }
  std::optional<CheckParams> parsed = ParseParams(r, kind, params->as_object(), w + ".params");
  if (!parsed) {
    r.Problem(w + ".kind", "unknown kind \"" + kind + "\"; accepted: " +
                               JoinNames(std::vector<std::string_view>(CheckKindNames().begin(),
                                                                       CheckKindNames().end())));
    return std::nullopt;
  }
  c.params = std::move(*parsed);
  if (const json::value* when = o.if_contains("when")) {
    if (when->is_object()) {
      c.when = ParseWhen(r, when->as_object(), w + ".when");
    } else {
      r.Problem(w + ".when", "must be an object");
    }
  }
  const std::string severity = r.String(o, "severity", w, true).value_or("error");
  if (severity == "warning") {
    c.severity = Severity::kWarning;
  } else if (severity != "error") {
    r.Problem(w + ".severity", "must be \"error\" or \"warning\"");
  }
  c.source = r.String(o, "source", w, true).value_or("");
  if (std::optional<std::string> from = r.String(o, "effective_from", w, false)) {
    Result<Date> d = ParseIsoDate(*from);
    if (!d) {
      r.Problem(w + ".effective_from", d.error().message);
    } else {
      c.effective_from = *d;
    }
  }
  c.replaces = r.String(o, "replaces", w, false).value_or("");
  c.message_zh = r.String(o, "message_zh", w, false).value_or("");
  c.message = r.String(o, "message", w, false).value_or("");
  return c;
}

void ParseParameters(Reader& r, const json::object& p, RuleFile& file) {
  static constexpr std::string_view kInts[] = {
      "bureau_review_working_days",    "provider_review_working_days",
      "customer_window_days",          "sms_window_hours",
      "contact_retry_minutes",         "resource_min_prepaid_months",
      "resource_min_remaining_months", "authorization_codes_per_server"};
  for (const auto& [key, value] : p) {
    if (key == "reminder_days") {
      if (!value.is_array()) {
        r.Problem("parameters.reminder_days", "must be a list of day counts");
        continue;
      }
      for (const json::value& d : value.as_array()) {
        if (!d.is_int64() || d.as_int64() < 1 || d.as_int64() > 365) {
          r.Problem("parameters.reminder_days", "must be a list of day counts from 1 to 365");
          break;
        }
        file.reminder_days.push_back(static_cast<int>(d.as_int64()));
      }
      continue;
    }
    if (key == "cancellation_abandonable_before_bureau") {
      // One practice for every province: the provider's, not a province's (FACTS.md §4.8).
      if (file.province != "national") {
        r.Problem("parameters." + std::string(key),
                  "is set in national.json only: it does not differ by province");
      } else if (!value.is_bool()) {
        r.Problem("parameters." + std::string(key), "must be true or false");
      } else {
        file.cancellation_abandonable_before_bureau = value.as_bool();
      }
      continue;
    }
    bool known = false;
    for (std::string_view k : kInts) known = known || k == key;
    if (!known) {
      std::vector<std::string_view> names(std::begin(kInts), std::end(kInts));
      names.push_back("reminder_days");
      names.push_back("cancellation_abandonable_before_bureau");
      r.Problem("parameters",
                "unknown parameter \"" + std::string(key) + "\"; accepted: " + JoinNames(names));
    } else if (!value.is_int64() || value.as_int64() < 0 || value.as_int64() > 10000) {
      r.Problem("parameters." + std::string(key), "must be a whole number");
    } else {
      file.parameter_overrides[std::string(key)] = static_cast<int>(value.as_int64());
    }
  }
}

}  // namespace

Result<RuleFile> ParseRuleFile(std::string_view text, std::string_view file_name) {
  Reader r(file_name);
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) {
    return InvalidArgument(std::string(file_name) + ": not valid JSON: " + ec.message());
  }
  if (!root.is_object())
    return InvalidArgument(std::string(file_name) + ": the top level must be an object");
  const json::object& o = root.as_object();
  r.OnlyKeys(o, {"$schema", "province", "name", "version", "parameters", "notes", "checks"}, "");
  RuleFile file;
  file.province = r.String(o, "province", "", true).value_or("");
  if (file.province != "national" && !(file.province.size() == 2 && IsAsciiDigits(file.province) &&
                                       Province::FromCode(file.province).has_value())) {
    r.Problem("province", "must be \"national\" or a province code such as \"44\"");
  }
  file.name = r.String(o, "name", "", false).value_or("");
  file.version = r.String(o, "version", "", true).value_or("");
  if (const json::value* p = o.if_contains("parameters"); p != nullptr && p->is_object()) {
    ParseParameters(r, p->as_object(), file);
  }
  const json::value* list = o.if_contains("checks");
  if (list == nullptr || !list->is_array()) {
    r.Problem("checks", "missing \"checks\" list");
  } else {
    std::set<std::string> ids;
    for (std::size_t i = 0; i < list->as_array().size(); ++i) {
      std::optional<Check> c = ParseCheck(r, list->as_array()[i], i, file.province);
      if (!c) continue;
      if (!ids.insert(c->id).second) r.Problem(c->id, "the id is used twice");
      file.checks.push_back(std::move(*c));
    }
  }
  if (!r.problems().empty()) return InvalidFields(std::move(r.problems()));
  return file;
}

}  // namespace icp
