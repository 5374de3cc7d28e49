#include "bureau_sim/public_query.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "miit/code_tables.h"
#include "storage/sqlite/connection.h"

namespace icp::bureau_sim {
namespace {

constexpr std::string_view kColumns =
    "SELECT s.name, s.nature, s.number, w.number, w.name, d.name, d.ymid, w.home_url, "
    "w.pre_approvals, w.modified_at, s.ztid, w.wzid ";
constexpr std::string_view kFrom =
    "FROM domains d JOIN websites w ON w.wzid = d.wzid JOIN subjects s ON s.ztid = w.ztid "
    "WHERE d.live = 1 AND w.state = 'filed' AND s.state = 'filed' ";
constexpr std::string_view kOrder = "ORDER BY s.ztid, w.idx, d.ymid LIMIT $2 OFFSET $3";

// The condition's clause over $1. `indexed_name`: a unit name of three characters or more
// without LIKE's special characters, answered by the trigram index (migration 0006), which
// finds candidates by trigram and checks the pattern on each candidate's subjects.name (its
// content table), so a stale index entry finds nothing. (SQLite 3.40's trigram index answers
// nothing for a pattern under three characters, and takes no ESCAPE.)
std::string_view Clause(QueryBy by, bool website_number, bool indexed_name) {
  switch (by) {
    case QueryBy::kDomain:
      return "AND d.name = $1 ";
    case QueryBy::kNumber:
      return website_number ? "AND w.number = $1 " : "AND s.number = $1 ";
    case QueryBy::kUnitName:
    case QueryBy::kAuto:
      break;
  }
  if (indexed_name) {
    return "AND s.ztid IN (SELECT rowid FROM subject_names WHERE name LIKE $1) ";
  }
  return "AND s.name LIKE $1 ESCAPE '\\' ";
}

std::string LikePattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string Trim(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const std::size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::size_t CodePointCount(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// 前置审批项: the labels of the pre-approval ids ("Nrlx_id<TAB>Qzsph" per line).
std::string PreApprovalNames(std::string_view lines) {
  std::string out;
  while (!lines.empty()) {
    const std::size_t end = lines.find('\n');
    std::string_view line = lines.substr(0, end);
    lines = end == std::string_view::npos ? std::string_view() : lines.substr(end + 1);
    const std::string_view id = line.substr(0, line.find('\t'));
    std::int64_t value = 0;
    for (char c : id) {
      if (c < '0' || c > '9') value = -1;
      if (value >= 0) value = value * 10 + (c - '0');
    }
    const miit::CodeTables::Row* row =
        value > 0 ? miit::CodeTables::Builtin().FindId("pre_approval", value) : nullptr;
    if (row == nullptr) continue;
    if (!out.empty()) out += "，";
    out += row->label;
  }
  return out;
}

std::string NatureName(std::int64_t nature) {
  const miit::CodeTables::Row* row = miit::CodeTables::Builtin().FindId("subject_nature", nature);
  return row == nullptr ? "" : row->label;
}

}  // namespace

std::string ChinaTime(std::int64_t seconds) {
  const std::chrono::sys_seconds t{std::chrono::seconds(seconds + 8 * 3600)};
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  return fmt::format("{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

QueryBy Classify(std::string_view condition) {
  if (condition.find("ICP") != std::string_view::npos &&
      condition.find("号") != std::string_view::npos) {
    return QueryBy::kNumber;
  }
  const bool ascii = std::all_of(condition.begin(), condition.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (condition.find('.') != std::string_view::npos && ascii) return QueryBy::kDomain;
  return QueryBy::kUnitName;
}

PublicQuery::PublicQuery(const std::filesystem::path& file, std::size_t connections)
    : pool_(
          [file]() -> Result<std::unique_ptr<sql::Connection>> {
            Result<std::unique_ptr<sqlite::Connection>> c = sqlite::Connection::Open(file);
            if (!c) return std::unexpected(c.error());
            return std::unique_ptr<sql::Connection>(std::move(*c));
          },
          connections) {}

Result<std::unique_ptr<PublicQuery>> PublicQuery::Open(const std::filesystem::path& file,
                                                       std::size_t connections) {
  std::unique_ptr<PublicQuery> query(new PublicQuery(file, connections));
  // The first connection, opened now and kept idle in the pool.
  if (Result<sql::Pool::Lease> first = query->pool_.Acquire(); !first) {
    return std::unexpected(first.error());
  }
  return query;
}

Result<QueryPage> PublicQuery::Find(QueryBy by, std::string_view raw, std::int64_t page_num,
                                    std::int64_t page_size) {
  const std::string condition = Trim(raw);
  if (by == QueryBy::kAuto) by = Classify(condition);
  std::vector<FieldViolation> problems;
  if (condition.empty() || condition.size() > 255) {
    problems.push_back({"condition", "query.condition",
                        "give a domain, a filing number or a unit name (1 to 255 bytes)",
                        "请输入域名、备案号或主办单位名称"});
  } else if (by == QueryBy::kUnitName && CodePointCount(condition) < 2) {
    problems.push_back({"condition", "query.condition", "a unit name needs 2 characters or more",
                        "主办单位名称至少2个字"});
  }
  if (page_num < 1 || page_num > 100000) {
    problems.push_back({"page_num", "query.page", "pages are numbered from 1", "页码从1开始"});
  }
  if (page_size < 1 || page_size > kMaxQueryPageSize) {
    problems.push_back(
        {"page_size", "query.page", "a page holds 1 to 100 records", "每页1至100条"});
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));

  std::string value = condition;
  bool website_number = false;
  if (by == QueryBy::kDomain) value = Lower(condition);
  if (by == QueryBy::kNumber) {
    const std::size_t dash = condition.rfind('-');
    website_number = dash != std::string::npos && dash + 1 < condition.size() &&
                     std::all_of(condition.begin() + static_cast<std::ptrdiff_t>(dash) + 1,
                                 condition.end(), [](char c) { return c >= '0' && c <= '9'; });
  }
  if (by == QueryBy::kUnitName) value = LikePattern(condition);
  const bool indexed_name = by == QueryBy::kUnitName && CodePointCount(condition) >= 3 &&
                            condition.find_first_of("%_\\") == std::string::npos;
  const std::string_view clause = Clause(by, website_number, indexed_name);

  Result<sql::Pool::Lease> lease = pool_.Acquire();
  if (!lease) return std::unexpected(lease.error());
  sql::Connection& connection = **lease;
  if (Result<void> begun = connection.BeginRead(); !begun) {
    return std::unexpected(begun.error());
  }
  auto result = [&]() -> Result<QueryPage> {
    const sql::Value count_params[] = {value};
    Result<sql::Rows> counted =
        connection.Query(fmt::format("SELECT count(*) {}{}", kFrom, clause), count_params);
    if (!counted) return std::unexpected(counted.error());
    QueryPage page;
    page.total = counted->rows.front().Int(0);
    page.page_num = page_num;
    page.page_size = page_size;
    page.last_page = std::max<std::int64_t>(1, (page.total + page_size - 1) / page_size);
    page.is_last_page = page_num >= page.last_page;
    const sql::Value params[] = {value, page_size, (page_num - 1) * page_size};
    Result<sql::Rows> rows =
        connection.Query(fmt::format("{}{}{}{}", kColumns, kFrom, clause, kOrder), params);
    if (!rows) return std::unexpected(rows.error());
    for (const sql::Row& row : rows->rows) {
      PublicRecord r;
      r.unit_name = row.Text(0);
      r.nature_name = NatureName(row.Int(1));
      r.main_licence = row.Text(2);
      r.service_licence = row.Text(3);
      r.service_name = row.Text(4);
      r.domain = row.Text(5);
      r.domain_id = row.Int(6);
      r.home_url = row.Text(7);
      r.limit_access = "否";
      r.content_type_name = PreApprovalNames(row.Text(8));
      r.update_record_time = ChinaTime(row.Int(9));
      r.main_id = row.Int(10);
      r.service_id = row.Int(11);
      if (Result<void> ok = row.Check(); !ok) return std::unexpected(ok.error());
      page.list.push_back(std::move(r));
    }
    return page;
  }();
  (void)connection.Rollback();
  return result;
}

}  // namespace icp::bureau_sim
