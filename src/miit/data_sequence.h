#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace icp::miit {

// `dataSequence` (BUREAU-PROTOCOL.md §1.7): the number of an upload, a 4-byte integer per
// provider account. The first upload sends 1; it rises by one only when an upload is accepted.
class DataSequence {
 public:
  static constexpr std::int64_t kMax = 2147483647;  // a signed 4-byte integer

  // kInvalidArgument (rule "miit.data_sequence", field "dataSequence") unless 1..kMax.
  static Result<DataSequence> Parse(std::int64_t value);
  // Parses the decimal text of the wire ("14", not "+14" or " 14").
  static Result<DataSequence> Parse(std::string_view text);

  static DataSequence First() { return DataSequence(1); }

  // The number after this one; kFailedPrecondition (rule "miit.data_sequence") past kMax.
  Result<DataSequence> Next() const;

  std::int64_t value() const { return value_; }

  friend auto operator<=>(const DataSequence&, const DataSequence&) = default;

 private:
  explicit DataSequence(std::int64_t value) : value_(value) {}
  std::int64_t value_;
};

// How a bureau places an upload's number against the last one it accepted (0 = none yet).
struct SequenceCheck {
  enum class Kind {
    kNext,        // last + 1: process it
    kGap,         // beyond last + 1: msg_code 14 listing `missing`
    kRepeatLast,  // = last: a resend after an unclear answer; the bureau compares hashes
    kBehind,      // < last: never valid (999 "expected N" in the stand-in)
  };
  Kind kind;
  std::vector<std::int64_t> missing;  // kGap: last+1 .. received-1, at most kMaxListed
  std::int64_t expected = 1;          // last + 1

  static constexpr std::size_t kMaxListed = 1000;
};

// REQUIRES: last_accepted is 0 or a valid DataSequence value.
SequenceCheck CheckSequence(std::int64_t last_accepted, DataSequence received);

}  // namespace icp::miit
