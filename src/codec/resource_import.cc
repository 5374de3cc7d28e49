#include "codec/resource_import.h"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "base/date.h"
#include "base/strings.h"

namespace icp::codec {
namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 12> kColumns = {
    "id",    "account",         "kind",           "region",     "mainland",  "billing",
    "trial", "purchased_count", "purchased_unit", "expires_at", "public_ip", "parent"};
constexpr std::size_t kMaxRows = 100000;

class Problems {
 public:
  void Add(std::string field, std::string message, std::string zh) {
    list_.push_back(
        {std::move(field), "resource-import.invalid", std::move(message), std::move(zh)});
  }
  void Add(std::string field, std::string rule, std::string message, std::string zh) {
    list_.push_back({std::move(field), std::move(rule), std::move(message), std::move(zh)});
  }
  bool empty() const { return list_.empty(); }
  std::size_t size() const { return list_.size(); }
  std::vector<FieldViolation> Take() { return std::move(list_); }

 private:
  std::vector<FieldViolation> list_;
};

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

bool IsIpv4(std::string_view s) {
  int parts = 0;
  while (true) {
    std::size_t end = s.find('.');
    std::string_view part = s.substr(0, end);
    int v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || p != part.data() + part.size() || part.empty() || part.size() > 3 ||
        v > 255 || (part.size() > 1 && part[0] == '0')) {
      return false;
    }
    ++parts;
    if (end == std::string_view::npos) break;
    s.remove_prefix(end + 1);
  }
  return parts == 4;
}

bool IsIpv6(std::string_view s) {
  if (s.size() < 2 || s.size() > 39 || s.find(':') == std::string_view::npos) return false;
  if (std::ranges::count(s, ':') > 7) return false;
  if (s.find(":::") != std::string_view::npos) return false;
  const auto doubles = [&] {
    std::size_t n = 0;
    for (std::size_t at = s.find("::"); at != std::string_view::npos; at = s.find("::", at + 1))
      ++n;
    return n;
  }();
  if (doubles > 1) return false;
  std::size_t group = 0;
  for (char c : s) {
    if (c == ':') {
      group = 0;
    } else if (std::isxdigit(static_cast<unsigned char>(c)) && ++group <= 4) {
      continue;
    } else {
      return false;
    }
  }
  return doubles == 1 || std::ranges::count(s, ':') == 7;
}

// The checks every format shares, on a resource whose enumerations already parsed.
void CheckResource(const Resource& r, const std::string& path, Problems& out) {
  if (r.id.empty() || r.id.size() > 64 || !std::ranges::all_of(r.id, IsIdChar)) {
    out.Add(path + "id", "id needs 1 to 64 letters, digits, '-', '_' or '.'.",
            "资源 ID 须为 1 至 64 个字母、数字或 - _ .");
  }
  if (r.account.empty() || r.account.size() > 128) {
    out.Add(path + "account", "account (the owner's login) needs 1 to 128 characters.",
            "account（所属账号）须为 1 至 128 个字符。");
  }
  if (r.region.id.empty() || r.region.id.size() > 64) {
    out.Add(path + "region", "region needs 1 to 64 characters.", "地域须为 1 至 64 个字符。");
  }
  if (r.public_ip && !IsIpv4(*r.public_ip) && !IsIpv6(*r.public_ip)) {
    out.Add(path + "public_ip", "public_ip is not an IPv4 or IPv6 address.",
            "public_ip 不是有效的 IPv4 或 IPv6 地址。");
  }
  if (r.purchased.count < 0 || r.purchased.count > 100000) {
    out.Add(path + "purchased_count", "purchased_count is a whole number from 0 to 100000.",
            "购买时长须为 0 至 100000 的整数。");
  }
}

template <class T>
std::optional<T> Enum(std::string_view text, std::optional<T> found, const std::string& field,
                      std::initializer_list<std::string_view> names, Problems& out) {
  if (!found) {
    out.Add(field,
            "\"" + std::string(text.substr(0, 40)) + "\" is not one of " +
                JoinNames(names, " or ") + ".",
            "取值应为 " + JoinNames(names, " 或 ") + "。");
  }
  return found;
}

std::optional<bool> Flag(std::string_view text, const std::string& field, Problems& out) {
  if (text == "true") return true;
  if (text == "false") return false;
  out.Add(field, "true or false.", "取值应为 true 或 false。");
  return std::nullopt;
}

std::optional<TermUnit> Unit(std::string_view text, const std::string& field, Problems& out) {
  if (text == "months") return TermUnit::kMonths;
  if (text == "days") return TermUnit::kDays;
  out.Add(field, "months or days.", "取值应为 months 或 days。");
  return std::nullopt;
}

// ---- CSV ----

// Splits RFC 4180 text into records of fields, each record with the line it starts on.
struct CsvRecord {
  std::size_t line = 0;
  std::vector<std::string> fields;
};

Result<std::vector<CsvRecord>> SplitCsv(std::string_view text) {
  std::vector<CsvRecord> out;
  std::size_t line = 1;
  std::size_t i = 0;
  if (text.starts_with("\xEF\xBB\xBF")) i = 3;  // a UTF-8 byte order mark, as spreadsheets write
  while (i < text.size()) {
    CsvRecord record{line, {}};
    std::string field;
    bool quoted = false;
    bool was_quoted = false;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (quoted) {
        if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          if (c == '\n') ++line;
          field += c;
        }
      } else if (c == '"' && field.empty() && !was_quoted) {
        quoted = was_quoted = true;
      } else if (c == ',') {
        record.fields.push_back(std::move(field));
        field.clear();
        was_quoted = false;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        break;
      } else if (was_quoted) {
        return InvalidFields({{"line[" + std::to_string(line) + "]", "resource-import.csv",
                               "text after a closing quote", "引号后有多余字符"}});
      } else {
        field += c;
      }
    }
    if (quoted) {
      return InvalidFields({{"line[" + std::to_string(record.line) + "]", "resource-import.csv",
                             "a quoted field is not closed", "引号未闭合"}});
    }
    record.fields.push_back(std::move(field));
    const bool blank = record.fields.size() == 1 && record.fields[0].empty();
    if (!blank) out.push_back(std::move(record));
    if (out.size() > kMaxRows + 1) {
      return InvalidValue("resource-import.size", "at most 100000 rows per import",
                          "每次最多导入 100000 行");
    }
  }
  return out;
}

struct CsvRow {
  Resource resource;
  std::string parent;
  std::size_t line = 0;
};

std::optional<CsvRow> ReadCsvRow(const CsvRecord& rec, Problems& out) {
  const std::string at = "line[" + std::to_string(rec.line) + "].";
  if (rec.fields.size() != kColumns.size()) {
    out.Add("line[" + std::to_string(rec.line) + "]", "resource-import.columns",
            "The row has " + std::to_string(rec.fields.size()) + " fields; the header has " +
                std::to_string(kColumns.size()) + ".",
            "该行字段数与表头不一致。");
    return std::nullopt;
  }
  const auto& f = rec.fields;
  const std::size_t before = out.size();
  CsvRow row{{}, f[11], rec.line};
  Resource& r = row.resource;
  r.id = f[0];
  r.account = f[1];
  std::optional<ResourceKind> kind = Enum(f[2], ResourceKindFromName(f[2]), at + "kind",
                                          {"cvm", "lighthouse", "serverless_pack", "clb"}, out);
  r.region.id = f[3];
  std::optional<bool> mainland = Flag(f[4], at + "mainland", out);
  std::optional<BillingMode> billing =
      Enum(f[5], BillingModeFromName(f[5]), at + "billing", {"prepaid", "pay_as_you_go"}, out);
  std::optional<bool> trial = Flag(f[6], at + "trial", out);
  int count = 0;
  auto [p, ec] = std::from_chars(f[7].data(), f[7].data() + f[7].size(), count);
  if (ec != std::errc() || p != f[7].data() + f[7].size()) {
    out.Add(at + "purchased_count", "a whole number.", "须为整数。");
  }
  std::optional<TermUnit> unit = Unit(f[8], at + "purchased_unit", out);
  if (!f[9].empty()) {
    Result<std::chrono::sys_seconds> t = ParseRfc3339(f[9]);
    if (!t) {
      out.Add(at + "expires_at", "expires_at is RFC 3339 time, e.g. 2027-03-01T00:00:00+08:00.",
              "到期时间须为 RFC 3339 格式，例如 2027-03-01T00:00:00+08:00。");
    } else {
      r.expires_at = *t;
    }
  }
  if (!f[10].empty()) r.public_ip = f[10];
  r.purchased.count = count;
  if (kind) r.kind = *kind;
  if (mainland) r.region.mainland = *mainland;
  if (billing) r.billing = *billing;
  if (trial) r.trial = *trial;
  if (unit) r.purchased.unit = *unit;
  if (ec == std::errc()) CheckResource(r, at, out);
  if (out.size() != before) return std::nullopt;
  return row;
}

// Puts each row with a parent behind its load balancer; every link problem is named.
std::vector<Resource> Nest(std::vector<CsvRow>& rows, Problems& out) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string& id = rows[i].resource.id;
    if (!index.emplace(id, i).second) {
      out.Add("line[" + std::to_string(rows[i].line) + "].id", "resource-import.duplicate",
              "Resource " + id + " is listed twice (first on line " +
                  std::to_string(rows[index[id]].line) + ").",
              "资源 " + id + " 重复出现。");
    }
  }
  for (CsvRow& row : rows) {
    if (row.parent.empty()) continue;
    const std::string field = "line[" + std::to_string(row.line) + "].parent";
    auto it = index.find(row.parent);
    if (it == index.end() || rows[it->second].resource.kind != ResourceKind::kClb ||
        !rows[it->second].parent.empty()) {
      out.Add(field, "resource-import.parent",
              "parent must be the id of a top-level clb row of this file.",
              "parent 须为本文件中某个负载均衡（clb）行的 ID。");
    } else if (rows[it->second].resource.account != row.resource.account) {
      out.Add(field, "resource-import.parent",
              "A server is bound behind a load balancer of its own account.",
              "负载均衡与其后端服务器须属于同一账号。");
    } else if (row.resource.kind == ResourceKind::kClb) {
      out.Add(field, "resource-import.parent", "A load balancer is not bound behind another.",
              "负载均衡不能绑定在另一个负载均衡之后。");
    }
  }
  std::vector<Resource> top;
  if (!out.empty()) return top;
  std::map<std::string, std::vector<Resource>> backends;
  for (CsvRow& row : rows) {
    if (!row.parent.empty()) backends[row.parent].push_back(row.resource);
  }
  for (CsvRow& row : rows) {
    if (!row.parent.empty()) continue;
    row.resource.backends = std::move(backends[row.resource.id]);
    top.push_back(std::move(row.resource));
  }
  return top;
}

// ---- JSON ----

class JsonRows {
 public:
  explicit JsonRows(Problems& out) : out_(out) {}

  std::optional<Resource> Read(const json::value& v, const std::string& path, bool nested,
                               std::set<std::string>& ids) {
    const json::object* o = v.if_object();
    if (o == nullptr) {
      out_.Add(path, "an object", "须为对象");
      return std::nullopt;
    }
    static constexpr std::array<std::string_view, 11> kKeys = {
        "id",    "account",   "kind",       "region",    "mainland", "billing",
        "trial", "purchased", "expires_at", "public_ip", "backends"};
    for (const auto& [key, value] : *o) {
      if (std::ranges::find(kKeys, std::string_view(key)) == kKeys.end()) {
        out_.Add(path + "." + std::string(key), "resource-import.unknown-field", "unknown field",
                 "未知字段");
      }
    }
    const std::size_t before = out_.size();
    Resource r;
    r.id = Text(*o, "id", path, true).value_or("");
    r.account = Text(*o, "account", path, true).value_or("");
    std::optional<std::string> kind = Text(*o, "kind", path, true);
    if (kind) {
      if (auto k = Enum(*kind, ResourceKindFromName(*kind), path + ".kind",
                        {"cvm", "lighthouse", "serverless_pack", "clb"}, out_)) {
        r.kind = *k;
      }
    }
    r.region.id = Text(*o, "region", path, true).value_or("");
    r.region.mainland = Bool(*o, "mainland", path, true).value_or(false);
    std::optional<std::string> billing = Text(*o, "billing", path, true);
    if (billing) {
      if (auto b = Enum(*billing, BillingModeFromName(*billing), path + ".billing",
                        {"prepaid", "pay_as_you_go"}, out_)) {
        r.billing = *b;
      }
    }
    r.trial = Bool(*o, "trial", path, false).value_or(false);
    Purchased(*o, path, r.purchased);
    if (std::optional<std::string> t = Text(*o, "expires_at", path, false); t && !t->empty()) {
      Result<std::chrono::sys_seconds> at = ParseRfc3339(*t);
      if (!at) {
        out_.Add(path + ".expires_at", "RFC 3339 time, e.g. 2027-03-01T00:00:00+08:00.",
                 "须为 RFC 3339 格式的时间。");
      } else {
        r.expires_at = *at;
      }
    }
    if (std::optional<std::string> ip = Text(*o, "public_ip", path, false); ip && !ip->empty()) {
      r.public_ip = *ip;
    }
    CheckResource(r, path + ".", out_);
    if (!r.id.empty() && !ids.insert(r.id).second) {
      out_.Add(path + ".id", "resource-import.duplicate", "Resource " + r.id + " is listed twice.",
               "资源 " + r.id + " 重复出现。");
    }
    if (const json::value* b = o->if_contains("backends")) {
      const json::array* list = b->if_array();
      if (list == nullptr) {
        out_.Add(path + ".backends", "a list", "须为数组");
      } else if (!list->empty() && (nested || r.kind != ResourceKind::kClb)) {
        out_.Add(path + ".backends", "resource-import.parent",
                 "Only a top-level load balancer (clb) has backends.",
                 "只有负载均衡（clb）可以绑定后端服务器。");
      } else {
        for (std::size_t i = 0; i < list->size(); ++i) {
          const std::string at = path + ".backends[" + std::to_string(i) + "]";
          std::optional<Resource> backend = Read((*list)[i], at, true, ids);
          if (backend && backend->account != r.account) {
            out_.Add(at + ".account", "resource-import.parent",
                     "A server is bound behind a load balancer of its own account.",
                     "负载均衡与其后端服务器须属于同一账号。");
          } else if (backend && backend->kind == ResourceKind::kClb) {
            out_.Add(at + ".kind", "resource-import.parent",
                     "A load balancer is not bound behind another.",
                     "负载均衡不能绑定在另一个负载均衡之后。");
          } else if (backend) {
            r.backends.push_back(std::move(*backend));
          }
        }
      }
    }
    if (out_.size() != before) return std::nullopt;
    return r;
  }

 private:
  std::optional<std::string> Text(const json::object& o, std::string_view key,
                                  const std::string& path, bool required) {
    const json::value* v = o.if_contains(key);
    const std::string field = path + "." + std::string(key);
    if (v == nullptr || v->is_null()) {
      if (required) out_.Add(field, "required", "必填");
      return std::nullopt;
    }
    if (!v->is_string()) {
      out_.Add(field, "text", "须为字符串");
      return std::nullopt;
    }
    return std::string(v->get_string());
  }

  std::optional<bool> Bool(const json::object& o, std::string_view key, const std::string& path,
                           bool required) {
    const json::value* v = o.if_contains(key);
    const std::string field = path + "." + std::string(key);
    if (v == nullptr || v->is_null()) {
      if (required) out_.Add(field, "required", "必填");
      return std::nullopt;
    }
    if (!v->is_bool()) {
      out_.Add(field, "true or false", "须为 true 或 false");
      return std::nullopt;
    }
    return v->get_bool();
  }

  void Purchased(const json::object& o, const std::string& path, Term& out) {
    const std::string field = path + ".purchased";
    const json::value* v = o.if_contains("purchased");
    const json::object* p = v == nullptr ? nullptr : v->if_object();
    if (p == nullptr) {
      out_.Add(field, "required: {\"count\": N, \"unit\": \"months\" | \"days\"}",
               "必填：{\"count\": 数量, \"unit\": \"months\" 或 \"days\"}");
      return;
    }
    for (const auto& [key, value] : *p) {
      if (key != "count" && key != "unit") {
        out_.Add(field + "." + std::string(key), "resource-import.unknown-field", "unknown field",
                 "未知字段");
      }
    }
    const json::value* count = p->if_contains("count");
    if (count == nullptr || !count->is_int64()) {
      out_.Add(field + ".count", "a whole number", "须为整数");
    } else if (count->get_int64() < 0 || count->get_int64() > 100000) {
      out_.Add(field + ".count", "from 0 to 100000", "须为 0 至 100000");
    } else {
      out.count = static_cast<int>(count->get_int64());
    }
    std::optional<std::string> unit = Text(*p, "unit", field, true);
    if (unit) {
      if (std::optional<TermUnit> u = Unit(*unit, field + ".unit", out_)) out.unit = *u;
    }
  }

  Problems& out_;
};

int Digits(std::string_view s, std::size_t at, std::size_t n, bool& ok) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') {
      ok = false;
      return 0;
    }
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

Result<std::chrono::sys_seconds> ParseRfc3339(std::string_view s) {
  auto bad = [&] {
    return InvalidValue(
        "time.rfc3339",
        "not an RFC 3339 time with seconds and offset: " + std::string(s.substr(0, 40)),
        "不是 RFC 3339 格式的时间");
  };
  if (s.size() < 20 || (s[10] != 'T' && s[10] != 't')) return bad();
  Result<Date> date = ParseIsoDate(s.substr(0, 10));
  if (!date) return bad();
  bool ok = s[13] == ':' && s[16] == ':';
  const int h = Digits(s, 11, 2, ok), m = Digits(s, 14, 2, ok), sec = Digits(s, 17, 2, ok);
  std::string_view zone = s.substr(19);
  if (zone.starts_with('.')) {  // fractional seconds are dropped
    std::size_t n = 1;
    while (n < zone.size() && zone[n] >= '0' && zone[n] <= '9') ++n;
    if (n == 1) return bad();
    zone.remove_prefix(n);
  }
  int offset = 0;
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    const int oh = Digits(zone, 1, 2, ok), om = Digits(zone, 4, 2, ok);
    if (oh > 23 || om > 59) ok = false;
    offset = (zone[0] == '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return bad();
  }
  if (!ok || h > 23 || m > 59 || sec > 59) return bad();
  const auto t = std::chrono::sys_days(*date) + std::chrono::hours(h) + std::chrono::minutes(m) +
                 std::chrono::seconds(sec) - std::chrono::minutes(offset);
  return std::chrono::time_point_cast<std::chrono::seconds>(t);
}

Result<std::vector<Resource>> ParseResourcesCsv(std::string_view text) {
  Result<std::vector<CsvRecord>> records = SplitCsv(text);
  if (!records) return std::unexpected(records.error());
  if (records->empty()) {
    return InvalidValue("resource-import.header", "the file is empty; it needs the header line",
                        "文件为空，须有表头行");
  }
  const CsvRecord& header = records->front();
  if (!std::ranges::equal(header.fields, kColumns)) {
    return InvalidFields({{"line[" + std::to_string(header.line) + "]", "resource-import.header",
                           "The header must be exactly: " + JoinNames(kColumns, ","),
                           "表头须为：" + JoinNames(kColumns, ",")}});
  }
  Problems out;
  std::vector<CsvRow> rows;
  for (std::size_t i = 1; i < records->size(); ++i) {
    if (std::optional<CsvRow> row = ReadCsvRow((*records)[i], out)) rows.push_back(std::move(*row));
  }
  if (!out.empty()) return InvalidFields(out.Take());
  std::vector<Resource> top = Nest(rows, out);
  if (!out.empty()) return InvalidFields(out.Take());
  return top;
}

Result<std::vector<Resource>> ParseResourcesJson(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) {
    return InvalidValue("document.json", "the body is not JSON: " + ec.message(),
                        "请求体不是有效的 JSON");
  }
  Problems out;
  const json::object* root = doc.if_object();
  const json::value* list_value = root == nullptr ? nullptr : root->if_contains("resources");
  const json::array* list = list_value == nullptr ? nullptr : list_value->if_array();
  if (list == nullptr) {
    return InvalidFields(
        {{"resources", "resource-import.invalid", "The body is {\"resources\": [...]}.",
          "请求体须为 {\"resources\": [...]}。"}});
  }
  for (const auto& [key, value] : *root) {
    if (key != "resources")
      out.Add(std::string(key), "resource-import.unknown-field", "unknown field", "未知字段");
  }
  if (list->size() > kMaxRows) {
    return InvalidValue("resource-import.size", "at most 100000 resources per import",
                        "每次最多导入 100000 个资源");
  }
  JsonRows rows(out);
  std::set<std::string> ids;
  std::vector<Resource> result;
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::optional<Resource> r =
        rows.Read((*list)[i], "resources[" + std::to_string(i) + "]", false, ids);
    if (r) result.push_back(std::move(*r));
  }
  if (!out.empty()) return InvalidFields(out.Take());
  return result;
}

}  // namespace icp::codec
