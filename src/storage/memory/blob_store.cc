#include "storage/memory/blob_store.h"

#include "storage/common/sha256.h"

namespace icp::memory {
namespace {

std::unexpected<Error> BadName(std::string_view name) {
  return InvalidValue("blob.name",
                      "\"" + std::string(name.substr(0, 80)) +
                          "\" is not a blob name (64 lowercase hex digits of a SHA-256)",
                      "不是有效的文件摘要（64 位小写十六进制 SHA-256）");
}

}  // namespace

Result<std::string> BlobStore::Put(std::string_view bytes) {
  std::string name = Sha256Hex(bytes);
  std::lock_guard lock(mutex_);
  blobs_.insert_or_assign(name, std::string(bytes));
  return name;
}

Result<std::string> BlobStore::Get(std::string_view sha256) {
  if (!IsBlobName(sha256)) return BadName(sha256);
  std::lock_guard lock(mutex_);
  auto it = blobs_.find(sha256);
  if (it == blobs_.end()) return NotFound("no blob " + std::string(sha256));
  if (Sha256Hex(it->second) != sha256) {
    Error e{ErrorCode::kInternal,
            "blob " + std::string(sha256) + " no longer matches its name",
            {{"", "storage.corrupt", "The stored file was changed and is not served.",
              "存储的文件已被改动，不予提供。"}}};
    return std::unexpected(std::move(e));
  }
  return it->second;
}

Result<bool> BlobStore::Has(std::string_view sha256) {
  if (!IsBlobName(sha256)) return BadName(sha256);
  std::lock_guard lock(mutex_);
  return blobs_.contains(sha256);
}

void BlobStore::Tamper(std::string_view sha256, std::string bytes) {
  std::lock_guard lock(mutex_);
  blobs_.insert_or_assign(std::string(sha256), std::move(bytes));
}

}  // namespace icp::memory
