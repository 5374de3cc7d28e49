#include "storage/common/private_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace icp {
namespace {

std::unexpected<Error> Problem(std::string rule, const std::filesystem::path& path,
                               const std::string& why, std::string why_zh) {
  Error e{ErrorCode::kFailedPrecondition,
          path.string() + ": " + why,
          {{path.string(), std::move(rule), why, std::move(why_zh)}}};
  return std::unexpected(std::move(e));
}

std::string Errno(int e) { return std::strerror(e); }

}  // namespace

Result<void> CreatePrivateDirectories(const std::filesystem::path& dir) {
  if (dir.empty()) return {};
  // The missing tail of the path, outermost first.
  std::vector<std::filesystem::path> missing;
  for (std::filesystem::path p = dir; !p.empty(); p = p.parent_path()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) {
        return Problem("storage.data-dir", p, "it is not a directory", "不是目录");
      }
      break;
    }
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0) {
      if (errno == EEXIST) continue;  // another process made it first: not ours to change
      return Problem("storage.data-dir", *it, "cannot create the directory: " + Errno(errno),
                     "无法创建目录");
    }
    // mkdir's mode passes through the umask, which may take the owner's bits too.
    if (::chmod(it->c_str(), 0700) != 0) {
      return Problem("storage.data-dir", *it, "cannot make it private: " + Errno(errno),
                     "无法将目录设为仅属主可访问");
    }
  }
  return {};
}

Result<void> CreatePrivateFile(const std::filesystem::path& file) {
  // O_CREAT | O_EXCL fails on anything at the path, a symbolic link included (never followed).
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int e = errno;
    if (e == EEXIST) return AlreadyExists(file.string() + " exists");
    return Problem("storage.file-mode", file, "cannot create: " + Errno(e), "无法创建文件");
  }
  const bool ok = ::fchmod(fd, 0600) == 0;
  const int e = errno;
  ::close(fd);
  if (!ok) {
    return Problem("storage.file-mode", file, "cannot make it private: " + Errno(e),
                   "无法将文件设为仅属主可读写");
  }
  return {};
}

Result<void> MakeFilePrivate(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return {};
    return Problem("storage.file-mode", file, "cannot open it: " + Errno(errno), "无法打开文件");
  }
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0;
  if (ok && (st.st_mode & 077) != 0) {
    ok = st.st_uid == ::geteuid() && ::fchmod(fd, st.st_mode & 0700) == 0;
  }
  ::close(fd);
  if (!ok) {
    return Problem("storage.file-mode", file,
                   "group or others may read it and it cannot be made private; chmod 600 it",
                   "文件可被其他用户读取且无法更改权限，请执行 chmod 600");
  }
  return {};
}

}  // namespace icp
