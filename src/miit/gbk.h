#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace icp::miit {

// GBK (GB 13000.1 / CP936 as glibc's iconv knows it), the only encoding of the interface's
// XML (BUREAU-PROTOCOL.md §1.4). Through iconv; nothing else here converts text.

// The GBK bytes of UTF-8 `text`. kInvalidArgument (rule "miit.gbk.unmappable") naming
// `field`, the byte offset in `text` and the code point of the first character GBK cannot
// hold (for example U+1F600 or U+20BB7); "miit.utf8.invalid" when `text` is not UTF-8.
Result<std::string> Utf8ToGbk(std::string_view text, std::string_view field = "text");

// The UTF-8 text of GBK bytes. kInvalidArgument (rule "miit.gbk.invalid") naming `field` and
// the byte offset of the first sequence that is not GBK.
Result<std::string> GbkToUtf8(std::string_view gbk, std::string_view field = "text");

}  // namespace icp::miit
