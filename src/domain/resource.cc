#include "domain/resource.h"

#include <string>

#include "base/enum_table.h"

namespace icp {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using std::chrono::year_month_day;

constexpr EnumTable<ResourceKind, 4> kKinds({{
    {ResourceKind::kCvm, "cvm", "云服务器"},
    {ResourceKind::kLighthouse, "lighthouse", "轻量应用服务器"},
    {ResourceKind::kServerlessPack, "serverless_pack", "Serverless 资源包"},
    {ResourceKind::kClb, "clb", "负载均衡"},
}});

constexpr EnumTable<BillingMode, 2> kBillingModes({{
    {BillingMode::kPrepaid, "prepaid", "包年包月"},
    {BillingMode::kPayAsYouGo, "pay_as_you_go", "按量计费"},
}});

constexpr EnumTable<AuthorizationCodeState, 3> kCodeStates({{
    {AuthorizationCodeState::kUnused, "unused", "未使用"},
    {AuthorizationCodeState::kUsed, "used", "已使用"},
    {AuthorizationCodeState::kInvalid, "invalid", "已失效"},
}});

// Regulations and providers count days and months on the civil calendar in China
// Standard Time, which has no daylight saving.
constexpr std::chrono::hours kChinaStandardTime{8};

}  // namespace

std::string_view ResourceKindName(ResourceKind kind) { return kKinds.Name(kind); }
std::string_view ResourceKindLabel(ResourceKind kind) { return kKinds.Label(kind); }
std::optional<ResourceKind> ResourceKindFromName(std::string_view name) {
  return kKinds.FromName(name);
}

std::string_view BillingModeName(BillingMode mode) { return kBillingModes.Name(mode); }
std::optional<BillingMode> BillingModeFromName(std::string_view name) {
  return kBillingModes.FromName(name);
}

std::string_view AuthorizationCodeStateName(AuthorizationCodeState state) {
  return kCodeStates.Name(state);
}
std::optional<AuthorizationCodeState> AuthorizationCodeStateFromName(std::string_view name) {
  return kCodeStates.FromName(name);
}

std::string TermText(Term term) {
  const bool one = term.count == 1;
  const char* unit =
      term.unit == TermUnit::kMonths ? (one ? " month" : " months") : (one ? " day" : " days");
  return std::to_string(term.count) + unit;
}

std::string TermTextZh(Term term) {
  return std::to_string(term.count) + (term.unit == TermUnit::kMonths ? "个月" : "天");
}

sys_seconds AddTerm(sys_seconds from, Term term) {
  if (term.unit == TermUnit::kDays) return from + days(term.count);
  const sys_seconds local = from + kChinaStandardTime;
  const sys_days day = std::chrono::floor<days>(local);
  const std::chrono::seconds time_of_day = local - day;
  year_month_day date = year_month_day(day) + std::chrono::months(term.count);
  if (!date.ok()) date = date.year() / date.month() / std::chrono::last;
  return sys_days(date) + time_of_day - kChinaStandardTime;
}

}  // namespace icp
