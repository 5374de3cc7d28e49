#include "ports/gate_repository.h"

#include <array>
#include <utility>

namespace icp {
namespace {

constexpr std::array<std::pair<GateList, std::string_view>, 3> kNames = {{
    {GateList::kBlacklist, "blacklist"},
    {GateList::kIllegalAccess, "illegal_access"},
    {GateList::kUnfiled, "unfiled"},
}};

}  // namespace

std::string_view GateListName(GateList list) {
  for (const auto& [l, name] : kNames) {
    if (l == list) return name;
  }
  return "blacklist";
}

std::optional<GateList> GateListFromName(std::string_view name) {
  for (const auto& [l, n] : kNames) {
    if (n == name) return l;
  }
  return std::nullopt;
}

}  // namespace icp
