#include "bureau_sim/operator_uploads.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "bureau_sim/import.h"
#include "bureau_sim/lists.h"
#include "bureau_sim/service.h"
#include "miit/authentication.h"
#include "miit/base64.h"
#include "miit/jcdm.h"
#include "miit/payload.h"
#include "miit/result_code.h"
#include "ports/testing/fake_password_hasher.h"
#include "storage/sqlite/connection.h"

namespace icp::bureau_sim {
namespace {

using miit::MethodReturn;
using miit::MsgCode;

constexpr std::int64_t kIsp = 440000000123;    // Guangdong's account, serves the website
constexpr std::int64_t kOther = 440000000999;  // Guangdong's too, serves nothing
constexpr std::int64_t kMinistry = 100000000001;
constexpr std::int64_t kBeijing = 110000000001;
constexpr std::int64_t kLegacy = 440000000555;  // opened without a province
constexpr std::int64_t kNow = 1'780'000'000;
constexpr std::string_view kPassword = "secret01";
constexpr std::string_view kSubjectNumber = "粤ICP备2025000001号";
constexpr std::string_view kWebsiteNumber = "粤ICP备2025000001号-1";

class FixedClock final : public Clock {
 public:
  std::chrono::sys_seconds Now() override {
    return std::chrono::sys_seconds{std::chrono::seconds{kNow}};
  }
};

// A JPEG's first bytes, enough for the format check.
std::string Jpeg() { return miit::Base64Encode(std::string("\xFF\xD8\xFF\xE0 jpeg body", 15)); }

class OperatorUploadsTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(ServiceOptions{}); }

  void Open(ServiceOptions options) {
    service_.reset();
    store_.reset();
    store_ = std::move(*Store::OpenOn(std::move(*sqlite::Connection::Open(":memory:")), 1));
    ASSERT_TRUE(store_->AddProvider(kIsp, "isp", kPassword, 1, {}, {440000, false}));
    ASSERT_TRUE(store_->AddProvider(kOther, "other", kPassword, 1, {}, {440000, false}));
    ASSERT_TRUE(store_->AddProvider(kMinistry, "miit", kPassword, 1, {}, {std::nullopt, true}));
    ASSERT_TRUE(store_->AddProvider(kBeijing, "bj", kPassword, 1, {}, {110000, false}));
    ASSERT_TRUE(store_->AddProvider(kLegacy, "legacy", kPassword, 1));
    std::istringstream line(
        R"({"subject": {"number": "粤ICP备2025000001号", "name": "示例科技有限公司", "nature": 4,)"
        R"( "certificate": {"type": 1, "number": "91440300MA5EXAMPL1", "address": "示例路1号"},)"
        R"( "region": {"province": 440000, "city": 440300, "county": 440305, "address": "示例路1号"},)"
        R"( "leader": {"name": "李四", "mobiles": "13800000000", "emails": "li@example.cn"}},)"
        R"( "websites": [{"number": "粤ICP备2025000001号-1", "name": "示例官网",)"
        R"( "home_url": "www.example.cn", "domains": ["example.cn"], "service_content": [1],)"
        R"( "languages": [1], "leader": {"name": "王五", "mobiles": "13900000000",)"
        R"( "emails": "wang@example.cn"}, "accesses": [{"isp_id": 440000000123,)"
        R"( "ips": ["192.0.2.10"], "locations": [5], "methods": [1]}]}]})");
    Result<ImportReport> imported = ImportRecords(*store_, line, hasher_, 1);
    ASSERT_TRUE(imported.has_value()) << imported.error().message;
    ASSERT_EQ(imported->imported, 1) << (imported->problems.empty() ? "" : imported->problems[0]);
    service_ = std::make_unique<Service>(*store_, clock_, hasher_, options);
    Drain(kIsp);  // the estate BASJ import queued nothing; any earlier file goes
  }

  miit::SoapRequest Signed(miit::Method method, std::int64_t isp) {
    miit::SoapRequest r;
    r.method = method;
    r.isp_id = isp;
    r.user_name = isp == kIsp        ? "isp"
                  : isp == kOther    ? "other"
                  : isp == kMinistry ? "miit"
                  : isp == kBeijing  ? "bj"
                                     : "legacy";
    const miit::RandVal rand_val = miit::RandVal::Generate();
    r.rand_val = rand_val.str();
    r.pwd_hash = *miit::PwdHash(kPassword, rand_val);
    return r;
  }

  MethodReturn Upload(const miit::IcpUpload& upload, std::int64_t isp = kIsp) {
    return UploadXml(miit::EncodeUpload(upload), isp);
  }

  MethodReturn UploadXml(std::string_view xml, std::int64_t isp = kIsp) {
    miit::SoapRequest r = Signed(miit::Method::kUpload, isp);
    const miit::WirePayload payload = *miit::EncodePayload(xml, {.entry_name = "OPER0001"});
    r.beian_info = payload.beian_info;
    r.beian_info_hash = payload.beian_info_hash;
    r.data_sequence = ++sequence_[isp];
    return service_->Call(r);
  }

  // The next file for `isp`, decoded and acknowledged; empty when none waits.
  std::optional<miit::IcpDownload> Next(std::int64_t isp = kIsp) {
    const MethodReturn r = service_->Call(Signed(miit::Method::kDownload, isp));
    if (!r.file_info) return std::nullopt;
    Result<miit::DecodedPayload> decoded = miit::DecodePayload(r.file_info->payload, {});
    EXPECT_TRUE(decoded.has_value());
    Result<miit::IcpDownload> download = miit::DecodeDownload(decoded->text);
    EXPECT_TRUE(download.has_value()) << download.error().message;
    miit::SoapRequest ack = Signed(miit::Method::kDownloadAck, isp);
    ack.file_name = r.file_info->file_name;
    EXPECT_EQ(service_->Call(ack).msg_code, 0);
    return download.value_or(miit::IcpDownload{});
  }

  void Drain(std::int64_t isp) {
    while (Next(isp)) {
    }
  }

  // The one Jg_xx of the next file.
  miit::RecordResult NextRecord(std::int64_t isp = kIsp) {
    std::optional<miit::IcpDownload> file = Next(isp);
    EXPECT_TRUE(file && file->results && file->results->records.size() == 1);
    if (!file || !file->results || file->results->records.empty()) return {};
    return file->results->records.front();
  }

  static std::vector<std::int64_t> CodesOf(const miit::RecordResult& record) {
    std::vector<std::int64_t> codes;
    for (const miit::ResultItem& i : record.items) codes.push_back(i.code);
    return codes;
  }

  Website TheWebsite() {
    return **store_->Transact([&](Registry& r) { return r.WebsiteByNumber(kWebsiteNumber); });
  }
  Subject TheSubject() {
    return **store_->Transact([&](Registry& r) { return r.SubjectByNumber(kSubjectNumber); });
  }

  // The materials kept about the filed website.
  std::int64_t Materials() {
    const std::int64_t ztid = *TheSubject().block.bureau_id;
    const std::optional<std::int64_t> wzid = TheWebsite().block.bureau_id;
    return *store_->Transact([&](Registry& r) { return r.MaterialCount(ztid, wzid); });
  }

  // An HSJG answer about the filed website, as the provider's system would send it.
  miit::VerificationAnswer Answer(bool passed) {
    miit::VerificationAnswer v;
    v.passed = passed;
    v.verifier = "赵六";
    v.verified_on = "2026-05-01";
    v.reporter = kIsp;
    v.opinion = passed ? "信息属实" : "网站负责人电话空号";
    if (!passed) v.errors = "Wz_Fzr/sjhm";
    v.record.subject = TheSubject().block;
    v.record.websites.push_back(TheWebsite().block);
    return v;
  }

  miit::Attachment Material(std::optional<std::string> number, std::int64_t purpose = 4) {
    miit::Attachment a;
    a.format = 1;
    a.purpose = purpose;
    a.content = Jpeg();
    a.owner_type = miit::OwnerType::kWebsite;
    a.owner_number = std::move(number);
    return a;
  }

  miit::UnfiledSiteHandling Handling(std::string domain, std::int64_t result) {
    miit::UnfiledSiteHandling h;
    h.domain = std::move(domain);
    h.ip = *Ipv4Number("198.51.100.7");
    h.carrier = kIsp;
    h.provider = kIsp;
    h.province = 440000;
    h.result = result;
    h.opinion = "已停止接入";
    h.listed_on = "2026-05-01";
    h.deadline = "2026-05-08";
    return h;
  }

  FixedClock clock_;
  FakePasswordHasher hasher_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Service> service_;
  std::map<std::int64_t, std::int64_t> sequence_;
};

miit::IcpUpload With(std::function<void(miit::IcpUpload&)> fill) {
  miit::IcpUpload u;
  u.requester = kIsp;
  fill(u);
  return u;
}

// ---- 1045 and 13 (§1.1) ----

TEST_F(OperatorUploadsTest, AnAccountOfMiitsOwnSystemHasEveryIcpRecordRefusedWith1045) {
  miit::IcpUpload u;
  u.requester = kMinistry;
  u.cancellations.push_back({miit::CancelKind::kAccess, 6001, 3, std::nullopt, std::nullopt});
  u.materials.push_back(Material(std::string(kWebsiteNumber)));
  ASSERT_EQ(Upload(u, kMinistry).msg_code, 0);  // accepted: the refusal is a result (§5.3)
  std::optional<miit::IcpDownload> file = Next(kMinistry);
  ASSERT_TRUE(file && file->results);
  ASSERT_EQ(file->results->records.size(), 2u);
  for (const miit::RecordResult& record : file->results->records) {
    EXPECT_EQ(CodesOf(record), std::vector<std::int64_t>{1045});
    EXPECT_NE(record.items[0].description->find("Qqdwid 100000000001"), std::string::npos);
  }
  EXPECT_EQ(file->results->records[0].operation, 5);
  EXPECT_EQ(file->results->records[0].key, "6001");
  EXPECT_EQ(file->results->records[1].operation, 35);
  // Nothing of it went further: no filing, no material.
  EXPECT_TRUE(store_->Transact([](Registry& r) { return r.FilingsIn(FilingState::kIntake, 0, 10); })
                  ->empty());
  EXPECT_EQ(Materials(), 0);
}

TEST_F(OperatorUploadsTest, AProvincialAccountReportsIcpDataWithout1045) {
  miit::IcpUpload u;
  u.requester = kBeijing;  // a subject elsewhere is fine (§1.1); here a cancellation
  u.cancellations.push_back({miit::CancelKind::kAccess, 6001, 3, std::nullopt, std::nullopt});
  ASSERT_EQ(Upload(u, kBeijing).msg_code, 0);
  EXPECT_EQ(store_->Transact([](Registry& r) { return r.FilingsIn(FilingState::kIntake, 0, 10); })
                ->size(),
            1u);
  EXPECT_FALSE(Next(kBeijing).has_value());
}

TEST_F(OperatorUploadsTest, AStrictBureauRefusesTheMinistrysHsjgWithoutACzlx) {
  Open({Protocol::kStrict, std::nullopt});
  miit::IcpUpload u;
  u.requester = kMinistry;
  u.verifications.push_back(Answer(true));
  u.verifications.back().reporter = kMinistry;
  ASSERT_EQ(Upload(u, kMinistry).msg_code, 0);
  EXPECT_FALSE(Next(kMinistry).has_value());  // V3.0 gives HSJG no Czlx to answer with
}

TEST_F(OperatorUploadsTest, AProvincialSystemRefusesAccountsOfOtherProvincesAndMiitWith13) {
  Open({Protocol::kExtended, 440000});
  EXPECT_EQ(service_->Call(Signed(miit::Method::kDownload, kBeijing)).msg_code, 13);
  EXPECT_EQ(service_->Call(Signed(miit::Method::kDownload, kMinistry)).msg_code, 13);
  EXPECT_EQ(service_->Call(Signed(miit::Method::kDownload, kIsp)).msg_code, 2);
  EXPECT_EQ(service_->Call(Signed(miit::Method::kDownload, kLegacy)).msg_code, 2);
}

TEST_F(OperatorUploadsTest, AProvinceMustBeAProvinceCodeAndMiitsAccountsHaveNone) {
  EXPECT_FALSE(store_->AddProvider(1, "a", "p", 1, {}, {440300, false}));
  EXPECT_FALSE(store_->AddProvider(2, "b", "p", 1, {}, {440000, true}));
  Result<std::optional<Provider>> miit = store_->FindProvider(kMinistry);
  ASSERT_TRUE(miit && miit->has_value());
  EXPECT_TRUE((*miit)->ministry);
  EXPECT_FALSE((*miit)->province.has_value());
  EXPECT_EQ((*store_->FindProvider(kIsp))->province, 440000);
}

// ---- XZHYD (§4.7) ----

TEST_F(OperatorUploadsTest, MaterialForAFiledWebsiteThisProviderServesIsStoredWith1060) {
  ASSERT_EQ(Upload(With([&](auto& u) {
              u.materials.push_back(Material(std::string(kWebsiteNumber)));
            })).msg_code,
            0);
  const miit::RecordResult record = NextRecord();
  EXPECT_EQ(CodesOf(record), std::vector<std::int64_t>{1060});
  EXPECT_EQ(record.operation, 35);
  EXPECT_EQ(record.key, kWebsiteNumber);
  EXPECT_EQ(Materials(), 1);
}

TEST_F(OperatorUploadsTest, MaterialNamingNoFiledRecordIs1059And1058) {
  miit::Attachment subject_material = Material(std::nullopt, 2);
  subject_material.owner_type = miit::OwnerType::kSubject;
  subject_material.owner_id = 999999;
  ASSERT_EQ(Upload(With([&](auto& u) {
              u.materials.push_back(Material("粤ICP备2025999999号-1"));
              u.materials.push_back(subject_material);
            })).msg_code,
            0);
  std::optional<miit::IcpDownload> file = Next();
  ASSERT_TRUE(file && file->results && file->results->records.size() == 2);
  EXPECT_EQ(CodesOf(file->results->records[0]), std::vector<std::int64_t>{1059});
  EXPECT_EQ(CodesOf(file->results->records[1]), std::vector<std::int64_t>{1058});
}

TEST_F(OperatorUploadsTest, MaterialForARecordAnotherProviderServesIs1048) {
  miit::IcpUpload upload =
      With([&](auto& u) { u.materials.push_back(Material(std::string(kWebsiteNumber))); });
  upload.requester = kOther;
  ASSERT_EQ(Upload(upload, kOther).msg_code, 0);
  EXPECT_EQ(CodesOf(NextRecord(kOther)), std::vector<std::int64_t>{1048});
}

TEST_F(OperatorUploadsTest, MaterialWithAPurposeOfTheOtherOwnerIs1061) {
  miit::Attachment a = Material(std::string(kSubjectNumber), 4);  // a website leader's ID
  a.owner_type = miit::OwnerType::kSubject;
  ASSERT_EQ(Upload(With([&](auto& u) { u.materials.push_back(a); })).msg_code, 0);
  EXPECT_EQ(CodesOf(NextRecord()), std::vector<std::int64_t>{1061});
}

TEST_F(OperatorUploadsTest, MaterialWithUnknownCodesOrContentNotOfItsFormatIsRefused) {
  miit::Attachment codes = Material(std::string(kWebsiteNumber), 77);
  codes.format = 9;
  miit::Attachment png_said = Material(std::string(kWebsiteNumber));
  png_said.format = 2;  // PNG, but the bytes are a JPEG's
  ASSERT_EQ(Upload(With([&](auto& u) {
              u.materials.push_back(codes);
              u.materials.push_back(png_said);
            })).msg_code,
            0);
  std::optional<miit::IcpDownload> file = Next();
  ASSERT_TRUE(file && file->results && file->results->records.size() == 2);
  EXPECT_EQ(CodesOf(file->results->records[0]), (std::vector<std::int64_t>{1056, 1057}));
  EXPECT_EQ(CodesOf(file->results->records[1]), std::vector<std::int64_t>{5010});
}

TEST_F(OperatorUploadsTest, MaterialOverItsSizeIs5010) {
  miit::Attachment a = Material(std::string(kWebsiteNumber));
  a.content = miit::Base64Encode(std::string("\xFF\xD8\xFF") + std::string(80 * 1024, 'x'));
  ASSERT_EQ(Upload(With([&](auto& u) { u.materials.push_back(a); })).msg_code, 0);
  EXPECT_EQ(CodesOf(NextRecord()), std::vector<std::int64_t>{5010});
}

// ---- HSRW and HSJG (§5.4, §4.8) ----

TEST_F(OperatorUploadsTest, AVerificationTaskGoesToTheWebsitesProviderAsHsrw) {
  const std::int64_t wzid = *TheWebsite().block.bureau_id;
  Result<std::vector<std::string>> sent = SendVerificationTask(*store_, wzid, std::nullopt, kNow);
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  ASSERT_EQ(sent->size(), 1u);
  std::optional<miit::IcpDownload> file = Next();
  ASSERT_TRUE(file.has_value());
  ASSERT_EQ(file->verification_tasks.size(), 1u);
  EXPECT_EQ(file->verification_tasks[0].websites[0].bureau_id, wzid);
  EXPECT_FALSE(file->verification_tasks[0].subject.isp_id.has_value());  // bureau ids only
  EXPECT_FALSE(Next(kOther).has_value());
  // One open task per provider and website; none to a provider that does not serve it.
  EXPECT_EQ(SendVerificationTask(*store_, wzid, std::nullopt, kNow).error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(SendVerificationTask(*store_, wzid, kOther, kNow).error().code,
            ErrorCode::kFailedPrecondition);
}

TEST_F(OperatorUploadsTest, APassedAnswerIsRecordedOnTheTaskAndAnsweredOnce) {
  const std::int64_t wzid = *TheWebsite().block.bureau_id;
  ASSERT_TRUE(SendVerificationTask(*store_, wzid, std::nullopt, kNow));
  Drain(kIsp);
  ASSERT_EQ(Upload(With([&](auto& u) { u.verifications.push_back(Answer(true)); })).msg_code, 0);
  std::optional<miit::IcpDownload> file = Next();
  ASSERT_TRUE(file && file->results && file->results->records.size() == 1);
  const miit::RecordResult& record = file->results->records[0];
  EXPECT_EQ(CodesOf(record), std::vector<std::int64_t>{9021});
  EXPECT_EQ(record.operation, 9008);
  EXPECT_EQ(record.remark, "beian-ext");
  EXPECT_TRUE(file->notices.empty());
  std::optional<VerificationTask> task =
      *store_->Transact([&](Registry& r) { return r.LatestVerificationTask(kIsp, wzid); });
  ASSERT_TRUE(task.has_value());
  EXPECT_EQ(task->passed, true);
  EXPECT_EQ(task->opinion, "信息属实");
  // The same answer again: already reported.
  ASSERT_EQ(Upload(With([&](auto& u) { u.verifications.push_back(Answer(true)); })).msg_code, 0);
  EXPECT_EQ(CodesOf(NextRecord()), std::vector<std::int64_t>{5006});
}

TEST_F(OperatorUploadsTest, TheSchemaKeepsAnAnswerFinalAndOneTaskOpen) {
  const std::int64_t wzid = *TheWebsite().block.bureau_id;
  Result<std::int64_t> id =
      store_->Transact([&](Registry& r) { return r.OpenVerificationTask(kIsp, wzid, kNow); });
  ASSERT_TRUE(id.has_value());
  EXPECT_FALSE(
      store_->Transact([&](Registry& r) { return r.OpenVerificationTask(kIsp, wzid, kNow); }));
  const miit::VerificationAnswer passed = Answer(true);
  const miit::VerificationAnswer refused = Answer(false);
  ASSERT_TRUE(
      store_->Transact([&](Registry& r) { return r.AnswerVerificationTask(*id, passed, kNow); }));
  Result<void> again =
      store_->Transact([&](Registry& r) { return r.AnswerVerificationTask(*id, refused, kNow); });
  ASSERT_FALSE(again.has_value());
  EXPECT_NE(again.error().message.find("bureau.verification.answered"), std::string::npos)
      << again.error().message;
}

TEST_F(OperatorUploadsTest, AnAnswerWithoutATaskSentToThisProviderIs5009) {
  ASSERT_EQ(Upload(With([&](auto& u) { u.verifications.push_back(Answer(true)); })).msg_code, 0);
  EXPECT_EQ(CodesOf(NextRecord()), std::vector<std::int64_t>{5009});
}

TEST_F(OperatorUploadsTest, AnAnswerAboutUnknownRecordsOrFromAnotherUnitIsRefused) {
  const std::int64_t wzid = *TheWebsite().block.bureau_id;
  ASSERT_TRUE(SendVerificationTask(*store_, wzid, std::nullopt, kNow));
  Drain(kIsp);
  miit::VerificationAnswer v = Answer(true);
  v.reporter = kOther;
  v.record.websites[0].bureau_id = 999999;
  ASSERT_EQ(Upload(With([&](auto& u) { u.verifications.push_back(v); })).msg_code, 0);
  EXPECT_EQ(CodesOf(NextRecord()), (std::vector<std::int64_t>{5003, 1059}));
  std::optional<VerificationTask> task =
      *store_->Transact([&](Registry& r) { return r.LatestVerificationTask(kIsp, wzid); });
  EXPECT_FALSE(task->answered_at.has_value());  // a refused answer records nothing
}

TEST_F(OperatorUploadsTest, ARefusedVerificationOrdersRectificationWithXgtz) {
  const Website website = TheWebsite();
  ASSERT_TRUE(SendVerificationTask(*store_, *website.block.bureau_id, std::nullopt, kNow));
  Drain(kIsp);
  ASSERT_EQ(Upload(With([&](auto& u) { u.verifications.push_back(Answer(false)); })).msg_code, 0);
  std::optional<miit::IcpDownload> file = Next();
  ASSERT_TRUE(file && file->results);
  EXPECT_EQ(CodesOf(file->results->records[0]), std::vector<std::int64_t>{9021});
  ASSERT_EQ(file->notices.size(), 1u);
  const miit::Notice& notice = file->notices[0];
  EXPECT_TRUE(notice.about_website);
  EXPECT_EQ(notice.number, kWebsiteNumber);
  EXPECT_EQ(notice.record_id, website.block.bureau_id);
  EXPECT_NE(notice.text.find("核实未通过：网站负责人电话空号"), std::string::npos);
  std::optional<VerificationTask> task = *store_->Transact(
      [&](Registry& r) { return r.LatestVerificationTask(kIsp, *website.block.bureau_id); });
  EXPECT_EQ(task->passed, false);
}

TEST_F(OperatorUploadsTest, StrictV30RecordsTheAnswerAndSendsOnlyTheNotice) {
  Open({Protocol::kStrict, std::nullopt});
  const Website website = TheWebsite();
  ASSERT_TRUE(SendVerificationTask(*store_, *website.block.bureau_id, std::nullopt, kNow));
  Drain(kIsp);
  ASSERT_EQ(Upload(With([&](auto& u) { u.verifications.push_back(Answer(false)); })).msg_code, 0);
  std::optional<miit::IcpDownload> file = Next();
  ASSERT_TRUE(file.has_value());
  EXPECT_FALSE(file->results.has_value());  // no Czlx for HSJG in V3.0: no Jg_xx
  EXPECT_EQ(file->notices.size(), 1u);
  EXPECT_EQ((*store_->Transact([&](Registry& r) {
              return r.LatestVerificationTask(kIsp, *website.block.bureau_id);
            }))->passed,
            false);
}

// ---- WBAWZLB and WBACLJG (§5.2, §4.9) ----

TEST_F(OperatorUploadsTest, AHandledUnfiledSiteLeavesTheNextListAndIsReportedOnce) {
  ASSERT_TRUE(ReportUnfiledSite(*store_, "unfiled.example", "198.51.100.7", kIsp, kNow));
  ASSERT_TRUE(ReportUnfiledSite(*store_, "other-unfiled.example", "198.51.100.8", kIsp, kNow));
  Drain(kIsp);
  ASSERT_EQ(Upload(With([&](auto& u) {
              u.unfiled_handling.push_back(Handling("unfiled.example", 1));
            })).msg_code,
            0);
  const miit::RecordResult record = NextRecord();
  EXPECT_EQ(CodesOf(record), std::vector<std::int64_t>{9022});
  EXPECT_EQ(record.operation, 9009);
  EXPECT_EQ(record.key, "unfiled.example");
  ASSERT_EQ(SendUnfiledList(*store_, kIsp, kNow)->size(), 1u);
  std::optional<miit::IcpDownload> list = Next();
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->unfiled_sites.size(), 1u);
  EXPECT_EQ(list->unfiled_sites[0].domain, "other-unfiled.example");
  ASSERT_EQ(Upload(With([&](auto& u) {
              u.unfiled_handling.push_back(Handling("unfiled.example", 1));
            })).msg_code,
            0);
  EXPECT_EQ(CodesOf(NextRecord()), std::vector<std::int64_t>{5006});
}

// JCDM: the code tables a provider downloads are Beian's, with the extensions only in the
// extended protocol, and check clean against the tables icpd's gateway holds.
TEST_F(OperatorUploadsTest, TheCodeTablesGoToAProviderAsJcdm) {
  Drain(kIsp);
  ASSERT_EQ(SendCodeTables(*store_, kIsp, Protocol::kExtended, kNow)->size(), 1u);
  std::optional<miit::IcpDownload> extended = Next();
  ASSERT_TRUE(extended.has_value());
  EXPECT_EQ(extended->codes, miit::PublishedCodes(miit::CodeTables::Builtin(), true));
  EXPECT_TRUE(miit::CompareCodes(miit::CodeTables::Builtin(), extended->codes).empty());
  ASSERT_EQ(SendCodeTables(*store_, kIsp, Protocol::kStrict, kNow)->size(), 1u);
  std::optional<miit::IcpDownload> strict = Next();
  ASSERT_TRUE(strict.has_value());
  EXPECT_EQ(strict->codes, miit::PublishedCodes(miit::CodeTables::Builtin(), false));
  EXPECT_LT(strict->codes.size(), extended->codes.size());
  Result<std::vector<std::string>> unknown =
      SendCodeTables(*store_, 990000000001, Protocol::kExtended, kNow);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

TEST_F(OperatorUploadsTest, AFilingInProgressIsRecordedAndTheSiteStaysListed) {
  ASSERT_TRUE(ReportUnfiledSite(*store_, "unfiled.example", "198.51.100.7", std::nullopt, kNow));
  Drain(kIsp);
  ASSERT_EQ(Upload(With([&](auto& u) {
              u.unfiled_handling.push_back(Handling("unfiled.example", 3));
            })).msg_code,
            0);
  EXPECT_EQ(CodesOf(NextRecord()), std::vector<std::int64_t>{9022});
  ASSERT_EQ(SendUnfiledList(*store_, kIsp, kNow)->size(), 1u);
  EXPECT_EQ(Next()->unfiled_sites.size(), 1u);
}

TEST_F(OperatorUploadsTest, AHandlingOfASiteNotSentHereOrWithABadResultIsRefused) {
  ASSERT_TRUE(ReportUnfiledSite(*store_, "unfiled.example", "198.51.100.7", kOther, kNow));
  ASSERT_TRUE(ReportUnfiledSite(*store_, "mine.example", "198.51.100.7", kIsp, kNow));
  Drain(kIsp);
  miit::UnfiledSiteHandling wrong_ip = Handling("mine.example", 1);
  wrong_ip.ip = *Ipv4Number("198.51.100.99");
  ASSERT_EQ(Upload(With([&](auto& u) {
              u.unfiled_handling.push_back(Handling("unfiled.example", 1));  // kOther's
              u.unfiled_handling.push_back(wrong_ip);
              u.unfiled_handling.push_back(Handling("mine.example", 42));
              u.unfiled_handling.push_back(Handling("mine.example", 2));  // not filed
            })).msg_code,
            0);
  std::optional<miit::IcpDownload> file = Next();
  ASSERT_TRUE(file && file->results && file->results->records.size() == 4);
  EXPECT_EQ(CodesOf(file->results->records[0]), std::vector<std::int64_t>{5005});
  EXPECT_EQ(CodesOf(file->results->records[1]), std::vector<std::int64_t>{5005});
  EXPECT_EQ(CodesOf(file->results->records[2]), std::vector<std::int64_t>{5007});
  EXPECT_EQ(CodesOf(file->results->records[3]), std::vector<std::int64_t>{5007});
  ASSERT_EQ(SendUnfiledList(*store_, kIsp, kNow)->size(), 1u);  // still listed
}

TEST_F(OperatorUploadsTest, FiledSinceIsAcceptedForADomainNowFiled) {
  ASSERT_TRUE(ReportUnfiledSite(*store_, "example.cn", "198.51.100.7", kIsp, kNow));
  Drain(kIsp);
  ASSERT_EQ(Upload(With([&](auto& u) {
              u.unfiled_handling.push_back(Handling("example.cn", 2));
            })).msg_code,
            0);
  EXPECT_EQ(CodesOf(NextRecord()), std::vector<std::int64_t>{9022});
  EXPECT_TRUE(SendUnfiledList(*store_, kIsp, kNow)->empty());
}

TEST_F(OperatorUploadsTest, StrictV30RecordsTheHandlingWithoutAnAnswer) {
  Open({Protocol::kStrict, std::nullopt});
  ASSERT_TRUE(ReportUnfiledSite(*store_, "unfiled.example", "198.51.100.7", kIsp, kNow));
  Drain(kIsp);
  ASSERT_EQ(Upload(With([&](auto& u) {
              u.unfiled_handling.push_back(Handling("unfiled.example", 1));
            })).msg_code,
            0);
  EXPECT_FALSE(Next().has_value());
  EXPECT_TRUE(SendUnfiledList(*store_, kIsp, kNow)->empty());
}

// ---- the schema ----

TEST_F(OperatorUploadsTest, AnOperatorFileTheSchemaRefusesIs5001WithItsCzlx) {
  const std::string bad =
      "<?xml version=\"1.0\" encoding=\"GBK\"?><UploadData version=\"V.3.0\"><ICP><XZHYD><Fjxx>"
      "<Fjwjgs>1</Fjwjgs></Fjxx></XZHYD><Qqdwid>440000000123</Qqdwid></ICP></UploadData>";
  ASSERT_EQ(UploadXml(bad).msg_code, 0);
  const miit::RecordResult record = NextRecord();
  EXPECT_EQ(CodesOf(record), std::vector<std::int64_t>{5001});
  EXPECT_EQ(record.operation, 35);
}

TEST(OperatorMessages, RoundTripThroughTheSchemas) {
  miit::IcpUpload u;
  u.requester = kIsp;
  miit::Attachment a;
  a.format = 1;
  a.purpose = 1;
  a.content = Jpeg();
  a.owner_number = std::string(kWebsiteNumber);
  u.materials.push_back(a);
  miit::UnfiledSiteHandling h{
      "unfiled.example", 3325256711,   kIsp,         kIsp,   440000,       1,
      "已停止接入",      "2026-05-01", "2026-05-08", "赵六", std::nullopt, std::nullopt};
  u.unfiled_handling.push_back(h);
  const std::string xml = miit::EncodeUpload(u);
  Result<miit::IcpUpload> back = miit::DecodeUpload(xml);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(*back, u);
  EXPECT_EQ(miit::RecordCount(u), 2u);
}

}  // namespace
}  // namespace icp::bureau_sim
