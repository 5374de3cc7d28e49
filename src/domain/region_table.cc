#include "domain/region_table.h"

#include <charconv>

#include "base/check.h"
#include "base/strings.h"
#include "domain/embedded_data.h"

namespace icp {
namespace {

std::optional<int> ToCode(std::string_view code) {
  if (code.size() != 6 || !IsAsciiDigits(code)) return std::nullopt;
  int v = 0;
  std::from_chars(code.data(), code.data() + code.size(), v);
  return v;
}

// Parses "[1983-1987]威海市" or "东城区" or "[-1991]东郊区,[1992-]东丽区".
std::optional<std::vector<RegionTable::Name>> ParseNames(std::string_view value) {
  std::vector<RegionTable::Name> names;
  for (std::string_view part : Split(value, ',')) {
    RegionTable::Name n;
    if (!part.empty() && part.front() == '[') {
      const std::size_t close = part.find(']');
      const std::size_t dash = part.find('-');
      if (close == std::string_view::npos || dash == std::string_view::npos || dash > close) {
        return std::nullopt;
      }
      std::string_view from = part.substr(1, dash - 1);
      std::string_view to = part.substr(dash + 1, close - dash - 1);
      if ((!from.empty() && !IsAsciiDigits(from)) || (!to.empty() && !IsAsciiDigits(to))) {
        return std::nullopt;
      }
      if (!from.empty()) std::from_chars(from.data(), from.data() + from.size(), n.from_year);
      if (!to.empty()) std::from_chars(to.data(), to.data() + to.size(), n.to_year);
      part.remove_prefix(close + 1);
    }
    n.name = std::string(part);
    names.push_back(std::move(n));
  }
  return names;
}

// `key="value"` -> value.
std::optional<std::string_view> Attribute(std::string_view rest, std::string_view key) {
  const std::string prefix = std::string(key) + "=\"";
  if (!rest.starts_with(prefix) || !rest.ends_with('"')) return std::nullopt;
  return rest.substr(prefix.size(), rest.size() - prefix.size() - 1);
}

}  // namespace

Result<RegionTable> RegionTable::Parse(std::string_view text) {
  RegionTable table;
  int province = -1;
  int line_number = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    auto bad = [&] {
      return InvalidArgument("division codes line " + std::to_string(line_number) +
                             " is malformed: " + Quote(line, 60));
    };
    std::optional<std::string_view> value;
    std::string code;
    if (line.size() > 3 && IsAsciiDigits(line.substr(0, 2)) && line[2] == ' ') {
      value = Attribute(line.substr(3), "province");
      province = (line[0] - '0') * 10 + (line[1] - '0');
      code = std::string(line.substr(0, 2)) + "0000";
    } else if (line.size() > 7 && line.starts_with("  ") && IsAsciiDigits(line.substr(2, 4)) &&
               province >= 0) {
      value = Attribute(line.substr(7), "county");
      code = std::to_string(province) + std::string(line.substr(2, 4));
    }
    if (!value) return bad();
    std::optional<std::vector<Name>> names = ParseNames(*value);
    if (!names) return bad();
    std::vector<Name>& slot = table.codes_[*ToCode(code)];
    slot.insert(slot.end(), names->begin(), names->end());
  }
  if (table.codes_.empty()) return InvalidArgument("division codes: no entries");
  return table;
}

const RegionTable& RegionTable::Builtin() {
  static const RegionTable table = [] {
    Result<RegionTable> parsed = Parse(embedded::admin_division_codes());
    ICP_CHECK(parsed.has_value()) << "the compiled-in division codes do not parse: "
                                  << parsed.error().message;
    return std::move(*parsed);
  }();
  return table;
}

bool RegionTable::Contains(std::string_view code) const {
  std::optional<int> key = ToCode(code);
  return key && codes_.contains(*key);
}

const std::vector<RegionTable::Name>& RegionTable::Names(std::string_view code) const {
  static const std::vector<Name> kNone;
  std::optional<int> key = ToCode(code);
  if (!key) return kNone;
  auto it = codes_.find(*key);
  return it == codes_.end() ? kNone : it->second;
}

std::string RegionTable::NameIn(std::string_view code, int year) const {
  const std::vector<Name>& names = Names(code);
  for (const Name& n : names) {
    if ((n.from_year == 0 || n.from_year <= year) && (n.to_year == 0 || year <= n.to_year)) {
      return n.name;
    }
  }
  // Not in force that year (codes are reused and retired): the most recent name.
  const Name* latest = nullptr;
  for (const Name& n : names) {
    if (latest == nullptr || n.to_year == 0 ||
        (latest->to_year != 0 && n.to_year > latest->to_year)) {
      latest = &n;
    }
  }
  return latest ? latest->name : "";
}

std::string RegionTable::FullNameIn(std::string_view code, int year) const {
  if (code.size() != 6) return "";
  std::string province = NameIn(std::string(code.substr(0, 2)) + "0000", year);
  std::string prefecture = NameIn(std::string(code.substr(0, 4)) + "00", year);
  std::string county = NameIn(code, year);
  std::string out = province;
  auto add = [&](const std::string& part) {
    if (part.empty() || part == "市辖区" || part == "县" || out.ends_with(part)) return;
    if (!out.empty()) out += " ";
    out += part;
  };
  if (code.substr(2, 4) != "0000") add(prefecture);
  if (code.substr(4, 2) != "00") add(county);
  return out;
}

}  // namespace icp
