#include "domain/mobile_number.h"

#include <algorithm>

#include "base/check.h"
#include "base/strings.h"
#include "domain/embedded_data.h"

namespace icp {
namespace {

std::unexpected<Error> Fail(std::string rule, std::string en, std::string zh) {
  return InvalidValue("mobile." + rule, std::move(en), std::move(zh));
}

std::optional<MobileKind> KindFromName(std::string_view name) {
  if (name == "mobile") return MobileKind::kMobile;
  if (name == "virtual") return MobileKind::kVirtual;
  if (name == "data") return MobileKind::kData;
  if (name == "satellite") return MobileKind::kSatellite;
  return std::nullopt;
}

}  // namespace

std::string_view MobileKindName(MobileKind kind) {
  switch (kind) {
    case MobileKind::kMobile:
      return "mobile";
    case MobileKind::kVirtual:
      return "virtual";
    case MobileKind::kData:
      return "data";
    case MobileKind::kSatellite:
      return "satellite";
  }
  return "mobile";
}

Result<MobileSegments> MobileSegments::Parse(std::string_view text) {
  MobileSegments table;
  int line_number = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> f = Split(line, '\t');
    std::optional<MobileKind> kind = f.size() >= 3 ? KindFromName(f[2]) : std::nullopt;
    if (f.size() < 3 || !IsAsciiDigits(f[0]) || f[0].size() < 3 || f[0].size() > 7 || !kind) {
      return InvalidArgument("mobile segments line " + std::to_string(line_number) +
                             " is malformed: " + Quote(line, 60));
    }
    table.segments_.push_back(
        {std::string(f[0]), std::string(f[1]), *kind, f.size() > 3 ? std::string(f[3]) : ""});
  }
  std::stable_sort(
      table.segments_.begin(), table.segments_.end(),
      [](const Segment& a, const Segment& b) { return a.prefix.size() > b.prefix.size(); });
  return table;
}

const MobileSegments& MobileSegments::Builtin() {
  static const MobileSegments table = [] {
    Result<MobileSegments> parsed = Parse(embedded::mobile_segments());
    ICP_CHECK(parsed.has_value()) << parsed.error().message;
    return std::move(*parsed);
  }();
  return table;
}

const MobileSegments::Segment* MobileSegments::Find(std::string_view number) const {
  for (const Segment& s : segments_) {
    if (number.starts_with(s.prefix)) return &s;
  }
  return nullptr;
}

Result<MobileNumber> MobileNumber::Parse(std::string_view text) {
  return Parse(text, MobileSegments::Builtin());
}

Result<MobileNumber> MobileNumber::Parse(std::string_view text, const MobileSegments& segments) {
  if (text.size() > 256)
    return Fail("length", "a mobile number has 11 digits", "手机号码应为 11 位");
  if (!IsValidUtf8(text)) {
    return Fail("encoding", "the mobile number is not valid UTF-8 text",
                "手机号码含有无法识别的字符");
  }
  std::string n = FoldWidthRemoveSpaces(text);
  std::erase_if(n, [](char c) { return c == '-' || c == '(' || c == ')'; });
  if (n.empty()) return Fail("empty", "the mobile number is empty", "手机号码不能为空");
  if (n.starts_with("+86")) {
    n.erase(0, 3);
  } else if (n.starts_with("0086")) {
    n.erase(0, 4);
  } else if (n.size() == 13 && n.starts_with("86")) {
    n.erase(0, 2);
  }
  if (!IsAsciiDigits(n)) {
    return Fail("format",
                "a mobile number has only digits (and an optional +86), not " + Quote(text),
                "手机号码只能包含数字");
  }
  if (n.size() != 11) {
    return Fail("length", "a mainland mobile number has 11 digits, not " + std::to_string(n.size()),
                "大陆手机号码应为 11 位数字");
  }
  if (n[0] != '1') {
    return Fail("format", "a mainland mobile number starts with 1; " + n + " looks like a landline",
                "大陆手机号码以 1 开头");
  }
  const MobileSegments::Segment* segment = segments.Find(n);
  if (segment == nullptr) {
    return Fail("segment", "no carrier issues mobile numbers starting with " + n.substr(0, 3),
                "号段 " + n.substr(0, 3) + " 不是大陆手机号段");
  }
  MobileNumber number;
  number.value_ = std::move(n);
  number.carrier_ = segment->carrier;
  number.kind_ = segment->kind;
  return number;
}

}  // namespace icp
