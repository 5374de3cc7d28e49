#include "domain/taiwan_permit.h"

#include <algorithm>

#include "base/strings.h"
#include "domain/document_number.h"

namespace icp {

Result<TaiwanPermit> TaiwanPermit::Parse(std::string_view text) {
  Result<std::string> number = internal::NormalizeDocumentNumber(
      text, "taiwan-permit", "Taiwan travel permit number", "台湾居民来往大陆通行证号码");
  if (!number) return std::unexpected(number.error());
  const std::string& n = *number;
  if (n.size() != 8 && n.size() != 10) {
    return InvalidValue("taiwan-permit.length",
                        "a Taiwan travel permit number has 8 digits (10 characters on booklets "
                        "issued before 2015), not " +
                            Quote(text),
                        "台湾居民来往大陆通行证号码应为 8 位数字（2015 年前旧版为 10 位）");
  }
  const bool card = n.size() == 8 && IsAsciiDigits(n);
  const bool booklet = n.size() == 10 && internal::IsUpperAlnum(n) &&
                       std::any_of(n.begin(), n.end(), [](char c) { return c >= 'A'; }) &&
                       std::any_of(n.begin(), n.end(), [](char c) { return c <= '9'; });
  if (!card && !booklet) {
    return InvalidValue("taiwan-permit.format",
                        "a Taiwan travel permit number is 8 digits, or 10 letters and digits on "
                        "an old booklet, not " +
                            Quote(text),
                        "台湾居民来往大陆通行证号码应为 8 位数字");
  }
  return TaiwanPermit(n);
}

}  // namespace icp
