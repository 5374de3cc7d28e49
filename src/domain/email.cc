#include "domain/email.h"

#include <algorithm>

#include "base/strings.h"
#include "domain/domain_name.h"

namespace icp {
namespace {

// RFC 5322 atext.
bool IsAtext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

std::unexpected<Error> Fail(std::string rule, std::string en, std::string zh) {
  return InvalidValue("email." + rule, std::move(en), std::move(zh));
}

}  // namespace

Result<Email> Email::Parse(std::string_view text) {
  if (text.size() > 1024)
    return Fail("length", "an e-mail address has at most 254 characters", "电子邮箱地址过长");
  if (!IsValidUtf8(text)) {
    return Fail("encoding", "the e-mail address is not valid UTF-8 text",
                "电子邮箱地址含有无法识别的字符");
  }
  std::string address = FoldWidthAndTrim(text);  // also folds ＠ to @
  if (address.empty()) return Fail("empty", "the e-mail address is empty", "电子邮箱地址不能为空");
  const std::size_t at = address.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == address.size()) {
    return Fail("format", "an e-mail address has the form name@example.com, not " + Quote(text),
                "电子邮箱地址格式应为 name@example.com");
  }
  const std::string local = address.substr(0, at);
  if (local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string::npos ||
      !std::all_of(local.begin(), local.end(), [](char c) { return IsAtext(c) || c == '.'; })) {
    return Fail("local-part",
                "the part before @ may have at most 64 letters, digits, dots (not at either end, "
                "not doubled) and !#$%&'*+-/=?^_`{|}~, not " +
                    Quote(local),
                "邮箱 @ 前的部分只能包含字母、数字、点及常用符号，最长 64 个字符");
  }
  Result<std::string> domain = HostNameToAscii(address.substr(at + 1), "email.domain");
  if (!domain) return std::unexpected(domain.error());
  std::string value = local + "@" + *domain;
  if (value.size() > 254) {
    return Fail("length", "an e-mail address has at most 254 characters",
                "电子邮箱地址不能超过 254 个字符");
  }
  return Email(std::move(value), local.size());
}

}  // namespace icp
