#include "bureau/estate_records.h"

#include <gtest/gtest.h>

#include "bureau/application_messages.h"
#include "miit/messages.h"

namespace icp::bureau {
namespace {

constexpr Date kToday{std::chrono::year(2026), std::chrono::November, std::chrono::day(23)};
constexpr std::int64_t kIsp = 440000000123;

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
                  {}};
  return Application{
      ApplicationType::kFirstFiling, std::move(subject), {std::move(website)}, {}, std::nullopt};
}

// The record the bureau keeps after approving Enterprise() through this provider: our own
// mapping out (ToUpload), the bureau's ids and numbers added, through BASJ's schema and back.
miit::FiledRecord FiledRecordOf(const Application& app) {
  std::int64_t next = 70000;
  MessageContext c;
  c.requester = kIsp;
  c.next_isp_id = [&] { return ++next; };
  c.access_points = {{{"ap-guangzhou", ResourceKind::kCvm, "192.0.2.10"}}};
  miit::FirstFiling f = Must(ToUpload(app, c)).first_filings.at(0);
  miit::FiledRecord r;
  r.subject = f.subject;
  r.subject.bureau_id = 3001;
  r.subject.number = "粤ICP备2026000001号";
  r.subject.filed_by = 1;
  r.subject.first_filed_at = "2026-11-01";
  r.subject.modified_at = "2026-11-01";
  r.websites = f.websites;
  miit::WebsiteBlock& w = r.websites.at(0);
  w.bureau_id = 4001;
  w.number = "粤ICP备2026000001号-1";
  w.domains.at(0).bureau_id = 5001;
  w.accesses.at(0).bureau_id = 6001;
  w.accesses.at(0).provider = kIsp;
  w.accesses.at(0).ips.at(0).bureau_id = 7001;
  miit::IcpDownload d;
  d.filed_records = {r};
  return Must(miit::DecodeDownload(miit::EncodeDownload(d))).filed_records.at(0);
}

TEST(EstateRecordOf, ReadsBackWhatTheMappingSentWithTheBureausIdsAndNumbers) {
  const Application app = Enterprise();
  Result<EstateRecord> e = EstateRecordOf(FiledRecordOf(app), kIsp, kToday);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(e->number.str(), "粤ICP备2026000001号");
  EXPECT_EQ(e->subject, app.subject);
  ASSERT_EQ(e->websites.size(), 1u);
  EXPECT_EQ(e->websites[0].number.str(), "粤ICP备2026000001号-1");
  EXPECT_EQ(e->websites[0].website, app.websites[0]);
  EXPECT_EQ(e->ids.subject_id, 3001);
  ASSERT_EQ(e->ids.websites.size(), 1u);
  EXPECT_EQ(e->ids.websites[0].domain_ids,
            (std::vector<std::pair<std::string, std::int64_t>>{{"example.cn", 5001}}));
  ASSERT_TRUE(e->ids.websites[0].our_access.has_value());
  EXPECT_EQ(e->ids.websites[0].our_access->id, 6001);
  EXPECT_EQ(e->ids.websites[0].our_access->ip_ids,
            (std::vector<std::pair<std::string, std::int64_t>>{{"192.0.2.10", 7001}}));
}

TEST(EstateRecordOf, KeepsOnlyTheWebsitesThisProviderServes) {
  miit::FiledRecord r = FiledRecordOf(Enterprise());
  miit::WebsiteBlock other = r.websites[0];
  other.bureau_id = 4002;
  other.number = "粤ICP备2026000001号-2";
  other.domains[0].name = "other.cn";
  other.accesses[0].provider = 440000000999;
  r.websites.push_back(other);
  Result<EstateRecord> e = EstateRecordOf(r, kIsp, kToday);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  ASSERT_EQ(e->websites.size(), 1u);
  EXPECT_EQ(e->websites[0].number.str(), "粤ICP备2026000001号-1");
}

TEST(EstateRecordOf, NamesEveryProblemAtItsWirePath) {
  miit::FiledRecord r = FiledRecordOf(Enterprise());
  r.subject.certificate.type = 998;                // no such Zjlx
  r.subject.leader.certificate_type.reset();       // no leader certificate
  r.websites[0].domains[0].name = "not a domain";  // refused by DomainName
  r.websites[0].number = "粤ICP备2026000002号-1";  // under another subject
  r.websites[0].languages = {999};                 // no such Yylb
  Result<EstateRecord> e = EstateRecordOf(r, kIsp, kToday);
  ASSERT_FALSE(e.has_value());
  std::vector<std::string> where;
  for (const FieldViolation& v : e.error().violations) where.push_back(v.field + " " + v.rule);
  EXPECT_EQ(where, (std::vector<std::string>{
                       "Zt_xx/Zj/Zjlx bureau.estate.code",
                       "Zt_xx/Fzr/Fzr_zjlx bureau.estate.leader-certificate",
                       "Wz_xx[0]/Baxh bureau.estate.number",
                       "Wz_xx[0]/Ym_xx[0]/Ym bureau.estate.value",
                       "Wz_xx[0]/Yylb/Yylb_id bureau.estate.code",
                   }));
}

TEST(EstateRecordOf, RefusesARecordWithoutItsNumber) {
  miit::FiledRecord r = FiledRecordOf(Enterprise());
  r.subject.number.reset();
  Result<EstateRecord> e = EstateRecordOf(r, kIsp, kToday);
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().violations.at(0).field, "Zt_xx/Baxh");
}

}  // namespace
}  // namespace icp::bureau
