#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace icp {

// Base64 with the standard alphabet and '=' padding (RFC 4648 §4): how a JSON body carries
// a file (a transfer's evidence).
std::string Base64Encode(std::string_view bytes);

// The bytes of `text`; std::nullopt unless it is canonical base64: a length that is a
// multiple of four, only the alphabet, padding only at the end, and zero unused bits.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace icp
