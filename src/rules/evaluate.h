#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/date.h"
#include "domain/application.h"
#include "domain/resource_eligibility.h"
#include "rules/rule_set.h"

namespace icp {

// One way an application breaks (or, for a warning, may break) a province's rules.
struct Violation {
  std::string rule;        // the check id: "44.personal-handwritten-commitment"
  std::string field;       // "websites[0].principal.mobile"
  std::string message;     // English
  std::string message_zh;  // 简体中文
  std::string source;      // where the rule comes from
  Severity severity = Severity::kError;
};

// What the platform knows beside the application itself.
struct EvaluationFacts {
  int filed_websites = 0;  // websites the subject already has on record
  // The provider's inventory as far as the application's websites name it. When it is not
  // known (an offline precheck without it), resources are not checked, and a warning says so.
  bool inventory_known = false;
  std::vector<Resource> resources;
  std::vector<AuthorizationCode> authorization_codes;
  // The real-name verification of the accounts owning those resources (a code's server is
  // judged with its owner's); an account not listed counts as unverified.
  std::map<std::string, AccountVerification> account_verifications;
};

// Evaluates every check of `rules` that applies to an application of `type` at `now` (dates
// are China Standard Time days), and returns every violation (errors and warnings), in check
// order. Pure.
std::vector<Violation> Evaluate(const Application& application, ApplicationType type,
                                const ProvinceRules& rules, const EvaluationFacts& facts,
                                std::chrono::sys_seconds now);

// The eligibility numbers of a province's rules (FACTS §8.1 defaults in national.json).
EligibilityPolicy PolicyOf(const RuleParameters& parameters);

// One entry of the materials checklist.
struct MaterialRequirement {
  MaterialKind kind;
  std::string owner;      // "subject", "subject.principal", "websites[0]", "websites[0].principal"
  std::string condition;  // when only conditionally required, in Chinese ("域名数 ≥ 4"), else ""
  std::string rule;
  std::string source;
  Severity severity = Severity::kError;
  bool present = false;  // only meaningful for MaterialsChecklist
};

// The materials this application needs under `rules`, and whether each is present.
std::vector<MaterialRequirement> MaterialsChecklist(const Application& application,
                                                    ApplicationType type,
                                                    const ProvinceRules& rules,
                                                    const EvaluationFacts& facts, Date today);

// The materials a subject type needs for an application type in a province, without an
// application: conditional requirements carry their condition. Owners are written
// generically ("websites[*]").
std::vector<MaterialRequirement> MaterialsFor(const ProvinceRules& rules, SubjectType subject,
                                              ApplicationType type, Date today);

}  // namespace icp
