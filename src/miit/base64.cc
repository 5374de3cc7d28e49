#include "miit/base64.h"

#include "miit/wire_error.h"

namespace icp::miit {

Result<std::string> Base64Decode(std::string_view text, std::string_view field) {
  std::expected<std::string, Base64Fault> bytes = icp::Base64Decode(text, true);
  if (!bytes) {
    const Base64Fault& f = bytes.error();
    return WireError(rule::kBase64, std::string(field),
                     "not base64 at offset " + std::to_string(f.offset) + ": " + f.what,
                     "第" + std::to_string(f.offset) + "字符处不是有效的Base64编码");
  }
  return std::move(*bytes);
}

}  // namespace icp::miit
