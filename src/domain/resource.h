#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace icp {

// 接入资源: the cloud resource a website is served from, which the provider records as the
// access of the filing (FACTS.md §8). Whether a resource may back a filing is decided by
// resource_eligibility.h; this header only describes what the inventory knows about it.

// The products a website may be filed on (FACTS.md §8.1, Tencent's list in S0).
enum class ResourceKind {
  kCvm,             // 云服务器
  kLighthouse,      // 轻量应用服务器
  kServerlessPack,  // Serverless (SCF 云函数) 资源包
  kClb,             // 负载均衡: files through the CVMs bound behind it
};

std::string_view ResourceKindName(
    ResourceKind kind);  // "cvm", "lighthouse", "serverless_pack", "clb"
std::string_view ResourceKindLabel(ResourceKind kind);  // "云服务器", "轻量应用服务器", ...
std::optional<ResourceKind> ResourceKindFromName(std::string_view name);

// 计费模式. A trial server has one of these too, and is judged by it (FACTS.md §8.1 [S2]).
enum class BillingMode {
  kPrepaid,     // 包年包月
  kPayAsYouGo,  // 按量计费
};

std::string_view BillingModeName(BillingMode mode);  // "prepaid", "pay_as_you_go"
std::optional<BillingMode> BillingModeFromName(std::string_view name);

// A length of time as providers sell and state it: "3 个月", "90 天".
enum class TermUnit { kMonths, kDays };

struct Term {
  int count = 0;
  TermUnit unit = TermUnit::kMonths;

  friend bool operator==(const Term&, const Term&) = default;
};

std::string TermText(Term term);    // "3 months", "1 day"
std::string TermTextZh(Term term);  // "3个月", "90天"

// The instant `term` after `from`. Months are calendar months on the China Standard Time
// civil date, the day clamped to the month's last (Jan 31 + 1 month = Feb 28 or 29); days
// are 24 hours each.
std::chrono::sys_seconds AddTerm(std::chrono::sys_seconds from, Term term);

// A cloud region. Only mainland regions can back a filing; Hong Kong and abroad cannot.
struct Region {
  std::string id;  // "ap-guangzhou", "ap-hongkong"
  bool mainland = false;
};

// One resource from the provider's inventory.
struct Resource {
  std::string id;       // the instance id, "ins-2f8a1c"; what Website::resources holds
  std::string account;  // the account that owns it
  ResourceKind kind = ResourceKind::kCvm;
  Region region;
  BillingMode billing = BillingMode::kPrepaid;
  bool trial = false;  // bought as a trial; changes no outcome, only the wording
  Term purchased;      // total bought, renewals included (prepaid only)
  std::optional<std::chrono::sys_seconds> expires_at;  // prepaid resources and packs
  std::optional<std::string> public_ip;
  std::vector<Resource> backends;  // kClb only: the servers bound behind it
};

// 备案授权码 state (FACTS.md §8.1, TQ 备案授权码.md).
enum class AuthorizationCodeState {
  kUnused,   // never used, or its filing was abandoned: usable while the server is valid
  kUsed,     // used in a successful filing: never again
  kInvalid,  // withdrawn, or its server expired
};

std::string_view AuthorizationCodeStateName(AuthorizationCodeState state);  // "unused", ...
std::optional<AuthorizationCodeState> AuthorizationCodeStateFromName(std::string_view name);

// 备案授权码: a credential a server's owner generates so that another account (another
// subject; one account holds one subject) can file a website on that server. It points to
// the server's IP. One code serves one website with one domain.
struct AuthorizationCode {
  std::string code;
  std::string server_id;  // Resource::id of the server it points to
  std::string ip;         // the server IP it points to
  AuthorizationCodeState state = AuthorizationCodeState::kUnused;
  std::string generated_by;  // the account that generated it: the server's owner
  std::chrono::sys_seconds created_at{};
  // Who moved it out of kUnused and when: the redeeming account (kUsed) or the one that
  // revoked it (kInvalid). Set exactly when the state is not kUnused; never changed after.
  std::optional<std::string> closed_by = std::nullopt;
  std::optional<std::chrono::sys_seconds> closed_at = std::nullopt;

  friend bool operator==(const AuthorizationCode&, const AuthorizationCode&) = default;
};

}  // namespace icp
