#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "bureau_sim/store.h"
#include "ports/password_hasher.h"

namespace icp::bureau_sim {

// `icp-bureau import FILE`: filed records in bulk, JSON Lines (docs/bureau-protocol.md,
// "icp-bureau import"), one subject per line with its websites, domains, accesses and numbers:
//   {"subject": {"number", "name", "nature"?, "certificate": {"type", "number", "address"?},
//                "region": {"province", "city"?, "county"?, "address"?}, "investor"?,
//                "leader": {LEADER}, "remark"?, "filed_at"?, "password"?},
//    "websites": [{"number", "name", "home_url"?, "domains": [TEXT], "service_content"?: [ID],
//                  "languages": [ID], "leader": {LEADER},
//                  "accesses"?: [{"isp_id", "ips"?: ["a.b.c.d" | "a.b.c.d-e.f.g.h"],
//                                 "locations": [ID], "methods": [ID]}]}]}
//   LEADER: {"name", "mobiles", "emails", "office_phones"?, "certificate_type"?,
//            "certificate_number"?}
// (what BASJ must carry is required, so every imported record can be downloaded.)
// Lines are read as a stream and written in transactions of `batch` lines. A line is decoded
// strictly (unknown keys and wrong types refused at their path, every problem of the line
// reported as "line N: path: message"); a refused line is not imported, the others are. A
// subject number already in the registry with the same name and certificate is unchanged (an
// identical re-import changes nothing); with other data it is refused. A password, when given,
// is hashed as issued ones are (slow: leave it out of large imports).
// A bulk load (Store::BulkLoad): while it runs, the store's connection has a page cache of
// `cache_mib` MiB and its batches commit without waiting for the disk; when it ends, by
// success or by error, the defaults come back and a full checkpoint puts every committed
// batch on disk before the report is returned (an import that returned is durable).
struct ImportReport {
  std::int64_t lines = 0;             // non-empty lines read
  std::int64_t imported = 0;          // subjects written
  std::int64_t unchanged = 0;         // subjects already there
  std::int64_t refused = 0;           // lines refused
  std::vector<std::string> problems;  // the first 1000, each "line N: path: message"

  friend bool operator==(const ImportReport&, const ImportReport&) = default;
};

Result<ImportReport> ImportRecords(Store& store, std::istream& in, PasswordHasher& hasher,
                                   std::int64_t now, std::size_t batch = 10000,
                                   std::int64_t cache_mib = 1024);

}  // namespace icp::bureau_sim
