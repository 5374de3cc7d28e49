#include "domain/organization_code.h"

#include <array>

#include "base/strings.h"

namespace icp {
namespace {

constexpr std::array<int, 8> kWeights = {3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::size_t kMaxInputBytes = 256;

int ValueOf(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

std::unexpected<Error> Fail(std::string rule, std::string en, std::string zh) {
  return InvalidValue("org-code." + rule, std::move(en), std::move(zh));
}

}  // namespace

char OrganizationCodeCheckCharacter(std::string_view body) {
  int sum = 0;
  for (std::size_t i = 0; i < kWeights.size(); ++i) {
    const int v = ValueOf(body[i]);
    if (v < 0) return '\0';
    sum += v * kWeights[i];
  }
  const int c = 11 - sum % 11;
  return c == 10 ? 'X' : c == 11 ? '0' : static_cast<char>('0' + c);
}

Result<OrganizationCode> OrganizationCode::Parse(std::string_view text) {
  if (text.size() > kMaxInputBytes) {
    return Fail("length", "an organisation code has 9 characters", "组织机构代码应为 9 位");
  }
  if (!IsValidUtf8(text)) {
    return Fail("encoding", "the organisation code is not valid UTF-8 text",
                "组织机构代码含有无法识别的字符");
  }
  std::string code = ToUpperAscii(FoldWidthRemoveSpaces(text));
  if (code.empty()) return Fail("empty", "the organisation code is empty", "组织机构代码不能为空");
  if (code.size() == 10 && code[8] == '-') code.erase(8, 1);
  if (code.size() != 9) {
    return Fail("length", "an organisation code has 8 characters, a hyphen and a check character",
                "组织机构代码应为 8 位本体代码加 1 位校验码");
  }
  for (std::size_t i = 0; i < 9; ++i) {
    const bool check_position = i == 8;
    if (ValueOf(code[i]) < 0 || (check_position && ValueOf(code[i]) > 9 && code[i] != 'X')) {
      return Fail("format",
                  "an organisation code uses digits and capital letters (check character: a "
                  "digit or X), not " +
                      Quote(text),
                  "组织机构代码只能包含数字和大写字母");
    }
  }
  if (const char expected = OrganizationCodeCheckCharacter(code); expected != code[8]) {
    return Fail("checksum",
                std::string("the check character should be ") + expected + ", not " + code[8],
                std::string("校验码应为 ") + expected);
  }
  return OrganizationCode(std::move(code));
}

std::string OrganizationCode::display() const {
  return value_.substr(0, 8) + "-" + value_.substr(8);
}

}  // namespace icp
