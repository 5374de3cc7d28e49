#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

namespace icp {

// Base64 with the standard alphabet and '=' padding (RFC 4648 §4): how a JSON body carries a
// file (a transfer's evidence) and how MIIT's interface carries its payloads (miit/payload.h).
std::string Base64Encode(std::string_view bytes);

// Where and why a text is not base64.
struct Base64Fault {
  std::size_t offset = 0;  // in the text as given
  std::string what;        // "a character outside the alphabet", ...
};

// Strict decoding: one encoding per byte string. A length (of the significant characters)
// that is not a multiple of four, a character outside the alphabet, '=' anywhere but in the
// last one or two places, or padding bits that are not zero is a fault. With
// `skip_whitespace`, ASCII spaces, tabs, CR and LF are skipped (xs:base64Binary allows line
// breaks); without it they are faults like any other character.
std::expected<std::string, Base64Fault> Base64Decode(std::string_view text,
                                                     bool skip_whitespace = false);

}  // namespace icp
