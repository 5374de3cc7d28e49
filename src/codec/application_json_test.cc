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

std::string MessageAt(const Error& e, const std::string& field) {
  for (const FieldViolation& v : e.violations) {
    if (v.field == field) return v.message + " | " + v.message_zh;
  }
  return "(no violation at " + field + ")";
}

TEST(ApplicationFromJson, RefusesAnUnknownKeyAtItsPathWithTheNearestKnownOne) {
  json::value doc = Fixture();
  doc.as_object()["websties"] = json::array();
  json::object& principal = doc.as_object()["subject"].as_object()["principal"].as_object();
  principal["mobil"] = "13800138000";
  doc.as_object()["websites"].as_array()[0].as_object()["principal"].as_object()["zzz"] = 1;
  Result<Application> app = ApplicationFromJson(doc, kToday);
  ASSERT_FALSE(app.has_value());
  EXPECT_THAT(Fields(app.error()),
              testing::UnorderedElementsAre("websties document.unknown-field",
                                            "subject.principal.mobil document.unknown-field",
                                            "websites[0].principal.zzz document.unknown-field"));
  EXPECT_THAT(MessageAt(app.error(), "websties"), testing::HasSubstr("did you mean websites?"));
  EXPECT_THAT(MessageAt(app.error(), "subject.principal.mobil"),
              testing::HasSubstr("unknown field; did you mean subject.principal.mobile?"));
  // Nothing near: the keys the object may have are listed instead.
  EXPECT_THAT(MessageAt(app.error(), "websites[0].principal.zzz"),
              testing::HasSubstr("mobile, phone2, emergency_contact"));
}

TEST(ApplicationFromJson, EveryObjectOfTheDocumentIsStrict) {
  json::value doc = Fixture();
  json::object& root = doc.as_object();
  root["subject"].as_object()["certificate"].as_object()["issuer"] = "x";
  root["subject"].as_object()["legal_representative"] =
      json::object{{"name", "张三"},
                   {"certificate", {{"type", "resident_id"}, {"number", "440308199901101512"}}},
                   {"title", "董事长"}};
  root["websites"].as_array()[0].as_object()["pre_approvals"] =
      json::array{json::object{{"category", "news"}, {"number", "1"}, {"expires", "x"}}};
  root["materials"].as_array()[0].as_object()["size"] = 1;
  root["original"] = json::object{
      {"subject", root["subject"]}, {"websites", json::array()}, {"filed_on", "2020-01-01"}};
  Result<Application> app = ApplicationFromJson(doc, kToday);
  ASSERT_FALSE(app.has_value());
  EXPECT_THAT(Fields(app.error()),
              testing::IsSupersetOf({"subject.certificate.issuer document.unknown-field",
                                     "subject.legal_representative.title document.unknown-field",
                                     "websites[0].pre_approvals[0].expires document.unknown-field",
                                     "materials[0].size document.unknown-field",
                                     "original.filed_on document.unknown-field"}));
}

TEST(ApplicationFromJson, AValueOfTheWrongJsonTypeIsATypeErrorAtItsPath) {
  json::value doc = Fixture();
  json::object& principal = doc.as_object()["subject"].as_object()["principal"].as_object();
  principal["is_legal_representative"] = "false";
  principal["certificate_valid_until"] = 20350110;
  principal["mobile"] = 13800138000;
  doc.as_object()["websites"].as_array()[0].as_object()["resources"] = "ins-2f8a1c";
  Result<Application> app = ApplicationFromJson(doc, kToday);
  ASSERT_FALSE(app.has_value());
  EXPECT_THAT(Fields(app.error()),
              testing::UnorderedElementsAre(
                  "subject.principal.is_legal_representative document.type",
                  "subject.principal.certificate_valid_until document.type",
                  "subject.principal.mobile document.type", "websites[0].resources document.type"));
}

TEST(ApplicationFromJson, RefusesAMaterialForNothingTheApplicationHas) {
  json::value doc = Fixture();
  json::array& materials = doc.as_object()["materials"].as_array();
  for (const char* owner : {"websites[1]", "website[0]", "websites[0].leader", "websites[01]",
                            "subject.principal.mobile", ""}) {
    materials.push_back(json::object{{"kind", "identity_document"}, {"owner", owner}});
  }
  Result<Application> app = ApplicationFromJson(doc, kToday);
  ASSERT_FALSE(app.has_value());
  const std::size_t first = materials.size() - 6;
  std::vector<std::string> want;
  for (std::size_t i = first; i < first + 5; ++i) {
    want.push_back("materials[" + std::to_string(i) + "].owner material.owner");
  }
  want.push_back("materials[" + std::to_string(first + 5) + "].owner document.required");
  EXPECT_THAT(Fields(app.error()), testing::UnorderedElementsAreArray(want));
  EXPECT_THAT(MessageAt(app.error(), "materials[" + std::to_string(first) + "].owner"),
              testing::HasSubstr("accepted: subject, subject.principal, websites[0]"));
  // The owners that do exist are still read.
  materials.erase(materials.begin() + static_cast<std::ptrdiff_t>(first), materials.end());
  materials.push_back(
      json::object{{"kind", "identity_document"}, {"owner", "websites[0].principal"}});
  EXPECT_TRUE(ApplicationFromJson(doc, kToday).has_value());
}

TEST(ApplicationFromJson, ARefusedValueListsTheAcceptedOnes) {
  json::value doc = Fixture();
  doc.as_object()["type"] = "first_filling";
  doc.as_object()["subject"].as_object()["type"] = "person";
  doc.as_object()["subject"].as_object()["certificate"].as_object()["type"] = "idcard";
  doc.as_object()["materials"].as_array()[0].as_object()["kind"] = "selfie";
  doc.as_object()["province"] = "99";
  Result<Application> app = ApplicationFromJson(doc, kToday);
  ASSERT_FALSE(app.has_value());
  EXPECT_THAT(MessageAt(app.error(), "type"), testing::HasSubstr("accepted: first_filing, "));
  EXPECT_THAT(MessageAt(app.error(), "subject.type"), testing::HasSubstr("individual"));
  EXPECT_THAT(MessageAt(app.error(), "subject.certificate.type"),
              testing::HasSubstr("accepted: resident_id, passport"));
  EXPECT_THAT(MessageAt(app.error(), "materials[0].kind"), testing::HasSubstr("identity_document"));
  EXPECT_THAT(MessageAt(app.error(), "province"), testing::HasSubstr("11, 12, 13"));
}

TEST(ApplicationFromJson, ReadsTheOriginalRecordsOwnProvince) {
  json::value doc = Fixture();
  json::object original{{"province", "51"},
                        {"subject", doc.as_object()["subject"]},
                        {"websites", doc.as_object()["websites"]}};
  doc.as_object()["original"] = original;
  Result<Application> app = ApplicationFromJson(doc, kToday);
  ASSERT_TRUE(app.has_value()) << app.error().message;
  EXPECT_EQ(app->original->subject.province.code(), "51");
  EXPECT_EQ(app->subject.province.code(), "44");
}

// The filed record's bureau ids travel with it, read back as written; a bad one is named.
TEST(ApplicationFromJson, KeepsTheFiledRecordsBureauIds) {
  json::value doc = Fixture();
  json::object original{{"province", "44"},
                        {"subject", doc.as_object()["subject"]},
                        {"websites", doc.as_object()["websites"]}};
  doc.as_object()["original"] = original;
  Result<Application> app = ApplicationFromJson(doc, kToday);
  ASSERT_TRUE(app.has_value()) << app.error().message;
  EXPECT_FALSE(app->original->bureau.has_value());
  BureauIds ids;
  ids.subject_id = 3001;
  ids.subject_number = "粤ICP备20000001号";
  ids.websites = {{4001,
                   "粤ICP备20000001号-1",
                   {{"example.cn", 5001}},
                   BureauIds::Access{6001, 440000000123, {{"192.0.2.10", 7001}}}}};
  app->original->bureau = ids;
  Result<Application> again = ApplicationFromJson(json::parse(EncodeApplication(*app)), kToday);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->original->bureau, ids);

  doc.as_object()["original"].as_object()["bureau"] =
      json::parse(R"({"websites": [{"id": 0, "domians": []}]})");
  Result<Application> bad = ApplicationFromJson(doc, kToday);
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(Fields(bad.error()),
              testing::IsSupersetOf({"original.bureau.websites[0].domians document.unknown-field",
                                     "original.bureau.websites[0].id document.range"}));
}

TEST(FactsFromJson, IsStrictAboutKeysAndTypes) {
  Result<EvaluationFacts> typo = FactsFromJson(json::parse(R"({"resouces": []})"));
  ASSERT_FALSE(typo.has_value());
  EXPECT_THAT(Fields(typo.error()), testing::ElementsAre("facts.resouces document.unknown-field"));
  EXPECT_EQ(MessageAt(typo.error(), "facts.resouces"),
            "unknown field; did you mean facts.resources? | 未知字段，是否应为 facts.resources？");
  // "12" is a type error at its path, not a server "bought for 0 months".
  Result<EvaluationFacts> text = FactsFromJson(json::parse(
      R"({"resources": [{"id": "ins-1", "kind": "cvm", "billing": "prepaid", "mainland": "yes",
          "purchased_months": "12", "expires_on": "2027-01-01", "colour": "red"}]})"));
  ASSERT_FALSE(text.has_value());
  EXPECT_THAT(Fields(text.error()),
              testing::UnorderedElementsAre("facts.resources[0].mainland document.type",
                                            "facts.resources[0].purchased_months document.type",
                                            "facts.resources[0].colour document.unknown-field"));
  Result<EvaluationFacts> kind = FactsFromJson(json::parse(
      R"({"authorization_codes": [{"code": "A", "server_id": "s", "state": "spent", "generated_by": "a"}],
          "accounts": [{"id": "a", "verification": "company"}]})"));
  ASSERT_FALSE(kind.has_value());
  EXPECT_THAT(MessageAt(kind.error(), "facts.authorization_codes[0].state"),
              testing::HasSubstr("accepted: unused, used or invalid"));
  EXPECT_THAT(MessageAt(kind.error(), "facts.accounts[0].verification"),
              testing::HasSubstr("accepted: none, personal or enterprise"));
}

TEST(FactsFromJson, ReadsAccountsForTheOwnersOfCodeServers) {
  Result<EvaluationFacts> facts = FactsFromJson(
      json::parse(R"({"accounts": [{"id": "acct-1", "verification": "enterprise"}]})"));
  ASSERT_TRUE(facts.has_value()) << facts.error().message;
  EXPECT_EQ(facts->account_verifications.at("acct-1"), AccountVerification::kEnterprise);
}

TEST(TypeFactsFromJson, IsStrictAboutKeysTypesAndValues) {
  Result<ApplicationTypeFacts> facts = TypeFactsFromJson(json::parse(
      R"({"subject": "filed", "only_website_cancelled": "no",
          "websites": [{"domains": [{"standing": "not_filed", "open": "none"}]}]})"));
  ASSERT_FALSE(facts.has_value());
  EXPECT_THAT(Fields(facts.error()),
              testing::UnorderedElementsAre(
                  "facts.subject facts.value", "facts.only_website_cancelled document.type",
                  "facts.websites[0].domains[0].open document.unknown-field"));
  EXPECT_THAT(MessageAt(facts.error(), "facts.subject"),
              testing::HasSubstr("accepted: not_filed, filed_here"));
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
