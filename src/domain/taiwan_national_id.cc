#include "domain/taiwan_national_id.h"

#include <array>

#include "base/strings.h"
#include "domain/document_number.h"

namespace icp {
namespace {

// The two-digit value of each first letter (A=10 … Z=33, in the registry's own order: I, O,
// W, X, Y, Z were added later and sit out of sequence).
constexpr std::array<int, 26> kLetterValues = {10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21,
                                               22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30, 31, 33};

// Weights 1 and 9 on the letter's two digits, then 8 down to 1 on the next eight digits, and 1
// on the check digit: a valid number's sum is divisible by 10.
bool ChecksumOk(std::string_view n) {
  const int letter = kLetterValues[static_cast<std::size_t>(n[0] - 'A')];
  int sum = letter / 10 + (letter % 10) * 9;
  for (std::size_t i = 1; i <= 8; ++i) sum += (n[i] - '0') * static_cast<int>(9 - i);
  sum += n[9] - '0';
  return sum % 10 == 0;
}

}  // namespace

Result<TaiwanNationalId> TaiwanNationalId::Parse(std::string_view text) {
  Result<std::string> number = internal::NormalizeDocumentNumber(
      text, "taiwan-id", "Taiwan national ID number", "台湾身份证号码");
  if (!number) return std::unexpected(number.error());
  const std::string& n = *number;
  if (n.size() != 10) {
    return InvalidValue(
        "taiwan-id.length",
        "a Taiwan national ID number is a letter and nine digits, not " + Quote(text),
        "台湾身份证号码应为 1 个字母加 9 位数字");
  }
  if (n[0] < 'A' || n[0] > 'Z' || !IsAsciiDigits(std::string_view(n).substr(1))) {
    return InvalidValue(
        "taiwan-id.format",
        "a Taiwan national ID number is a letter and nine digits, not " + Quote(text),
        "台湾身份证号码应为 1 个字母加 9 位数字");
  }
  std::vector<FieldViolation> problems;
  if (!ChecksumOk(n)) {
    problems.push_back({"", "taiwan-id.checksum",
                        "the check digit does not match: a character is probably mistyped",
                        "校验码不符，号码可能输入有误"});
  }
  if (n[1] != '1' && n[1] != '2' && n[1] != '8' && n[1] != '9') {
    problems.push_back(
        {"", "taiwan-id.format",
         "the second character is 1 or 2 (8 or 9 for residents), not " + std::string(1, n[1]),
         "第 2 位应为 1 或 2（居留者为 8 或 9）"});
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
  return TaiwanNationalId(n);
}

}  // namespace icp
