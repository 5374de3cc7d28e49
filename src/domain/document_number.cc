#include "domain/document_number.h"

#include "base/strings.h"

namespace icp::internal {

Result<std::string> NormalizeDocumentNumber(std::string_view text, std::string_view rule_prefix,
                                            std::string_view label_en, std::string_view label_zh) {
  const std::string rule(rule_prefix);
  if (text.size() > 256) {
    return InvalidValue(rule + ".length", "the " + std::string(label_en) + " is far too long",
                        std::string(label_zh) + "过长");
  }
  if (!IsValidUtf8(text)) {
    return InvalidValue(rule + ".encoding",
                        "the " + std::string(label_en) + " is not valid UTF-8 text",
                        std::string(label_zh) + "含有无法识别的字符");
  }
  std::string number = ToUpperAscii(FoldWidthRemoveSpaces(text));
  // Hyphens and brackets are decoration on printed permits ("H1234567-8", "1234567(8)").
  std::erase_if(number, [](char c) { return c == '-' || c == '(' || c == ')'; });
  if (number.empty()) {
    return InvalidValue(rule + ".empty", "the " + std::string(label_en) + " is empty",
                        std::string(label_zh) + "不能为空");
  }
  return number;
}

bool IsUpperAlnum(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

}  // namespace icp::internal
