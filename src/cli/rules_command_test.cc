#include "cli/rules_command.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <random>
#include <sstream>

namespace icp::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono;
constexpr Date kToday = 2026y / November / 23d;
const sys_seconds kNow = sys_days(kToday) + 4h;

const fs::path kRules = fs::path(ICP_SOURCE_DIR) / "data" / "rules";

// A fresh name under the temporary directory, so parallel runs do not collide.
fs::path TempPath(const std::string& stem) {
  return fs::temp_directory_path() / (stem + "-" + std::to_string(std::random_device{}()));
}

const RuleSet& Rules() {
  static const Result<RuleSet> rules = LoadRuleSet(kRules);
  if (!rules) {
    ADD_FAILURE() << "data/rules does not load: " << rules.error().message;
    std::abort();
  }
  return *rules;
}

TEST(LoadRuleSet, LoadsTheShippedRulesForEveryProvince) {
  for (Province p : Province::All()) {
    const ProvinceRules& r = Rules().For(p);
    EXPECT_FALSE(r.checks.empty()) << p.code();
    EXPECT_NE(r.version.find(std::string(p.code())), std::string::npos);
  }
  EXPECT_EQ(Rules().For(*Province::FromCode("33")).parameters.bureau_review_working_days, 30);
}

TEST(LoadRuleSet, ReportsABrokenDirectory) {
  const fs::path dir = TempPath("icp-rules-test");
  fs::create_directories(dir / "provinces");
  fs::copy_file(kRules / "national.json", dir / "national.json",
                fs::copy_options::overwrite_existing);
  std::ofstream(dir / "provinces" / "44.json")
      << R"({"province": "45", "version": "1", "checks": []})";
  Result<RuleSet> rules = LoadRuleSet(dir);
  fs::remove_all(dir);
  ASSERT_FALSE(rules.has_value());
  EXPECT_NE(rules.error().message.find("named 44.json but says province 45"), std::string::npos)
      << rules.error().message;
}

// Every case in data/rules/cases/, one test each.
class RuleCases : public testing::TestWithParam<fs::path> {};

TEST_P(RuleCases, GiveTheExpectedViolations) {
  CaseResult r = RunCase(GetParam(), Rules());
  EXPECT_TRUE(r.passed) << r.file << " (" << r.name << "): " << r.detail;
}

INSTANTIATE_TEST_SUITE_P(Data, RuleCases, testing::ValuesIn(CaseFiles(kRules)),
                         [](const testing::TestParamInfo<fs::path>& param) {
                           std::string name = param.param.stem().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(Precheck, EvaluatesTheFixtureAndListsMaterials) {
  std::ostringstream out, err;
  const int code = RunPrecheck(
      {fs::path(ICP_SOURCE_DIR) / "tests/fixtures/personal_first_filing.json", kRules, true, {}},
      kNow, out, err);
  ASSERT_NE(code, 2) << err.str();
  boost::json::object o = boost::json::parse(out.str()).as_object();
  EXPECT_EQ(o.at("type").as_string(), "first_filing");
  EXPECT_EQ(o.at("province").as_string(), "44");
  EXPECT_FALSE(o.at("materials").as_array().empty());
  EXPECT_EQ(code == 0, o.at("valid").as_bool());
}

TEST(Precheck, ReportsAnInvalidDocumentByField) {
  const fs::path file = TempPath("icp-precheck");
  std::ofstream(file) << R"({"province": "44", "subject": {"type": "alien"}})";
  std::ostringstream out, err;
  const int code = RunPrecheck({file, kRules, false, {}}, kNow, out, err);
  fs::remove(file);
  EXPECT_EQ(code, 1);
  EXPECT_NE(out.str().find("subject.type"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("subject.principal"), std::string::npos) << out.str();
}

// A case file is evaluated on its own day, --today overrides it, and the clock comes last.
TEST(Precheck, EvaluatesOnTheDayItIsGiven) {
  const fs::path kase =
      kRules / "cases" / "kind-resource-eligibility-ok.json";  // expires 2027-09-01
  const sys_seconds after_expiry = sys_days(2027y / September / 5d);
  auto run = [&](std::optional<Date> today) {
    std::ostringstream out, err;
    const int code = RunPrecheck({kase, kRules, true, today}, after_expiry, out, err);
    EXPECT_NE(code, 2) << err.str();
    return boost::json::parse(out.str()).as_object();
  };
  boost::json::object own_day = run(std::nullopt);
  EXPECT_EQ(own_day.at("today").as_string(), "2026-11-23");
  EXPECT_TRUE(own_day.at("valid").as_bool()) << boost::json::serialize(own_day);
  boost::json::object later = run(2027y / September / 2d);
  EXPECT_EQ(later.at("today").as_string(), "2027-09-02");
  EXPECT_FALSE(later.at("valid").as_bool());
  EXPECT_NE(boost::json::serialize(later).find("resource.expired"), std::string::npos);
  // A plain application document (no "today") is evaluated at `now`.
  std::ostringstream out, err;
  RunPrecheck(
      {fs::path(ICP_SOURCE_DIR) / "tests/fixtures/personal_first_filing.json", kRules, true, {}},
      after_expiry, out, err);
  EXPECT_EQ(boost::json::parse(out.str()).as_object().at("today").as_string(), "2027-09-05");
}

TEST(RulesCheck, FailsWithNoCaseToRun) {
  const fs::path dir = TempPath("icp-rules-nocases");
  fs::create_directories(dir);
  fs::copy(kRules / "national.json", dir / "national.json");
  fs::copy(kRules / "provinces", dir / "provinces");
  std::ostringstream out, err;
  const int code = RunRulesCheck(dir, out, err);
  fs::create_directories(dir / "cases");
  std::ostringstream out2, err2;
  const int empty_dir = RunRulesCheck(dir, out2, err2);
  fs::remove_all(dir);
  EXPECT_EQ(code, 1);
  EXPECT_NE(err.str().find("no rule cases"), std::string::npos) << err.str();
  EXPECT_EQ(empty_dir, 1);
}

TEST(RuleCase, MustBeDatedAndUseOnlyKnownKeys) {
  const fs::path dir = TempPath("icp-case");
  fs::create_directories(dir);
  boost::json::object kase =
      boost::json::parse([] {
        std::ifstream in(kRules / "cases" / "kind-resource-eligibility-ok.json");
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
      }())
          .as_object();
  boost::json::object undated = kase;
  undated.erase("today");
  boost::json::object typo = kase;
  typo["expect_error"] = boost::json::array{};
  std::ofstream(dir / "undated.json") << boost::json::serialize(undated);
  std::ofstream(dir / "typo.json") << boost::json::serialize(typo);
  CaseResult u = RunCase(dir / "undated.json", Rules());
  CaseResult t = RunCase(dir / "typo.json", Rules());
  fs::remove_all(dir);
  EXPECT_FALSE(u.passed);
  EXPECT_NE(u.detail.find("\"today\" (YYYY-MM-DD) is required"), std::string::npos) << u.detail;
  EXPECT_FALSE(t.passed);
  EXPECT_NE(t.detail.find("unknown key \"expect_error\""), std::string::npos) << t.detail;
}

TEST(Materials, ListsTheChecklistForAProvince) {
  std::ostringstream out, err;
  EXPECT_EQ(RunMaterials({"44", "individual", "first_filing", kRules, true}, kToday, out, err), 0)
      << err.str();
  boost::json::object o = boost::json::parse(out.str()).as_object();
  bool has_form = false;
  for (const auto& m : o.at("materials").as_array()) {
    has_form = has_form || m.at("kind").as_string() == "verification_form";
  }
  EXPECT_TRUE(has_form) << out.str();
  EXPECT_EQ(RunMaterials({"99", "individual", "first_filing", kRules, false}, kToday, out, err), 2);
  EXPECT_EQ(RunMaterials({"44", "alien", "first_filing", kRules, false}, kToday, out, err), 2);
}

}  // namespace
}  // namespace icp::cli
