#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace icp {

// Decides what a file is from its bytes, never from its name or the type its sender claims
// (media/magic_sniffer.h: libmagic). Thread-safe.
class ContentSniffer {
 public:
  virtual ~ContentSniffer() = default;

  // The MIME type the bytes are ("image/png", "application/x-executable",
  // "application/octet-stream" when nothing is recognised). kInternal if the detector fails.
  virtual Result<std::string> Sniff(std::string_view bytes) = 0;
};

}  // namespace icp
