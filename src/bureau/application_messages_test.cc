#include "bureau/application_messages.h"

#include <gtest/gtest.h>

#include "miit/digest.h"
#include "miit/messages.h"
#include "miit/payload.h"

namespace icp::bureau {
namespace {

constexpr Date kToday{std::chrono::year(2026), std::chrono::November, std::chrono::day(23)};
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "jpeg body";
const std::string kPng = "\x89PNG\r\n\x1A\n png body";

template <class T>
T Must(Result<T> r) {
  EXPECT_TRUE(r.has_value()) << r.error().message;
  return std::move(*r);
}

Principal Person(std::string name, std::string id, std::string mobile) {
  return Principal{std::move(name),
                   Must(Certificate::Parse(CertificateType::kResidentId, id, kToday)),
                   std::nullopt,
                   Must(MobileNumber::Parse(mobile)),
                   "0755-12345678",
                   std::nullopt,
                   Must(Email::Parse("li@example.cn")),
                   false};
}

Application Enterprise() {
  Subject subject{
      SubjectType::kEnterprise,
      Must(Certificate::Parse(CertificateType::kBusinessLicence, "91350100M000100Y43", kToday)),
      "示例科技有限公司",
      Must(Province::FromCode("44")),
      "440305",
      "广东省深圳市南山区示例路1号",
      "示例路1号",
      "",
      std::nullopt,
      Person("李四", "11010519491231002X", "13800000000"),
      ""};
  Website website{"示例科技官网",
                  {Must(DomainName::Parse("example.cn"))},
                  "www.example.cn",
                  {"unit_portal"},
                  {"zh-Hans", "en"},
                  {},
                  Person("王五", "11010519491231002X", "13900000000"),
                  "",
                  {"ins-1"}};
  Application app{
      ApplicationType::kFirstFiling, std::move(subject), {std::move(website)}, {}, std::nullopt};
  app.materials = {{MaterialKind::kVerificationForm, "websites[0]", "blob-1"},
                   {MaterialKind::kSubjectCertificate, "subject", "blob-2"},
                   {MaterialKind::kIdentityDocument, "subject.principal", "blob-3"},
                   {MaterialKind::kIdentityDocument, "websites[0].principal", "blob-4"},
                   {MaterialKind::kCommitmentLetter, "subject", "blob-5"}};
  return app;
}

MessageContext Context() {
  static std::int64_t next = 0;
  next = 70000;
  MessageContext c;
  c.requester = 440000000123;
  c.next_isp_id = [] { return ++next; };
  c.access_points = {{{"ap-guangzhou", ResourceKind::kCvm, "192.0.2.10"},
                      {"ap-guangzhou", ResourceKind::kCvm, "192.0.2.10"}}};
  c.material_files = {kJpeg, kPng, kJpeg, kJpeg, kJpeg};
  return c;
}

FiledIds Filed() {
  FiledIds f;
  f.subject_id = 3001;
  f.subject_number = "粤ICP备20000001号";
  f.websites = {{4001,
                 "粤ICP备20000001号-1",
                 {{"example.cn", 5001}},
                 FiledIds::Access{6001, 440000000123, {{"192.0.2.10", 7001}}}}};
  return f;
}

// Every message must pass our schema and the payload pipeline.
void ExpectTravels(const miit::IcpUpload& u) {
  std::string xml = miit::EncodeUpload(u);
  Result<void> valid = miit::ValidateUpload(xml);
  ASSERT_TRUE(valid.has_value()) << valid.error().message << "\n" << xml;
  Result<miit::WirePayload> wire = miit::EncodePayload(xml, {});
  ASSERT_TRUE(wire.has_value()) << wire.error().message;
  EXPECT_EQ(miit::DecodeUpload(miit::DecodePayload(*wire, {}).value().text).value(), u);
}

TEST(ToUpload, MapsAFirstFilingToXzbaWithFreshIdsAndTheFieldsOfSection72) {
  Result<miit::IcpUpload> r = ToUpload(Enterprise(), Context());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->first_filings.size(), 1u);
  const miit::FirstFiling& f = r->first_filings[0];
  EXPECT_EQ(r->requester, 440000000123);
  EXPECT_EQ(f.subject.isp_id, 70001);
  EXPECT_EQ(f.subject.filed_by, 1);
  EXPECT_EQ(f.subject.nature, 4);
  EXPECT_EQ(f.subject.certificate.type, 1);
  EXPECT_EQ(f.subject.address.province, 440000);
  EXPECT_EQ(f.subject.address.city, 440300);
  EXPECT_EQ(f.subject.address.county, 440305);
  EXPECT_EQ(f.subject.leader.office_phones, "0755-12345678");  // phone2 is a landline
  EXPECT_EQ(f.subject.leader.certificate_type, 2);
  const miit::WebsiteBlock& w = f.websites.at(0);
  EXPECT_EQ(w.service_content, (std::vector<std::int64_t>{8}));
  EXPECT_EQ(w.languages, (std::vector<std::int64_t>{1, 12}));
  EXPECT_EQ(w.domains.at(0).name, "example.cn");
  const miit::AccessBlock& a = w.accesses.at(0);
  EXPECT_EQ(a.locations, (std::vector<std::int64_t>{5}));  // 广东
  EXPECT_EQ(a.methods, (std::vector<std::int64_t>{5}));    // 云接入
  ASSERT_EQ(a.ips.size(), 1u);                             // the same server twice
  EXPECT_EQ(a.ips[0].first, 3221225994);
  // Four attachments (the commitment letter has no purpose in V3.0), owners by Isp id.
  ASSERT_EQ(f.attachments.size(), 4u);
  EXPECT_EQ(f.attachments[0].purpose, 1);
  EXPECT_EQ(f.attachments[0].owner_id, w.isp_id);
  EXPECT_EQ(f.attachments[1].format, 2);  // PNG
  EXPECT_EQ(f.attachments[1].owner_type, miit::OwnerType::kSubject);
  EXPECT_EQ(f.attachments[1].owner_id, f.subject.isp_id);
  EXPECT_EQ(f.attachments[3].purpose, 4);
  ExpectTravels(*r);
}

TEST(ToUpload, StrictModeRefusesLaterCodesAndUsesTheV30AccessMethod) {
  Application app = Enterprise();
  app.websites[0].service_content = {"app"};
  MessageContext c = Context();
  c.strict = true;
  Result<miit::IcpUpload> r = ToUpload(app, c);
  ASSERT_FALSE(r.has_value());
  ASSERT_EQ(r.error().violations.size(), 1u);
  EXPECT_EQ(r.error().violations[0].field, "websites[0].service_content[0]");
  EXPECT_EQ(r.error().violations[0].rule, "miit.code.strict");
  app.websites[0].service_content = {"unit_portal"};
  EXPECT_EQ(ToUpload(app, c).value().first_filings[0].websites[0].accesses[0].methods,
            (std::vector<std::int64_t>{3}));
}

TEST(ToUpload, ReportsEveryProblemAtItsField) {
  Application app = Enterprise();
  app.subject.region_code = "";
  app.subject.name = "示例\xF0\xA0\xAE\xB7科技";  // U+20BB7 is not in GBK
  app.websites[0].languages = {"klingon"};
  MessageContext c = Context();
  c.access_points[0][1].public_ip = "2001:db8::1";
  c.material_files[1] = "GIF89a";
  Result<miit::IcpUpload> r = ToUpload(app, c);
  ASSERT_FALSE(r.has_value());
  std::vector<std::pair<std::string, std::string>> got;
  for (const FieldViolation& v : r.error().violations) got.emplace_back(v.field, v.rule);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{
                     {"subject.name", "miit.gbk.unmappable"},
                     {"subject.region_code", "bureau.map.missing"},
                     {"websites[0].languages[0]", "miit.code.unknown"},
                     {"websites[0].resources[1].public_ip", "bureau.map.ip"},
                     {"materials[1]", "bureau.map.attachment"},
                 }));
}

TEST(ToUpload, RefusesACertificateTheSubjectTypeCannotUse) {
  Application app = Enterprise();
  app.subject.type = SubjectType::kGovernment;  // 政府机关 with a 营业执照: no row
  Result<miit::IcpUpload> r = ToUpload(app, Context());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().violations.at(0).field, "subject.certificate.type");
}

TEST(ToUpload, MapsANewWebsiteToXzwzByTheFiledSubject) {
  Application app = Enterprise();
  app.type = ApplicationType::kNewWebsiteFiledElsewhere;
  app.websites[0].domains = {Must(DomainName::Parse("example.net"))};
  MessageContext c = Context();
  c.filed = Filed();
  c.icp_password = "Abc12345";
  Result<miit::IcpUpload> r = ToUpload(app, c);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const miit::NewWebsites& n = r->new_websites.at(0);
  EXPECT_EQ(n.subject_number, "粤ICP备20000001号");  // filed elsewhere: by number
  EXPECT_EQ(n.icp_password, "1a64a010767f0725fb52111b0a9e9f84");
  EXPECT_EQ(n.attachments[0].owner_id, n.websites.at(0).isp_id);  // the new website's IspWzid
  EXPECT_EQ(n.attachments[1].owner_number, "粤ICP备20000001号");
  ExpectTravels(*r);
  c.icp_password.reset();
  EXPECT_EQ(ToUpload(app, c).error().violations.at(0).field, "icp_password");
}

TEST(ToUpload, MapsAnAccessFilingToXzjrWithThePassword) {
  Application app = Enterprise();
  app.type = ApplicationType::kNewAccess;
  app.original = FiledRecord{app.subject, app.websites, Filed()};
  MessageContext c = Context();
  c.icp_password = "Abc12345";
  Result<miit::IcpUpload> r = ToUpload(app, c);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const miit::NewAccess& n = r->new_accesses.at(0);
  EXPECT_EQ(n.website_number, "粤ICP备20000001号-1");
  EXPECT_TRUE(n.access.isp_id.has_value());
  EXPECT_EQ(n.icp_password, "1a64a010767f0725fb52111b0a9e9f84");
  ExpectTravels(*r);
}

TEST(ToUpload, MapsAChangeToBgbaWithBureauIdsAndNewDomainsWithout) {
  Application app = Enterprise();
  app.type = ApplicationType::kChangeWebsite;
  app.websites[0].domains.push_back(Must(DomainName::Parse("example.com.cn")));
  MessageContext c = Context();
  app.original = FiledRecord{app.subject, app.websites, Filed()};
  Result<miit::IcpUpload> r = ToUpload(app, c);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const miit::Change& ch = r->changes.at(0);
  EXPECT_EQ(ch.subject.bureau_id, 3001);
  EXPECT_EQ(ch.subject.number, "粤ICP备20000001号");
  EXPECT_FALSE(ch.subject.isp_id.has_value());
  const miit::WebsiteBlock& w = ch.websites.at(0);
  EXPECT_EQ(w.bureau_id, 4001);
  EXPECT_EQ(w.domains[0].bureau_id, 5001);
  EXPECT_FALSE(w.domains[1].bureau_id.has_value());  // new domain: IspYmid only
  EXPECT_TRUE(w.domains[1].isp_id.has_value());
  EXPECT_EQ(w.accesses[0].bureau_id, 6001);
  EXPECT_EQ(w.accesses[0].ips[0].bureau_id, 7001);
  ExpectTravels(*r);
}

TEST(ToUpload, MapsTheThreeCancellationsToZxba) {
  MessageContext c = Context();
  c.icp_password = "Abc12345";
  c.cancellation_reason = "provider_changed";
  c.cancellation_text = "客户迁出";
  const std::pair<ApplicationType, std::pair<miit::CancelKind, std::int64_t>> cases[] = {
      {ApplicationType::kCancelSubject, {miit::CancelKind::kSubject, 3001}},
      {ApplicationType::kCancelWebsite, {miit::CancelKind::kWebsite, 4001}},
      {ApplicationType::kCancelAccess, {miit::CancelKind::kAccess, 6001}}};
  for (const auto& [type, expected] : cases) {
    Application app = Enterprise();
    app.type = type;
    app.original = FiledRecord{app.subject, app.websites, Filed()};
    Result<miit::IcpUpload> r = ToUpload(app, c);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    const miit::Cancellation& z = r->cancellations.at(0);
    EXPECT_EQ(z.kind, expected.first);
    EXPECT_EQ(z.record_id, expected.second);
    EXPECT_EQ(z.reason, 3);
    EXPECT_EQ(z.icp_password.has_value(), type == ApplicationType::kCancelSubject);
    ExpectTravels(*r);
  }
}

TEST(ToUpload, RefusesACancelAccessWhenThisProviderGivesNone) {
  Application app = Enterprise();
  app.type = ApplicationType::kCancelAccess;
  MessageContext c = Context();
  app.original = FiledRecord{app.subject, app.websites, Filed()};
  app.original->bureau->websites[0].our_access.reset();
  EXPECT_EQ(ToUpload(app, c).error().violations.at(0).field, "websites[0]");
}

TEST(ToUpload, RefusesAnUnresolvedType) {
  Application app = Enterprise();
  app.type.reset();
  EXPECT_EQ(ToUpload(app, Context()).error().code, ErrorCode::kFailedPrecondition);
}

// The filed record's ids name the record; the context's stand in only where there is none.
TEST(ToUpload, TakesTheFiledIdsFromTheRecordBeforeTheContext) {
  Application app = Enterprise();
  app.type = ApplicationType::kCancelWebsite;
  app.original = FiledRecord{app.subject, app.websites, Filed()};
  MessageContext c = Context();
  c.filed = Filed();
  c.filed->websites[0].id = 9999;
  Result<miit::IcpUpload> r = ToUpload(app, c);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->cancellations.size(), 1u);
  EXPECT_EQ(r->cancellations[0].record_id, 4001);
  app.original->bureau.reset();  // no ids on record: the context's
  r = ToUpload(app, c);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->cancellations.at(0).record_id, 9999);
}

}  // namespace
}  // namespace icp::bureau
