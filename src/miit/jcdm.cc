#include "miit/jcdm.h"

#include <algorithm>
#include <set>
#include <utility>

namespace icp::miit {
namespace {

// Which of our tables travel in which JCDM container (§5.5's rows 3, 9, 10-13, 16-19).
constexpr std::pair<std::string_view, std::string_view> kContainers[] = {
    {"subject_nature", "Dwxz_dms"},
    {"certificate", "Zjlx_dms"},
    {"leader_certificate", "Zjlx_dms"},
    {"pre_approval", "Wzjylx_dms"},
    {"service_content", "Wzfwlx_dms"},
    {"access_method", "Wzjrfs_dms"},
    {"cancellation_reason", "Zxly_dms"},
    {"unfiled_site_state", "Wbacl_dms"},
    {"attachment_format", "Fjwjgs_dms"},
    {"attachment_purpose", "Fjytlx_dms"},
    {"language", "Yylb_dms"},
};

std::string_view OriginRemark(CodeTables::Origin origin) {
  switch (origin) {
    case CodeTables::Origin::kBeianExt:
      return "beian-ext";
    case CodeTables::Origin::kBeianOwn:
      return "beian-own";
    default:
      return "";
  }
}

// Our rows of `container`, one per id (the first), in file order; without the Beian
// extensions unless `extensions`.
std::vector<const CodeTables::Row*> RowsOf(const CodeTables& tables, std::string_view container,
                                           bool extensions) {
  std::vector<const CodeTables::Row*> out;
  std::set<std::int64_t> seen;
  for (const auto& [table, c] : kContainers) {
    if (c != container) continue;
    for (const CodeTables::Row* row : tables.Rows(table)) {
      if (!extensions && row->origin == CodeTables::Origin::kBeianExt) continue;
      if (seen.insert(row->id).second) out.push_back(row);
    }
  }
  return out;
}

CodeEntry EntryOf(std::string_view container, const CodeTables::Row& row) {
  CodeEntry e{std::string(container), row.id, row.label, std::nullopt, true};
  if (std::string_view remark = OriginRemark(row.origin); !remark.empty()) {
    e.remark = std::string(remark);
  }
  return e;
}

}  // namespace

std::string_view JcdmContainerOf(std::string_view table) {
  for (const auto& [t, container] : kContainers) {
    if (t == table) return container;
  }
  return {};
}

std::vector<CodeEntry> PublishedCodes(const CodeTables& tables, bool extensions) {
  std::vector<CodeEntry> out;
  for (const CodeContainer& c : CodeContainers()) {
    for (const CodeTables::Row* row : RowsOf(tables, c.table, extensions)) {
      out.push_back(EntryOf(c.table, *row));
    }
  }
  return out;
}

std::vector<CodeDifference> CompareCodes(const CodeTables& tables,
                                         std::span<const CodeEntry> codes) {
  using Kind = CodeDifference::Kind;
  std::vector<CodeDifference> out;
  for (const CodeContainer& c : CodeContainers()) {
    const bool sent = std::any_of(codes.begin(), codes.end(),
                                  [&](const CodeEntry& e) { return e.table == c.table; });
    // Every id of ours in this container, extensions included: a Beian extension the bureau
    // publishes is known here.
    const std::vector<const CodeTables::Row*> ours = RowsOf(tables, c.table, true);
    if (!sent || ours.empty()) continue;
    for (const CodeEntry& e : codes) {
      if (e.table != c.table) continue;
      auto row = std::find_if(ours.begin(), ours.end(),
                              [&](const CodeTables::Row* r) { return r->id == e.id; });
      if (row == ours.end()) {
        if (e.in_force) out.push_back({Kind::kUnknown, e, ""});
      } else if (!e.in_force) {
        out.push_back({Kind::kRetired, e, (*row)->label});
      } else if (e.name != (*row)->label) {
        out.push_back({Kind::kRenamed, e, (*row)->label});
      }
    }
    for (const CodeTables::Row* row : ours) {
      if (row->origin == CodeTables::Origin::kBeianExt) continue;
      const bool listed = std::any_of(codes.begin(), codes.end(), [&](const CodeEntry& e) {
        return e.table == c.table && e.id == row->id;
      });
      if (!listed) out.push_back({Kind::kMissing, EntryOf(c.table, *row), row->label});
    }
  }
  return out;
}

std::string Describe(const CodeDifference& d) {
  const std::string code =
      "JCDM " + d.entry.table + " " + std::to_string(d.entry.id) + " «" + d.entry.name + "»";
  switch (d.kind) {
    case CodeDifference::Kind::kUnknown:
      return code +
             ": in force at the bureau, not in Beian's code tables (data/miit/"
             "code_tables.tsv)";
    case CodeDifference::Kind::kRenamed:
      return code + ": Beian's label is «" + d.ours + "»";
    case CodeDifference::Kind::kRetired:
      return code + ": retired by the bureau (Sfyx 0); Beian still offers it";
    case CodeDifference::Kind::kMissing:
      return code + ": Beian offers it, the bureau's table does not list it";
  }
  return code;
}

}  // namespace icp::miit
