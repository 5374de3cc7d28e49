#include "miit/gbk.h"

#include <iconv.h>

#include <cerrno>
#include <cstdio>

#include "base/strings.h"
#include "miit/wire_error.h"

namespace icp::miit {
namespace {

// One iconv descriptor for one conversion, closed on every path.
class Converter {
 public:
  Converter(const char* to, const char* from) : cd_(iconv_open(to, from)) {}
  ~Converter() {
    if (ok()) iconv_close(cd_);
  }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;

  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  // Converts all of `in`; on failure returns false and sets `failed_at` to the offset in
  // `in` of the sequence iconv refused.
  bool Run(std::string_view in, std::string& out, std::size_t& failed_at) {
    out.clear();
    char* src = const_cast<char*>(in.data());  // iconv's signature; it does not write
    std::size_t src_left = in.size();
    char buffer[4096];
    while (src_left > 0) {
      char* dst = buffer;
      std::size_t dst_left = sizeof buffer;
      std::size_t r = iconv(cd_, &src, &src_left, &dst, &dst_left);
      out.append(buffer, sizeof buffer - dst_left);
      if (r == static_cast<std::size_t>(-1) && errno != E2BIG) {
        failed_at = in.size() - src_left;
        return false;
      }
    }
    return true;
  }

 private:
  iconv_t cd_;
};

std::string Hex(char32_t cp) {
  char text[16];
  std::snprintf(text, sizeof text, "U+%04X", static_cast<unsigned>(cp));
  return text;
}

// The code point starting at `offset` of valid UTF-8 `text`.
char32_t CodePointAt(std::string_view text, std::size_t offset) {
  std::size_t n = 1;
  unsigned char lead = static_cast<unsigned char>(text[offset]);
  if (lead >= 0xF0) {
    n = 4;
  } else if (lead >= 0xE0) {
    n = 3;
  } else if (lead >= 0xC0) {
    n = 2;
  }
  std::optional<std::vector<char32_t>> cps = DecodeUtf8(text.substr(offset, n));
  return cps && !cps->empty() ? cps->front() : U'\uFFFD';
}

}  // namespace

Result<std::string> Utf8ToGbk(std::string_view text, std::string_view field) {
  if (!IsValidUtf8(text)) {
    return WireError(rule::kNotUtf8, std::string(field), "the text is not well-formed UTF-8",
                     "文本不是有效的UTF-8编码");
  }
  Converter converter("GBK", "UTF-8");
  if (!converter.ok()) return Internal("iconv cannot convert UTF-8 to GBK on this system");
  std::string out;
  std::size_t failed_at = 0;
  if (!converter.Run(text, out, failed_at)) {
    std::string cp = Hex(CodePointAt(text, failed_at));
    return WireError(rule::kGbkUnmappable, std::string(field),
                     "the character " + cp + " at byte " + std::to_string(failed_at) +
                         " cannot be written in GBK",
                     "第" + std::to_string(failed_at) + "字节处的字符" + cp + "无法用GBK编码表示");
  }
  return out;
}

Result<std::string> GbkToUtf8(std::string_view gbk, std::string_view field) {
  Converter converter("UTF-8", "GBK");
  if (!converter.ok()) return Internal("iconv cannot convert GBK to UTF-8 on this system");
  std::string out;
  std::size_t failed_at = 0;
  if (!converter.Run(gbk, out, failed_at)) {
    return WireError(rule::kNotGbk, std::string(field),
                     "the bytes at offset " + std::to_string(failed_at) + " are not GBK (" +
                         Quote(gbk.substr(failed_at, 4), 4) + ")",
                     "第" + std::to_string(failed_at) + "字节起不是有效的GBK编码");
  }
  return out;
}

}  // namespace icp::miit
