#include "miit/data_sequence.h"

#include <charconv>

#include "miit/wire_error.h"

namespace icp::miit {

Result<DataSequence> DataSequence::Parse(std::int64_t value) {
  if (value < 1 || value > kMax) {
    return WireError(rule::kDataSequence, "dataSequence",
                     "dataSequence is 1 to 2147483647, not " + std::to_string(value),
                     "数据序号须在1至2147483647之间");
  }
  return DataSequence(value);
}

Result<DataSequence> DataSequence::Parse(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || text[0] == '-' || ec != std::errc() || end != text.data() + text.size()) {
    return WireError(
        rule::kDataSequence, "dataSequence",
        "dataSequence is a decimal number, not \"" + std::string(text.substr(0, 40)) + "\"",
        "数据序号须为十进制整数");
  }
  return Parse(value);
}

Result<DataSequence> DataSequence::Next() const {
  if (value_ == kMax) {
    return Refusal(ErrorCode::kFailedPrecondition, "dataSequence", std::string(rule::kDataSequence),
                   "dataSequence reached 2147483647 and has no successor", "数据序号已达上限");
  }
  return DataSequence(value_ + 1);
}

SequenceCheck CheckSequence(std::int64_t last_accepted, DataSequence received) {
  SequenceCheck out{SequenceCheck::Kind::kNext, {}, last_accepted + 1};
  std::int64_t r = received.value();
  if (r == out.expected) return out;
  if (r == last_accepted) {
    out.kind = SequenceCheck::Kind::kRepeatLast;
  } else if (r < last_accepted) {
    out.kind = SequenceCheck::Kind::kBehind;
  } else {
    out.kind = SequenceCheck::Kind::kGap;
    for (std::int64_t n = out.expected; n < r && out.missing.size() < SequenceCheck::kMaxListed;
         ++n) {
      out.missing.push_back(n);
    }
  }
  return out;
}

}  // namespace icp::miit
