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
      {fs::path(ICP_SOURCE_DIR) / "tests/fixtures/personal_first_filing.json", kRules, true}, kNow,
      out, err);
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
  const int code = RunPrecheck({file, kRules, false}, kNow, out, err);
  fs::remove(file);
  EXPECT_EQ(code, 1);
  EXPECT_NE(out.str().find("subject.type"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("subject.principal"), std::string::npos) << out.str();
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
