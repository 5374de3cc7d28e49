#include "codec/record_import.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

namespace icp::codec {
namespace {

using namespace std::chrono;
constexpr Date kToday = 2026y / November / 23d;
namespace json = boost::json;

// The subject and website of tests/fixtures/personal_first_filing.json (Guangdong), filed.
json::value Import() {
  std::ifstream in(std::string(ICP_SOURCE_DIR) + "/tests/fixtures/personal_first_filing.json");
  std::ostringstream s;
  s << in.rdbuf();
  json::object app = json::parse(s.str()).as_object();
  json::object site{{"number", "粤ICP备2020012345号-1"},
                    {"website", app["websites"].as_array().at(0)}};
  json::object subject{{"account", 7},
                       {"province", app["province"]},
                       {"number", "粤ICP备2020012345号"},
                       {"subject", app["subject"]},
                       {"websites", json::array{site}}};
  return json::object{{"subjects", json::array{subject}}};
}

json::object& Subject0(json::value& doc) {
  return doc.as_object()["subjects"].as_array()[0].as_object();
}

std::vector<std::string> Fields(const Error& e) {
  std::vector<std::string> out;
  for (const FieldViolation& v : e.violations) out.push_back(v.field + " " + v.rule);
  return out;
}

TEST(RecordImportFromJson, ReadsSubjectsWebsitesAndNumbers) {
  Result<std::vector<ImportedSubject>> r = RecordImportFromJson(Import(), kToday);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  const ImportedSubject& s = (*r)[0];
  EXPECT_EQ(s.account, 7);
  EXPECT_EQ(s.number.str(), "粤ICP备2020012345号");
  EXPECT_EQ(s.subject.province.code(), "44");
  ASSERT_EQ(s.websites.size(), 1u);
  EXPECT_EQ(s.websites[0].number.str(), "粤ICP备2020012345号-1");
  EXPECT_EQ(s.websites[0].website.domains.at(0).ascii(), "example.com");
}

TEST(RecordImportFromJson, NamesEveryProblemAtItsPath) {
  json::value doc = Import();
  json::object& s = Subject0(doc);
  s["acount"] = 7;                      // a typo
  s["number"] = "京ICP备2020012345号";  // another province
  json::object& site = s["websites"].as_array()[0].as_object();
  site["number"] = "粤ICP备2020012345号-1A";  // an App's number
  site["website"].as_object()["domains"] = json::array{"not a domain"};
  Result<std::vector<ImportedSubject>> r = RecordImportFromJson(doc, kToday);
  ASSERT_FALSE(r.has_value());
  const std::vector<std::string> fields = Fields(r.error());
  for (const std::string expected :
       {"subjects[0].acount document.unknown-field", "subjects[0].number filing-number.province",
        "subjects[0].websites[0].number filing-number.not-website"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), expected), fields.end()) << expected;
  }
  bool domain = false;
  for (const std::string& f : fields) {
    domain = domain || f.starts_with("subjects[0].websites[0].website.domains[0] ");
  }
  EXPECT_TRUE(domain) << r.error().message;
}

TEST(RecordImportFromJson, RefusesABodyWithoutSubjects) {
  for (const char* text : {"{}", R"({"subjects": 5})", "[]", R"({"records": []})"}) {
    Result<std::vector<ImportedSubject>> r = RecordImportFromJson(json::parse(text), kToday);
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace icp::codec
