#pragma once

#include <string_view>

#include "base/result.h"
#include "rules/rule_set.h"

namespace icp {

// Parses one rules file (docs/rules.md; data/rules/rules.schema.json). Rejects unknown
// kinds, unknown or mistyped parameters, bad ids and dates, with `file_name` and the check
// id in the message. kInvalidArgument; every problem found is listed as a violation whose
// field is "<file>:<check id>.<param>".
Result<RuleFile> ParseRuleFile(std::string_view text, std::string_view file_name);

}  // namespace icp
