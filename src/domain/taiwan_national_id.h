#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace icp {

// A Taiwan national identification number (台湾身份证字号): a letter for the place of first
// registration, then nine digits, the first of which is 1 (male) or 2 (female) — 8 and 9 on
// numbers issued to residents without household registration — and the last a check digit.
// Not a filing certificate (Taiwan residents file with the 台胞证 or the residence permit);
// FACTS.md §9.5.
class TaiwanNationalId {
 public:
  // kInvalidArgument: rules taiwan-id.{empty, encoding, length, format, checksum}; a number
  // with both a bad second character and a bad check digit reports both.
  static Result<TaiwanNationalId> Parse(std::string_view text);

  const std::string& str() const { return value_; }

  friend bool operator==(const TaiwanNationalId&, const TaiwanNationalId&) = default;

 private:
  explicit TaiwanNationalId(std::string value) : value_(std::move(value)) {}

  std::string value_;
};

}  // namespace icp
