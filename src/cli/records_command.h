#pragma once

#include <filesystem>
#include <iosfwd>

#include "cli/auth_command.h"
#include "cli/http_client.h"

namespace icp::cli {

// `icpctl records import FILE`: sends the filed records of FILE ({"subjects": [...]},
// docs/api.md "Filed records") to icpd's POST /v1/admin/records:import as the admin
// `icpctl login` signed in, and prints what was created and what was on record already.
// icpd checks the whole file and stores all of it or nothing; every problem is printed with
// its path ("subjects[3].websites[0].number") and rule. Exit 0 when imported, 1 when icpd
// refuses, 2 when FILE cannot be read.
int RunRecordsImport(HttpClient& http, const StoredToken& token, const std::filesystem::path& file,
                     std::ostream& out, std::ostream& err);

}  // namespace icp::cli
