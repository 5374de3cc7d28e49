#pragma once

#include <string>
#include <string_view>

#include "base/base64.h"
#include "base/result.h"

namespace icp::miit {

// Base64 as xs:base64Binary carries `beianInfo`, `beianInfoHash`, `pwdHash` and attachments:
// base/base64.h's, with line breaks allowed and a fault reported as the wire's error.
using icp::Base64Encode;

// kInvalidArgument (rule "miit.base64") naming `field` and the offset of the fault.
Result<std::string> Base64Decode(std::string_view text, std::string_view field = "base64");

}  // namespace icp::miit
