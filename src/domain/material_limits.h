#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "domain/image_header.h"

namespace icp {

// The file types an upload may have, decided from the bytes (never from the name or the
// Content-Type the client sent).
enum class FileType { kJpeg, kPng, kPdf };

std::span<const FileType> AllFileTypes();
std::string_view FileTypeMime(FileType type);  // "image/jpeg", "image/png", "application/pdf"
std::optional<FileType> FileTypeFromMime(std::string_view mime);

// What one kind of upload may be: its types, its largest size, and for images the least and
// largest pixel size. A provider's upload policy, kept as data (data/reference/
// material_limits.json, docs/materials.md), not regulation.
struct FileLimit {
  std::vector<FileType> types;
  std::int64_t max_bytes = 0;
  std::uint32_t min_width = 0;
  std::uint32_t min_height = 0;
  std::uint32_t max_width = 0;
  std::uint32_t max_height = 0;

  friend bool operator==(const FileLimit&, const FileLimit&) = default;
};

// The limits of every kind of upload, by name: a MaterialKindName ("identity_document") or
// a verification method that uploads a file ("curtain_photo").
class MaterialLimits {
 public:
  // REQUIRES: `limits` names every kind an upload may have (the parser checks this).
  explicit MaterialLimits(std::map<std::string, FileLimit, std::less<>> limits)
      : limits_(std::move(limits)) {}

  // nullptr when `name` has no limit (then nothing of that kind may be uploaded).
  const FileLimit* For(std::string_view name) const;

 private:
  std::map<std::string, FileLimit, std::less<>> limits_;
};

// What is known about an uploaded file before it is stored.
struct FileFacts {
  FileType type = FileType::kPdf;
  std::int64_t size = 0;
  std::optional<ImageSize> pixels;  // images only
};

// Every way `file` breaks `limit`, each at `field`. Rules: material.type (a type this kind
// does not take), material.too-large, material.too-small-image, material.too-large-image.
std::vector<FieldViolation> FileLimitRefusals(const FileLimit& limit, const FileFacts& file,
                                              std::string_view field);

}  // namespace icp
