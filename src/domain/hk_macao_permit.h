#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace icp {

// 港澳居民来往内地通行证 (Mainland Travel Permit for Hong Kong and Macao Residents, 回乡证):
// H (Hong Kong) or M (Macao) and 8 digits; older booklets carry 2 more renewal digits.
// FACTS.md §9.5: a format check only; no check digit is published.
class HongKongMacaoPermit {
 public:
  enum class Region { kHongKong, kMacao };

  // kInvalidArgument: rules hk-macao-permit.{empty, encoding, length, format}.
  static Result<HongKongMacaoPermit> Parse(std::string_view text);

  const std::string& str() const { return value_; }
  Region region() const { return value_[0] == 'H' ? Region::kHongKong : Region::kMacao; }
  // The last six characters: what MIIT's SMS verification asks for (FACTS.md §9.5).
  std::string_view last_six() const { return std::string_view(value_).substr(value_.size() - 6); }

  friend bool operator==(const HongKongMacaoPermit&, const HongKongMacaoPermit&) = default;

 private:
  explicit HongKongMacaoPermit(std::string value) : value_(std::move(value)) {}

  std::string value_;
};

}  // namespace icp
