#pragma once

#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

#include "base/date.h"

namespace icp::cli {

// `icpctl check <kind> <value> [--json]`: validates one identifier offline.
struct CheckRequest {
  std::string kind;   // one of CheckKinds()
  std::string value;  // as the user typed it
  bool json = false;  // print one JSON object instead of lines
};

// The kinds `check` knows, in the order `--help` lists them.
std::span<const std::string_view> CheckKinds();

// Exit codes: 0 valid (prints the normalised value and what it encodes), 1 invalid
// (prints why, with the rule id), 2 unknown kind. `today` bounds birth dates.
int RunCheck(const CheckRequest& request, Date today, std::ostream& out, std::ostream& err);

}  // namespace icp::cli
