#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace icp {

// What a mobile number segment (号段) is used for.
enum class MobileKind {
  kMobile,     // an ordinary subscriber number
  kVirtual,    // a virtual operator's (虚拟运营商): MIIT SMS may not reach it
  kData,       // a data-card segment: SMS may not be delivered
  kSatellite,  // satellite service: not for SMS verification
};

std::string_view MobileKindName(MobileKind kind);  // "mobile", "virtual", "data", "satellite"

// The table of mainland mobile segments (data/reference/mobile_segments.tsv): prefix ->
// carrier and kind. The longest matching prefix wins.
class MobileSegments {
 public:
  struct Segment {
    std::string prefix;
    std::string carrier;
    MobileKind kind = MobileKind::kMobile;
    std::string note;
  };

  // kInvalidArgument naming the line on malformed input.
  static Result<MobileSegments> Parse(std::string_view text);
  static const MobileSegments& Builtin();  // compiled in, parsed once

  // The segment `number` (11 digits) falls in, or nullptr.
  const Segment* Find(std::string_view number) const;

 private:
  MobileSegments() = default;

  std::vector<Segment> segments_;  // sorted by prefix length, longest first
};

// A mainland China mobile number (11 digits starting with 1) in an allocated segment.
// The segment's carrier and kind are data, not code (FACTS.md §9.6).
class MobileNumber {
 public:
  // Accepts "+86 138-0013-8000", "0086 13800138000", full-width digits and spaces.
  // kInvalidArgument: rules mobile.{empty, encoding, length, format, segment}.
  static Result<MobileNumber> Parse(std::string_view text);
  static Result<MobileNumber> Parse(std::string_view text, const MobileSegments& segments);

  const std::string& str() const { return value_; }  // "13800138000"
  const std::string& carrier() const { return carrier_; }
  MobileKind kind() const { return kind_; }
  // False for segments MIIT's verification SMS may not reach (virtual, data, satellite).
  bool sms_verifiable() const { return kind_ == MobileKind::kMobile; }

  friend bool operator==(const MobileNumber& a, const MobileNumber& b) {
    return a.value_ == b.value_;
  }

 private:
  MobileNumber() = default;

  std::string value_;
  std::string carrier_;
  MobileKind kind_ = MobileKind::kMobile;
};

}  // namespace icp
