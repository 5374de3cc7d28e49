#include "domain/resource.h"

#include <array>
#include <string>

namespace icp {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using std::chrono::year_month_day;

struct KindRow {
  ResourceKind kind;
  std::string_view name;
  std::string_view label;
};

constexpr std::array<KindRow, 4> kKinds = {{
    {ResourceKind::kCvm, "cvm", "云服务器"},
    {ResourceKind::kLighthouse, "lighthouse", "轻量应用服务器"},
    {ResourceKind::kServerlessPack, "serverless_pack", "Serverless 资源包"},
    {ResourceKind::kClb, "clb", "负载均衡"},
}};

struct BillingRow {
  BillingMode mode;
  std::string_view name;
};

constexpr std::array<BillingRow, 2> kBillingModes = {{
    {BillingMode::kPrepaid, "prepaid"},
    {BillingMode::kPayAsYouGo, "pay_as_you_go"},
}};

struct CodeStateRow {
  AuthorizationCodeState state;
  std::string_view name;
};

constexpr std::array<CodeStateRow, 3> kCodeStates = {{
    {AuthorizationCodeState::kUnused, "unused"},
    {AuthorizationCodeState::kUsed, "used"},
    {AuthorizationCodeState::kInvalid, "invalid"},
}};

// Regulations and providers count days and months on the civil calendar in China
// Standard Time, which has no daylight saving.
constexpr std::chrono::hours kChinaStandardTime{8};

}  // namespace

std::string_view ResourceKindName(ResourceKind kind) {
  for (const KindRow& r : kKinds) {
    if (r.kind == kind) return r.name;
  }
  return {};
}

std::string_view ResourceKindLabel(ResourceKind kind) {
  for (const KindRow& r : kKinds) {
    if (r.kind == kind) return r.label;
  }
  return {};
}

std::optional<ResourceKind> ResourceKindFromName(std::string_view name) {
  for (const KindRow& r : kKinds) {
    if (r.name == name) return r.kind;
  }
  return std::nullopt;
}

std::string_view BillingModeName(BillingMode mode) {
  for (const BillingRow& r : kBillingModes) {
    if (r.mode == mode) return r.name;
  }
  return {};
}

std::optional<BillingMode> BillingModeFromName(std::string_view name) {
  for (const BillingRow& r : kBillingModes) {
    if (r.name == name) return r.mode;
  }
  return std::nullopt;
}

std::string_view AuthorizationCodeStateName(AuthorizationCodeState state) {
  for (const CodeStateRow& r : kCodeStates) {
    if (r.state == state) return r.name;
  }
  return {};
}

std::optional<AuthorizationCodeState> AuthorizationCodeStateFromName(std::string_view name) {
  for (const CodeStateRow& r : kCodeStates) {
    if (r.name == name) return r.state;
  }
  return std::nullopt;
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
