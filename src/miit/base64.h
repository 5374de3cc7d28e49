#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace icp::miit {

// Base64 (RFC 4648 §4, the standard alphabet with '=' padding), as xs:base64Binary carries
// `beianInfo`, `beianInfoHash`, `pwdHash` and attachments.

std::string Base64Encode(std::string_view bytes);

// Strict decoding. ASCII whitespace (space, tab, CR, LF) is skipped, as xs:base64Binary
// allows line breaks; anything else outside the alphabet, a length that is not a multiple of
// four, '=' anywhere but in the last one or two places, or padding bits that are not zero
// is kInvalidArgument (rule "miit.base64") naming `field` and the offset of the fault.
Result<std::string> Base64Decode(std::string_view text, std::string_view field = "base64");

}  // namespace icp::miit
