#include "domain/hong_kong_identity_card.h"

#include "base/strings.h"
#include "domain/document_number.h"

namespace icp {
namespace {

// Letters count A=10 .. Z=35; a missing first letter counts as a space, 36. The weights run
// 9 down to 2 over the (padded) letters and the six digits; the check makes the sum divisible
// by 11, with 10 written A.
char CheckCharacter(std::string_view letters, std::string_view digits) {
  int sum = letters.size() == 1 ? 36 * 9 : (letters[0] - 'A' + 10) * 9;
  sum += (letters.back() - 'A' + 10) * 8;
  for (std::size_t i = 0; i < 6; ++i) sum += (digits[i] - '0') * static_cast<int>(7 - i);
  const int check = (11 - sum % 11) % 11;
  return check == 10 ? 'A' : static_cast<char>('0' + check);
}

}  // namespace

Result<HongKongIdentityCard> HongKongIdentityCard::Parse(std::string_view text) {
  Result<std::string> number = internal::NormalizeDocumentNumber(
      text, "hk-id-card", "Hong Kong identity card number", "香港身份证号码");
  if (!number) return std::unexpected(number.error());
  const std::string& n = *number;  // brackets removed: "P1744686"
  if (n.size() != 8 && n.size() != 9) {
    return InvalidValue("hk-id-card.length",
                        "a Hong Kong identity card number is 1 or 2 letters, 6 digits and a check "
                        "character, not " +
                            Quote(text),
                        "香港身份证号码应为 1 至 2 个字母、6 位数字和 1 位校验码");
  }
  const std::size_t letters = n.size() - 7;
  auto is_letter = [](char c) { return c >= 'A' && c <= 'Z'; };
  const bool ok = is_letter(n[0]) && (letters == 1 || is_letter(n[1])) &&
                  IsAsciiDigits(std::string_view(n).substr(letters, 6)) &&
                  (IsAsciiDigits(std::string_view(n).substr(n.size() - 1)) || n.back() == 'A');
  if (!ok) {
    return InvalidValue("hk-id-card.format",
                        "a Hong Kong identity card number is letters, six digits and a check "
                        "character, as in P174468(6), not " +
                            Quote(text),
                        "香港身份证号码格式应如 P174468(6)");
  }
  const char expected = CheckCharacter(std::string_view(n).substr(0, letters),
                                       std::string_view(n).substr(letters, 6));
  if (expected != n.back()) {
    return InvalidValue(
        "hk-id-card.checksum",
        std::string("the check character should be ") + expected + ", not " + n.back(),
        std::string("校验码应为 ") + expected);
  }
  return HongKongIdentityCard(n.substr(0, n.size() - 1) + "(" + n.back() + ")");
}

}  // namespace icp
