#pragma once

#include <filesystem>
#include <memory>

#include "base/result.h"
#include "ports/blob_store.h"

namespace icp::files {

// Blobs as files in a directory beside the database (DATA_DIR/blobs): the blob whose SHA-256
// is "abcdef..." is the file ab/cdef... (two-hex-digit fan-out keeps directories small).
// Directories are 0700 and files 0600 whatever the umask (uploads hold personal data, PIPL
// art. 51). A blob is written to a temporary file in its directory, fsynced, renamed to its
// name and the directory fsynced, so a crash leaves either the whole blob or none, and two
// writers of the same bytes both succeed. Reading rehashes the bytes: a file changed on disk
// is refused (storage.corrupt) instead of being served.
class BlobStore final : public icp::BlobStore {
 public:
  // Creates `root` (0700) if missing. kFailedPrecondition (rule "storage.data-dir") if it
  // cannot be created or is not a directory.
  static Result<std::unique_ptr<BlobStore>> Open(const std::filesystem::path& root);

  Result<std::string> Put(std::string_view bytes) override;
  Result<std::string> Get(std::string_view sha256) override;
  Result<bool> Has(std::string_view sha256) override;

  // Where the blob named `sha256` is (or would be) kept. REQUIRES: IsBlobName(sha256).
  std::filesystem::path PathOf(std::string_view sha256) const;

 private:
  explicit BlobStore(std::filesystem::path root) : root_(std::move(root)) {}

  std::filesystem::path root_;
};

}  // namespace icp::files
