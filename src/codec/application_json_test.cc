#include "codec/application_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

namespace icp::codec {
namespace {

using namespace std::chrono;
constexpr Date kToday = 2026y / November / 23d;
namespace json = boost::json;

json::value Fixture() {
  std::ifstream in(std::string(ICP_SOURCE_DIR) + "/tests/fixtures/personal_first_filing.json");
  std::ostringstream s;
  s << in.rdbuf();
  return json::parse(s.str());
}

std::vector<std::string> Fields(const Error& e) {
  std::vector<std::string> out;
  for (const FieldViolation& v : e.violations) out.push_back(v.field + " " + v.rule);
  return out;
}

TEST(ApplicationFromJson, ReadsTheDocumentedShape) {
  Result<Application> app = ApplicationFromJson(Fixture(), kToday);
  ASSERT_TRUE(app.has_value()) << app.error().message;
  EXPECT_EQ(app->type, ApplicationType::kFirstFiling);
  EXPECT_EQ(app->subject.province.code(), "44");
  EXPECT_EQ(app->subject.type, SubjectType::kIndividual);
  EXPECT_EQ(app->subject.certificate.birth_date(), 1999y / January / 10d);
  EXPECT_EQ(app->subject.principal.emergency_contact->str(), "13900139000");
  EXPECT_EQ(app->subject.principal.certificate_valid_until, 2035y / January / 10d);
  ASSERT_EQ(app->websites.size(), 1u);
  EXPECT_EQ(app->websites[0].domains[0].ascii(), "example.com");
  EXPECT_EQ(app->websites[0].resources, std::vector<std::string>{"ins-2f8a1c"});
  EXPECT_TRUE(app->HasMaterial(MaterialKind::kVerificationForm, "websites[0]"));
}

TEST(ApplicationFromJson, AcceptsProvinceNamesAndLongTermCertificates) {
  json::value doc = Fixture();
  doc.as_object()["province"] = "广东";
  doc.as_object()["subject"].as_object()["principal"].as_object()["certificate_valid_until"] =
      nullptr;
  Result<Application> app = ApplicationFromJson(doc, kToday);
  ASSERT_TRUE(app.has_value()) << app.error().message;
  EXPECT_EQ(app->subject.province.code(), "44");
  EXPECT_FALSE(app->subject.principal.certificate_valid_until.has_value());
}

TEST(ApplicationFromJson, ReportsEveryBadFieldWithItsPathAndRule) {
  json::value doc = Fixture();
  json::object& subject = doc.as_object()["subject"].as_object();
  subject["principal"].as_object()["mobile"] = "12012345678";
  subject["certificate"].as_object()["number"] = "440308199901101513";
  json::object& site = doc.as_object()["websites"].as_array()[0].as_object();
  site["domains"].as_array()[0] = "com.cn";
  site["principal"].as_object()["email"] = "not-an-email";
  json::array& materials = doc.as_object()["materials"].as_array();
  materials.push_back(json::object{{"kind", "selfie"}, {"owner", "subject"}});
  const std::string bad_material =
      "materials[" + std::to_string(materials.size() - 1) + "].kind material.kind";
  Result<Application> app = ApplicationFromJson(doc, kToday);
  ASSERT_FALSE(app.has_value());
  EXPECT_THAT(Fields(app.error()), testing::UnorderedElementsAre(
                                       "subject.certificate.number resident-id.checksum",
                                       "subject.principal.mobile mobile.segment",
                                       "websites[0].domains[0] domain.public-suffix",
                                       "websites[0].principal.email email.format", bad_material));
}

TEST(ApplicationFromJson, RefusesAMismatchedCertificateKind) {
  json::value doc = Fixture();
  doc.as_object()["subject"].as_object()["certificate"].as_object()["number"] =
      "81000019980902013X";
  Result<Application> app = ApplicationFromJson(doc, kToday);
  ASSERT_FALSE(app.has_value());
  EXPECT_THAT(Fields(app.error()),
              testing::ElementsAre("subject.certificate.number certificate.kind-mismatch"));
}

TEST(ApplicationFromJson, SurvivesHostileDocuments) {
  for (const char* text : {"null", "[]", "42", R"({"subject": 5})", R"({"province": "99"})",
                           R"({"websites": {"a": 1}, "subject": {"principal": []}})"}) {
    Result<Application> app = ApplicationFromJson(json::parse(text), kToday);
    ASSERT_FALSE(app.has_value()) << text;
    EXPECT_FALSE(app.error().violations.empty()) << text;
  }
  json::value doc = Fixture();
  doc.as_object()["subject"].as_object()["name"] = std::string(5000, 'x');
  EXPECT_THAT(Fields(ApplicationFromJson(doc, kToday).error()),
              testing::ElementsAre("subject.name document.length"));
}

TEST(FactsFromJson, ReadsFiledWebsites) {
  EXPECT_EQ(FactsFromJson(json::parse(R"({"filed_websites": 4})"))->filed_websites, 4);
  EXPECT_FALSE(FactsFromJson(json::parse(R"({"filed_websites": -1})")).has_value());
  EXPECT_EQ(FactsFromJson(json::value())->filed_websites, 0);
}

TEST(ApplicationToJson, RoundTripsThroughTheStoredDocument) {
  Result<Application> app = ApplicationFromJson(Fixture(), kToday);
  ASSERT_TRUE(app.has_value()) << app.error().message;
  Result<Application> back = DecodeApplication(EncodeApplication(*app), kToday);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(*back, *app);
  Result<Subject> subject = DecodeSubject(EncodeSubject(app->subject), kToday);
  ASSERT_TRUE(subject.has_value()) << subject.error().message;
  EXPECT_EQ(*subject, app->subject);
  Result<Website> website = DecodeWebsite(EncodeWebsite(app->websites.at(0)), kToday);
  ASSERT_TRUE(website.has_value()) << website.error().message;
  EXPECT_EQ(*website, app->websites.at(0));
}

TEST(ApplicationToJson, MasksPersonalDataForReadersWhoMayNotSeeIt) {
  Result<Application> app = ApplicationFromJson(Fixture(), kToday);
  ASSERT_TRUE(app.has_value());
  const std::string masked = json::serialize(ApplicationToJson(*app, Disclosure::kMasked));
  const std::string full = json::serialize(ApplicationToJson(*app, Disclosure::kFull));
  const std::string& number = app->subject.certificate.number();
  const std::string& mobile = app->subject.principal.mobile.str();
  EXPECT_NE(full.find(number), std::string::npos);
  EXPECT_NE(full.find(mobile), std::string::npos);
  EXPECT_EQ(masked.find(number), std::string::npos) << masked;
  EXPECT_EQ(masked.find(mobile), std::string::npos) << masked;
  EXPECT_NE(masked.find(MaskCertificateNumber(number)), std::string::npos);
  EXPECT_NE(masked.find(MaskMobile(mobile)), std::string::npos);
}

TEST(ApplicationToJson, DecodingATamperedDocumentFails) {
  Result<Application> app = ApplicationFromJson(Fixture(), kToday);
  ASSERT_TRUE(app.has_value());
  std::string text = EncodeApplication(*app);
  EXPECT_FALSE(DecodeApplication(text.substr(0, text.size() / 2), kToday).has_value());
  const std::string& mobile = app->subject.principal.mobile.str();
  text.replace(text.find(mobile), mobile.size(), "12345");
  Result<Application> bad = DecodeApplication(text, kToday);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().violations.at(0).field, "subject.principal.mobile");
  EXPECT_FALSE(DecodeSubject("{\"subject\": {}}", kToday).has_value());
  EXPECT_FALSE(DecodeWebsite("[]", kToday).has_value());
}

}  // namespace
}  // namespace icp::codec
