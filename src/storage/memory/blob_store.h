#pragma once

#include <map>
#include <mutex>
#include <string>

#include "ports/blob_store.h"

namespace icp::memory {

// Blobs in memory (tests, demos): the same names and refusals as files::BlobStore.
class BlobStore final : public icp::BlobStore {
 public:
  Result<std::string> Put(std::string_view bytes) override;
  Result<std::string> Get(std::string_view sha256) override;
  Result<bool> Has(std::string_view sha256) override;

  // Replaces the bytes kept under `sha256` behind the store's back, as a disk fault or a
  // hostile writer would (tests of the storage.corrupt refusal).
  void Tamper(std::string_view sha256, std::string bytes);

 private:
  std::mutex mutex_;
  std::map<std::string, std::string, std::less<>> blobs_;
};

}  // namespace icp::memory
