#include "miit/messages.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "miit/payload.h"

namespace icp::miit {
namespace {

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(ICP_SOURCE_DIR) + "/src/miit/testdata/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Leader WebsiteLeader() {
  Leader l;
  l.name = "王五";
  l.mobiles = "13900000000";
  l.emails = "wang@example.cn";
  l.certificate_type = 2;
  l.certificate_number = "11010519491231002X";
  return l;
}

SubjectBlock NewSubject() {
  SubjectBlock s;
  s.isp_id = 70001;
  s.name = "示例科技有限公司";
  s.nature = 4;
  s.address = {440000, 440300, 440305, "示例路1号"};
  s.certificate = {1, "91350100M000100Y43", "示例路1号"};
  s.leader.name = "李四";
  s.leader.office_phones = "0755-12345678";
  s.leader.mobiles = "13800000000";
  s.leader.emails = "li@example.cn";
  s.filed_by = 1;
  return s;
}

WebsiteBlock NewWebsite() {
  WebsiteBlock w;
  w.isp_id = 80001;
  w.name = "示例科技官网";
  w.pre_approvals = {{1, "京ICP证000000号", {"/9j/4AAQ"}}};
  w.service_content = {8, 24};
  w.languages = {1, 12};
  w.domains = {{90001, std::nullopt, "example.cn"}};
  AccessBlock a;
  a.isp_id = 60001;
  a.locations = {5};
  a.methods = {5};
  a.ips = {{50001, std::nullopt, 3221225994, 3221225994}};
  w.accesses = {a};
  w.leader = WebsiteLeader();
  w.home_url = "www.example.cn";
  w.remark = "企业官网";
  return w;
}

Attachment WebsiteAttachment(std::optional<std::int64_t> id, std::optional<std::string> number) {
  return {1, 1, "/9j/4AAQSkZJRg==", OwnerType::kWebsite, id, number, std::nullopt};
}

IcpUpload EveryOperation() {
  IcpUpload u;
  u.requester = 440000000123;
  u.first_filings.push_back(
      {NewSubject(), {NewWebsite()}, {WebsiteAttachment(80001, std::nullopt)}});
  NewWebsites nw;
  nw.subject_number = "粤ICP备20000001号";
  nw.websites = {NewWebsite()};
  nw.attachments = {WebsiteAttachment(80001, std::nullopt)};
  nw.icp_password = "1a64a010767f0725fb52111b0a9e9f84";
  u.new_websites.push_back(nw);
  NewAccess na;
  na.website_id = 4001;
  na.access = NewWebsite().accesses[0];
  na.attachments = {WebsiteAttachment(std::nullopt, "粤ICP备20000001号-1")};
  na.icp_password = "1a64a010767f0725fb52111b0a9e9f84";
  u.new_accesses.push_back(na);
  Change c;
  c.subject = NewSubject();
  c.subject.isp_id.reset();
  c.subject.filed_by.reset();
  c.subject.bureau_id = 3001;
  c.subject.number = "粤ICP备20000001号";
  WebsiteBlock w = NewWebsite();
  w.isp_id.reset();
  w.bureau_id = 4001;
  w.number = "粤ICP备20000001号-1";
  w.domains = {{90002, 5001, "example.cn"}, {90003, std::nullopt, "example.com.cn"}};
  w.accesses[0].isp_id.reset();
  w.accesses[0].bureau_id = 6001;
  w.accesses[0].ips = {{50003, 7001, 3221225995, 3221225995}};
  c.websites = {w};
  u.changes.push_back(c);
  u.cancellations.push_back(
      {CancelKind::kSubject, 3001, 1, "公司注销", "1a64a010767f0725fb52111b0a9e9f84"});
  u.cancellations.push_back({CancelKind::kAccess, 6001, 3, std::nullopt, std::nullopt});
  return u;
}

IcpDownload EveryDownloadPart() {
  IcpDownload d;
  FiledRecord f;
  f.subject = NewSubject();
  f.subject.bureau_id = 3001;
  f.subject.number = "粤ICP备20000001号";
  f.subject.first_filed_at = "2025-03-05";
  f.subject.modified_at = "2025-03-05 10:00:00";
  f.subject.reviewer = "赵六";
  WebsiteBlock w = NewWebsite();
  w.bureau_id = 4001;
  w.number = "粤ICP备20000001号-1";
  w.domains[0].bureau_id = 5001;
  w.accesses[0].bureau_id = 6001;
  w.accesses[0].provider = 440000000123;
  w.accesses[0].ips[0].bureau_id = 7001;
  w.first_filed_at = "2025-03-05";
  f.websites = {w};
  d.filed_records = {f};
  d.cancellations = {{CancelKind::kAccess, 6002, std::nullopt}};
  FilingResults r;
  r.records.push_back({{{1001, "管局审核通过"}}, 1, "70001", std::nullopt});
  r.records.push_back(
      {{{1015, "无效身份证号码"}, {1063, std::nullopt}}, 2, "80002", "{\"beian\":1}"});
  r.decisions.push_back({"赵六", std::nullopt, "2025-03-05", std::nullopt, true, 1, 70001});
  d.results = r;
  d.notices = {{true, "粤ICP备20000001号-1", 4001, "请更新网站负责人信息"}};
  d.blacklisted_subjects = {
      {"某违规公司", 4, CertificateBlock{1, "91350100M000100Y43", std::nullopt}, ListAction::kAdd},
      {std::nullopt, std::nullopt, std::nullopt, ListAction::kDelete}};
  d.blacklisted_websites = {
      {"违规网站", {"bad.example", "bad2.example"}, "bad.example", ListAction::kModify}};
  d.illegal_accesses = {{9001, "illegal.example", 3221225996, 440000000999, 440000, "2025-03-01"}};
  d.unfiled_sites = {{9101, "unfiled.example", 1, 3221225996, "2025-03-01", 3, 440000, "2025-02-01",
                      440000000123, 2001},
                     {9102, "other.example", std::nullopt, 3221225997, std::nullopt, std::nullopt,
                      std::nullopt, std::nullopt, std::nullopt, 2001}};
  return d;
}

TEST(Messages, DecodesTheProtocolsFirstFilingExample) {
  Result<IcpUpload> u = DecodeUpload(ReadTestdata("xzba_spec.xml"));
  ASSERT_TRUE(u.has_value()) << u.error().message;
  EXPECT_EQ(u->requester, 440000000123);
  ASSERT_EQ(u->first_filings.size(), 1u);
  const FirstFiling& f = u->first_filings[0];
  EXPECT_EQ(f.subject.isp_id, 70001);
  EXPECT_EQ(f.subject.name, "示例科技有限公司");
  EXPECT_EQ(f.subject.address.county, 440305);
  EXPECT_EQ(f.subject.leader.office_phones, "0755-12345678");
  ASSERT_EQ(f.websites.size(), 1u);
  EXPECT_EQ(f.websites[0].accesses[0].ips[0].first, 3221225994);
  EXPECT_EQ(f.websites[0].domains[0].name, "example.cn");
  ASSERT_EQ(f.attachments.size(), 1u);
  EXPECT_EQ(f.attachments[0].owner_type, OwnerType::kWebsite);
  EXPECT_EQ(f.attachments[0].owner_id, 80001);
}

TEST(Messages, DecodesTheProtocolsAccessAndCancellationExamples) {
  Result<IcpUpload> xzjr = DecodeUpload(ReadTestdata("xzjr_spec.xml"));
  ASSERT_TRUE(xzjr.has_value()) << xzjr.error().message;
  EXPECT_EQ(xzjr->new_accesses.at(0).website_number, "粤ICP备20000001号-1");
  EXPECT_EQ(xzjr->new_accesses.at(0).access.isp_id, 60002);
  Result<IcpUpload> zxba = DecodeUpload(ReadTestdata("zxba_spec.xml"));
  ASSERT_TRUE(zxba.has_value()) << zxba.error().message;
  EXPECT_EQ(zxba->cancellations.at(0).kind, CancelKind::kAccess);
  EXPECT_EQ(zxba->cancellations.at(0).reason_text, "客户迁出");
}

TEST(Messages, DecodesTheProtocolsResultExampleWithItsCodes) {
  Result<IcpDownload> d = DecodeDownload(ReadTestdata("bajg_spec.xml"));
  ASSERT_TRUE(d.has_value()) << d.error().message;
  ASSERT_TRUE(d->results.has_value());
  const RecordResult& rec = d->results->records.at(0);
  EXPECT_EQ(rec.items.at(0).code, 1004);
  EXPECT_EQ(rec.operation, static_cast<std::int64_t>(Operation::kFirstFiling));
  EXPECT_EQ(rec.key, "70001");
  EXPECT_EQ(rec.Outcome(), ResultClass::kReturned);
  const ReviewDecision& g = d->results->decisions.at(0);
  EXPECT_FALSE(g.approved);
  EXPECT_EQ(g.opinion, "网站名称与主体无关联");
  EXPECT_EQ(g.record_id, 80002);
}

TEST(Messages, RoundTripsEveryUploadOperationThroughItsSchema) {
  IcpUpload u = EveryOperation();
  std::string xml = EncodeUpload(u);
  Result<void> valid = ValidateUpload(xml);
  ASSERT_TRUE(valid.has_value()) << valid.error().message << "\n" << xml;
  Result<IcpUpload> back = DecodeUpload(xml);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(*back, u);
}

TEST(Messages, RoundTripsEveryModelledDownloadPartThroughItsSchema) {
  IcpDownload d = EveryDownloadPart();
  std::string xml = EncodeDownload(d);
  Result<void> valid = ValidateDownload(xml);
  ASSERT_TRUE(valid.has_value()) << valid.error().message << "\n" << xml;
  Result<IcpDownload> back = DecodeDownload(xml);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(*back, d);
}

TEST(Messages, RoundTripsAFullSyncAsAFileOfItsOwn) {
  IcpDownload d;
  d.synced_records = EveryDownloadPart().filed_records;
  d.synced_records.push_back(d.synced_records[0]);
  d.synced_records[1].subject.bureau_id = 3002;
  // Anything beside it is not written: SJTB is a root of its own (§5.0).
  d.notices = {{true, std::nullopt, std::nullopt, "不随全量同步发送"}};
  const std::string xml = EncodeDownload(d);
  EXPECT_NE(xml.find("<DownloadData version=\"V.3.0\"><SJTB><ICP><Baxx>"), std::string::npos)
      << xml;
  Result<void> valid = ValidateDownload(xml);
  ASSERT_TRUE(valid.has_value()) << valid.error().message << "\n" << xml;
  Result<IcpDownload> back = DecodeDownload(xml);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->synced_records, d.synced_records);
  EXPECT_TRUE(back->notices.empty());
  EXPECT_TRUE(back->filed_records.empty());
  EXPECT_TRUE(back->unmodelled.empty());
}

TEST(Messages, RoundTripsTheCodeTablesAsAFileOfTheirOwn) {
  IcpDownload d;
  d.codes = {{"Bbdwlb", 440000000123, "示例云计算有限公司", std::nullopt, true},
             {"Dwxz_dms", 4, "企业", std::nullopt, true},
             {"Dwxz_dms", 7, "已停用的性质", std::string("停用"), false},
             {"Zxly_dms", 1, "主体注销", std::nullopt, true},
             {"Wbacl_dms", 1, "已停止接入", std::string("beian-own"), true}};
  d.notices = {
      {true, std::nullopt, std::nullopt, "不随基础代码发送"}};  // JCDM is a root of its own
  const std::string xml = EncodeDownload(d);
  EXPECT_NE(xml.find("<DownloadData version=\"V.3.0\"><JCDM><Bbdwlb><Bbdw><Id>440000000123</Id>"
                     "<Dwmc>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<Zxly_xx><Id>1</Id><Nr>主体注销</Nr><Sfyx>1</Sfyx></Zxly_xx>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<Wbacl_xx><Id>1</Id><Ztmc>已停止接入</Ztmc><Bz>beian-own</Bz></Wbacl_xx>"),
            std::string::npos)
      << xml;
  Result<void> valid = ValidateDownload(xml);
  ASSERT_TRUE(valid.has_value()) << valid.error().message << "\n" << xml;
  Result<IcpDownload> back = DecodeDownload(xml);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->codes, d.codes);
  EXPECT_TRUE(back->notices.empty());
  EXPECT_TRUE(back->unmodelled.empty());
}

// An entry's own fields (Ysid, Dwflid, ...) come in any order and are skipped; a missing Id or
// name, or an Sfyx other than 0 or 1, is named with its path.
TEST(Messages, ReadsACodeEntryWhateverItsOwnFieldsAndNamesWhatIsWrong) {
  Result<IcpDownload> d = DecodeDownload(
      "<DownloadData version=\"V.3.0\"><JCDM><Jcdm_xx><Zjlx_dms><Zjlx_xx><Dwflid>1</Dwflid>"
      "<Mc>居民身份证</Mc><Sfyx>1</Sfyx><Id>2</Id></Zjlx_xx></Zjlx_dms></Jcdm_xx></JCDM>"
      "</DownloadData>");
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(d->codes, (std::vector<CodeEntry>{{"Zjlx_dms", 2, "居民身份证", std::nullopt, true}}));
  Result<IcpDownload> bad = DecodeDownload(
      "<DownloadData version=\"V.3.0\"><JCDM><Jcdm_xx><Dwxz_dms><Dwxz_xx><Mc>企业</Mc>"
      "<Sfyx>2</Sfyx></Dwxz_xx></Dwxz_dms></Jcdm_xx></JCDM></DownloadData>");
  ASSERT_FALSE(bad.has_value());
  std::vector<std::string> fields;
  for (const FieldViolation& v : bad.error().violations) fields.push_back(v.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"DownloadData/JCDM/Jcdm_xx/Dwxz_dms/Dwxz_xx/Id",
                                              "DownloadData/JCDM/Jcdm_xx/Dwxz_dms/Dwxz_xx/Sfyx"}));
  Result<IcpDownload> stray = DecodeDownload(
      "<DownloadData version=\"V.3.0\"><JCDM><Jcdm_xx><Dwxz_xx><Id>1</Id></Dwxz_xx></Jcdm_xx>"
      "</JCDM></DownloadData>");
  ASSERT_FALSE(stray.has_value());
  EXPECT_EQ(stray.error().rule(), "miit.schema");
}

TEST(Messages, RefusesAFullSyncWhoseRecordBreaksTheSchema) {
  IcpDownload d;
  d.synced_records = EveryDownloadPart().filed_records;
  d.synced_records[0].subject.name = "";  // Dwmc 1..255
  Result<IcpDownload> back = DecodeDownload(EncodeDownload(d));
  ASSERT_FALSE(back.has_value());
  EXPECT_EQ(back.error().rule(), "miit.schema");
  EXPECT_EQ(back.error().violations.at(0).field, "DownloadData/SJTB/ICP/Baxx/Zt_xx/Dwmc");
}

TEST(Messages, NamesTheSyncPartsItDoesNotModel) {
  Result<IcpDownload> d = DecodeDownload(
      "<DownloadData version=\"V.3.0\"><SJTB><YM><Ymxx/></YM></SJTB></DownloadData>");
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(d->unmodelled, (std::vector<std::string>{"SJTB"}));
  EXPECT_TRUE(d->synced_records.empty());
}

TEST(Messages, TravelsThroughThePayloadPipeline) {
  IcpUpload u = EveryOperation();
  Result<WirePayload> wire = EncodePayload(EncodeUpload(u), {});
  ASSERT_TRUE(wire.has_value()) << wire.error().message;
  Result<DecodedPayload> file = DecodePayload(*wire, {});
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_EQ(DecodeUpload(file->text).value(), u);
}

TEST(Messages, ReportsEverySchemaViolationWithItsPath) {
  IcpUpload u = EveryOperation();
  u.first_filings[0].subject.name = "";                         // Dwmc 1..255
  u.first_filings[0].websites[0].accesses[0].ips[0].first = 0;  // Qsip >= 1
  Result<IcpUpload> r = DecodeUpload(EncodeUpload(u));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "miit.schema");
  std::vector<std::string> fields;
  for (const FieldViolation& v : r.error().violations) fields.push_back(v.field);
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "UploadData/ICP/XZBA/Baxx/Zt_xx/Dwmc",
                        "UploadData/ICP/XZBA/Baxx/Wz_xx/Jr_xx/Ip_xx/Qsip",
                    }));
}

TEST(Messages, RefusesAMissingRequiredElement) {
  std::string xml = ReadTestdata("xzjr_spec.xml");
  xml.erase(xml.find("<ICPmm>"), xml.find("</ICPmm>") + 8 - xml.find("<ICPmm>"));
  Result<IcpUpload> r = DecodeUpload(xml);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "miit.schema");
  EXPECT_EQ(r.error().violations.at(0).field, "UploadData/ICP/XZJR/Xzxx");
}

TEST(Messages, RefusesAnotherVersion) {
  std::string xml = ReadTestdata("zxba_spec.xml");
  xml.replace(xml.find("V.3.0"), 5, "V.2.1");
  EXPECT_EQ(DecodeUpload(xml).error().rule(), "miit.version");
}

TEST(Messages, RefusesAnUploadAsADownloadAndNonXml) {
  EXPECT_EQ(DecodeDownload(ReadTestdata("zxba_spec.xml")).error().rule(), "miit.schema");
  EXPECT_EQ(DecodeUpload("<UploadData").error().rule(), "miit.xml");
  EXPECT_EQ(DecodeUpload("").error().rule(), "miit.xml");
}

TEST(Messages, NamesTheDownloadPartsItDoesNotModel) {
  Result<IcpDownload> d = DecodeDownload(
      "<DownloadData version=\"V.3.0\"><ICP><HCJG><Jgxx/></HCJG><ZXSJ><Zxxx><Zxlb>1</Zxlb>"
      "<Jlid>4001</Jlid></Zxxx></ZXSJ></ICP></DownloadData>");
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(d->unmodelled, (std::vector<std::string>{"HCJG"}));
  EXPECT_EQ(d->cancellations.at(0).kind, CancelKind::kWebsite);
}

TEST(Messages, AnHsrwTaskIsARecordAsInBasjAndNotAnUnmodelledPart) {
  Result<IcpDownload> d = DecodeDownload(
      "<DownloadData version=\"V.3.0\"><ICP><HSRW><Baxx/></HSRW></ICP></DownloadData>");
  EXPECT_EQ(d.error().rule(), "miit.schema");  // a Baxx is a whole record, as in BASJ
}

TEST(Messages, HsjgNamesTheLeadersMobileSjhm) {
  const std::string hsjg =
      "<?xml version=\"1.0\" encoding=\"GBK\"?><UploadData version=\"V.3.0\"><ICP><HSJG><Hsjgxx>"
      "<Hsjg>1</Hsjg><Hsrxm>赵六</Hsrxm><Hssj>2026-05-01</Hssj><Bbdw>440000000123</Bbdw>"
      "<Hsyj>不属实</Hsyj><Baxx><Zt_xx><Ztid>3001</Ztid><Dwmc>示例</Dwmc><Txdz><Shengid>440000"
      "</Shengid><Shiid>440300</Shiid></Txdz><Zj><Zjlx>1</Zjlx><Zjhm>X</Zjhm><Zjzs>路</Zjzs></Zj>"
      "<Fzr><sjhm>13800000000</sjhm><Fzr_dzyj>a@example.cn</Fzr_dzyj></Fzr></Zt_xx>"
      "<Wz_xx><Wzid>4001</Wzid><Wzmc>站</Wzmc><Fwnr><Fwnr_id>1</Fwnr_id></Fwnr>"
      "<Ym_xx><Ymid>5001</Ymid><Ym>example.cn</Ym></Ym_xx><Jr_xx><Jrid>6001</Jrid><Wzfb><Fbdd>5"
      "</Fbdd></Wzfb><Wzjrfs><Jrfs>1</Jrfs></Wzjrfs><Ip_xx><Ipid>7001</Ipid><Qsip>1</Qsip>"
      "<Zzip>1</Zzip></Ip_xx><Bbfs>1</Bbfs></Jr_xx><Wz_Fzr><Fzr_xm>王</Fzr_xm><sjhm>13900000000"
      "</sjhm><Fzr_dzyj>w@example.cn</Fzr_dzyj></Wz_Fzr></Wz_xx></Baxx></Hsjgxx></HSJG>"
      "<Qqdwid>440000000123</Qqdwid></ICP></UploadData>";
  Result<IcpUpload> u = DecodeUpload(hsjg);
  ASSERT_TRUE(u.has_value()) << u.error().message;
  ASSERT_EQ(u->verifications.size(), 1u);
  const VerificationAnswer& v = u->verifications[0];
  EXPECT_FALSE(v.passed);  // Hsjg 1: refused (polarity, §2)
  EXPECT_EQ(v.record.subject.leader.mobiles, "13800000000");
  EXPECT_EQ(v.record.websites.at(0).leader.mobiles, "13900000000");
  EXPECT_EQ(v.record.websites[0].accesses.at(0).ips.at(0).bureau_id, 7001);
  // Encoded again it is the same document's data, and valid.
  Result<IcpUpload> again = DecodeUpload(EncodeUpload(*u));
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(*again, *u);
  // Fzr_sjhm where the spec's XSD has sjhm is refused.
  std::string wrong = hsjg;
  wrong.replace(wrong.find("<sjhm>13800000000</sjhm>"), 24, "<Fzr_sjhm>13800000000</Fzr_sjhm>");
  EXPECT_EQ(DecodeUpload(wrong).error().rule(), "miit.schema");
}

TEST(Messages, CountsTheRecordsOfAnUpload) {
  EXPECT_EQ(RecordCount(EveryOperation()), 6u);  // Baxx, Xzxx, Xzxx, Bgxx, Zx_xx, Zx_xx
  EXPECT_EQ(RecordCount(IcpUpload{}), 0u);
}

TEST(Messages, RefusesABlacklistActionOutsideItsRange) {
  std::string xml = EncodeDownload(EveryDownloadPart());
  xml.replace(xml.find("<Czlx>2</Czlx>", xml.find("<HMDLB>")), 14, "<Czlx>3</Czlx>");
  Result<IcpDownload> r = DecodeDownload(xml);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().violations.at(0).field, "DownloadData/ICP/HMDLB/Zthmdxxs[2]/Czlx");
}

TEST(Messages, ResultOutcomeFollowsTheProtocolsPrecedence) {
  RecordResult r;
  r.items = {{1063, {}}, {1015, {}}};  // P and R: the customer fixes it
  EXPECT_EQ(r.Outcome(), ResultClass::kReturned);
  r.items = {{1063, {}}, {5001, {}}};  // only P: the provider's problem
  EXPECT_EQ(r.Outcome(), ResultClass::kProvider);
  r.items = {{1015, {}}, {1005, {}}};  // R and C: a conflict
  EXPECT_EQ(r.Outcome(), ResultClass::kConflict);
  r.items = {{1001, {}}, {1062, {}}};
  EXPECT_EQ(r.Outcome(), ResultClass::kApproved);
}

TEST(Messages, DecodesAnyMutationToAResult) {
  std::mt19937 rng(17);
  std::string good = EncodeUpload(EveryOperation());
  int decoded = 0;
  for (int n = 0; n < 300; ++n) {
    std::string xml = good;
    for (int k = 0; k < 2; ++k) {
      std::size_t at = rng() % xml.size();
      switch (rng() % 3) {
        case 0:
          xml[at] = "<>/&0-9aZ"[rng() % 9];
          break;
        case 1:
          xml.erase(at, rng() % 20);
          break;
        default:
          xml.insert(at, xml.substr(rng() % xml.size(), rng() % 40));
      }
    }
    Result<IcpUpload> r = DecodeUpload(xml);
    if (r.has_value()) {
      ++decoded;
    } else {
      EXPECT_FALSE(r.error().violations.empty());
    }
  }
  EXPECT_LT(decoded, 300);
}

}  // namespace
}  // namespace icp::miit
