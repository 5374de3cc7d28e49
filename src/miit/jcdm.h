#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "miit/code_tables.h"
#include "miit/messages.h"

namespace icp::miit {

// JCDM (基础代码, BUREAU-PROTOCOL.md §5.5): the code tables as the bureau publishes them
// (icp-bureau `codes send`) and as a provider checks them against its own (the gateway).
// Both ends read data/miit/code_tables.tsv (CodeTables).

// The JCDM container table `table` of code_tables.tsv travels in ("subject_nature" ->
// "Dwxz_dms", "certificate" and "leader_certificate" -> "Zjlx_dms"); "" for a table V3.0
// publishes none for (server_location, cloud_region, resource_access, ...).
std::string_view JcdmContainerOf(std::string_view table);

// The entries a bureau publishes from `tables`: one per container and id (the first row's
// label), in file order, all in force. Rows of origin beian-ext only when `extensions`
// (Beian's extended protocol), with Bz "beian-ext"; beian-own rows (V3.0 publishes no values)
// with Bz "beian-own".
std::vector<CodeEntry> PublishedCodes(const CodeTables& tables, bool extensions);

// What a provider finds when it checks a JCDM against `tables`, per container the file
// holds and that has tables of ours (regions, industries, reporting units... are not ours to
// check):
struct CodeDifference {
  enum class Kind {
    kUnknown,  // the bureau has a code in force that no row of ours has
    kRenamed,  // the bureau's name is not our label
    kRetired,  // the bureau keeps one of our codes with Sfyx 0: keep it for display only
    kMissing,  // one of our codes (not a Beian extension) the bureau's table lacks
  };
  Kind kind = Kind::kUnknown;
  CodeEntry entry;   // the bureau's (for kMissing: ours, as it would travel)
  std::string ours;  // our label (kRenamed, kRetired)

  friend bool operator==(const CodeDifference&, const CodeDifference&) = default;
};
std::vector<CodeDifference> CompareCodes(const CodeTables& tables,
                                         std::span<const CodeEntry> codes);

// "JCDM Dwxz_dms 21 «…»: not in Beian's code tables", for the operator.
std::string Describe(const CodeDifference& d);

}  // namespace icp::miit
