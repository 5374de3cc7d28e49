#pragma once

#include <string>
#include <vector>

#include "base/date.h"
#include "domain/application.h"
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
};

// Evaluates every check of `rules` that applies to an application of `type` on `today`,
// and returns every violation (errors and warnings), in check order. Pure.
std::vector<Violation> Evaluate(const Application& application, ApplicationType type,
                                const ProvinceRules& rules, const EvaluationFacts& facts,
                                Date today);

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
