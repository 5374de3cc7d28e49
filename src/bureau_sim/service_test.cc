#include "bureau_sim/service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "bureau_sim/pipeline.h"
#include "miit/authentication.h"
#include "miit/messages.h"
#include "miit/payload.h"
#include "miit/result_code.h"
#include "ports/testing/fake_password_hasher.h"
#include "storage/sqlite/connection.h"

namespace icp::bureau_sim {
namespace {

using miit::MethodReturn;
using miit::MsgCode;

constexpr std::int64_t kIsp = 440000000123;
constexpr std::string_view kPassword = "secret01";

class FixedClock final : public Clock {
 public:
  std::chrono::sys_seconds Now() override {
    return std::chrono::sys_seconds{std::chrono::seconds{1'700'000'000}};
  }
};

miit::SubjectBlock Subject() {
  miit::SubjectBlock s;
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

miit::WebsiteBlock Website() {
  miit::WebsiteBlock w;
  w.isp_id = 80001;
  w.name = "示例科技官网";
  w.service_content = {1};
  w.languages = {1};
  w.domains = {{90001, std::nullopt, "example.cn"}};
  miit::AccessBlock a;
  a.isp_id = 60001;
  a.locations = {5};
  a.methods = {5};
  a.ips = {{50001, std::nullopt, 3221225994, 3221225994}};
  w.accesses = {a};
  w.leader.name = "王五";
  w.leader.mobiles = "13900000000";
  w.leader.emails = "wang@example.cn";
  w.leader.certificate_type = 2;
  w.leader.certificate_number = "11010519491231002X";
  w.home_url = "www.example.cn";
  return w;
}

miit::IcpUpload FirstFiling(miit::SubjectBlock subject = Subject(),
                            miit::WebsiteBlock website = Website()) {
  miit::IcpUpload u;
  u.requester = kIsp;
  u.first_filings.push_back({std::move(subject), {std::move(website)}, {}});
  return u;
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("bureau_sim_service_") +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::move(*Store::Open(dir_ / "bureau.db", 1));
    ASSERT_TRUE(store_->AddProvider(kIsp, "isp", kPassword, 1).has_value());
    service_ = std::make_unique<Service>(*store_, clock_, hasher_);
    pipeline_ =
        std::make_unique<Pipeline>(*store_, hasher_, tokens_, sink_, nullptr, PipelineOptions{});
  }
  void TearDown() override {
    pipeline_.reset();
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  miit::SoapRequest Signed(miit::Method method, std::string_view password = kPassword) {
    miit::SoapRequest r;
    r.method = method;
    r.isp_id = kIsp;
    r.user_name = "isp";
    const miit::RandVal rand_val = miit::RandVal::Generate();
    r.rand_val = rand_val.str();
    r.pwd_hash = *miit::PwdHash(password, rand_val);
    return r;
  }

  miit::SoapRequest UploadOf(std::string_view xml, std::int64_t sequence,
                             std::string entry = "XZBA0001") {
    miit::SoapRequest r = Signed(miit::Method::kUpload);
    const miit::WirePayload payload = *miit::EncodePayload(xml, {.entry_name = entry});
    r.beian_info = payload.beian_info;
    r.beian_info_hash = payload.beian_info_hash;
    r.data_sequence = sequence;
    return r;
  }

  // Downloads the next file and decodes it as BAJG.
  miit::FilingResults NextResults() {
    const MethodReturn r = service_->Call(Signed(miit::Method::kDownload));
    EXPECT_TRUE(r.file_info.has_value()) << r.msg_code << " " << r.msg;
    if (!r.file_info) return {};
    Result<miit::DecodedPayload> decoded = miit::DecodePayload(r.file_info->payload, {});
    EXPECT_TRUE(decoded.has_value());
    Result<miit::IcpDownload> download = miit::DecodeDownload(decoded->text);
    EXPECT_TRUE(download.has_value()) << download.error().message;
    return download->results.value_or(miit::FilingResults{});
  }

  void Tick() { ASSERT_TRUE(pipeline_->Tick(1'700'000'000).has_value()); }

  class NoSink final : public MessageSink {
   public:
    Result<void> Deliver(std::string_view, std::string_view, std::string_view,
                         std::int64_t) override {
      return {};
    }
  };

  std::filesystem::path dir_;
  FixedClock clock_;
  FakePasswordHasher hasher_;
  FakeTokenSource tokens_;
  NoSink sink_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(ServiceTest, AuthenticationRefusalsHaveTheirMsgCodes) {
  EXPECT_EQ(service_->Call(Signed(miit::Method::kDownload, "wrong")).msg_code, 5);
  miit::SoapRequest r = Signed(miit::Method::kDownload);
  r.user_name = "someone";
  EXPECT_EQ(service_->Call(r).msg_code, 4);
  r = Signed(miit::Method::kDownload);
  r.isp_id = 7;
  EXPECT_EQ(service_->Call(r).msg_code, 12);
  r = Signed(miit::Method::kDownload);
  r.rand_val = "short";
  EXPECT_EQ(service_->Call(r).msg_code, 16);
  r = Signed(miit::Method::kDownload);
  r.hash_algorithm = 1;
  EXPECT_EQ(service_->Call(r).msg_code, 10);
  EXPECT_EQ(service_->Call(Signed(miit::Method::kDownload)).msg_code, 2);
}

TEST_F(ServiceTest, AnAcceptedUploadQueuesItsResultsUntilAcknowledged) {
  const std::string xml = miit::EncodeUpload(FirstFiling());
  EXPECT_EQ(service_->Call(UploadOf(xml, 1)).msg_code, 0);
  EXPECT_EQ((*store_->FindProvider(kIsp))->last_sequence, 1);
  EXPECT_EQ(service_->Call(Signed(miit::Method::kDownload)).msg_code, 2);  // not looked at yet
  Tick();

  const miit::FilingResults results = NextResults();
  ASSERT_EQ(results.records.size(), 1U);
  EXPECT_EQ(results.records[0].operation, 1);
  EXPECT_EQ(results.records[0].key, "70001");
  ASSERT_EQ(results.records[0].items.size(), 1U);
  EXPECT_EQ(results.records[0].items[0].code, 9001);
  // Not acknowledged: the same file again.
  EXPECT_EQ(NextResults(), results);

  miit::SoapRequest ack = Signed(miit::Method::kDownloadAck);
  ack.file_name = "BAJG0000000001";
  EXPECT_EQ(service_->Call(ack).msg_code, 0);
  EXPECT_EQ(service_->Call(ack).msg_code, 0);  // a re-ack
  EXPECT_EQ(service_->Call(Signed(miit::Method::kDownload)).msg_code, 2);
  ack.file_name = "";
  EXPECT_EQ(service_->Call(ack).msg_code, 21);
  ack.file_name = "BAJG0000000009";
  EXPECT_EQ(service_->Call(ack).msg_code, 999);
}

TEST_F(ServiceTest, DownloadSaysWhetherMoreFilesWait) {
  const std::string xml = miit::EncodeUpload(FirstFiling());
  ASSERT_EQ(service_->Call(UploadOf(xml, 1)).msg_code, 0);
  ASSERT_EQ(service_->Call(UploadOf(xml, 2)).msg_code, 0);
  Tick();
  MethodReturn first = service_->Call(Signed(miit::Method::kDownload));
  EXPECT_EQ(first.msg_code, 3);
  EXPECT_EQ(first.file_info->file_name, "BAJG0000000001");
  miit::SoapRequest ack = Signed(miit::Method::kDownloadAck);
  ack.file_name = "BAJG0000000001";
  ASSERT_EQ(service_->Call(ack).msg_code, 0);
  MethodReturn last = service_->Call(Signed(miit::Method::kDownload));
  EXPECT_EQ(last.msg_code, 1);
  EXPECT_EQ(last.file_info->file_name, "BAJG0000000002");
}

TEST_F(ServiceTest, AGapIsReportedWithTheMissingNumbers) {
  const std::string xml = miit::EncodeUpload(FirstFiling());
  const MethodReturn r = service_->Call(UploadOf(xml, 4));
  EXPECT_EQ(r.msg_code, 14);
  EXPECT_EQ(r.data_sequences, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(*store_->UploadCount(kIsp), 0);
  EXPECT_EQ(service_->Call(UploadOf(xml, 1)).msg_code, 0);
  EXPECT_EQ(service_->Call(UploadOf(xml, 3)).data_sequences, (std::vector<std::string>{"2"}));
}

TEST_F(ServiceTest, AResentUploadHasItsEffectOnce) {
  const std::string xml = miit::EncodeUpload(FirstFiling());
  const miit::SoapRequest upload = UploadOf(xml, 1);
  EXPECT_EQ(service_->Call(upload).msg_code, 0);
  miit::SoapRequest resent = upload;
  const miit::SoapRequest fresh = Signed(miit::Method::kUpload);  // a new randVal and hash
  resent.rand_val = fresh.rand_val;
  resent.pwd_hash = fresh.pwd_hash;
  EXPECT_EQ(service_->Call(resent).msg_code, 0);
  EXPECT_EQ(*store_->UploadCount(kIsp), 1);
  Tick();
  EXPECT_EQ(store_->Waiting(kIsp, 10)->size(), 1U);

  // Other content under the number already used, or an older number: refused.
  miit::SubjectBlock other = Subject();
  other.isp_id = 70002;
  EXPECT_EQ(service_->Call(UploadOf(miit::EncodeUpload(FirstFiling(other)), 1)).msg_code, 999);
  EXPECT_EQ(*store_->UploadCount(kIsp), 1);

  const MethodReturn previous = service_->Call(Signed(miit::Method::kQueryPreviousUpload));
  EXPECT_EQ(previous.msg_code, 0);
  EXPECT_EQ(previous.data_sequence, 1);
  ASSERT_TRUE(previous.file_info.has_value());
  EXPECT_EQ(previous.file_info->file_name, "XZBA0001");
  EXPECT_EQ(previous.file_info->payload.beian_info_hash, upload.beian_info_hash);
}

TEST_F(ServiceTest, PayloadRefusalsHaveTheirMsgCodesAndNoEffect) {
  miit::SoapRequest r = UploadOf(miit::EncodeUpload(FirstFiling()), 1);
  r.beian_info_hash = miit::EncodePayload("other", {})->beian_info_hash;
  EXPECT_EQ(service_->Call(r).msg_code, 7);
  r = UploadOf(miit::EncodeUpload(FirstFiling()), 1);
  r.encrypt_algorithm = 5;
  EXPECT_EQ(service_->Call(r).msg_code, 9);
  EXPECT_EQ((*store_->FindProvider(kIsp))->last_sequence, 0);
  EXPECT_EQ(*store_->UploadCount(kIsp), 0);
}

// AES (§1.5): a provider with the key and IV agreed out of band uploads encrypted; without them
// the bureau cannot read such a payload and refuses it (9), the number not taken.
TEST_F(ServiceTest, AnAesUploadIsReadWithTheProvidersKey) {
  const miit::AesKey key = *miit::AesKey::Parse("link-e2e-key-16b", "0102030405060708");
  miit::SoapRequest r = Signed(miit::Method::kUpload);
  const miit::WirePayload payload = *miit::EncodePayload(
      miit::EncodeUpload(FirstFiling()),
      {.entry_name = "XZBA0001", .encrypt = miit::EncryptAlgorithm::kAes, .key = key});
  r.beian_info = payload.beian_info;
  r.beian_info_hash = payload.beian_info_hash;
  r.encrypt_algorithm = 1;
  r.data_sequence = 1;
  EXPECT_EQ(service_->Call(r).msg_code, 9);  // this provider has no key
  EXPECT_EQ(*store_->UploadCount(kIsp), 0);

  constexpr std::int64_t kAesIsp = 440000000124;
  ASSERT_TRUE(store_->AddProvider(kAesIsp, "isp-aes", kPassword, 1, key).has_value());
  r.isp_id = kAesIsp;
  r.user_name = "isp-aes";
  const MethodReturn taken = service_->Call(r);
  EXPECT_EQ(taken.msg_code, 0) << taken.msg;
  EXPECT_EQ(*store_->UploadCount(kAesIsp), 1);
  EXPECT_EQ((*store_->FindProvider(kAesIsp))->aes_iv, "0102030405060708");
}

// The store holds the key and IV both or neither, of the lengths AES takes.
TEST_F(ServiceTest, TheProvidersTableHoldsAnAesKeyWithItsIv) {
  Result<std::unique_ptr<sqlite::Connection>> raw = sqlite::Connection::Open(dir_ / "bureau.db");
  ASSERT_TRUE(raw.has_value());
  auto insert = [&](std::string_view key, std::string_view iv) {
    const std::string sql =
        "INSERT INTO providers (isp_id, user_name, password, created_at, aes_key, aes_iv) "
        "VALUES (7, 'u', 'p', 1, " +
        std::string(key) + ", " + std::string(iv) + ")";
    return (*raw)->Query(sql).has_value();
  };
  EXPECT_FALSE(insert("'link-e2e-key-16b'", "NULL")) << "a key without its IV";
  EXPECT_FALSE(insert("NULL", "'0102030405060708'")) << "an IV without its key";
  EXPECT_FALSE(insert("'short'", "'0102030405060708'")) << "a key AES does not take";
  EXPECT_FALSE(insert("'link-e2e-key-16b'", "'01020304'")) << "an IV of 8";
  EXPECT_TRUE(insert("'link-e2e-key-16b'", "'0102030405060708'"));
}

// A file the bureau cannot read has its result at once; the records of one it can read are
// decided by the pipeline (pipeline_test.cc).
TEST_F(ServiceTest, AnUnreadableFileIsAnsweredAtOnce) {
  const std::string broken = "<UploadData version=\"V.3.0\"><ICP><XZBA/></ICP></UploadData>";
  ASSERT_EQ(service_->Call(UploadOf(broken, 1, "XZBA0002")).msg_code, 0);
  miit::FilingResults results = NextResults();
  ASSERT_EQ(results.records.size(), 1U);
  EXPECT_EQ(results.records[0].items[0].code, 5001);
  EXPECT_EQ(results.records[0].items[0].description, "XZBA0002");
  EXPECT_EQ(results.records[0].operation, 1);

  const Result<miit::IcpUpload> version = miit::DecodeUpload("<UploadData version=\"V.2.0\"/>");
  ASSERT_FALSE(version.has_value());
  EXPECT_EQ(RefusedFile("X", "<UploadData/>", version.error()).records[0].items[0].code, 5004);
}

TEST_F(ServiceTest, AFileIsSplitIntoOneFilingPerRecord) {
  miit::IcpUpload two = FirstFiling();
  two.first_filings.push_back(two.first_filings[0]);
  two.first_filings[1].subject.isp_id = 70002;
  miit::Cancellation cancel;
  cancel.kind = miit::CancelKind::kWebsite;
  cancel.record_id = 4001;
  cancel.reason = 1;
  two.cancellations.push_back(cancel);
  const std::vector<UploadRecord> records = SplitRecords(two);
  ASSERT_EQ(records.size(), 3U);
  EXPECT_EQ(records[1].key, "70002");
  EXPECT_EQ(records[2].operation, miit::Operation::kCancelWebsite);
  EXPECT_EQ(records[2].key, "4001");
  EXPECT_EQ(miit::DecodeUpload(records[1].xml)->first_filings[0].subject.isp_id, 70002);
}

TEST_F(ServiceTest, WhatIsNotACallOfThisServiceIsAFault) {
  EXPECT_TRUE(service_->Handle("not xml").fault);
  EXPECT_TRUE(service_->Handle(miit::BuildRequest(Signed(miit::Method::kVerifyBamm))).fault);
  const Service::Answer answer =
      service_->Handle(miit::BuildRequest(Signed(miit::Method::kDownload)));
  EXPECT_FALSE(answer.fault);
  EXPECT_EQ(miit::ParseResponse(miit::Method::kDownload, answer.envelope)->msg_code, 2);
}

}  // namespace
}  // namespace icp::bureau_sim

namespace icp::bureau_sim {
namespace {

TEST_F(ServiceTest, RoutesServeTheEnvelopeAndTheWsdl) {
  http::Router router;
  AddRoutes(router, *service_);
  const std::string path = "/ISPWebService/upDownLoad";
  http::Request get;
  get.method = "GET";
  get.target = path + "?wsdl";
  get.headers["host"] = "127.0.0.1:8099";
  const http::RouteMatch wsdl = router.Match("GET", path);
  ASSERT_NE(wsdl.route, nullptr);
  const http::Response description = wsdl.route->handler(get);
  EXPECT_EQ(description.status, 200);
  EXPECT_NE(description.body.find("http://127.0.0.1:8099/ISPWebService/upDownLoad"),
            std::string::npos);
  get.target = path;
  EXPECT_EQ(wsdl.route->handler(get).status, 404);

  http::Request post;
  post.method = "POST";
  post.target = path;
  post.body = "<not-soap/>";
  const http::RouteMatch call = router.Match("POST", path);
  ASSERT_NE(call.route, nullptr);
  EXPECT_EQ(call.route->handler(post).status, 500);
  post.body = miit::BuildRequest(Signed(miit::Method::kDownload));
  const http::Response answer = call.route->handler(post);
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(miit::ParseResponse(miit::Method::kDownload, answer.body)->msg_code, 2);
}

}  // namespace
}  // namespace icp::bureau_sim

namespace icp::bureau_sim {
namespace {

TEST_F(ServiceTest, EachStatusMethodIsServedAtItsOwnEndpoint) {
  miit::SoapRequest query = Signed(miit::Method::kQueryBeianStatus);
  query.query_condition_type = 0;
  query.query_condition = "example.cn";
  const Service::Answer answer =
      service_->Handle(miit::Endpoint::kQueryBeianStatus, miit::BuildRequest(query));
  ASSERT_FALSE(answer.fault) << answer.envelope;
  const Result<MethodReturn> status =
      miit::ParseResponse(miit::Method::kQueryBeianStatus, answer.envelope);
  ASSERT_TRUE(status.has_value()) << status.error().message;
  ASSERT_TRUE(status->status_info.has_value());
  EXPECT_EQ(status->status_info->filed, 1);  // nothing filed yet
  query.query_condition = "abc";
  EXPECT_EQ(service_->Call(query).msg_code, 999);
  EXPECT_TRUE(service_->Handle(miit::Endpoint::kUpDownLoad, miit::BuildRequest(query)).fault);
  EXPECT_TRUE(service_->Handle(miit::Endpoint::kVerifyBamm, miit::BuildRequest(query)).fault);

  miit::SoapRequest verify = Signed(miit::Method::kVerifyBamm);
  verify.baxh = "粤ICP备2026000001号";
  verify.bamm = "Abc12345";
  const Service::Answer verified =
      service_->Handle(miit::Endpoint::kVerifyBamm, miit::BuildRequest(verify));
  ASSERT_FALSE(verified.fault) << verified.envelope;
  EXPECT_EQ(miit::ParseResponse(miit::Method::kVerifyBamm, verified.envelope)->verify_result, 1);

  http::Router router;
  AddRoutes(router, *service_);
  for (const std::string path :
       {"/BeianStatusWebService/queryBeianStatus", "/BeianStatusWebService/verifyBamm"}) {
    http::Request get;
    get.method = "GET";
    get.target = path + "?wsdl";
    get.headers["host"] = "127.0.0.1:8099";
    const http::RouteMatch wsdl = router.Match("GET", path);
    ASSERT_NE(wsdl.route, nullptr) << path;
    const http::Response description = wsdl.route->handler(get);
    EXPECT_EQ(description.status, 200);
    EXPECT_NE(description.body.find("http://127.0.0.1:8099" + path), std::string::npos);
    ASSERT_NE(router.Match("POST", path).route, nullptr);
  }
}

}  // namespace
}  // namespace icp::bureau_sim
