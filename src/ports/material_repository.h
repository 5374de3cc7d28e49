#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "domain/material.h"
#include "ports/ids.h"

namespace icp {

// What is known about one uploaded file; the bytes live in the blob store under `sha256`.
struct MaterialRecord {
  MaterialId id;
  ApplicationId application;
  MaterialKind kind = MaterialKind::kIdentityDocument;
  std::string owner;  // field path it documents: "subject.principal", "websites[0]"
  std::string file_name;
  std::string content_type;  // "image/jpeg", "application/pdf"
  std::int64_t size = 0;     // bytes
  std::string sha256;        // lowercase hex
  std::chrono::sys_seconds uploaded_at{};
  // The certificate number the material shows, as the customer entered it (identity
  // documents and subject certificates; seed 003's old and new 三证合一 numbers). Personal
  // data: every store keeps it sealed (storage/common/pii_vault.h).
  std::optional<std::string> certificate_number = std::nullopt;

  friend bool operator==(const MaterialRecord&, const MaterialRecord&) = default;
};

class MaterialReader {
 public:
  virtual ~MaterialReader() = default;

  virtual Result<MaterialRecord> Get(MaterialId id) = 0;  // kNotFound
  // In upload (id) order.
  virtual Result<std::vector<MaterialRecord>> List(ApplicationId application) = 0;
};

// With the writes, for a unit of work (ports/database.h); a read transaction has the reader.
class MaterialRepository : public MaterialReader {
 public:
  // kFailedPrecondition if the application does not exist (a foreign key).
  virtual Result<MaterialId> Insert(const MaterialRecord& record) = 0;
  virtual Result<void> Remove(MaterialId id) = 0;  // kNotFound
};

}  // namespace icp
