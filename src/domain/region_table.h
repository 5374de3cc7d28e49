#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"

namespace icp {

// GB/T 2260 administrative division codes with their history: every code that exists or
// existed, each with the names it has carried and the years it carried them. Built from
// data/reference/cn_admin_division_codes.loc.dat (python-stdnum's loc.dat format).
class RegionTable {
 public:
  struct Name {
    std::string name;
    int from_year = 0;  // 0: since before the records
    int to_year = 0;    // 0: still in use
  };

  // Parses loc.dat text. kInvalidArgument naming the line on malformed input.
  static Result<RegionTable> Parse(std::string_view text);

  // The table compiled into the binary, parsed once on first use.
  static const RegionTable& Builtin();

  // True if the six-digit code exists or existed.
  bool Contains(std::string_view code) const;

  // The names a code has carried; empty if the code is unknown.
  const std::vector<Name>& Names(std::string_view code) const;

  // The name in force in `year`, else the latest one; "" for an unknown code.
  std::string NameIn(std::string_view code, int year) const;

  // "广东省 深圳市 盐田区": province, prefecture and county names where they differ.
  std::string FullNameIn(std::string_view code, int year) const;

  std::size_t size() const { return codes_.size(); }

 private:
  RegionTable() = default;

  std::unordered_map<int, std::vector<Name>> codes_;
};

}  // namespace icp
