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

// How a unit name is looked for (migration 0006's trigram index of subjects.name).
enum class NameSearch {
  kScan,  // a text under three characters, or with LIKE's special characters: every subject
  kLike,  // the index's own LIKE: candidates by all the text's trigrams, checked on the row
  kRare,  // the text's rarest trigrams matched in the index ($4), the pattern checked on the row
};

// The condition's clause over $1 (and $4 for NameSearch::kRare). The index's LIKE finds
// candidates by trigram and checks the pattern on each candidate's subjects.name (its
// content table); a MATCH does not, so the rare-trigram search checks it on the row itself:
// either way a stale index entry finds nothing. (SQLite 3.40's trigram index answers nothing
// for a pattern under three characters, and takes no ESCAPE.)
std::string_view Clause(QueryBy by, bool website_number, NameSearch search) {
  switch (by) {
    case QueryBy::kDomain:
      return "AND d.name = $1 ";
    case QueryBy::kNumber:
      return website_number ? "AND w.number = $1 " : "AND s.number = $1 ";
    case QueryBy::kUnitName:
    case QueryBy::kAuto:
      break;
  }
  switch (search) {
    case NameSearch::kLike:
      return "AND s.ztid IN (SELECT rowid FROM subject_names WHERE name LIKE $1) ";
    case NameSearch::kRare:
      return "AND s.ztid IN (SELECT rowid FROM subject_names WHERE subject_names MATCH $4) "
             "AND s.name LIKE $1 ESCAPE '\\' ";
    case NameSearch::kScan:
      break;
  }
  return "AND s.name LIKE $1 ESCAPE '\\' ";
}

// The index's LIKE reads the list of every trigram of the text, and a company name's common
// ones (有限公, 限公司) list most companies: at 5 million subjects that is most of a query's
// time. Each distinct trigram is instead counted in the index up to kProbeLimit (a bounded
// read, however common it is) and the rarest two are matched: every name that contains the
// text contains them. When even the rarest is that common, the index's LIKE (nothing to win).
constexpr std::int64_t kProbeLimit = 256;
constexpr std::size_t kMaxProbes = 16;  // of a long text, trigrams spread over it

std::vector<std::string> Trigrams(std::string_view text) {
  std::vector<std::size_t> starts;  // of each code point
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(text.size());
  std::vector<std::string> out;
  for (std::size_t k = 0; k + 3 < starts.size(); ++k) {
    std::string t(text.substr(starts[k], starts[k + 3] - starts[k]));
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(std::move(t));
  }
  return out;
}

// An FTS5 string: the trigram as one token, whatever it holds.
std::string Phrase(std::string_view trigram) {
  std::string out = "\"";
  for (char c : trigram) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// The MATCH expression of the text's rarest trigrams, or nullopt when none is rarer than
// kProbeLimit.
Result<std::optional<std::string>> RareTrigrams(sql::Connection& connection,
                                                std::string_view text) {
  std::vector<std::string> trigrams = Trigrams(text);
  if (trigrams.size() > kMaxProbes) {
    std::vector<std::string> spread;
    for (std::size_t i = 0; i < kMaxProbes; ++i) {
      spread.push_back(std::move(trigrams[i * (trigrams.size() - 1) / (kMaxProbes - 1)]));
    }
    trigrams = std::move(spread);
  }
  std::vector<std::pair<std::int64_t, std::string>> counted;
  for (const std::string& t : trigrams) {
    const sql::Value params[] = {Phrase(t), kProbeLimit};
    Result<sql::Rows> rows = connection.Query(
        "SELECT count(*) FROM (SELECT 1 FROM subject_names WHERE subject_names MATCH $1 "
        "LIMIT $2)",
        params);
    if (!rows) return std::unexpected(rows.error());
    counted.emplace_back(rows->rows.front().Int(0), Phrase(t));
    if (counted.back().first == 0) break;  // no name holds it: nothing will be found
  }
  std::sort(counted.begin(), counted.end());
  if (counted.empty() || counted.front().first >= kProbeLimit) return std::nullopt;
  std::string expression = counted.front().second;
  if (counted.size() > 1) expression += " " + counted[1].second;
  return expression;
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

  Result<sql::Pool::Lease> lease = pool_.Acquire();
  if (!lease) return std::unexpected(lease.error());
  sql::Connection& connection = **lease;
  if (Result<void> begun = connection.BeginRead(); !begun) {
    return std::unexpected(begun.error());
  }
  auto result = [&]() -> Result<QueryPage> {
    NameSearch search = indexed_name ? NameSearch::kLike : NameSearch::kScan;
    std::string rare;
    if (indexed_name) {
      Result<std::optional<std::string>> found = RareTrigrams(connection, condition);
      if (!found) return std::unexpected(found.error());
      if (*found) {
        search = NameSearch::kRare;
        rare = std::move(**found);
      }
    }
    const std::string_view clause = Clause(by, website_number, search);
    const sql::Value count_params[] = {value, std::int64_t{0}, std::int64_t{0}, rare};
    Result<sql::Rows> counted =
        connection.Query(fmt::format("SELECT count(*) {}{}", kFrom, clause), count_params);
    if (!counted) return std::unexpected(counted.error());
    QueryPage page;
    page.total = counted->rows.front().Int(0);
    page.page_num = page_num;
    page.page_size = page_size;
    page.last_page = std::max<std::int64_t>(1, (page.total + page_size - 1) / page_size);
    page.is_last_page = page_num >= page.last_page;
    const sql::Value params[] = {value, page_size, (page_num - 1) * page_size, rare};
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
