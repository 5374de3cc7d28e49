#include "domain/material_limits.h"

#include <algorithm>
#include <array>

#include "base/strings.h"

namespace icp {
namespace {

struct TypeName {
  FileType type;
  std::string_view mime;
};

constexpr std::array<TypeName, 3> kTypes = {{
    {FileType::kJpeg, "image/jpeg"},
    {FileType::kPng, "image/png"},
    {FileType::kPdf, "application/pdf"},
}};

constexpr std::array<FileType, 3> kAllTypes = {FileType::kJpeg, FileType::kPng, FileType::kPdf};

std::string Pixels(std::uint32_t w, std::uint32_t h) {
  return std::to_string(w) + "×" + std::to_string(h);
}

}  // namespace

std::span<const FileType> AllFileTypes() { return kAllTypes; }

std::string_view FileTypeMime(FileType type) {
  for (const TypeName& t : kTypes) {
    if (t.type == type) return t.mime;
  }
  return "application/octet-stream";
}

std::optional<FileType> FileTypeFromMime(std::string_view mime) {
  for (const TypeName& t : kTypes) {
    if (t.mime == mime) return t.type;
  }
  return std::nullopt;
}

const FileLimit* MaterialLimits::For(std::string_view name) const {
  auto it = limits_.find(name);
  return it == limits_.end() ? nullptr : &it->second;
}

std::vector<FieldViolation> FileLimitRefusals(const FileLimit& limit, const FileFacts& file,
                                              std::string_view field) {
  std::vector<FieldViolation> out;
  const std::string f(field);
  if (std::ranges::find(limit.types, file.type) == limit.types.end()) {
    std::vector<std::string> names;
    for (FileType t : limit.types) names.emplace_back(FileTypeMime(t));
    out.push_back({f, "material.type",
                   "This kind of material takes " + JoinNames(names) + ", and the file is " +
                       std::string(FileTypeMime(file.type)) + ".",
                   "该类材料只接受 " + JoinNames(names) + "，上传的文件是 " +
                       std::string(FileTypeMime(file.type)) + "。"});
  }
  if (file.size > limit.max_bytes) {
    out.push_back({f, "material.too-large",
                   "The file has " + std::to_string(file.size) + " bytes; at most " +
                       std::to_string(limit.max_bytes) + " are accepted.",
                   "文件大小为 " + std::to_string(file.size) + " 字节，超过上限 " +
                       std::to_string(limit.max_bytes) + " 字节。"});
  }
  if (file.pixels) {
    const ImageSize p = *file.pixels;
    if (p.width < limit.min_width || p.height < limit.min_height) {
      out.push_back({f, "material.too-small-image",
                     "The image is " + Pixels(p.width, p.height) + " pixels; at least " +
                         Pixels(limit.min_width, limit.min_height) + " are needed to read it.",
                     "图片尺寸为 " + Pixels(p.width, p.height) + " 像素，至少需要 " +
                         Pixels(limit.min_width, limit.min_height) + " 像素。"});
    }
    if (p.width > limit.max_width || p.height > limit.max_height) {
      out.push_back({f, "material.too-large-image",
                     "The image is " + Pixels(p.width, p.height) + " pixels; at most " +
                         Pixels(limit.max_width, limit.max_height) + " are accepted.",
                     "图片尺寸为 " + Pixels(p.width, p.height) + " 像素，超过上限 " +
                         Pixels(limit.max_width, limit.max_height) + " 像素。"});
    }
  }
  return out;
}

}  // namespace icp
