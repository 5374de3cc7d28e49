#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "storage/sql/pool.h"

namespace icp::bureau_sim {

// One row of MIIT's public query (公共查询, FACTS.md §10.4): a live domain of a filed website,
// with the fields the portal's JSON API returns, under the same names in the JSON.
struct PublicRecord {
  std::string unit_name;        // unitName: 主办单位名称
  std::string nature_name;      // natureName: 单位性质 (企业, 个人, ...)
  std::string main_licence;     // mainLicence: 主体备案号
  std::string service_licence;  // serviceLicence: 网站备案号
  std::string service_name;     // serviceName: 网站名称
  std::string domain;           // domain
  std::int64_t domain_id = 0;   // domainId: the bureau's Ymid
  std::string home_url;         // homeUrl
  std::string leader_name;      // leaderName: never published (always "")
  std::string limit_access;     // limitAccess: 是否限制接入, "否" (no restriction modelled)
  std::string content_type_name;   // contentTypeName: 前置审批项, labels joined by "，"
  std::string update_record_time;  // updateRecordTime: 审核通过日期, China time
  std::int64_t main_id = 0;        // mainId: Ztid
  std::int64_t service_id = 0;     // serviceId: Wzid

  friend bool operator==(const PublicRecord&, const PublicRecord&) = default;
};

// What the condition is.
enum class QueryBy {
  kAuto,      // a number ("…ICP备…号", with or without -N), a domain (has a dot), else a name
  kDomain,    // the domain exactly (lower case; a subdomain is not matched, as MIIT's)
  kNumber,    // a subject number (all its websites) or a website number
  kUnitName,  // 主办单位名称 containing the text
};

struct QueryPage {
  std::int64_t total = 0;
  std::int64_t page_num = 1;
  std::int64_t page_size = 10;
  std::int64_t last_page = 1;
  bool is_last_page = true;
  std::vector<PublicRecord> list;
};

inline constexpr std::int64_t kMaxQueryPageSize = 100;  // as MIIT's API (pageSize 100)
inline constexpr std::size_t kMaxBatchConditions = 50;

// The public query over the registry's tables (migration 0002_registry): filed subjects and
// websites, live domains; a website whose last access was cancelled stays (its number lives
// on, seed 002), a cancelled one goes. Read-only, on connections of its own: a pool of up to
// `connections`, one per query in flight, so queries from the server's handler threads read
// at once (SQLite's WAL lets readers run beside each other and beside the writer).
// Thread-safe.
class PublicQuery {
 public:
  // Opens the first connection at once, so a file that cannot be opened is said here.
  static Result<std::unique_ptr<PublicQuery>> Open(const std::filesystem::path& file,
                                                   std::size_t connections = 4);

  // One page (page_num from 1, page_size 1..100). kInvalidArgument naming "condition" (rule
  // "query.condition": empty, over 255 bytes, a name under 2 characters), "page_num" or
  // "page_size" (rule "query.page").
  Result<QueryPage> Find(QueryBy by, std::string_view condition, std::int64_t page_num,
                         std::int64_t page_size);

 private:
  PublicQuery(const std::filesystem::path& file, std::size_t connections);

  sql::Pool pool_;
};

// What kAuto takes `condition` for.
QueryBy Classify(std::string_view condition);

// "2026-11-29 18:00:00" in China Standard Time (UTC+8) for Unix seconds.
std::string ChinaTime(std::int64_t seconds);

}  // namespace icp::bureau_sim
