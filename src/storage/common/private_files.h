#pragma once

#include <filesystem>

#include "base/result.h"

namespace icp {

// Files that hold personal data (the SQLite database, its WAL and shared-memory files, its
// backups, the PII key) are readable by their owner only, whatever the process's umask:
// directories 0700, files 0600 (PIPL art. 51; docs/storage.md "Personal data at rest").

// Creates `dir` and every missing parent with mode 0700, exactly. Directories that exist
// are left as they are (an operator's choice of a shared parent is not ours to change).
// kFailedPrecondition (rule "storage.data-dir") naming the directory and why.
Result<void> CreatePrivateDirectories(const std::filesystem::path& dir);

// Creates `file` with mode 0600, exactly; kAlreadyExists if anything is at that path (a
// symbolic link included), so nothing is ever overwritten or written through a link.
// kFailedPrecondition (rule "storage.file-mode") on any other failure.
Result<void> CreatePrivateFile(const std::filesystem::path& file);

// Takes group and other permissions away from `file` if it exists and belongs to this
// process's user (a database created before files were private); nothing if it does not
// exist. kFailedPrecondition (rule "storage.file-mode") if it exists but cannot be made
// private: owned by someone else while group or others may read it.
Result<void> MakeFilePrivate(const std::filesystem::path& file);

}  // namespace icp
