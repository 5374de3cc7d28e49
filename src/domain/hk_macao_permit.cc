#include "domain/hk_macao_permit.h"

#include "base/strings.h"
#include "domain/document_number.h"

namespace icp {

Result<HongKongMacaoPermit> HongKongMacaoPermit::Parse(std::string_view text) {
  Result<std::string> number = internal::NormalizeDocumentNumber(
      text, "hk-macao-permit", "Hong Kong/Macao travel permit number",
      "港澳居民来往内地通行证号码");
  if (!number) return std::unexpected(number.error());
  const std::string& n = *number;
  if (n.size() != 9 && n.size() != 11) {
    return InvalidValue("hk-macao-permit.length",
                        "a Hong Kong/Macao travel permit number is H or M and 8 digits (10 on "
                        "older booklets), not " +
                            Quote(text),
                        "港澳居民来往内地通行证号码应为 H 或 M 加 8 位数字（旧版 10 位）");
  }
  if ((n[0] != 'H' && n[0] != 'M') || !IsAsciiDigits(std::string_view(n).substr(1))) {
    return InvalidValue("hk-macao-permit.format",
                        "a Hong Kong/Macao travel permit number starts with H (Hong Kong) or M "
                        "(Macao) followed by digits, not " +
                            Quote(text),
                        "港澳居民来往内地通行证号码应以 H（香港）或 M（澳门）开头，其后为数字");
  }
  return HongKongMacaoPermit(n);
}

}  // namespace icp
