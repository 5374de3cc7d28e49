#include "domain/resource_eligibility.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace icp {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::string_view kField = "websites[0].resources[0]";

sys_seconds Cst(int y, unsigned m, unsigned d, int hour = 0) {
  return sys_days(std::chrono::year(y) / m / d) + std::chrono::hours(hour) - 8h;
}

const sys_seconds kNow = Cst(2025, 6, 15, 12);

// A CVM that meets every Tencent condition with room to spare.
Resource GoodCvm() {
  Resource r;
  r.id = "ins-2f8a1c";
  r.account = "100012345678";
  r.kind = ResourceKind::kCvm;
  r.region = {"ap-guangzhou", true};
  r.billing = BillingMode::kPrepaid;
  r.purchased = {12, TermUnit::kMonths};
  r.expires_at = Cst(2026, 3, 1);
  r.public_ip = "203.0.113.10";
  return r;
}

std::vector<std::string> Rules(const std::vector<FieldViolation>& v) {
  std::vector<std::string> out;
  for (const FieldViolation& f : v) out.push_back(f.rule);
  return out;
}

std::vector<FieldViolation> Check(const Resource& r, const EligibilityPolicy& p = {}) {
  return ResourceRefusals(r, p, kNow, kField);
}

// --- A resource of one's own (FACTS.md §8.1) ---

TEST(ResourceEligibility, AcceptsAQualifyingCvm) { EXPECT_THAT(Check(GoodCvm()), IsEmpty()); }

TEST(ResourceEligibility, RefusesARegionOutsideTheMainland) {
  Resource r = GoodCvm();
  r.region = {"ap-hongkong", false};
  std::vector<FieldViolation> v = Check(r);
  ASSERT_THAT(Rules(v), ElementsAre("resource.not-mainland"));
  EXPECT_EQ(v[0].field, kField);
  EXPECT_THAT(v[0].message_zh, HasSubstr("ap-hongkong"));
  EXPECT_THAT(v[0].message_zh, HasSubstr("中国大陆"));
}

TEST(ResourceEligibility, RefusesACvmWithoutAPublicIp) {
  Resource r = GoodCvm();
  r.public_ip.reset();
  EXPECT_THAT(Rules(Check(r)), ElementsAre("resource.no-public-ip"));
  r.public_ip = "";
  EXPECT_THAT(Rules(Check(r)), ElementsAre("resource.no-public-ip"));
}

TEST(ResourceEligibility, RefusesPayAsYouGoWithoutMeasuringItsTerm) {
  Resource r = GoodCvm();
  r.billing = BillingMode::kPayAsYouGo;
  r.purchased = {};
  r.expires_at.reset();
  std::vector<FieldViolation> v = Check(r);
  ASSERT_THAT(Rules(v), ElementsAre("resource.pay-as-you-go"));
  EXPECT_THAT(v[0].message_zh, HasSubstr("按量计费"));
  EXPECT_THAT(v[0].message_zh, HasSubstr("包年包月"));
}

TEST(ResourceEligibility, JudgesATrialServerByItsBillingMode) {
  Resource r = GoodCvm();
  r.trial = true;
  EXPECT_THAT(Check(r), IsEmpty());
  r.billing = BillingMode::kPayAsYouGo;
  std::vector<FieldViolation> v = Check(r);
  ASSERT_THAT(Rules(v), ElementsAre("resource.pay-as-you-go"));
  EXPECT_THAT(v[0].message_zh, HasSubstr("试用服务器按其计费模式判断"));
}

TEST(ResourceEligibility, AcceptsExactlyThreeMonthsBought) {
  Resource r = GoodCvm();
  r.purchased = {3, TermUnit::kMonths};
  EXPECT_THAT(Check(r), IsEmpty());
}

TEST(ResourceEligibility, RefusesLessThanThreeMonthsBought) {
  Resource r = GoodCvm();
  r.purchased = {2, TermUnit::kMonths};
  std::vector<FieldViolation> v = Check(r);
  ASSERT_THAT(Rules(v), ElementsAre("resource.too-short"));
  EXPECT_EQ(v[0].message_zh,
            "该资源累计购买时长（含续费）为2个月，需购买包年包月3个月及以上（包含续费）。");
}

TEST(ResourceEligibility, MeasuresATermBoughtInDaysAsTheFaqDoes) {
  // FAQ: "bought ≥ 90 days" for the 3 months of S0.
  Resource r = GoodCvm();
  r.purchased = {90, TermUnit::kDays};
  EXPECT_THAT(Check(r), IsEmpty());
  r.purchased = {89, TermUnit::kDays};
  EXPECT_THAT(Rules(Check(r)), ElementsAre("resource.too-short"));
}

TEST(ResourceEligibility, AcceptsExactlyOneMonthLeft) {
  Resource r = GoodCvm();
  r.expires_at = Cst(2025, 7, 15, 12);  // "大于（含）1个月" [S0]: inclusive
  EXPECT_THAT(Check(r), IsEmpty());
}

TEST(ResourceEligibility, RefusesLessThanOneMonthLeft) {
  Resource r = GoodCvm();
  r.expires_at = Cst(2025, 7, 15, 12) - 1s;
  std::vector<FieldViolation> v = Check(r);
  ASSERT_THAT(Rules(v), ElementsAre("resource.remaining-too-short"));
  EXPECT_THAT(v[0].message_zh, HasSubstr("2025-07-15"));
  EXPECT_THAT(v[0].message_zh, HasSubstr("续费"));
}

TEST(ResourceEligibility, CountsRemainingDaysWhenThePolicySaysDays) {
  EligibilityPolicy p;
  p.min_remaining = {30, TermUnit::kDays};
  Resource r = GoodCvm();
  r.expires_at = kNow + std::chrono::days(30);
  EXPECT_THAT(Check(r, p), IsEmpty());
  r.expires_at = kNow + std::chrono::days(30) - 1s;
  EXPECT_THAT(Rules(Check(r, p)), ElementsAre("resource.remaining-too-short"));
}

TEST(ResourceEligibility, RefusesAnExpiredResourceOnce) {
  Resource r = GoodCvm();
  r.expires_at = kNow;
  std::vector<FieldViolation> v = Check(r);
  ASSERT_THAT(Rules(v), ElementsAre("resource.expired"));
  EXPECT_THAT(v[0].message_zh, HasSubstr("2025-06-15"));
  r.expires_at = kNow + 1s;
  EXPECT_THAT(Rules(Check(r)), ElementsAre("resource.remaining-too-short"));
}

TEST(ResourceEligibility, RefusesAPrepaidResourceWithoutAnExpiryTime) {
  Resource r = GoodCvm();
  r.expires_at.reset();
  EXPECT_THAT(Rules(Check(r)), ElementsAre("resource.no-expiry"));
}

TEST(ResourceEligibility, HoldsLighthouseToTheSameTermsButNotToAPublicIp) {
  Resource r = GoodCvm();
  r.kind = ResourceKind::kLighthouse;
  r.public_ip.reset();  // S0 does not list a public IP for Lighthouse
  EXPECT_THAT(Check(r), IsEmpty());
  r.purchased = {1, TermUnit::kMonths};
  r.region = {"na-siliconvalley", false};
  EXPECT_THAT(Rules(Check(r)), ElementsAre("resource.not-mainland", "resource.too-short"));
  r.billing = BillingMode::kPayAsYouGo;
  EXPECT_THAT(Rules(Check(r)), ElementsAre("resource.not-mainland", "resource.pay-as-you-go"));
}

TEST(ResourceEligibility, AcceptsAServerlessResourcePack) {
  Resource pack;
  pack.kind = ResourceKind::kServerlessPack;
  pack.billing = BillingMode::kPrepaid;
  pack.purchased = {1, TermUnit::kMonths};
  pack.expires_at = kNow + std::chrono::days(3);
  EXPECT_THAT(Check(pack), IsEmpty());
}

TEST(ResourceEligibility, RefusesServerlessWithoutAPack) {
  Resource fn;
  fn.kind = ResourceKind::kServerlessPack;
  fn.billing = BillingMode::kPayAsYouGo;
  std::vector<FieldViolation> v = Check(fn);
  ASSERT_THAT(Rules(v), ElementsAre("resource.serverless-no-pack"));
  EXPECT_THAT(v[0].message_zh, HasSubstr("资源包"));
}

TEST(ResourceEligibility, RefusesAnExpiredServerlessPack) {
  Resource pack;
  pack.kind = ResourceKind::kServerlessPack;
  pack.expires_at = kNow - 1h;
  EXPECT_THAT(Rules(Check(pack)), ElementsAre("resource.expired"));
}

Resource Clb(std::vector<Resource> backends) {
  Resource clb;
  clb.id = "lb-8c1d";
  clb.kind = ResourceKind::kClb;
  clb.region = {"ap-shanghai", true};
  clb.billing = BillingMode::kPayAsYouGo;  // CLB is postpaid (TQ 备案授权码.md)
  clb.public_ip = "198.51.100.7";
  clb.backends = std::move(backends);
  return clb;
}

TEST(ResourceEligibility, AcceptsALoadBalancerWithAQualifyingCvmBehindIt) {
  EXPECT_THAT(Check(Clb({GoodCvm()})), IsEmpty());
}

TEST(ResourceEligibility, RefusesALoadBalancerWithNothingBehindIt) {
  std::vector<FieldViolation> v = Check(Clb({}));
  ASSERT_THAT(Rules(v), ElementsAre("resource.clb-without-cvm"));
  EXPECT_THAT(v[0].message_zh, HasSubstr("3个月"));
}

TEST(ResourceEligibility, SaysWhatIsWrongWithEachServerBehindALoadBalancer) {
  Resource short_cvm = GoodCvm();
  short_cvm.purchased = {1, TermUnit::kMonths};
  Resource lighthouse = GoodCvm();
  lighthouse.kind = ResourceKind::kLighthouse;
  std::vector<FieldViolation> v = Check(Clb({short_cvm, lighthouse}));
  std::vector<std::string> got;
  for (const FieldViolation& f : v) got.push_back(f.field + " " + f.rule);
  EXPECT_THAT(got,
              ElementsAre("websites[0].resources[0] resource.clb-without-cvm",
                          "websites[0].resources[0].backends[0] resource.too-short",
                          "websites[0].resources[0].backends[1] resource.clb-backend-not-cvm"));
}

TEST(ResourceEligibility, NeedsOnlyOneQualifyingCvmBehindALoadBalancer) {
  Resource expired = GoodCvm();
  expired.expires_at = kNow - 24h;
  EXPECT_THAT(Check(Clb({expired, GoodCvm()})), IsEmpty());
}

TEST(ResourceEligibility, RefusesALoadBalancerOutsideTheMainland) {
  Resource clb = Clb({GoodCvm()});
  clb.region = {"ap-hongkong", false};
  EXPECT_THAT(Rules(Check(clb)), ElementsAre("resource.not-mainland"));
}

TEST(ResourceEligibility, ReportsEveryRefusalAtOnce) {
  Resource r = GoodCvm();
  r.region = {"ap-hongkong", false};
  r.public_ip.reset();
  r.purchased = {2, TermUnit::kMonths};
  r.expires_at = kNow + std::chrono::days(10);
  std::vector<FieldViolation> v = Check(r);
  EXPECT_THAT(Rules(v), ElementsAre("resource.not-mainland", "resource.no-public-ip",
                                    "resource.too-short", "resource.remaining-too-short"));
  for (const FieldViolation& f : v) {
    EXPECT_EQ(f.field, kField);
    EXPECT_FALSE(f.message.empty()) << f.rule;
    EXPECT_FALSE(f.message_zh.empty()) << f.rule;
  }
}

TEST(ResourceEligibility, TakesItsNumbersFromThePolicy) {
  // Alibaba 弹性Web托管 needs 6 months (FACTS.md §8.2).
  EligibilityPolicy p;
  p.min_purchased = {6, TermUnit::kMonths};
  p.min_remaining = {2, TermUnit::kMonths};
  Resource r = GoodCvm();
  r.purchased = {5, TermUnit::kMonths};
  r.expires_at = Cst(2025, 8, 15, 12) - 1s;
  std::vector<FieldViolation> v = Check(r, p);
  ASSERT_THAT(Rules(v), ElementsAre("resource.too-short", "resource.remaining-too-short"));
  EXPECT_THAT(v[0].message_zh, HasSubstr("6个月"));
  EXPECT_THAT(v[1].message_zh, HasSubstr("2个月"));
}

TEST(ResourceEligibility, RefuseIfAnyListsEveryRefusal) {
  EXPECT_TRUE(RefuseIfAny({}).has_value());
  Resource r = GoodCvm();
  r.region = {"ap-hongkong", false};
  r.billing = BillingMode::kPayAsYouGo;
  Result<void> result = RefuseIfAny(Check(r));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(result.error().violations.size(), 2u);
}

// --- Authorization codes (FACTS.md §8.1, TQ 备案授权码.md) ---

std::vector<AuthorizationCode> Codes(int unused, int used = 0, int invalid = 0) {
  std::vector<AuthorizationCode> out;
  auto add = [&out](int n, AuthorizationCodeState s) {
    for (int i = 0; i < n; ++i) {
      out.push_back(
          {"code-" + std::to_string(out.size()), "ins-2f8a1c", "203.0.113.10", s, "100012345678"});
    }
  };
  add(unused, AuthorizationCodeState::kUnused);
  add(used, AuthorizationCodeState::kUsed);
  add(invalid, AuthorizationCodeState::kInvalid);
  return out;
}

std::vector<FieldViolation> Generate(const Resource& server,
                                     AccountVerification account = AccountVerification::kEnterprise,
                                     const std::vector<AuthorizationCode>& existing = {},
                                     const EligibilityPolicy& p = {}) {
  return CodeGenerationRefusals(server, account, existing, p, kNow, "server");
}

TEST(AuthorizationCode, AQualifyingCvmOfAnEnterpriseGeneratesCodes) {
  EXPECT_THAT(Generate(GoodCvm()), IsEmpty());
  EXPECT_THAT(Generate(GoodCvm(), AccountVerification::kEnterprise, Codes(2, 2)), IsEmpty());
}

TEST(AuthorizationCode, LighthouseCannotGenerateCodes) {
  Resource r = GoodCvm();
  r.kind = ResourceKind::kLighthouse;
  std::vector<FieldViolation> v = Generate(r);
  ASSERT_THAT(Rules(v), ElementsAre("auth-code.lighthouse"));
  EXPECT_EQ(v[0].field, "server");
  EXPECT_THAT(v[0].message_zh, HasSubstr("轻量应用服务器不支持生成备案授权码"));
}

TEST(AuthorizationCode, LighthouseGeneratesCodesWhereThePolicyAllows) {
  EligibilityPolicy alibaba;  // 轻量应用服务器: 5 service numbers per server (FACTS.md §8.2)
  alibaba.lighthouse_generates_codes = true;
  Resource r = GoodCvm();
  r.kind = ResourceKind::kLighthouse;
  EXPECT_THAT(Generate(r, AccountVerification::kEnterprise, {}, alibaba), IsEmpty());
}

TEST(AuthorizationCode, ALoadBalancerIpCannotGenerateCodes) {
  EXPECT_THAT(Rules(Generate(Clb({GoodCvm()}))), ElementsAre("auth-code.clb"));
}

TEST(AuthorizationCode, AServerlessPackCannotGenerateCodes) {
  Resource pack;
  pack.kind = ResourceKind::kServerlessPack;
  EXPECT_THAT(Rules(Generate(pack)), ElementsAre("auth-code.serverless"));
}

TEST(AuthorizationCode, OnlyEnterpriseVerifiedAccountsGenerateCodes) {
  EXPECT_THAT(Rules(Generate(GoodCvm(), AccountVerification::kPersonal)),
              ElementsAre("auth-code.personal-account"));
  EXPECT_THAT(Rules(Generate(GoodCvm(), AccountVerification::kNone)),
              ElementsAre("auth-code.personal-account"));
  EligibilityPolicy any_account;
  any_account.personal_accounts_generate_codes = true;
  EXPECT_THAT(Generate(GoodCvm(), AccountVerification::kPersonal, {}, any_account), IsEmpty());
}

TEST(AuthorizationCode, AllowsAtMostFiveCodesPerServer) {
  EXPECT_THAT(Generate(GoodCvm(), AccountVerification::kEnterprise, Codes(3, 1)), IsEmpty());
  std::vector<FieldViolation> v =
      Generate(GoodCvm(), AccountVerification::kEnterprise, Codes(3, 2));
  ASSERT_THAT(Rules(v), ElementsAre("auth-code.limit"));
  EXPECT_EQ(v[0].message_zh, "每台服务器最多生成5个备案授权码，该服务器已生成5个。");
}

TEST(AuthorizationCode, DoesNotCountInvalidCodesTowardsTheLimit) {
  EXPECT_THAT(Generate(GoodCvm(), AccountVerification::kEnterprise, Codes(2, 2, 3)), IsEmpty());
}

TEST(AuthorizationCode, TheGeneratingServerMustQualify) {
  Resource r = GoodCvm();
  r.region = {"ap-hongkong", false};  // "HK servers cannot"
  r.public_ip.reset();
  r.purchased = {2, TermUnit::kMonths};
  EXPECT_THAT(Rules(Generate(r)),
              ElementsAre("resource.not-mainland", "resource.no-public-ip", "resource.too-short"));
  r = GoodCvm();
  r.billing = BillingMode::kPayAsYouGo;
  EXPECT_THAT(Rules(Generate(r)), ElementsAre("resource.pay-as-you-go"));
  r = GoodCvm();
  r.expires_at = kNow - 1s;
  EXPECT_THAT(Rules(Generate(r)), ElementsAre("resource.expired"));
}

TEST(AuthorizationCode, GenerationNeedsThreeMonthsBoughtButNotAMonthLeft) {
  Resource r = GoodCvm();
  r.purchased = {3, TermUnit::kMonths};
  r.expires_at = kNow + std::chrono::days(3);
  EXPECT_THAT(Generate(r), IsEmpty());
}

TEST(AuthorizationCode, ReportsKindAndAccountTogether) {
  Resource r = GoodCvm();
  r.kind = ResourceKind::kLighthouse;
  EXPECT_THAT(Rules(Generate(r, AccountVerification::kPersonal, Codes(5))),
              ElementsAre("auth-code.lighthouse", "auth-code.personal-account"));
}

AuthorizationCode Code(AuthorizationCodeState state = AuthorizationCodeState::kUnused) {
  return {"a1b2c3d4", "ins-2f8a1c", "203.0.113.10", state, "100012345678"};
}

std::vector<FieldViolation> Use(const AuthorizationCode& code, const Resource& server,
                                AccountVerification owner = AccountVerification::kEnterprise,
                                const std::vector<AuthorizationCode>& server_codes = {}) {
  return CodeUseRefusals(code, server, owner, server_codes, {}, kNow, kField);
}

TEST(AuthorizationCode, AnUnusedCodeOnAValidServerCanBeUsed) {
  EXPECT_THAT(Use(Code(), GoodCvm()), IsEmpty());
}

TEST(AuthorizationCode, ACodeUsedInASuccessfulFilingCannotBeReused) {
  std::vector<FieldViolation> v = Use(Code(AuthorizationCodeState::kUsed), GoodCvm());
  ASSERT_THAT(Rules(v), ElementsAre("auth-code.used"));
  EXPECT_EQ(v[0].field, kField);
}

TEST(AuthorizationCode, AnInvalidCodeCannotBeUsed) {
  EXPECT_THAT(Rules(Use(Code(AuthorizationCodeState::kInvalid), GoodCvm())),
              ElementsAre("auth-code.invalid"));
}

TEST(AuthorizationCode, ACodeDiesWithItsServer) {
  Resource r = GoodCvm();
  r.expires_at = kNow - 1h;
  std::vector<FieldViolation> v = Use(Code(), r);
  ASSERT_THAT(Rules(v), ElementsAre("auth-code.server-expired"));
  EXPECT_THAT(v[0].message_zh, HasSubstr("授权码已失效"));
}

TEST(AuthorizationCode, TheServerBehindACodeMustStillQualifyForFiling) {
  Resource r = GoodCvm();
  r.expires_at = kNow + std::chrono::days(10);
  EXPECT_THAT(Rules(Use(Code(AuthorizationCodeState::kUsed), r)),
              ElementsAre("auth-code.used", "resource.remaining-too-short"));
}

// A code carries the eligibility of its server: whatever generation would have refused, use
// refuses too (FACTS.md §8.1, TQ 备案授权码.md).
TEST(AuthorizationCode, ACodeOnALighthouseCannotBeUsed) {
  Resource r = GoodCvm();
  r.kind = ResourceKind::kLighthouse;
  EXPECT_THAT(Rules(Generate(r)), ElementsAre("auth-code.lighthouse"));
  EXPECT_THAT(Rules(Use(Code(), r)), ElementsAre("auth-code.lighthouse"));
}

TEST(AuthorizationCode, ACodeOnALoadBalancerCannotBeUsed) {
  Resource clb = GoodCvm();
  clb.kind = ResourceKind::kClb;
  clb.backends = {GoodCvm()};
  EXPECT_THAT(Rules(Use(Code(), clb)), ElementsAre("auth-code.clb"));
}

TEST(AuthorizationCode, ACodeFromAPersonalAccountCannotBeUsed) {
  EXPECT_THAT(Rules(Use(Code(), GoodCvm(), AccountVerification::kPersonal)),
              ElementsAre("auth-code.personal-account"));
  EXPECT_THAT(Rules(Use(Code(), GoodCvm(), AccountVerification::kNone)),
              ElementsAre("auth-code.personal-account"));
}

TEST(AuthorizationCode, ACodeBeyondTheServersLimitCannotBeUsed) {
  std::vector<AuthorizationCode> five = Codes(5);
  five[0] = Code();  // this code and four others: within the limit
  EXPECT_THAT(Use(Code(), GoodCvm(), AccountVerification::kEnterprise, five), IsEmpty());
  std::vector<AuthorizationCode> six = Codes(6);
  six[0] = Code();  // five others besides it: it is one too many
  EXPECT_THAT(Rules(Use(Code(), GoodCvm(), AccountVerification::kEnterprise, six)),
              ElementsAre("auth-code.limit"));
  std::vector<AuthorizationCode> with_invalid = Codes(4, 0, 3);
  with_invalid.push_back(Code());  // invalid codes do not count
  EXPECT_THAT(Use(Code(), GoodCvm(), AccountVerification::kEnterprise, with_invalid), IsEmpty());
}

TEST(AuthorizationCode, ACodeNotGeneratedByTheServersOwnerCannotBeUsed) {
  AuthorizationCode code = Code();
  code.generated_by = "100099999999";
  EXPECT_THAT(Rules(Use(code, GoodCvm())), ElementsAre("auth-code.not-owner"));
}

TEST(AuthorizationCode, AServerBoughtTooShortToLendCannotStandBehindACode) {
  EligibilityPolicy strict;
  strict.min_purchased_for_codes = {6, TermUnit::kMonths};
  Resource r = GoodCvm();
  r.purchased = {4, TermUnit::kMonths};  // enough to file on, not to lend under this policy
  EXPECT_THAT(ResourceRefusals(r, strict, kNow, kField), IsEmpty());
  EXPECT_THAT(
      Rules(CodeUseRefusals(Code(), r, AccountVerification::kEnterprise, {}, strict, kNow, kField)),
      ElementsAre("resource.too-short"));
}

TEST(AuthorizationCode, OneCodeServesOneWebsite) {
  const std::vector<CodeUse> uses = {{"a1b2", 0, 1, "websites[0].resources[0]"},
                                     {"c3d4", 1, 1, "websites[1].resources[0]"},
                                     {"a1b2", 2, 1, "websites[2].resources[0]"}};
  std::vector<FieldViolation> v = CodeSharingRefusals(uses);
  ASSERT_THAT(Rules(v), ElementsAre("auth-code.one-website"));
  EXPECT_EQ(v[0].field, "websites[2].resources[0]");
  EXPECT_THAT(v[0].message_zh, HasSubstr("websites[0]"));
}

TEST(AuthorizationCode, OneCodeServesOneDomain) {
  const std::vector<CodeUse> uses = {{"a1b2", 0, 2, "websites[0].resources[0]"}};
  EXPECT_THAT(Rules(CodeSharingRefusals(uses)), ElementsAre("auth-code.one-domain"));
}

TEST(AuthorizationCode, DistinctCodesForDistinctWebsitesAreFine) {
  const std::vector<CodeUse> uses = {{"a1b2", 0, 1, "websites[0].resources[0]"},
                                     {"c3d4", 1, 1, "websites[1].resources[0]"}};
  EXPECT_THAT(CodeSharingRefusals(uses), IsEmpty());
}

}  // namespace
}  // namespace icp
