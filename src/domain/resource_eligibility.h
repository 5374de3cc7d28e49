#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "domain/resource.h"

namespace icp {

// Which cloud resources may back a filing, and when a server may hand out authorization
// codes (FACTS.md §8). Every number is a parameter: the defaults are Tencent Cloud's
// (FACTS.md §8.1), and the rules data fills the policy for a provider.
struct EligibilityPolicy {
  // Least time a prepaid resource must have been bought for, renewals included.
  // Tencent: "购买包月3个月及以上（包含续费）" [S0], FAQ "90 days" [S2, S3].
  // Alibaba (FACTS.md §8.2): ECS, 轻量, 云虚拟主机, ENS 3 months; 弹性Web托管 6; 建站市场 12
  // (first purchase, order ≥ 99 CNY); NAT网关 / IPv6转换 1. Huawei (§8.3): ECS and Flexus
  // 3 months; 专属云 1 year.
  Term min_purchased{3, TermUnit::kMonths};

  // Least validity left while the filing runs: "备案期间剩余有效期需大于（含）1个月" [S0];
  // the FAQ says 30 days. Inclusive: exactly this much left is enough. Alibaba and Huawei
  // state no such minimum in the sources found.
  Term min_remaining{1, TermUnit::kMonths};

  // A month counted in days when one term is in months and the other in days; the FAQ
  // restates 3 months as 90 days and 1 month as 30 days (FACTS.md §8.1).
  int days_per_month = 30;

  // Least time bought before a server may generate authorization codes. TQ 备案授权码.md
  // writes "actual purchase > 3 months" where S0 writes "3个月及以上" for filing itself; we
  // read both as "at least": a server that may back a filing may also lend itself.
  Term min_purchased_for_codes{3, TermUnit::kMonths};

  // Codes per server instance: Tencent 5 ("≤ 5", TQ 备案授权码.md), Huawei 5 (§8.3).
  // Alibaba's 备案服务号 (§8.2): 5 per ECS, 轻量 and ENS; 2 for NAT网关; 1 for 建站市场.
  // Codes that became invalid do not count.
  int max_codes_per_server = 5;

  // Tencent Lighthouse "不支持生成备案授权码" [S0]. Alibaba gives 轻量应用服务器 5 service
  // numbers per server (§8.2), so an Alibaba policy sets this.
  bool lighthouse_generates_codes = false;

  // Tencent: only accounts with enterprise real-name verification generate codes
  // (TQ 备案授权码.md). Alibaba and Huawei state no such limit in the sources found.
  bool personal_accounts_generate_codes = false;
};

// The real-name verification of the account that owns a server (and so generates its codes).
enum class AccountVerification { kNone, kPersonal, kEnterprise };

std::string_view AccountVerificationName(AccountVerification v);  // "none", "personal", ...
std::optional<AccountVerification> AccountVerificationFromName(std::string_view name);

// Every reason `resource` cannot back a filed website at `now`; empty when it can
// (FACTS.md §8.1). Each violation's field is `field` ("websites[0].resources[0]"); for a CLB
// whose backends all fail, theirs are at `field` + ".backends[i]". Rules:
//   resource.not-mainland, resource.no-public-ip (CVM), resource.pay-as-you-go,
//   resource.serverless-no-pack, resource.too-short, resource.expired, resource.no-expiry,
//   resource.remaining-too-short, resource.clb-without-cvm, resource.clb-backend-not-cvm
// Pay-as-you-go resources are not measured for term and validity, and an expired one is not
// told its remaining validity is short: those would repeat the same refusal.
std::vector<FieldViolation> ResourceRefusals(const Resource& resource,
                                             const EligibilityPolicy& policy,
                                             std::chrono::sys_seconds now, std::string_view field);

// Every reason `server`, owned by an account verified as `account`, may not generate one more
// authorization code at `now`. `existing` are the codes generated for it before. Rules:
//   auth-code.lighthouse, auth-code.clb, auth-code.serverless, auth-code.personal-account,
//   auth-code.limit, and the server conditions resource.not-mainland, resource.no-public-ip,
//   resource.pay-as-you-go, resource.too-short (against min_purchased_for_codes),
//   resource.expired, resource.no-expiry.
// A kind that cannot generate codes is told so (and about the account), not about conditions
// that could never make it able to.
std::vector<FieldViolation> CodeGenerationRefusals(const Resource& server,
                                                   AccountVerification account,
                                                   std::span<const AuthorizationCode> existing,
                                                   const EligibilityPolicy& policy,
                                                   std::chrono::sys_seconds now,
                                                   std::string_view field);

// Every reason a website cannot be filed with `code` at `now`: the code's own state
// (auth-code.used, auth-code.invalid) and who made it (auth-code.not-owner: not the server's
// owner); everything CodeGenerationRefusals would say of the server it points to, owned by an
// account verified as `owner`, with `server_codes` (every code pointing at the server; this
// one is left out) as the codes before it — so a code never carries more than its server
// could lend; and, as for a resource of one's own, ResourceRefusals of the server. Each rule
// is said once; resource.expired is reported as auth-code.server-expired.
// REQUIRES: server.id == code.server_id.
std::vector<FieldViolation> CodeUseRefusals(const AuthorizationCode& code, const Resource& server,
                                            AccountVerification owner,
                                            std::span<const AuthorizationCode> server_codes,
                                            const EligibilityPolicy& policy,
                                            std::chrono::sys_seconds now, std::string_view field);

// One authorization code named by one website of an application.
struct CodeUse {
  std::string code;
  std::size_t website = 0;       // index into Application::websites
  std::size_t domain_count = 0;  // domains of that website
  std::string field;             // "websites[0].resources[0]"
};

// One code = one website = one domain (FACTS.md §8.1). Rules: auth-code.one-website (a code
// already named by an earlier website of the application), auth-code.one-domain (the website
// naming a code lists more than one domain).
std::vector<FieldViolation> CodeSharingRefusals(std::span<const CodeUse> uses);

// Ok when `refusals` is empty; otherwise kFailedPrecondition listing them all: the resource
// exists but is not in a state that allows the filing.
Result<void> RefuseIfAny(std::vector<FieldViolation> refusals);

}  // namespace icp
