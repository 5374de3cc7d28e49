#pragma once

#include <memory>
#include <mutex>

#include "base/result.h"
#include "ports/content_sniffer.h"

namespace icp::media {

// ContentSniffer over libmagic (file(1)'s detector, the system's compiled magic database).
// Decompression is off, so a compressed upload is judged by its outer bytes and never
// inflated. One libmagic handle, used under a mutex (it is not thread-safe).
class MagicSniffer final : public ContentSniffer {
 public:
  // kFailedPrecondition (rule "media.magic") when libmagic or its database cannot load.
  static Result<std::unique_ptr<MagicSniffer>> Open();
  ~MagicSniffer() override;

  Result<std::string> Sniff(std::string_view bytes) override;

 private:
  explicit MagicSniffer(void* cookie) : cookie_(cookie) {}

  std::mutex mutex_;
  void* cookie_;  // magic_t
};

}  // namespace icp::media
