#pragma once

#include <filesystem>
#include <iosfwd>

#include "ports/database.h"

namespace icp::cli {

// Operator commands on a store: `icpctl db migrate|backup|restore` and `icpctl audit
// verify`. Exit codes: 0 done, 1 the store said no (printed with its rule), 3 on an
// internal error.

int RunMigrate(DatabaseAdmin& admin, std::ostream& out, std::ostream& err);
int RunBackup(DatabaseAdmin& admin, const std::filesystem::path& to, std::ostream& out,
              std::ostream& err);
int RunRestore(DatabaseAdmin& admin, const std::filesystem::path& from, std::ostream& out,
               std::ostream& err);

// Walks the audit chain. Exit 0 when whole ("audit log: 1234 entries, chain intact"), 1
// naming the first broken entry and why. --json prints one object either way.
int RunAuditVerify(Database& db, bool json, std::ostream& out, std::ostream& err);

// Prints `error` as the CLI does everywhere: message, then each violation with its rule.
void PrintError(const Error& error, std::ostream& err);

}  // namespace icp::cli
