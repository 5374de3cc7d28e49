#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace icp::miit {

// The interface's compression (compressionFormat 0): a PKZIP archive with exactly one entry
// (BUREAU-PROTOCOL.md §1.5, §1.6), through minizip on memory buffers.

// 50 MB, the spec's limit on one file (msg_code 18). The spec leaves open whether the XML or
// the zip is meant, so both are held to it.
inline constexpr std::size_t kMaxFileBytes = 50u * 1024u * 1024u;

// A file name as the interface allows it: letters and digits, at most 128 bytes; a ".xml"
// suffix is tolerated (NetEase uploaded "beianinfo.xml"). kInvalidArgument (rule
// "miit.zip.file_name") naming `field` otherwise.
Result<void> CheckFileName(std::string_view name, std::string_view field = "fileName");

// A zip holding `data` deflated under `entry_name`, with a fixed time stamp (1980-01-01), so
// the same input gives the same bytes. kInvalidArgument for a bad entry name.
Result<std::string> ZipOne(std::string_view entry_name, std::string_view data);

struct ZipEntry {
  std::string name;
  std::string data;
};

// The one entry of `zip`. kInvalidArgument naming `field` with rule
//   "miit.zip.too_large" when the zip or the entry is larger than `max_bytes` (counted while
//                        inflating, whatever the headers claim),
//   "miit.zip.entries"   when it holds no entry or several,
//   "miit.zip.malformed" when it is not a zip, is truncated, is encrypted, uses a method other
//                        than stored or deflate, or its CRC does not match,
//   "miit.zip.file_name" when the entry's name is not a file name of the interface.
Result<ZipEntry> UnzipOne(std::string_view zip, std::size_t max_bytes = kMaxFileBytes,
                          std::string_view field = "beianInfo");

}  // namespace icp::miit
