#include "storage/files/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "storage/common/private_files.h"
#include "storage/common/sha256.h"

namespace icp::files {
namespace {

std::unexpected<Error> Io(const std::filesystem::path& path, std::string_view what) {
  return Internal("blob store: cannot " + std::string(what) + " " + path.string() + ": " +
                  std::strerror(errno));
}

std::unexpected<Error> BadName(std::string_view name) {
  return InvalidValue("blob.name",
                      "\"" + std::string(name.substr(0, 80)) +
                          "\" is not a blob name (64 lowercase hex digits of a SHA-256)",
                      "不是有效的文件摘要（64 位小写十六进制 SHA-256）");
}

// Closes a descriptor on every path out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

Result<void> WriteAll(int fd, std::string_view bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Io(path, "write");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<void> SyncDirectory(const std::filesystem::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.ok() || ::fsync(fd.get()) != 0) return Io(dir, "fsync");
  return {};
}

// A name no other writer of this process or another uses at the same time.
std::string TemporaryName(std::string_view sha256) {
  static std::atomic<unsigned long> counter{0};
  return ".tmp-" + std::string(sha256.substr(0, 16)) + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1));
}

}  // namespace

Result<std::unique_ptr<BlobStore>> BlobStore::Open(const std::filesystem::path& root) {
  if (Result<void> made = CreatePrivateDirectories(root); !made) {
    return std::unexpected(made.error());
  }
  return std::unique_ptr<BlobStore>(new BlobStore(root));
}

std::filesystem::path BlobStore::PathOf(std::string_view sha256) const {
  return root_ / std::string(sha256.substr(0, 2)) / std::string(sha256.substr(2));
}

Result<std::string> BlobStore::Put(std::string_view bytes) {
  std::string name = Sha256Hex(bytes);
  const std::filesystem::path target = PathOf(name);
  // Stored once by content; a copy that no longer matches its name is written again.
  if (Result<std::string> stored = Get(name); stored) {
    return name;
  } else if (stored.error().code != ErrorCode::kNotFound &&
             stored.error().rule() != "storage.corrupt") {
    return std::unexpected(stored.error());
  }
  const std::filesystem::path dir = target.parent_path();
  if (Result<void> made = CreatePrivateDirectories(dir); !made) {
    return std::unexpected(made.error());
  }
  const std::filesystem::path temp = dir / TemporaryName(name);
  {
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.ok()) return Io(temp, "create");
    Result<void> written = WriteAll(fd.get(), bytes, temp);
    if (written && (::fchmod(fd.get(), 0600) != 0 || ::fsync(fd.get()) != 0)) {
      written = Io(temp, "fsync");
    }
    if (!written) {
      ::unlink(temp.c_str());
      return std::unexpected(written.error());
    }
  }
  // rename() replaces atomically: a concurrent writer of the same bytes leaves the same file.
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    auto failed = Io(target, "rename a temporary file to");
    ::unlink(temp.c_str());
    return failed;
  }
  if (Result<void> synced = SyncDirectory(dir); !synced) return std::unexpected(synced.error());
  return name;
}

Result<std::string> BlobStore::Get(std::string_view sha256) {
  if (!IsBlobName(sha256)) return BadName(sha256);
  const std::filesystem::path path = PathOf(sha256);
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.ok()) {
    if (errno == ENOENT) return NotFound("no blob " + std::string(sha256));
    return Io(path, "open");
  }
  std::string bytes;
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Io(path, "read");
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  if (Sha256Hex(bytes) != sha256) {
    Error e{ErrorCode::kInternal,
            "blob " + std::string(sha256) + " no longer matches its name (changed on disk)",
            {{"", "storage.corrupt", "The stored file was changed and is not served.",
              "存储的文件已被改动，不予提供。"}}};
    return std::unexpected(std::move(e));
  }
  return bytes;
}

Result<bool> BlobStore::Has(std::string_view sha256) {
  if (!IsBlobName(sha256)) return BadName(sha256);
  struct stat st {};
  if (::lstat(PathOf(sha256).c_str(), &st) == 0) return S_ISREG(st.st_mode);
  if (errno == ENOENT) return false;
  return Io(PathOf(sha256), "stat");
}

}  // namespace icp::files
