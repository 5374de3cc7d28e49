#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "bureau_sim/store.h"

namespace icp::bureau_sim {

// The bureau's lists and bulk downloads (BUREAU-PROTOCOL.md §5.1, §5.2), each queued as files
// for the providers to download. Every function runs in one transaction and returns the names
// of the files it queued.

// A domain on the blacklist: kept (later filings of it get 1064) and sent to every provider as
// HMDLB/Wzhmdxxs (Czlx 0). A domain listed already queues nothing.
Result<std::vector<std::string>> BlacklistDomain(Store& store, std::string_view domain,
                                                 std::string_view reason, std::int64_t now);

// A subject (by certificate) on the blacklist: later first filings get 1065; HMDLB/Zthmdxxs to
// every provider.
Result<std::vector<std::string>> BlacklistSubject(Store& store, std::int64_t certificate_type,
                                                  std::string_view certificate_number,
                                                  std::string_view name, std::int64_t now);

// An unfiled site found on a provider's network: WBAWZLB to `isp_id`, or to every provider.
// `ip` is dotted IPv4.
Result<std::vector<std::string>> ReportUnfiledSite(Store& store, std::string_view domain,
                                                   std::string_view ip,
                                                   std::optional<std::int64_t> isp_id,
                                                   std::int64_t now);

// A provider's whole filed estate (every live website it serves, with its subject) as BASJ
// files of at most `per_file` records: what a provider that starts using Beian resyncs from.
Result<std::vector<std::string>> SendEstate(Store& store, std::int64_t isp_id, std::int64_t now,
                                            std::size_t per_file = 100);
// The same estate as SJTB files (§5.4: the full sync, `DownloadData/SJTB/ICP`, records as in
// BASJ). V3.0 has no method to ask for one: the bureau sends it (here: `icp-bureau estate send
// --as sjtb`), and the provider's client downloads it like any file.
Result<std::vector<std::string>> SyncEstate(Store& store, std::int64_t isp_id, std::int64_t now,
                                            std::size_t per_file = 100);

// "a.b.c.d" as the unsigned 32-bit number the wire carries; nullopt when it is not one.
std::optional<std::int64_t> Ipv4Number(std::string_view dotted);

}  // namespace icp::bureau_sim
