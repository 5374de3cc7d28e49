#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "domain/organization_code.h"

namespace icp {

// A unified social credit code (统一社会信用代码, GB 32100-2015): the 18-character identity
// of a company, public institution, social organisation or individual business.
// Layout: registration authority (1), entity type (1), GB/T 2260 division of the
// registering authority (6), GB 11714 organisation code (9), check character (1).
// Holding a CreditCode means a known authority and type, a numeric division, and a right
// check character; the only way to get one is Parse().
class CreditCode {
 public:
  // Accepts the code as printed on a licence: spaces (including full-width ones) and lower
  // case are tolerated. kInvalidArgument: rules credit-code.{empty, encoding, length,
  // format, authority, entity-type, checksum}.
  static Result<CreditCode> Parse(std::string_view text);

  const std::string& str() const { return value_; }

  char registration_authority() const { return value_[0]; }
  std::string_view registration_authority_name() const;  // "工商"
  char entity_type() const { return value_[1]; }
  std::string_view entity_type_name() const;  // "企业"
  // Division of the registering authority, e.g. "350100".
  std::string_view region() const { return std::string_view(value_).substr(2, 6); }
  // Characters 9-17 as an organisation code, if they pass GB 11714's own check (codes
  // assigned after 三证合一 need not be real organisation codes; all seen so far are).
  std::optional<OrganizationCode> organization_code() const;

  friend bool operator==(const CreditCode&, const CreditCode&) = default;

 private:
  explicit CreditCode(std::string value) : value_(std::move(value)) {}

  std::string value_;
};

// The GB 32100 check character of the first 17 characters; '\0' if one is outside the
// code's alphabet.
char CreditCodeCheckCharacter(std::string_view code);

}  // namespace icp
