#include "miit/code_tables.h"

#include <charconv>

#include "base/check.h"
#include "base/strings.h"
#include "miit/wire_error.h"

namespace icp::embedded {
std::string_view miit_code_tables();  // data/miit/code_tables.tsv, by icp_embed_file()
}  // namespace icp::embedded

namespace icp::miit {
namespace {

std::optional<CodeTables::Origin> OriginFromName(std::string_view name) {
  if (name == "v3.0") return CodeTables::Origin::kV30;
  if (name == "form") return CodeTables::Origin::kForm;
  if (name == "beian-ext") return CodeTables::Origin::kBeianExt;
  if (name == "beian-own") return CodeTables::Origin::kBeianOwn;
  return std::nullopt;
}

}  // namespace

Result<CodeTables> CodeTables::Parse(std::string_view tsv) {
  CodeTables out;
  std::size_t number = 0;
  for (std::string_view line : Split(tsv, '\n')) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string_view> f = Split(line, '\t');
    std::string where = "code_tables.tsv:" + std::to_string(number);
    if (f.size() != 6) {
      return WireError(rule::kValue, where,
                       "a row has 6 tab-separated fields, this one " + std::to_string(f.size()));
    }
    Row row{std::string(f[0]), std::string(f[1]), 0, std::string(f[3]), Origin::kV30};
    auto [end, ec] = std::from_chars(f[2].data(), f[2].data() + f[2].size(), row.id);
    if (f[2].empty() || ec != std::errc() || end != f[2].data() + f[2].size()) {
      return WireError(rule::kValue, where, "the id \"" + std::string(f[2]) + "\" is not a number");
    }
    std::optional<Origin> origin = OriginFromName(f[4]);
    if (!origin) {
      return WireError(rule::kValue, where, "unknown origin \"" + std::string(f[4]) + "\"");
    }
    row.origin = *origin;
    if (out.Find(row.table, row.key) != nullptr) {
      return WireError(rule::kValue, where,
                       "the key \"" + row.key + "\" appears twice in table " + row.table);
    }
    out.rows_.push_back(std::move(row));
  }
  return out;
}

const CodeTables& CodeTables::Builtin() {
  static const CodeTables tables = [] {
    Result<CodeTables> parsed = Parse(embedded::miit_code_tables());
    ICP_CHECK(parsed.has_value()) << parsed.error().message;  // compiled in: a bug if bad
    return *std::move(parsed);
  }();
  return tables;
}

const CodeTables::Row* CodeTables::Find(std::string_view table, std::string_view key) const {
  for (const Row& row : rows_) {
    if (row.table == table && row.key == key) return &row;
  }
  return nullptr;
}

const CodeTables::Row* CodeTables::FindId(std::string_view table, std::int64_t id) const {
  for (const Row& row : rows_) {
    if (row.table == table && row.id == id) return &row;
  }
  return nullptr;
}

std::vector<const CodeTables::Row*> CodeTables::Rows(std::string_view table) const {
  std::vector<const Row*> out;
  for (const Row& row : rows_) {
    if (row.table == table) out.push_back(&row);
  }
  return out;
}

}  // namespace icp::miit
