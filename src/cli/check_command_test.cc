#include "cli/check_command.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <sstream>

namespace icp::cli {
namespace {

using namespace std::chrono;
constexpr Date kToday = 2026y / November / 23d;

struct CheckOutput {
  int code;
  std::string out;
  std::string err;
};

CheckOutput Check(std::string kind, std::string value, bool json = false) {
  std::ostringstream out, err;
  const int code = RunCheck({std::move(kind), std::move(value), json}, kToday, out, err);
  return {code, out.str(), err.str()};
}

TEST(CheckCommand, ValidPrintsTheNormalisedValueAndWhatItEncodes) {
  CheckOutput r = Check("resident-id", "11010519491231002x");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("valid resident-id: 11010519491231002X"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("birth_date: 1949-12-31"), std::string::npos);
  EXPECT_NE(r.out.find("北京市 朝阳区"), std::string::npos);
}

TEST(CheckCommand, InvalidPrintsWhyWithTheRuleAndExitsOne) {
  CheckOutput r = Check("credit-code", "91350100M000100Y44");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("check character should be 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[credit-code.checksum]"), std::string::npos);
}

TEST(CheckCommand, UnknownKindIsAUsageError) {
  CheckOutput r = Check("zip-code", "100000");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("filing-number"), std::string::npos);
}

TEST(CheckCommand, DomainJsonHasTheDocumentedFields) {
  CheckOutput r = Check("domain", "www.例子.中国", true);
  ASSERT_EQ(r.code, 0) << r.out;
  boost::json::object o = boost::json::parse(r.out).as_object();
  EXPECT_EQ(o.at("valid").as_bool(), true);
  EXPECT_EQ(o.at("ascii").as_string(), "www.xn--fsqu00a.xn--fiqs8s");
  EXPECT_EQ(o.at("unicode").as_string(), "www.例子.中国");
  EXPECT_EQ(o.at("registrable_domain").as_string(), "xn--fsqu00a.xn--fiqs8s");
  EXPECT_EQ(o.at("suffix_status").as_string(), "approved");
}

TEST(CheckCommand, InvalidJsonCarriesTheError) {
  CheckOutput r = Check("filing-number", "萌ICP备20257012号", true);
  EXPECT_EQ(r.code, 1);
  boost::json::object o = boost::json::parse(r.out).as_object();
  EXPECT_EQ(o.at("valid").as_bool(), false);
  EXPECT_EQ(o.at("error").at("rule").as_string(), "filing-number.prefix");
  EXPECT_EQ(o.at("error").at("code").as_string(), "INVALID_ARGUMENT");
}

TEST(CheckCommand, EveryKindAnswersValidAndInvalidInput) {
  const std::vector<std::pair<std::string, std::string>> valid = {
      {"resident-id", "11010519491231002X"},
      {"credit-code", "91110000600037341L"},
      {"org-code", "D2143569-X"},
      {"hk-macao-permit", "H12345678"},
      {"taiwan-permit", "12345678"},
      {"passport", "E12345678"},
      {"mobile", "13800138000"},
      {"email", "a@example.com"},
      {"domain", "example.com"},
      {"filing-number", "京ICP备12345678号"},
      {"hk-id-card", "P174468(6)"},
      {"taiwan-id", "B221690311"}};
  ASSERT_EQ(valid.size(), CheckKinds().size());
  for (const auto& [kind, value] : valid) {
    EXPECT_EQ(Check(kind, value).code, 0) << kind;
    EXPECT_EQ(Check(kind, "\xFF").code, 1) << kind;
    EXPECT_EQ(Check(kind, "", true).code, 1) << kind;
  }
}

TEST(CheckCommand, JsonOfInputThatIsNotUtf8IsStillJson) {
  CheckOutput r = Check("email", "\xFF\xFE", true);
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(boost::json::parse(r.out).as_object().at("input").is_null());
}

}  // namespace
}  // namespace icp::cli
