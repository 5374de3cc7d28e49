#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace icp::miit {

// The code tables (基础代码, BUREAU-PROTOCOL.md §5.5) as data: data/miit/code_tables.tsv,
// compiled in. Each row maps a key (Beian's name for a value, "unit_portal", "44",
// "enterprise/business_licence") in a table ("service_content", "server_location", ...) onto
// the id the wire carries, with the Chinese label and where the row comes from. Both ends use
// the same rows: the gateway to write ids, the stand-in to check and to publish them (JCDM).
class CodeTables {
 public:
  enum class Origin {
    kV30,       // known in V3.0's era
    kForm,      // MIIT's later web form, V3.0's numbering continued (FACTS.md §7)
    kBeianExt,  // later than V3.0: refused when strict
    kBeianOwn,  // V3.0 publishes no values; Beian's own rows
  };

  struct Row {
    std::string table;
    std::string key;
    std::int64_t id = 0;
    std::string label;
    Origin origin = Origin::kV30;
  };

  // Parses the TSV: table, key, id, label, origin, source; '#' lines are comments.
  // kInvalidArgument naming the line for a malformed row or a key given twice in a table.
  static Result<CodeTables> Parse(std::string_view tsv);
  // The compiled-in data/miit/code_tables.tsv, parsed once.
  static const CodeTables& Builtin();

  // The row of `key` in `table`; nullptr when there is none.
  const Row* Find(std::string_view table, std::string_view key) const;
  // The row of wire id `id` in `table`; nullptr when there is none.
  const Row* FindId(std::string_view table, std::int64_t id) const;
  // Every row of `table`, in file order.
  std::vector<const Row*> Rows(std::string_view table) const;

 private:
  std::vector<Row> rows_;
};

}  // namespace icp::miit
