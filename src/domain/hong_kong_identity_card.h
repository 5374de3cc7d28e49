#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace icp {

// A Hong Kong identity card number (香港身份证): one or two letters, six digits and a check
// character (0-9 or A), printed "P174468(6)". Not a filing certificate (Hong Kong residents
// file with the travel permit or the residence permit), but people enter it, and the reference
// vectors carry it; FACTS.md §9.5.
class HongKongIdentityCard {
 public:
  // Accepts "P174468(6)", "P1744686", lower case, full-width forms.
  // kInvalidArgument: rules hk-id-card.{empty, encoding, length, format, checksum}.
  static Result<HongKongIdentityCard> Parse(std::string_view text);

  const std::string& str() const { return value_; }  // "P174468(6)"

  friend bool operator==(const HongKongIdentityCard&, const HongKongIdentityCard&) = default;

 private:
  explicit HongKongIdentityCard(std::string value) : value_(std::move(value)) {}

  std::string value_;
};

}  // namespace icp
