#include "media/magic_sniffer.h"

#include <magic.h>

#include <string>

namespace icp::media {

Result<std::unique_ptr<MagicSniffer>> MagicSniffer::Open() {
  magic_t cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);
  if (cookie == nullptr) {
    return FailedPrecondition("libmagic: cannot start (media.magic)");
  }
  if (magic_load(cookie, nullptr) != 0) {
    std::string why = magic_error(cookie) != nullptr ? magic_error(cookie) : "unknown error";
    magic_close(cookie);
    Error e{
        ErrorCode::kFailedPrecondition,
        "libmagic: cannot load its database: " + why,
        {{"", "media.magic", "cannot load the magic database: " + why, "无法加载文件类型识别库"}}};
    return std::unexpected(std::move(e));
  }
  return std::unique_ptr<MagicSniffer>(new MagicSniffer(cookie));
}

MagicSniffer::~MagicSniffer() { magic_close(static_cast<magic_t>(cookie_)); }

Result<std::string> MagicSniffer::Sniff(std::string_view bytes) {
  std::lock_guard lock(mutex_);
  magic_t cookie = static_cast<magic_t>(cookie_);
  const char* type = magic_buffer(cookie, bytes.data(), bytes.size());
  if (type == nullptr) {
    // No answer and no error: libmagic gave up on these bytes (seen on a few malformed
    // JPEG-like files the fuzzer made, fuzz/corpus/upload_sniffer). Bytes it cannot place are
    // of no type an upload takes, like any other unknown content, not a failure of icpd.
    const char* why = magic_error(cookie);
    if (why == nullptr) return std::string("application/octet-stream");
    return Internal(std::string("libmagic: ") + why);
  }
  return std::string(type);
}

}  // namespace icp::media
