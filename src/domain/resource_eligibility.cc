#include "domain/resource_eligibility.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

#include "base/date.h"
#include "base/enum_table.h"

namespace icp {
namespace {

using std::chrono::sys_seconds;

constexpr EnumTable<AccountVerification, 3> kVerifications({{
    {AccountVerification::kNone, "none", "未实名认证"},
    {AccountVerification::kPersonal, "personal", "个人实名认证"},
    {AccountVerification::kEnterprise, "enterprise", "企业实名认证"},
}});

// Which conditions of FACTS.md §8.1 [S0] each kind must meet to back a filing.
struct KindRules {
  ResourceKind kind;
  bool mainland;   // in a mainland region
  bool public_ip;  // has a public IP ("有公网 IP 的服务器": said of CVMs)
  bool prepaid;    // billed 包年包月 (for Serverless: a resource pack, which is prepaid)
  bool term;       // bought ≥ min_purchased, and ≥ min_remaining left
  bool backends;   // files through a qualifying CVM bound behind it
};

// clang-format off
constexpr KindRules kKindRules[] = {
    // kind                         mainland public-ip prepaid term   backends
    {ResourceKind::kCvm,            true,    true,     true,   true,  false},
    {ResourceKind::kLighthouse,     true,    false,    true,   true,  false},
    {ResourceKind::kServerlessPack, false,   false,    true,   false, false},
    {ResourceKind::kClb,            true,    false,    false,  false, true},
};
// clang-format on

const KindRules& RulesOf(ResourceKind kind) {
  return *std::find_if(std::begin(kKindRules), std::end(kKindRules),
                       [kind](const KindRules& r) { return r.kind == kind; });
}

// The China Standard Time date of an instant, as customers read expiry dates.
std::string CstDate(sys_seconds t) {
  return FormatIsoDate(Date(std::chrono::floor<std::chrono::days>(t + std::chrono::hours(8))));
}

// Whether `have` is at least `need`; across units a month is `days_per_month` days.
bool AtLeast(Term have, Term need, int days_per_month) {
  if (have.unit == need.unit) return have.count >= need.count;
  auto in_days = [days_per_month](Term t) {
    return t.unit == TermUnit::kDays ? t.count : t.count * days_per_month;
  };
  return in_days(have) >= in_days(need);
}

class Refusals {
 public:
  explicit Refusals(std::string_view field) : field_(field) {}

  void Add(std::string_view rule, std::string message, std::string message_zh) {
    list_.push_back({field_, std::string(rule), std::move(message), std::move(message_zh)});
  }
  void Append(std::vector<FieldViolation> more) {
    for (FieldViolation& v : more) list_.push_back(std::move(v));
  }
  const std::string& field() const { return field_; }
  std::vector<FieldViolation> Take() { return std::move(list_); }

 private:
  std::string field_;
  std::vector<FieldViolation> list_;
};

void CheckMainland(const Resource& r, Refusals& out) {
  if (r.region.mainland) return;
  out.Add("resource.not-mainland",
          "The resource is in region " + r.region.id +
              ", outside the Chinese mainland; only mainland resources can back a filing.",
          "该资源所在地域（" + r.region.id + "）不在中国大陆，只有中国大陆地域的资源可用于备案。");
}

void CheckPublicIp(const Resource& r, Refusals& out) {
  if (r.public_ip && !r.public_ip->empty()) return;
  out.Add("resource.no-public-ip", "The server has no public IP; filing needs one.",
          "该服务器没有公网 IP，备案需使用有公网 IP 的服务器。");
}

// True when the resource is prepaid and so may be measured for term and validity.
bool CheckPrepaid(const Resource& r, Refusals& out) {
  if (r.billing == BillingMode::kPrepaid) return true;
  if (r.kind == ResourceKind::kServerlessPack) {
    out.Add("resource.serverless-no-pack",
            "Filing on Serverless needs a Serverless resource pack; pay-as-you-go functions "
            "cannot back a filing.",
            "通过 Serverless 备案需购买 Serverless 资源包，按量计费的云函数不支持备案。");
    return false;
  }
  // A trial is judged by its billing mode [S2]; say so, since customers expect otherwise.
  const std::string trial_zh = r.trial ? "试用服务器按其计费模式判断能否备案：" : "";
  out.Add("resource.pay-as-you-go",
          std::string(r.trial ? "Trial servers are judged by their billing mode: " : "") +
              "pay-as-you-go resources cannot back a filing; it must be prepaid (monthly or "
              "yearly).",
          trial_zh + "按量计费的资源不支持备案，计费模式需为包年包月。");
  return false;
}

void CheckPurchased(const Resource& r, Term need, const EligibilityPolicy& policy, Refusals& out) {
  if (AtLeast(r.purchased, need, policy.days_per_month)) return;
  out.Add("resource.too-short",
          "The resource was bought for " + TermText(r.purchased) +
              " in total (renewals included); it needs at least " + TermText(need) + ".",
          "该资源累计购买时长（含续费）为" + TermTextZh(r.purchased) + "，需购买包年包月" +
              TermTextZh(need) + "及以上（包含续费）。");
}

// True when the resource has expired by `now`.
bool CheckExpired(const Resource& r, sys_seconds now, Refusals& out) {
  if (!r.expires_at || now < *r.expires_at) return false;
  const std::string date = CstDate(*r.expires_at);
  out.Add("resource.expired",
          "The resource expired on " + date + "; an expired resource cannot back a filing.",
          "该资源已于" + date + "到期，已到期的资源不能用于备案，请续费后再操作。");
  return true;
}

void CheckKnownExpiry(const Resource& r, Refusals& out) {
  if (r.expires_at) return;
  out.Add("resource.no-expiry",
          "The resource's expiry time is unknown, so its validity cannot be checked.",
          "未获取到该资源的到期时间，无法核对其有效期。");
}

void CheckRemaining(const Resource& r, const EligibilityPolicy& policy, sys_seconds now,
                    Refusals& out) {
  if (!r.expires_at || AddTerm(now, policy.min_remaining) <= *r.expires_at) return;
  const std::string date = CstDate(*r.expires_at);
  const Term need = policy.min_remaining;
  out.Add("resource.remaining-too-short",
          "The resource expires on " + date + ", less than " + TermText(need) +
              " from now; it must stay valid at least that long during filing: renew it first.",
          "该资源将于" + date + "到期，剩余有效期不足" + TermTextZh(need) +
              "；备案期间剩余有效期需大于（含）" + TermTextZh(need) + "，请续费后再备案。");
}

std::string BackendField(std::string_view field, std::size_t i) {
  return std::string(field) + ".backends[" + std::to_string(i) + "]";
}

// A CLB files through the CVMs bound behind it [S0]: one that qualifies is enough. When
// none does, each backend's own refusals say what to fix.
void CheckBackends(const Resource& clb, const EligibilityPolicy& policy, sys_seconds now,
                   Refusals& out) {
  std::vector<FieldViolation> backend_refusals;
  for (std::size_t i = 0; i < clb.backends.size(); ++i) {
    const Resource& backend = clb.backends[i];
    const std::string path = BackendField(out.field(), i);
    if (backend.kind != ResourceKind::kCvm) {
      backend_refusals.push_back({path, "resource.clb-backend-not-cvm",
                                  "Only a CVM behind a load balancer can back a filing.",
                                  "负载均衡实例需绑定云服务器，该后端不是云服务器。"});
      continue;
    }
    std::vector<FieldViolation> r = ResourceRefusals(backend, policy, now, path);
    if (r.empty()) return;
    for (FieldViolation& v : r) backend_refusals.push_back(std::move(v));
  }
  out.Add("resource.clb-without-cvm",
          "A load balancer can back a filing only with a qualifying CVM bound behind it "
          "(mainland, public IP, prepaid for at least " +
              TermText(policy.min_purchased) + " with at least " + TermText(policy.min_remaining) +
              " left).",
          "负载均衡实例需绑定符合备案条件的云服务器（中国大陆地域、有公网 IP、包年包月购买" +
              TermTextZh(policy.min_purchased) + "及以上且剩余有效期大于（含）" +
              TermTextZh(policy.min_remaining) + "）。");
  out.Append(std::move(backend_refusals));
}

// Kinds that can never lend themselves through a code; nothing else needs saying then.
bool CheckKindGeneratesCodes(const Resource& server, const EligibilityPolicy& policy,
                             Refusals& out) {
  switch (server.kind) {
    case ResourceKind::kCvm:
      return true;
    case ResourceKind::kLighthouse:
      if (policy.lighthouse_generates_codes) return true;
      out.Add("auth-code.lighthouse", "Lighthouse instances cannot generate authorization codes.",
              "轻量应用服务器不支持生成备案授权码。");
      return false;
    case ResourceKind::kClb:
      out.Add("auth-code.clb",
              "A load balancer's IP cannot generate authorization codes; generate them on the "
              "CVM behind it.",
              "负载均衡的 IP 不能生成备案授权码，请使用其绑定的云服务器生成。");
      return false;
    case ResourceKind::kServerlessPack:
      out.Add("auth-code.serverless",
              "A Serverless resource pack is not a server and cannot generate authorization "
              "codes.",
              "Serverless 资源包不是服务器，不能生成备案授权码。");
      return false;
  }
  return false;
}

void CheckAccount(AccountVerification account, const EligibilityPolicy& policy, Refusals& out) {
  if (account == AccountVerification::kEnterprise || policy.personal_accounts_generate_codes) {
    return;
  }
  out.Add("auth-code.personal-account",
          "Only accounts with enterprise real-name verification can generate authorization "
          "codes.",
          "只有完成企业实名认证的账号才能生成备案授权码，个人认证账号不支持。");
}

void CheckLimit(std::span<const AuthorizationCode> existing, const EligibilityPolicy& policy,
                Refusals& out) {
  const auto counted = std::count_if(existing.begin(), existing.end(), [](const auto& c) {
    return c.state != AuthorizationCodeState::kInvalid;
  });
  if (counted < policy.max_codes_per_server) return;
  const std::string max = std::to_string(policy.max_codes_per_server);
  out.Add("auth-code.limit",
          "A server can generate at most " + max + " authorization codes, and this one has " +
              std::to_string(counted) + ".",
          "每台服务器最多生成" + max + "个备案授权码，该服务器已生成" + std::to_string(counted) +
              "个。");
}

// Whether `server`, owned by an account verified as `owner`, may stand behind one more
// authorization code at `now`, `others` being the codes generated for it besides that one.
// The one rule for lending (TQ 备案授权码.md): code generation asks it of a new code, and
// filing asks it again of the code it is given, so a code never lets through a filing its
// server could not have. False when the kind can never lend; then nothing else is said.
bool CheckLender(const Resource& server, AccountVerification owner,
                 std::span<const AuthorizationCode> others, const EligibilityPolicy& policy,
                 sys_seconds now, Refusals& out) {
  const bool can_generate = CheckKindGeneratesCodes(server, policy, out);
  CheckAccount(owner, policy, out);
  if (!can_generate) return false;
  CheckLimit(others, policy, out);
  // The generating server: mainland (HK servers cannot), prepaid, bought long enough,
  // public IP, still valid (TQ 备案授权码.md).
  CheckMainland(server, out);
  CheckPublicIp(server, out);
  if (CheckPrepaid(server, out)) {
    CheckPurchased(server, policy.min_purchased_for_codes, policy, out);
    if (!CheckExpired(server, now, out)) CheckKnownExpiry(server, out);
  }
  return true;
}

}  // namespace

std::string_view AccountVerificationName(AccountVerification v) { return kVerifications.Name(v); }
std::optional<AccountVerification> AccountVerificationFromName(std::string_view name) {
  return kVerifications.FromName(name);
}

std::vector<FieldViolation> ResourceRefusals(const Resource& resource,
                                             const EligibilityPolicy& policy, sys_seconds now,
                                             std::string_view field) {
  const KindRules& rules = RulesOf(resource.kind);
  Refusals out(field);
  if (rules.mainland) CheckMainland(resource, out);
  if (rules.public_ip) CheckPublicIp(resource, out);
  const bool prepaid = !rules.prepaid || CheckPrepaid(resource, out);
  const bool expired = CheckExpired(resource, now, out);
  if (rules.term && prepaid) {
    CheckPurchased(resource, policy.min_purchased, policy, out);
    if (!expired) {
      CheckKnownExpiry(resource, out);
      CheckRemaining(resource, policy, now, out);
    }
  }
  if (rules.backends) CheckBackends(resource, policy, now, out);
  return out.Take();
}

std::vector<FieldViolation> CodeGenerationRefusals(const Resource& server,
                                                   AccountVerification account,
                                                   std::span<const AuthorizationCode> existing,
                                                   const EligibilityPolicy& policy, sys_seconds now,
                                                   std::string_view field) {
  Refusals out(field);
  CheckLender(server, account, existing, policy, now, out);
  return out.Take();
}

std::vector<FieldViolation> CodeUseRefusals(const AuthorizationCode& code, const Resource& server,
                                            AccountVerification owner,
                                            std::span<const AuthorizationCode> server_codes,
                                            const EligibilityPolicy& policy, sys_seconds now,
                                            std::string_view field) {
  Refusals out(field);
  if (code.state == AuthorizationCodeState::kUsed) {
    out.Add("auth-code.used",
            "This authorization code was used in a successful filing and cannot be used again.",
            "该备案授权码已用于成功的备案，不能重复使用。");
  }
  if (code.state == AuthorizationCodeState::kInvalid) {
    out.Add("auth-code.invalid",
            "This authorization code is no longer valid; ask the server's owner for a new one.",
            "该备案授权码已失效，请联系服务器所有者重新生成。");
  }
  if (code.generated_by != server.account) {
    out.Add("auth-code.not-owner",
            "This authorization code was generated by account \"" + code.generated_by +
                "\", which does not own the server it points to (\"" + server.account +
                "\"); only a server's owner can lend it.",
            "该备案授权码的生成账号（" + code.generated_by + "）不是其对应服务器的所有者（" +
                server.account + "），只有服务器所有者才能生成授权码。");
  }
  // The code carries no more than its server could lend: the very rule code generation
  // applies (kind, owner's verification, codes per server, the generating conditions), with
  // this code's siblings as the codes generated before it.
  std::vector<AuthorizationCode> others;
  for (const AuthorizationCode& c : server_codes) {
    if (c.code != code.code) others.push_back(c);
  }
  Refusals lender(field);
  const bool lends = CheckLender(server, owner, others, policy, now, lender);
  std::vector<FieldViolation> refusals = lender.Take();
  // And, as for a resource of one's own, the server must back a filing now.
  if (lends) {
    for (FieldViolation& v : ResourceRefusals(server, policy, now, field)) {
      const bool said =
          std::ranges::any_of(refusals, [&v](const FieldViolation& r) { return r.rule == v.rule; });
      if (!said) refusals.push_back(std::move(v));
    }
  }
  for (FieldViolation& v : refusals) {
    if (v.rule != "resource.expired") continue;
    // The code dies with its server; say it in the code's terms.
    const std::string date = CstDate(*server.expires_at);
    v.rule = "auth-code.server-expired";
    v.message = "The server this authorization code points to expired on " + date +
                ", so the code is no longer valid.";
    v.message_zh = "该备案授权码对应的服务器已于" + date + "到期，授权码已失效。";
  }
  out.Append(std::move(refusals));
  return out.Take();
}

std::vector<FieldViolation> CodeSharingRefusals(std::span<const CodeUse> uses) {
  std::vector<FieldViolation> out;
  for (std::size_t i = 0; i < uses.size(); ++i) {
    const CodeUse& use = uses[i];
    const auto first = std::find_if(
        uses.begin(), uses.begin() + static_cast<std::ptrdiff_t>(i),
        [&use](const CodeUse& u) { return u.code == use.code && u.website != use.website; });
    if (first != uses.begin() + static_cast<std::ptrdiff_t>(i)) {
      const std::string other = "websites[" + std::to_string(first->website) + "]";
      out.push_back(
          {use.field, "auth-code.one-website",
           "An authorization code serves one website, and " + other + " already uses this one.",
           "一个备案授权码只能用于一个网站，该授权码已用于本订单的" + other + "。"});
    }
    if (use.domain_count > 1) {
      out.push_back({use.field, "auth-code.one-domain",
                     "A website filed with an authorization code may list only one domain.",
                     "使用备案授权码备案的网站只能填写一个域名。"});
    }
  }
  return out;
}

Result<void> RefuseIfAny(std::vector<FieldViolation> refusals) {
  if (refusals.empty()) return {};
  Error error = InvalidFields(std::move(refusals)).error();
  error.code = ErrorCode::kFailedPrecondition;
  return std::unexpected(std::move(error));
}

}  // namespace icp
