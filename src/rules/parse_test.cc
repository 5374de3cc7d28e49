#include "rules/parse.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace icp {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string File(const std::string& province, const std::string& checks) {
  return R"({"province": ")" + province + R"(", "version": "2026-01-01", "checks": [)" + checks +
         "]}";
}

std::string Messages(const Error& e) {
  std::string out;
  for (const FieldViolation& v : e.violations) out += v.field + ": " + v.message + "\n";
  return out;
}

TEST(ParseRuleFile, ReadsTheNationalFile) {
  Result<RuleFile> f = ParseRuleFile(
      Slurp(std::string(ICP_SOURCE_DIR) + "/data/rules/national.json"), "national.json");
  ASSERT_TRUE(f.has_value()) << Messages(f.error());
  EXPECT_EQ(f->province, "national");
  EXPECT_GT(f->checks.size(), 20u);
  EXPECT_EQ(f->parameter_overrides.at("bureau_review_working_days"), 20);
  EXPECT_EQ(f->reminder_days, (std::vector<int>{7, 15, 30}));
}

TEST(ParseRuleFile, TypesTheParametersOfEachKind) {
  Result<RuleFile> f = ParseRuleFile(
      File(
          "44",
          R"({"id": "44.age", "kind": "principal_min_age", "params": {"min_age": 16, "roles": ["website"], "alternative": "employment_proof"},
                     "when": {"subject": "individual", "application_types": ["first_filing"]},
                     "severity": "warning", "source": "test", "effective_from": "2020-01-01"})"),
      "44.json");
  ASSERT_TRUE(f.has_value()) << Messages(f.error());
  const Check& c = f->checks.at(0);
  const auto& p = std::get<checks::PrincipalMinAge>(c.params);
  EXPECT_EQ(p.min_age, 16);
  EXPECT_TRUE(p.website);
  EXPECT_FALSE(p.subject);
  EXPECT_EQ(p.alternative, MaterialKind::kEmploymentProof);
  EXPECT_EQ(c.severity, Severity::kWarning);
  EXPECT_EQ(c.when.individual, true);
  EXPECT_EQ(c.when.application_types, std::vector<ApplicationType>{ApplicationType::kFirstFiling});
  EXPECT_EQ(CheckKindName(c.params), "principal_min_age");
}

TEST(ParseRuleFile, ReportsEveryProblemWithFileAndCheckId) {
  Result<RuleFile> f = ParseRuleFile(
      File(
          "44",
          R"({"id": "44.a", "kind": "no_such_kind", "params": {}, "severity": "error", "source": "s"},
                    {"id": "44.b", "kind": "max_websites", "params": {"max": 0}, "severity": "error", "source": "s"},
                    {"id": "44.c", "kind": "material_required", "params": {"material": "photo", "owner": "subject", "extra": 1}, "severity": "error", "source": "s"},
                    {"id": "45.d", "kind": "registrable_domain_only", "params": {}, "severity": "fatal", "source": "s"},
                    {"id": "44.b", "kind": "registrable_domain_only", "params": {}, "severity": "error", "source": "s", "effective_from": "2020-13-01"})"),
      "44.json");
  ASSERT_FALSE(f.has_value());
  const std::string all = Messages(f.error());
  EXPECT_NE(all.find("44.json:44.a.kind: unknown kind \"no_such_kind\""), std::string::npos) << all;
  EXPECT_NE(all.find("44.json:44.b.params.max: must be an integer"), std::string::npos) << all;
  EXPECT_NE(all.find("unknown value \"photo\""), std::string::npos) << all;
  EXPECT_NE(all.find("unknown key \"extra\""), std::string::npos) << all;
  EXPECT_NE(all.find("does not start with \"44.\""), std::string::npos) << all;
  EXPECT_NE(all.find("must be \"error\" or \"warning\""), std::string::npos) << all;
  EXPECT_NE(all.find("the id is used twice"), std::string::npos) << all;
  EXPECT_NE(all.find("effective_from"), std::string::npos) << all;
}

TEST(ParseRuleFile, RefusesWhatIsNotARulesFile) {
  EXPECT_FALSE(ParseRuleFile("{", "x.json").has_value());
  EXPECT_FALSE(ParseRuleFile("[]", "x.json").has_value());
  EXPECT_FALSE(
      ParseRuleFile(R"({"province": "99", "version": "1", "checks": []})", "x.json").has_value());
  EXPECT_FALSE(ParseRuleFile(R"({"province": "44", "version": "1"})", "x.json").has_value());
  EXPECT_FALSE(
      ParseRuleFile(
          R"({"province": "44", "version": "1", "checks": [], "parameters": {"sms_hours": 3}})",
          "x.json")
          .has_value());
}

std::vector<RuleFile> AllProvinces(const std::string& extra_for_44 = "") {
  std::vector<RuleFile> out;
  for (Province p : Province::All()) {
    const std::string code(p.code());
    out.push_back(*ParseRuleFile(File(code, code == "44" ? extra_for_44 : ""), code + ".json"));
  }
  return out;
}

RuleFile National() {
  return *ParseRuleFile(
      File(
          "national",
          R"({"id": "national.one", "kind": "max_websites", "params": {"max": 10}, "severity": "error", "source": "s"})"),
      "national.json");
}

TEST(RuleSet, MergesNationalAndProvinceChecks) {
  Result<RuleSet> set = RuleSet::Build(
      National(),
      AllProvinces(
          R"({"id": "44.one", "kind": "max_websites", "params": {"max": 1}, "severity": "error", "source": "s", "replaces": "national.one"})"));
  ASSERT_TRUE(set.has_value()) << Messages(set.error());
  const ProvinceRules& gd = set->For(*Province::FromCode("44"));
  ASSERT_EQ(gd.checks.size(), 1u);
  EXPECT_EQ(gd.checks[0].id, "44.one");  // the national check is replaced
  EXPECT_EQ(set->For(*Province::FromCode("11")).checks.at(0).id, "national.one");
}

TEST(RuleSet, RefusesAMissingProvinceAndABadReplacement) {
  std::vector<RuleFile> provinces = AllProvinces(
      R"({"id": "44.x", "kind": "max_websites", "params": {"max": 1}, "severity": "error", "source": "s", "replaces": "national.nope"})");
  provinces.erase(provinces.begin());  // no Beijing
  Result<RuleSet> set = RuleSet::Build(National(), std::move(provinces));
  ASSERT_FALSE(set.has_value());
  const std::string all = Messages(set.error());
  EXPECT_NE(all.find("provinces/11.json: missing"), std::string::npos) << all;
  EXPECT_NE(all.find("replaces \"national.nope\""), std::string::npos) << all;
}

TEST(RuleSet, ProvinceParametersOverrideNationalOnes) {
  std::vector<RuleFile> provinces = AllProvinces();
  provinces[10] = *ParseRuleFile(
      R"({"province": "33", "version": "1", "parameters": {"bureau_review_working_days": 30}, "checks": []})",
      "33.json");
  RuleFile national = National();
  national.parameter_overrides["provider_review_working_days"] = 1;
  Result<RuleSet> set = RuleSet::Build(national, provinces);
  ASSERT_TRUE(set.has_value()) << Messages(set.error());
  EXPECT_EQ(set->For(*Province::FromCode("33")).parameters.bureau_review_working_days, 30);
  EXPECT_EQ(set->For(*Province::FromCode("33")).parameters.provider_review_working_days, 1);
  EXPECT_EQ(set->For(*Province::FromCode("44")).parameters.bureau_review_working_days, 20);
  const DeadlinePolicy zj = DeadlinePolicyOf(set->For(*Province::FromCode("33")).parameters);
  EXPECT_EQ(zj.bureau_review_working_days, 30);
  EXPECT_EQ(zj.provider_review_working_days, 1);
  EXPECT_EQ(zj.reminder_days, (std::vector<int>{7, 15, 30}));
}

}  // namespace
}  // namespace icp

namespace icp {
namespace {

TEST(RuleSet, CancellationAbandonIsANationalParameterOffByDefault) {
  Result<RuleFile> shipped = ParseRuleFile(
      Slurp(std::string(ICP_SOURCE_DIR) + "/data/rules/national.json"), "national.json");
  ASSERT_TRUE(shipped.has_value());
  EXPECT_EQ(shipped->cancellation_abandonable_before_bureau, false);  // written, and off
  RuleFile national = National();
  Result<RuleSet> off = RuleSet::Build(national, AllProvinces());
  ASSERT_TRUE(off.has_value()) << Messages(off.error());
  EXPECT_FALSE(DeadlinePolicyOf(off->For(*Province::FromCode("44")).parameters)
                   .cancellation_abandonable_before_bureau);
  national.cancellation_abandonable_before_bureau = true;
  Result<RuleSet> on = RuleSet::Build(national, AllProvinces());
  ASSERT_TRUE(on.has_value()) << Messages(on.error());
  for (const char* code : {"11", "44", "65"}) {
    EXPECT_TRUE(DeadlinePolicyOf(on->For(*Province::FromCode(code)).parameters)
                    .cancellation_abandonable_before_bureau)
        << code;
  }
}

TEST(ParseRuleFile, RefusesTheCancellationParameterInAProvinceFile) {
  Result<RuleFile> f = ParseRuleFile(
      R"({"province": "44", "version": "1", "parameters": {"cancellation_abandonable_before_bureau": true}, "checks": []})",
      "44.json");
  ASSERT_FALSE(f.has_value());
  EXPECT_NE(Messages(f.error()).find("parameters.cancellation_abandonable_before_bureau: is set "
                                     "in national.json only"),
            std::string::npos)
      << Messages(f.error());
  Result<RuleFile> n = ParseRuleFile(
      R"({"province": "national", "version": "1", "parameters": {"cancellation_abandonable_before_bureau": 1}, "checks": []})",
      "national.json");
  ASSERT_FALSE(n.has_value());
  EXPECT_NE(Messages(n.error()).find("must be true or false"), std::string::npos);
}

}  // namespace
}  // namespace icp

namespace icp {
namespace {

TEST(ParseRuleFile, ARefusedValueListsTheAcceptedOnes) {
  Result<RuleFile> f =
      ParseRuleFile(File("44",
                         R"({"id": "44.a", "kind": "no_such_kind", "params": {}, "source": "s"},
              {"id": "44.b", "kind": "material_required", "params": {"material": "selfie", "owner": "everyone"}, "source": "s"},
              {"id": "44.c", "kind": "max_websites", "params": {"max": 1, "maxx": 2}, "source": "s",
               "when": {"application_types": ["first"]}})"),
                    "44.json");
  ASSERT_FALSE(f.has_value());
  const std::string all = Messages(f.error());
  EXPECT_NE(all.find("unknown kind \"no_such_kind\"; accepted: material_required, "),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("unknown value \"selfie\"; accepted: identity_document"), std::string::npos)
      << all;
  EXPECT_NE(all.find("unknown value \"everyone\"; accepted: subject, subject.principal, "
                     "each_website, each_website.principal"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("unknown key \"maxx\"; accepted: max"), std::string::npos) << all;
  EXPECT_NE(all.find("unknown value \"first\"; accepted: first_filing, new_website"),
            std::string::npos)
      << all;
}

}  // namespace
}  // namespace icp
