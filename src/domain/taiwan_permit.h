#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace icp {

// 台湾居民来往大陆通行证 (台胞证, Mainland Travel Permit for Taiwan Residents). The card
// issued since 2015 carries 8 digits; older booklets carried 10 characters with a letter.
// FACTS.md §9.5: a format check only; no check digit is published.
class TaiwanPermit {
 public:
  // kInvalidArgument: rules taiwan-permit.{empty, encoding, length, format}.
  static Result<TaiwanPermit> Parse(std::string_view text);

  const std::string& str() const { return value_; }
  // True for the 10-character booklet form, which MIIT may no longer accept.
  bool legacy_booklet() const { return value_.size() == 10; }

  friend bool operator==(const TaiwanPermit&, const TaiwanPermit&) = default;

 private:
  explicit TaiwanPermit(std::string value) : value_(std::move(value)) {}

  std::string value_;
};

}  // namespace icp
