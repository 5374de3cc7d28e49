#include "rules/rule_set.h"

#include <set>

#include "base/check.h"

namespace icp {

std::string_view SeverityName(Severity s) { return s == Severity::kError ? "error" : "warning"; }

namespace {

constexpr std::string_view kKindNames[] = {"material_required",
                                           "subject_leader_legal_rep",
                                           "website_leader_authorization",
                                           "principal_min_age",
                                           "certificate_province",
                                           "certificate_types",
                                           "certificate_matches_subject_type",
                                           "unit_certificate_province",
                                           "certificate_validity",
                                           "personal_single_person",
                                           "field_required",
                                           "distinct_contacts",
                                           "site_name",
                                           "domain_suffix",
                                           "domain_suffix_for_subject_type",
                                           "domain_label_words",
                                           "registrable_domain_only",
                                           "max_websites",
                                           "max_domains_per_website",
                                           "change_direction",
                                           "change_limits",
                                           "access_unchanged",
                                           "resource_eligibility",
                                           "reviewer_check"};
static_assert(std::size(kKindNames) == std::variant_size_v<CheckParams>);

}  // namespace

std::string_view CheckKindName(const CheckParams& params) { return kKindNames[params.index()]; }
std::span<const std::string_view> CheckKindNames() { return kKindNames; }

namespace {

void Apply(const RuleFile& file, RuleParameters& p) {
  for (const auto& [key, value] : file.parameter_overrides) {
    if (key == "bureau_review_working_days") p.bureau_review_working_days = value;
    if (key == "provider_review_working_days") p.provider_review_working_days = value;
    if (key == "customer_window_days") p.customer_window_days = value;
    if (key == "sms_window_hours") p.sms_window_hours = value;
    if (key == "contact_retry_minutes") p.contact_retry_minutes = value;
    if (key == "resource_min_prepaid_months") p.resource_min_prepaid_months = value;
    if (key == "resource_min_remaining_months") p.resource_min_remaining_months = value;
    if (key == "authorization_codes_per_server") p.authorization_codes_per_server = value;
  }
  if (!file.reminder_days.empty()) p.reminder_days = file.reminder_days;
  if (file.cancellation_abandonable_before_bureau) {
    p.cancellation_abandonable_before_bureau = *file.cancellation_abandonable_before_bureau;
  }
}

}  // namespace

DeadlinePolicy DeadlinePolicyOf(const RuleParameters& p) {
  return DeadlinePolicy{p.provider_review_working_days,
                        p.bureau_review_working_days,
                        p.customer_window_days,
                        p.reminder_days,
                        p.sms_window_hours,
                        p.contact_retry_minutes,
                        p.cancellation_abandonable_before_bureau};
}

Result<RuleSet> RuleSet::Build(RuleFile national, std::vector<RuleFile> provinces) {
  std::vector<FieldViolation> problems;
  auto problem = [&](std::string where, std::string what) {
    problems.push_back({std::move(where), "rules.build", std::move(what), ""});
  };
  if (national.province != "national")
    problem("national.json", "the national file must say \"province\": \"national\"");
  std::set<std::string> national_ids;
  for (const Check& c : national.checks) {
    national_ids.insert(c.id);
    if (!c.replaces.empty()) problem(c.id, "a national check cannot replace another");
  }
  RuleParameters base;
  Apply(national, base);

  RuleSet set;
  for (Province province : Province::All()) {
    const RuleFile* file = nullptr;
    for (const RuleFile& f : provinces) {
      if (f.province == province.code()) {
        if (file != nullptr)
          problem(std::string(province.code()) + ".json", "two files for one province");
        file = &f;
      }
    }
    if (file == nullptr) {
      problem("provinces/" + std::string(province.code()) + ".json",
              "missing: every province needs its rules file");
      continue;
    }
    std::set<std::string> replaced;
    for (const Check& c : file->checks) {
      if (c.replaces.empty()) continue;
      if (!national_ids.contains(c.replaces)) {
        problem(c.id, "replaces \"" + c.replaces + "\", which is not a national check");
      }
      replaced.insert(c.replaces);
    }
    ProvinceRules rules{
        province,
        "national " + national.version + " + " + std::string(province.code()) + " " + file->version,
        base,
        {}};
    Apply(*file, rules.parameters);
    for (const Check& c : national.checks) {
      if (!replaced.contains(c.id)) rules.checks.push_back(c);
    }
    rules.checks.insert(rules.checks.end(), file->checks.begin(), file->checks.end());
    set.provinces_.push_back(std::move(rules));
  }
  for (const RuleFile& f : provinces) {
    if (f.province == "national")
      problem("provinces", "a province file says \"province\": \"national\"");
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
  return set;
}

const ProvinceRules& RuleSet::For(Province province) const {
  for (const ProvinceRules& r : provinces_) {
    if (r.province == province) return r;
  }
  ICP_CHECK(false) << "RuleSet::Build guarantees every province; none for " << province.code();
  return provinces_.front();
}

std::size_t RuleSet::check_count() const {
  std::size_t n = 0;
  for (const ProvinceRules& r : provinces_) n += r.checks.size();
  return n;
}

}  // namespace icp
