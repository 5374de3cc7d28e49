#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace icp::internal {

// The common front of every certificate-number parser: bounded length, valid UTF-8,
// full-width forms folded, spaces removed, upper case. `rule_prefix` names the type in
// rule ids ("passport" -> "passport.empty"), `label_en` / `label_zh` in messages.
Result<std::string> NormalizeDocumentNumber(std::string_view text, std::string_view rule_prefix,
                                            std::string_view label_en, std::string_view label_zh);

// True when every character of `text` is an ASCII digit or capital letter.
bool IsUpperAlnum(std::string_view text);

}  // namespace icp::internal
