#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace icp {

// An organisation code (组织机构代码, GB 11714-1997): 8 body characters [0-9A-Z] and a
// check character, printed "XXXXXXXX-X". Still a certificate type in the MIIT forms, and
// characters 9-17 of every unified social credit code.
class OrganizationCode {
 public:
  // Accepts "D2143569-X", "D2143569X", lower case, full-width forms and spaces.
  // kInvalidArgument: rules org-code.{empty, encoding, length, format, checksum}.
  static Result<OrganizationCode> Parse(std::string_view text);

  const std::string& str() const { return value_; }  // 9 characters, no hyphen
  std::string display() const;                       // "D2143569-X"

  friend bool operator==(const OrganizationCode&, const OrganizationCode&) = default;

 private:
  explicit OrganizationCode(std::string value) : value_(std::move(value)) {}

  std::string value_;
};

// The GB 11714 check character of the first 8 characters of `body`, or '\0' if a
// character is outside [0-9A-Z].
char OrganizationCodeCheckCharacter(std::string_view body);

}  // namespace icp
