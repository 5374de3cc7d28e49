#include "miit/zip_archive.h"

#include <minizip/unzip.h>
#include <minizip/zip.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

#include "miit/wire_error.h"

namespace icp::miit {
namespace {

// A zip file in memory for minizip's I/O callbacks: reads from `input` or appends to
// `output`, with one position for both.
struct MemoryFile {
  std::string_view input;
  std::string* output = nullptr;
  std::size_t position = 0;
  bool failed = false;

  std::size_t size() const { return output != nullptr ? output->size() : input.size(); }
};

voidpf Open(voidpf opaque, const void* /*filename*/, int /*mode*/) { return opaque; }

uLong Read(voidpf /*opaque*/, voidpf stream, void* buf, uLong size) {
  auto* f = static_cast<MemoryFile*>(stream);
  if (f->output != nullptr || f->position >= f->input.size()) return 0;
  std::size_t n = std::min<std::size_t>(size, f->input.size() - f->position);
  std::memcpy(buf, f->input.data() + f->position, n);
  f->position += n;
  return static_cast<uLong>(n);
}

uLong Write(voidpf /*opaque*/, voidpf stream, const void* buf, uLong size) {
  auto* f = static_cast<MemoryFile*>(stream);
  if (f->output == nullptr) return 0;
  const char* bytes = static_cast<const char*>(buf);
  if (f->position > f->output->size()) f->output->resize(f->position);
  std::size_t overlap = std::min<std::size_t>(size, f->output->size() - f->position);
  f->output->replace(f->position, overlap, bytes, overlap);
  f->output->append(bytes + overlap, size - overlap);
  f->position += size;
  return size;
}

ZPOS64_T Tell(voidpf /*opaque*/, voidpf stream) {
  return static_cast<MemoryFile*>(stream)->position;
}

long Seek(voidpf /*opaque*/, voidpf stream, ZPOS64_T offset, int origin) {
  auto* f = static_cast<MemoryFile*>(stream);
  ZPOS64_T base = 0;
  if (origin == ZLIB_FILEFUNC_SEEK_CUR) base = f->position;
  if (origin == ZLIB_FILEFUNC_SEEK_END) base = f->size();
  ZPOS64_T target = base + offset;
  if (target > f->size() && f->output == nullptr) return -1;
  f->position = target;
  return 0;
}

int Close(voidpf /*opaque*/, voidpf /*stream*/) { return 0; }
int TestError(voidpf /*opaque*/, voidpf stream) {
  return static_cast<MemoryFile*>(stream)->failed ? 1 : 0;
}

zlib_filefunc64_def MemoryFunctions(MemoryFile& file) {
  zlib_filefunc64_def def{};
  def.zopen64_file = Open;
  def.zread_file = Read;
  def.zwrite_file = Write;
  def.ztell64_file = Tell;
  def.zseek64_file = Seek;
  def.zclose_file = Close;
  def.zerror_file = TestError;
  def.opaque = &file;
  return def;
}

std::unexpected<Error> Malformed(std::string_view field, std::string what) {
  return WireError(rule::kNotZip, std::string(field), "not a valid zip file: " + what,
                   "解压缩失败：不是有效的zip文件");
}

std::unexpected<Error> TooLarge(std::string_view field, std::string what, std::size_t max) {
  return WireError(rule::kZipTooLarge, std::string(field),
                   what + " is larger than " + std::to_string(max) + " bytes",
                   "文件过大：超过" + std::to_string(max) + "字节");
}

// Owns an unzFile.
struct UnzCloser {
  void operator()(void* f) const { unzClose(f); }
};
using UnzHandle = std::unique_ptr<void, UnzCloser>;

Result<std::string> ReadEntry(unzFile zip, std::size_t max_bytes, std::string_view field) {
  if (unzOpenCurrentFile(zip) != UNZ_OK) return Malformed(field, "the entry cannot be opened");
  std::string data;
  char buffer[65536];
  for (;;) {
    int n = unzReadCurrentFile(zip, buffer, sizeof buffer);
    if (n < 0) {
      unzCloseCurrentFile(zip);
      return Malformed(field, "the entry does not inflate (error " + std::to_string(n) + ")");
    }
    if (n == 0) break;
    if (data.size() + static_cast<std::size_t>(n) > max_bytes) {
      unzCloseCurrentFile(zip);
      return TooLarge(field, "the unzipped file", max_bytes);
    }
    data.append(buffer, static_cast<std::size_t>(n));
  }
  if (unzCloseCurrentFile(zip) != UNZ_OK) {
    return Malformed(field, "the entry's CRC-32 does not match its data");
  }
  return data;
}

std::uint16_t Le16(std::string_view s, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(s[at]) |
                                    static_cast<unsigned char>(s[at + 1]) << 8);
}

// Finds the end-of-central-directory record and holds the archive to it: it must end the
// data exactly (no trailing bytes, no truncated comment), and its entry count comes first so
// that an empty archive is told from a broken one. minizip alone tolerates both.
Result<void> CheckEndRecord(std::string_view zip, std::string_view field) {
  constexpr std::size_t kRecord = 22;
  if (zip.size() < kRecord) return Malformed(field, "too short for a zip");
  std::size_t lowest = zip.size() > kRecord + 65535 ? zip.size() - kRecord - 65535 : 0;
  for (std::size_t at = zip.size() - kRecord + 1; at-- > lowest;) {
    if (zip.substr(at, 4) != std::string_view("PK\x05\x06", 4)) continue;
    if (at + kRecord + Le16(zip, at + 20) != zip.size()) continue;
    if (Le16(zip, at + 10) != 1) {
      return WireError(rule::kZipEntries, std::string(field),
                       "the zip holds " + std::to_string(Le16(zip, at + 10)) +
                           " entries; the interface takes exactly one file",
                       "每次必须上报1个文件");
    }
    return {};
  }
  return Malformed(field, "no end-of-central-directory record ends the data");
}

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

}  // namespace

Result<void> CheckFileName(std::string_view name, std::string_view field) {
  std::string_view stem = name;
  if (stem.size() > 4 && stem.substr(stem.size() - 4) == ".xml") stem.remove_suffix(4);
  bool ok =
      !stem.empty() && name.size() <= 128 && std::all_of(stem.begin(), stem.end(), IsAsciiAlnum);
  if (!ok) {
    return WireError(rule::kFileName, std::string(field),
                     "a file name is 1 to 128 letters and digits (optionally with .xml), not \"" +
                         std::string(name.substr(0, 140)) + "\"",
                     "文件名须为1至128个字母或数字");
  }
  return {};
}

Result<std::string> ZipOne(std::string_view entry_name, std::string_view data) {
  if (Result<void> ok = CheckFileName(entry_name, "entryName"); !ok)
    return std::unexpected(ok.error());
  std::string out;
  MemoryFile file{.input = {}, .output = &out};
  zlib_filefunc64_def io = MemoryFunctions(file);
  zipFile zip = zipOpen2_64("memory", APPEND_STATUS_CREATE, nullptr, &io);
  if (zip == nullptr) return Internal("minizip could not open an archive in memory");
  zip_fileinfo info{};
  info.tmz_date.tm_year = 1980;
  info.tmz_date.tm_mday = 1;
  std::string name(entry_name);
  bool ok = zipOpenNewFileInZip64(zip, name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr,
                                  Z_DEFLATED, Z_DEFAULT_COMPRESSION, 0) == ZIP_OK;
  ok = ok && zipWriteInFileInZip(zip, data.data(), static_cast<unsigned>(data.size())) == ZIP_OK;
  ok = ok && zipCloseFileInZip(zip) == ZIP_OK;
  ok = (zipClose(zip, nullptr) == ZIP_OK) && ok;
  if (!ok) return Internal("minizip failed to write an archive in memory");
  return out;
}

Result<ZipEntry> UnzipOne(std::string_view zip, std::size_t max_bytes, std::string_view field) {
  if (zip.size() > max_bytes) return TooLarge(field, "the zip file", max_bytes);
  if (Result<void> ok = CheckEndRecord(zip, field); !ok) return std::unexpected(ok.error());
  MemoryFile file{.input = zip};
  zlib_filefunc64_def io = MemoryFunctions(file);
  UnzHandle handle(unzOpen2_64("memory", &io));
  if (handle == nullptr) return Malformed(field, "no zip central directory found");
  unzFile uz = handle.get();
  // CheckEndRecord has held the entry count to one.
  if (unzGoToFirstFile(uz) != UNZ_OK) return Malformed(field, "the entry cannot be found");
  unz_file_info64 info{};
  char name[300];
  if (unzGetCurrentFileInfo64(uz, &info, name, sizeof name, nullptr, 0, nullptr, 0) != UNZ_OK) {
    return Malformed(field, "the entry's header is unreadable");
  }
  if ((info.flag & 1u) != 0) return Malformed(field, "the entry is encrypted");
  if (info.compression_method != 0 && info.compression_method != Z_DEFLATED) {
    return Malformed(field, "compression method " + std::to_string(info.compression_method) +
                                " (only stored and deflate)");
  }
  std::string entry_name(name, std::min<std::size_t>(info.size_filename, sizeof name - 1));
  if (Result<void> ok = CheckFileName(entry_name, std::string(field) + ".entryName"); !ok) {
    return std::unexpected(ok.error());
  }
  Result<std::string> data = ReadEntry(uz, max_bytes, field);
  if (!data) return std::unexpected(data.error());
  return ZipEntry{std::move(entry_name), std::move(*data)};
}

}  // namespace icp::miit
