#pragma once

#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <string>

#include "ports/database.h"

namespace icp::cli {

// `icpctl resources import FILE [--format csv|json]`: an operator imports or syncs the cloud
// inventory straight into the store (no icpd needed), with the strict parse of
// codec/resource_import.h: every bad row is named with its line or index and field, and
// nothing is stored unless every row is good. The format comes from --format, else the file's
// extension (.csv, .json). Audited as "resources.import" by `actor`. Exit 0 when imported, 1
// when the file or the store refuses, 2 for a usage error (unreadable file, unknown format).
struct ResourcesImportRequest {
  std::filesystem::path file;
  std::string format;  // "csv", "json" or "" (from the extension)
  std::string actor;   // "operator:alice@host"
};
int RunResourcesImport(Database& db, const ResourcesImportRequest& request,
                       std::chrono::sys_seconds now, std::ostream& out, std::ostream& err);

}  // namespace icp::cli
