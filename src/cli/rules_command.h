#pragma once

#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "base/date.h"
#include "base/result.h"
#include "rules/rule_set.h"

namespace icp::cli {

// Reads national.json and provinces/*.json under `dir` and builds the rule set; every
// problem of every file is reported (kInvalidArgument, violations "<file>:<check>.<param>").
Result<RuleSet> LoadRuleSet(const std::filesystem::path& dir);

// One rule case (data/rules/cases/*.json) and its outcome.
struct CaseResult {
  std::string file;
  std::string name;
  bool passed = false;
  std::string detail;  // why it failed: the difference between expected and actual ids
};

// The case files under `dir`/cases, sorted by name.
std::vector<std::filesystem::path> CaseFiles(const std::filesystem::path& dir);

// Runs one case file against `rules`.
CaseResult RunCase(const std::filesystem::path& file, const RuleSet& rules);

// `icpctl rules check [DIR]`: parses every file, then runs every case. 0 all good, 1 not —
// including when DIR/cases holds no case: rules nobody exercised are not "checked".
int RunRulesCheck(const std::filesystem::path& dir, std::ostream& out, std::ostream& err);

struct PrecheckRequest {
  std::filesystem::path file;
  std::filesystem::path rules_dir;
  bool json = false;
  std::optional<Date> today;  // --today YYYY-MM-DD: evaluate as on that day (noon, China time)
};

// `icpctl precheck FILE.json`: evaluates an application document offline. 0 no errors
// (warnings allowed), 1 errors or an invalid document, 2 usage (unreadable file, bad rules).
// The day it evaluates on: --today; else a rule case's own "today" (so a case file prechecks
// as its expectations were written); else `now`.
int RunPrecheck(const PrecheckRequest& request, std::chrono::sys_seconds now, std::ostream& out,
                std::ostream& err);

struct MaterialsRequest {
  std::string province;
  std::string subject_type;
  std::string application_type;
  std::filesystem::path rules_dir;
  bool json = false;
};

// `icpctl materials --province CODE --subject-type TYPE --application-type TYPE`.
int RunMaterials(const MaterialsRequest& request, Date today, std::ostream& out, std::ostream& err);

}  // namespace icp::cli
