#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace icp {

// Where uploaded files are kept: content-addressed, each stored once under the lowercase hex
// SHA-256 of its bytes (a blob directory beside the database: storage/blob/; a memory fake
// for tests: ports/testing/memory_blob_store.h). Blobs are never changed and not deleted by
// the application: a material removed from an application may share its bytes with another.
// Thread-safe.
class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Stores `bytes` if no blob has them yet and returns their SHA-256 (hex). Durable when it
  // returns: the upload's record may then point at it. kUnavailable / kInternal on I/O
  // failure (nothing half-written is ever visible under the name).
  virtual Result<std::string> Put(std::string_view bytes) = 0;
  // The bytes stored under `sha256`. kNotFound when none are; kInvalidArgument (rule
  // "blob.name") when `sha256` is not 64 lowercase hex digits; kInternal (rule
  // "storage.corrupt") when the stored bytes no longer hash to their name.
  virtual Result<std::string> Get(std::string_view sha256) = 0;
  virtual Result<bool> Has(std::string_view sha256) = 0;
};

// True when `name` is 64 lowercase hex digits: the only names a BlobStore gives or takes.
bool IsBlobName(std::string_view name);

}  // namespace icp
