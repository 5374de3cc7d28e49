#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace icp {

// A passport number, as foreign principals give it (FACTS.md §9.5, §7.3). Foreign numbers
// are free-form letters and digits; Chinese ones follow known patterns, which are reported
// but not required (a foreigner's passport need not look Chinese).
class Passport {
 public:
  enum class Kind {
    kChineseOrdinary,  // E + 8 digits, E + [A-F] + 7 digits, G + 8 digits (older)
    kChineseOfficial,  // D (diplomatic), S / SE (service), P / PE (public affairs) + digits
    kOther,            // any other issuing state
  };

  // 5 to 17 letters and digits after spaces and hyphens are removed.
  // kInvalidArgument: rules passport.{empty, encoding, length, format}.
  static Result<Passport> Parse(std::string_view text);

  const std::string& str() const { return value_; }
  Kind kind() const { return kind_; }

  friend bool operator==(const Passport& a, const Passport& b) { return a.value_ == b.value_; }

 private:
  Passport(std::string value, Kind kind) : value_(std::move(value)), kind_(kind) {}

  std::string value_;
  Kind kind_;
};

std::string_view PassportKindName(Passport::Kind kind);  // "chinese_ordinary", ...

}  // namespace icp
