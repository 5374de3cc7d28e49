#include "bureau_sim/pipeline.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "bureau_sim/service.h"
#include "miit/authentication.h"
#include "miit/digest.h"
#include "miit/messages.h"
#include "miit/payload.h"
#include "ports/testing/fake_password_hasher.h"
#include "storage/sqlite/connection.h"

namespace icp::bureau_sim {
namespace {

using miit::MethodReturn;

constexpr std::int64_t kIspA = 440000000123;
constexpr std::int64_t kIspB = 110000000456;
constexpr std::int64_t kNow = 1'780'000'000;  // 2026-05-28

class SteppingClock final : public Clock {
 public:
  std::chrono::sys_seconds Now() override {
    return std::chrono::sys_seconds{std::chrono::seconds{now}};
  }
  std::int64_t now = kNow;
};

class FakeSms final : public SmsVerifier {
 public:
  Result<void> Start(std::int64_t id, std::span<const SmsRecipient> recipients,
                     std::int64_t) override {
    if (!started.contains(id)) started[id] = {recipients.begin(), recipients.end()};
    if (!states.contains(id)) states[id] = SmsState::kPending;
    return {};
  }
  Result<SmsState> StateOf(std::int64_t id, std::int64_t) override {
    if (!states.contains(id)) return NotFound("never started");
    return states[id];
  }
  std::map<std::int64_t, std::vector<SmsRecipient>> started;
  std::map<std::int64_t, SmsState> states;
};

class FakeSink final : public MessageSink {
 public:
  Result<void> Deliver(std::string_view channel, std::string_view to, std::string_view text,
                       std::int64_t) override {
    sent.push_back({std::string(channel), std::string(to), std::string(text)});
    return {};
  }
  struct Message {
    std::string channel, to, text;
  };
  std::vector<Message> sent;
};

miit::SubjectBlock Subject(std::string certificate = "91440300MA5000001X") {
  miit::SubjectBlock s;
  s.isp_id = 70001;
  s.name = "示例科技有限公司";
  s.nature = 4;
  s.address = {440000, 440300, 440305, "示例路1号"};
  s.certificate = {1, std::move(certificate), "示例路1号"};
  s.leader.name = "李四";
  s.leader.office_phones = "0755-12345678";
  s.leader.mobiles = "13800000000";
  s.leader.emails = "li@example.cn";
  s.leader.certificate_type = 2;
  s.leader.certificate_number = "44030519800101123X";
  s.filed_by = 1;
  return s;
}

miit::WebsiteBlock Website(std::string domain = "example.cn") {
  miit::WebsiteBlock w;
  w.isp_id = 80001;
  w.name = domain == "example.cn" ? "示例科技官网" : "示例网站 " + domain;
  w.service_content = {1};
  w.languages = {1};
  w.domains = {{90001, std::nullopt, domain}};
  miit::AccessBlock a;
  a.isp_id = 60001;
  a.locations = {19};
  a.methods = {3};
  a.ips = {{50001, std::nullopt, 3221225994, 3221225994}};
  w.accesses = {a};
  w.leader.name = "王五";
  w.leader.mobiles = "13900000000";
  w.leader.emails = "wang@example.cn";
  w.leader.certificate_type = 2;
  w.leader.certificate_number = "11010519491231002X";
  w.home_url = "www." + domain;
  return w;
}

miit::IcpUpload FirstFiling(std::int64_t isp, miit::SubjectBlock s = Subject(),
                            miit::WebsiteBlock w = Website()) {
  if (isp == kIspB) {  // provider B's servers are its own addresses (an address is one's: 1024)
    for (miit::AccessBlock& a : w.accesses) {
      for (miit::IpBlock& ip : a.ips) {
        ip.first += 65536;
        ip.last += 65536;
      }
    }
  }
  miit::IcpUpload u;
  u.requester = isp;
  u.first_filings.push_back({std::move(s), {std::move(w)}, {}});
  return u;
}

// Another subject's website on `domain`: its own name and home page.
miit::WebsiteBlock Theirs(std::string domain) {
  miit::WebsiteBlock w = Website(domain);
  w.name = "别家网站";
  w.home_url = "www." + domain + "/index.html";
  return w;
}

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(PipelineOptions{}); }

  void Open(PipelineOptions options, bool with_sms = true) {
    pipeline_.reset();
    service_.reset();
    store_.reset();
    std::unique_ptr<sql::Connection> connection = std::move(*sqlite::Connection::Open(":memory:"));
    raw_ = connection.get();
    store_ = std::move(*Store::OpenOn(std::move(connection), 1));
    ASSERT_TRUE(store_->AddProvider(kIspA, "a", "secretA", 1).has_value());
    ASSERT_TRUE(store_->AddProvider(kIspB, "b", "secretB", 1).has_value());
    service_ = std::make_unique<Service>(*store_, clock_, hasher_);
    pipeline_ = std::make_unique<Pipeline>(*store_, hasher_, tokens_, sink_,
                                           with_sms ? &sms_ : nullptr, options);
  }

  miit::SoapRequest Signed(std::int64_t isp, miit::Method method) {
    miit::SoapRequest r;
    r.method = method;
    r.isp_id = isp;
    r.user_name = isp == kIspA ? "a" : "b";
    const miit::RandVal rand_val = miit::RandVal::Generate();
    r.rand_val = rand_val.str();
    r.pwd_hash = *miit::PwdHash(isp == kIspA ? "secretA" : "secretB", rand_val);
    return r;
  }

  void Upload(std::int64_t isp, const miit::IcpUpload& upload) {
    miit::SoapRequest r = Signed(isp, miit::Method::kUpload);
    const miit::WirePayload payload =
        *miit::EncodePayload(miit::EncodeUpload(upload), {.entry_name = "UP1"});
    r.beian_info = payload.beian_info;
    r.beian_info_hash = payload.beian_info_hash;
    r.data_sequence = ++sequences_[isp];
    ASSERT_EQ(service_->Call(r).msg_code, 0);
  }

  TickReport Tick() {
    Result<TickReport> report = pipeline_->Tick(clock_.now);
    EXPECT_TRUE(report.has_value()) << report.error().message;
    return report.value_or(TickReport{});
  }

  // Every file waiting for `isp`, downloaded and acknowledged.
  std::vector<miit::IcpDownload> Drain(std::int64_t isp) {
    std::vector<miit::IcpDownload> out;
    while (true) {
      const MethodReturn r = service_->Call(Signed(isp, miit::Method::kDownload));
      if (!r.file_info) break;
      Result<miit::DecodedPayload> decoded = miit::DecodePayload(r.file_info->payload, {});
      EXPECT_TRUE(decoded.has_value());
      Result<miit::IcpDownload> file = miit::DecodeDownload(decoded->text);
      EXPECT_TRUE(file.has_value()) << file.error().message;
      out.push_back(*file);
      miit::SoapRequest ack = Signed(isp, miit::Method::kDownloadAck);
      ack.file_name = r.file_info->file_name;
      EXPECT_EQ(service_->Call(ack).msg_code, 0);
    }
    return out;
  }

  // The result codes of every Jg_xx in `files`, in order.
  static std::vector<std::int64_t> Codes(const std::vector<miit::IcpDownload>& files) {
    std::vector<std::int64_t> out;
    for (const miit::IcpDownload& f : files) {
      if (!f.results) continue;
      for (const miit::RecordResult& r : f.results->records) {
        for (const miit::ResultItem& i : r.items) out.push_back(i.code);
      }
    }
    return out;
  }

  Filing FilingOf(std::int64_t id) {
    Result<std::optional<Filing>> f =
        store_->Transact([&](Registry& r) { return r.FilingById(id); });
    EXPECT_TRUE(f.has_value() && f->has_value());
    return f.has_value() && f->has_value() ? **f : Filing{};
  }

  // Files a first filing of `isp` through intake, SMS and approval; returns its BASJ.
  miit::FiledRecord Approved(std::int64_t isp, miit::IcpUpload upload) {
    Upload(isp, upload);
    Tick();
    for (auto& [id, state] : sms_.states) state = SmsState::kVerified;
    Tick();
    const std::int64_t id = last_filing();
    Result<Filing> decided = pipeline_->Decide(id, true, {}, "赵六", clock_.now);
    EXPECT_TRUE(decided.has_value()) << decided.error().message;
    for (const miit::IcpDownload& f : Drain(isp)) {
      if (!f.filed_records.empty()) return f.filed_records[0];
    }
    ADD_FAILURE() << "no BASJ";
    return {};
  }

  std::int64_t last_filing() {
    Result<std::int64_t> id = store_->Transact([](Registry& r) -> Result<std::int64_t> {
      std::int64_t last = 0;
      for (FilingState s : kFilingStates.All()) {
        Result<std::vector<Filing>> list = r.FilingsIn(s, 0, 1000);
        if (!list) return std::unexpected(list.error());
        for (const Filing& f : *list) last = std::max(last, f.id);
      }
      return last;
    });
    return *id;
  }

  SteppingClock clock_;
  FakePasswordHasher hasher_;
  FakeTokenSource tokens_;
  FakeSms sms_;
  FakeSink sink_;
  std::map<std::int64_t, std::int64_t> sequences_;
  std::unique_ptr<Store> store_;
  sql::Connection* raw_ = nullptr;  // the store's own connection, for a raw writer's SQL
  std::unique_ptr<Service> service_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(PipelineTest, AFirstFilingIsVerifiedApprovedNumberedAndItsPasswordMailed) {
  Upload(kIspA, FirstFiling(kIspA));
  EXPECT_TRUE(Drain(kIspA).empty());  // nothing before the bureau looks at it
  EXPECT_EQ(Tick().checked, 1);
  EXPECT_EQ(Codes(Drain(kIspA)), (std::vector<std::int64_t>{9001, 9011}));
  const std::int64_t id = last_filing();
  ASSERT_EQ(sms_.started[id].size(), 2U);  // the subject leader and the website leader
  EXPECT_EQ(sms_.started[id][0].mobile, "13800000000");
  EXPECT_EQ(sms_.started[id][1].certificate_number, "11010519491231002X");
  EXPECT_EQ(FilingOf(id).state, FilingState::kSmsPending);

  Tick();  // still pending: nothing
  EXPECT_TRUE(Drain(kIspA).empty());
  sms_.states[id] = SmsState::kVerified;
  EXPECT_EQ(Tick().verified, 1);
  EXPECT_EQ(Codes(Drain(kIspA)), (std::vector<std::int64_t>{9012}));
  EXPECT_EQ(FilingOf(id).state, FilingState::kReview);

  Result<Filing> decided = pipeline_->Decide(id, true, {}, "赵六", clock_.now);
  ASSERT_TRUE(decided.has_value()) << decided.error().message;
  EXPECT_EQ(decided->state, FilingState::kApproved);
  const std::vector<miit::IcpDownload> files = Drain(kIspA);
  ASSERT_EQ(files.size(), 1U);
  EXPECT_EQ(Codes(files), (std::vector<std::int64_t>{1001}));
  ASSERT_EQ(files[0].results->decisions.size(), 1U);
  EXPECT_TRUE(files[0].results->decisions[0].approved);
  EXPECT_EQ(files[0].results->decisions[0].record_id, 70001);
  ASSERT_EQ(files[0].filed_records.size(), 1U);
  const miit::FiledRecord& basj = files[0].filed_records[0];
  EXPECT_EQ(basj.subject.number, "粤ICP备2026000001号");
  EXPECT_TRUE(basj.subject.bureau_id.has_value());
  EXPECT_EQ(basj.subject.isp_id, 70001);
  ASSERT_EQ(basj.websites.size(), 1U);
  EXPECT_EQ(basj.websites[0].number, "粤ICP备2026000001号-1");
  EXPECT_TRUE(basj.websites[0].bureau_id.has_value());
  EXPECT_TRUE(basj.websites[0].domains[0].bureau_id.has_value());
  EXPECT_EQ(basj.websites[0].accesses[0].provider, kIspA);
  EXPECT_TRUE(basj.websites[0].accesses[0].bureau_id.has_value());
  EXPECT_TRUE(basj.websites[0].accesses[0].ips[0].bureau_id.has_value());

  // The password went to the subject leader, and the registry knows it only as a hash.
  ASSERT_EQ(sink_.sent.size(), 1U);
  EXPECT_EQ(sink_.sent[0].channel, "email");
  EXPECT_EQ(sink_.sent[0].to, "li@example.cn");
  const std::string text = sink_.sent[0].text;
  const std::size_t at = text.find("ICP备案密码：");
  ASSERT_NE(at, std::string::npos);
  const std::string rest = text.substr(at + std::string("ICP备案密码：").size());
  const std::string password = rest.substr(0, rest.find("。"));
  miit::SoapRequest verify = Signed(kIspB, miit::Method::kVerifyBamm);
  verify.baxh = "粤ICP备2026000001号";
  verify.bamm = password;
  EXPECT_EQ(service_->Call(verify).verify_result, 0);
  verify.bamm = miit::Md5Hex(password);
  EXPECT_EQ(service_->Call(verify).verify_result, 0);
  verify.baxh = "粤ICP备2026000001号-1";
  EXPECT_EQ(service_->Call(verify).verify_result, 0);
  verify.bamm = "wrong";
  EXPECT_EQ(service_->Call(verify).verify_result, 1);

  // A second first filing in the same province and year takes the next serial.
  const miit::FiledRecord second =
      Approved(kIspB, FirstFiling(kIspB, Subject("91440300MA5000002X"), Website("second.cn")));
  EXPECT_EQ(second.subject.number, "粤ICP备2026000002号");
}

TEST_F(PipelineTest, VerificationTimedOutOrFailedReturnsTheFiling) {
  Upload(kIspA, FirstFiling(kIspA));
  Upload(kIspA, FirstFiling(kIspA, Subject("91440300MA5000002X"), Website("second.cn")));
  Tick();
  Drain(kIspA);
  sms_.states[1] = SmsState::kTimedOut;
  sms_.states[2] = SmsState::kFailed;
  EXPECT_EQ(Tick().verified, 2);
  EXPECT_EQ(Codes(Drain(kIspA)), (std::vector<std::int64_t>{9013, 9014}));
  EXPECT_EQ(FilingOf(1).state, FilingState::kReturned);
  EXPECT_EQ(FilingOf(2).reasons[0].jgdm, 9014);
}

TEST_F(PipelineTest, ADomainFiledByAnotherSubjectIsAConflictOnItsField) {
  Approved(kIspA, FirstFiling(kIspA));
  Upload(kIspB, FirstFiling(kIspB, Subject("91110000MA0000009X"), Theirs("example.cn")));
  Tick();
  const std::vector<miit::IcpDownload> files = Drain(kIspB);
  EXPECT_EQ(Codes(files), (std::vector<std::int64_t>{1005}));
  ASSERT_TRUE(files[0].results->records[0].remark.has_value());
  EXPECT_EQ(*files[0].results->records[0].remark,
            R"({"beian":1,"fields":[{"jgdm":1005,"path":"websites[0].domains[0]"}]})");
  EXPECT_TRUE(sms_.started.size() == 1U);  // the returned filing never reached verification

  // The same subject again (another provider, not as a new website): a sponsor conflict.
  Upload(kIspB, FirstFiling(kIspB, Subject(), Website("third.cn")));
  Tick();
  EXPECT_EQ(Codes(Drain(kIspB)), (std::vector<std::int64_t>{1003}));
}

// A home page (1021) another subject's live website has, and an address another provider's
// live access reports (1024), are conflicts on their fields; the subject's own, and the
// provider's own, are not.
TEST_F(PipelineTest, AHomePageOrAnAddressOfAnothersIsAConflict) {
  Approved(kIspA, FirstFiling(kIspA));
  miit::WebsiteBlock w = Website("mine.cn");  // provider B's upload with A's address
  w.name = "示例科技官网";
  w.home_url = "www.example.cn/";
  miit::IcpUpload upload;
  upload.requester = kIspB;
  upload.first_filings.push_back({Subject("91110000MA0000009X"), {w}, {}});
  Upload(kIspB, upload);
  Tick();
  const std::vector<miit::IcpDownload> files = Drain(kIspB);
  EXPECT_EQ(Codes(files), (std::vector<std::int64_t>{1041, 1024, 1021}));
  ASSERT_TRUE(files[0].results->records[0].remark.has_value());
  EXPECT_EQ(*files[0].results->records[0].remark,
            R"({"beian":1,"fields":[{"jgdm":1041,"path":"websites[0].home_url"},)"
            R"({"jgdm":1024,"path":"websites[0].resources[0].public_ip[0]"},)"
            R"({"jgdm":1021,"path":"websites[0].home_url"}]})");

  // The same subject's new website may share its home page; A's address is A's to report.
  miit::IcpUpload add;
  add.requester = kIspA;
  miit::WebsiteBlock second = Website("second.cn");
  second.home_url = "www.example.cn/";
  second.domains.push_back({90010, std::nullopt, "www.example.cn"});
  add.new_websites.push_back({"粤ICP备2026000001号", std::nullopt, {second}, {}, {}});
  Upload(kIspA, add);
  Tick();
  EXPECT_EQ(Codes(Drain(kIspA)), (std::vector<std::int64_t>{9001, 9011}));
}

TEST_F(PipelineTest, TwoProvidersRacingForADomainMeetAtApproval) {
  Upload(kIspA, FirstFiling(kIspA));
  Upload(kIspB, FirstFiling(kIspB, Subject("91110000MA0000009X"), Theirs("example.cn")));
  Tick();
  for (auto& [id, state] : sms_.states) state = SmsState::kVerified;
  Tick();
  ASSERT_TRUE(pipeline_->Decide(1, true, {}, "r", kNow).has_value());
  Result<Filing> second = pipeline_->Decide(2, true, {}, "r", kNow);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->state, FilingState::kReturned);
  EXPECT_EQ(second->reasons[0].jgdm, 1005);
}

TEST_F(PipelineTest, AReviewerReturnsWithFieldReasonsAndADecisionIsMadeOnce) {
  Upload(kIspA, FirstFiling(kIspA));
  Tick();
  const Reason why[] = {{1002, std::string("websites[0].name"), "网站名称与主体无关联"}};
  Result<Filing> early = pipeline_->Decide(1, false, why, "赵六", kNow);
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().rule(), "bureau.filing.state");
  sms_.states[1] = SmsState::kVerified;
  Tick();
  Drain(kIspA);
  Result<Filing> empty = pipeline_->Decide(1, false, {}, "赵六", kNow);
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().rule(), "bureau.review.reasons");
  Result<Filing> returned = pipeline_->Decide(1, false, why, "赵六", kNow);
  ASSERT_TRUE(returned.has_value()) << returned.error().message;
  EXPECT_EQ(returned->state, FilingState::kReturned);
  const std::vector<miit::IcpDownload> files = Drain(kIspA);
  EXPECT_EQ(Codes(files), (std::vector<std::int64_t>{1002}));
  ASSERT_EQ(files[0].results->decisions.size(), 1U);
  EXPECT_FALSE(files[0].results->decisions[0].approved);
  EXPECT_EQ(files[0].results->decisions[0].opinion, "网站名称与主体无关联");
  EXPECT_EQ(*files[0].results->records[0].remark,
            R"({"beian":1,"fields":[{"jgdm":1002,"path":"websites[0].name"}]})");
  Result<Filing> again = pipeline_->Decide(1, true, {}, "赵六", kNow);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().rule(), "bureau.filing.state");
}

TEST_F(PipelineTest, TheAutomaticModeDecidesOnceTheDelayHasPassed) {
  Open({.auto_review = AutoReview::kApprove, .review_delay_seconds = 60});
  Upload(kIspA, FirstFiling(kIspA));
  Tick();
  sms_.states[1] = SmsState::kVerified;
  Tick();
  clock_.now += 59;
  EXPECT_EQ(Tick().decided, 0);
  clock_.now += 1;
  EXPECT_EQ(Tick().decided, 1);
  EXPECT_EQ(FilingOf(1).state, FilingState::kApproved);
  EXPECT_EQ(FilingOf(1).reviewer, "自动审核");
}

TEST_F(PipelineTest, AnAccessFilingNeedsTheFilingPassword) {
  const miit::FiledRecord filed = Approved(kIspA, FirstFiling(kIspA));
  const std::string password = [&] {
    const std::string text = sink_.sent[0].text;
    const std::string rest =
        text.substr(text.find("ICP备案密码：") + std::string("ICP备案密码：").size());
    return rest.substr(0, rest.find("。"));
  }();
  miit::IcpUpload access;
  access.requester = kIspB;
  miit::NewAccess a;
  a.website_number = filed.websites[0].number;
  a.access.isp_id = 61001;
  a.access.locations = {19};
  a.access.methods = {3};
  a.access.ips = {{51001, std::nullopt, 3325256711, 3325256711}};
  a.icp_password = miit::Md5Hex("wrong");
  access.new_accesses.push_back(a);
  Upload(kIspB, access);
  Tick();
  EXPECT_EQ(Codes(Drain(kIspB)), (std::vector<std::int64_t>{1018}));

  access.new_accesses[0].icp_password = miit::Md5Hex(password);
  Upload(kIspB, access);
  Tick();
  EXPECT_EQ(Codes(Drain(kIspB)), (std::vector<std::int64_t>{9001, 9011}));
  const std::int64_t id = last_filing();
  ASSERT_EQ(sms_.started[id].size(), 1U);  // the website leader on file
  EXPECT_EQ(sms_.started[id][0].mobile, "13900000000");
  sms_.states[id] = SmsState::kVerified;
  Tick();
  ASSERT_TRUE(pipeline_->Decide(id, true, {}, "r", kNow).has_value());
  const std::vector<miit::IcpDownload> files = Drain(kIspB);
  ASSERT_EQ(files.back().filed_records.size(), 1U);
  EXPECT_EQ(files.back().filed_records[0].websites[0].accesses.size(), 2U);

  // The same access again: identical access.
  Upload(kIspB, access);
  Tick();
  EXPECT_EQ(Codes(Drain(kIspB)), (std::vector<std::int64_t>{1029}));
}

TEST_F(PipelineTest, CancellingTheOnlyAccessLeavesAnEmptyShellOrIsRefusedWhenStrict) {
  for (Protocol protocol : {Protocol::kExtended, Protocol::kStrict}) {
    Open({.protocol = protocol});
    sequences_.clear();
    sms_ = FakeSms();
    const miit::FiledRecord filed = Approved(kIspA, FirstFiling(kIspA));
    const std::int64_t jrid = *filed.websites[0].accesses[0].bureau_id;
    miit::IcpUpload cancel;
    cancel.requester = kIspA;
    cancel.cancellations.push_back(
        {miit::CancelKind::kAccess, jrid, 1, std::nullopt, std::nullopt});
    Upload(kIspA, cancel);
    Tick();
    const std::int64_t id = last_filing();
    if (protocol == Protocol::kStrict) {
      EXPECT_EQ(Codes(Drain(kIspA)), (std::vector<std::int64_t>{1025}));
      continue;
    }
    EXPECT_EQ(Codes(Drain(kIspA)), (std::vector<std::int64_t>{9001}));  // no SMS for 取消接入
    ASSERT_TRUE(pipeline_->Decide(id, true, {}, "r", kNow).has_value());
    const std::vector<miit::IcpDownload> files = Drain(kIspA);
    ASSERT_EQ(files.size(), 1U);
    EXPECT_EQ(Codes(files), (std::vector<std::int64_t>{1001}));
    ASSERT_EQ(files[0].cancellations.size(), 1U);
    EXPECT_EQ(files[0].cancellations[0].record_id, jrid);
    // The number stays (seed 002); the website has no access now.
    miit::SoapRequest query = Signed(kIspA, miit::Method::kQueryBeianStatus);
    query.query_condition_type = 0;
    query.query_condition = "example.cn";
    const MethodReturn status = service_->Call(query);
    EXPECT_EQ(status.status_info->filed, 0);
    EXPECT_EQ(status.status_info->website_number, filed.websites[0].number);
    Result<std::int64_t> live = store_->Transact(
        [&](Registry& r) { return r.LiveAccessCount(*filed.websites[0].bureau_id); });
    EXPECT_EQ(*live, 0);
  }
}

TEST_F(PipelineTest, StrictModeHasNoExtensions) {
  Open({.protocol = Protocol::kStrict});
  miit::WebsiteBlock app = Website("second.cn");
  app.service_content = {28};  // beian-ext: APP
  Upload(kIspA, FirstFiling(kIspA, Subject("91440300MA5000002X"), app));
  Upload(kIspA, FirstFiling(kIspA));
  Tick();
  const std::vector<miit::IcpDownload> files = Drain(kIspA);
  EXPECT_EQ(Codes(files), (std::vector<std::int64_t>{5001}));     // nothing for the passing one
  EXPECT_FALSE(files[0].results->records[0].remark.has_value());  // no field JSON
  EXPECT_TRUE(sms_.started.empty());
  EXPECT_EQ(FilingOf(2).state, FilingState::kReview);
}

TEST_F(PipelineTest, CancellingAWebsiteTellsEveryProviderAndFreesItsDomains) {
  const miit::FiledRecord filed = Approved(kIspA, FirstFiling(kIspA));
  const std::int64_t wzid = *filed.websites[0].bureau_id;
  miit::IcpUpload cancel;
  cancel.requester = kIspA;
  cancel.cancellations.push_back({miit::CancelKind::kWebsite, wzid, 1, std::nullopt, std::nullopt});
  Upload(kIspA, cancel);
  Upload(kIspA, cancel);  // the same cancellation again while the first is open
  Tick();
  EXPECT_EQ(Codes(Drain(kIspA)), (std::vector<std::int64_t>{9001, 1030}));
  const std::int64_t id = last_filing() - 1;
  ASSERT_TRUE(pipeline_->Decide(id, true, {}, "r", kNow).has_value());
  const std::vector<miit::IcpDownload> files = Drain(kIspA);
  ASSERT_EQ(files.size(), 1U);
  EXPECT_EQ(files[0].cancellations[0].kind, miit::CancelKind::kWebsite);
  miit::SoapRequest query = Signed(kIspA, miit::Method::kQueryBeianStatus);
  query.query_condition_type = 0;
  query.query_condition = "example.cn";
  EXPECT_EQ(service_->Call(query).status_info->filed, 1);
  query.query_condition_type = 1;
  query.query_condition = "91440300MA5000001X";
  const MethodReturn by_certificate = service_->Call(query);
  EXPECT_EQ(by_certificate.status_info->filed, 0);  // the subject stays
  EXPECT_EQ(by_certificate.status_info->subject_number, filed.subject.number);
  // The domain may be filed again.
  Approved(kIspB, FirstFiling(kIspB, Subject("91110000MA0000009X"), Website("example.cn")));
}

TEST_F(PipelineTest, WithoutAVerifierAcceptedFilingsGoStraightToReview) {
  Open({}, /*with_sms=*/false);
  Upload(kIspA, FirstFiling(kIspA));
  Tick();
  EXPECT_EQ(Codes(Drain(kIspA)), (std::vector<std::int64_t>{9001}));
  EXPECT_EQ(FilingOf(1).state, FilingState::kReview);
}

TEST_F(PipelineTest, TheBureausOwnDataChecksHaveTheirCodes) {
  miit::SubjectBlock s = Subject();
  s.leader.name.reset();
  s.address.province = 990000;
  s.leader.mobiles = "23800000000";
  miit::WebsiteBlock w = Website();
  w.home_url = "www.other.cn";
  w.languages = {60};
  Upload(kIspA, FirstFiling(kIspA, s, w));
  miit::IcpUpload other = FirstFiling(kIspB);
  Upload(kIspA, other);  // Qqdwid of another provider
  Tick();
  EXPECT_EQ(Codes(Drain(kIspA)), (std::vector<std::int64_t>{1044, 1019, 1011, 1041, 1066, 5003}));
}

TEST_F(PipelineTest, VerifyBammCountsWrongPasswords) {
  Approved(kIspA, FirstFiling(kIspA));
  miit::SoapRequest verify = Signed(kIspA, miit::Method::kVerifyBamm);
  verify.baxh = "粤ICP备2026000001号";
  verify.bamm = "wrong";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(service_->Call(verify).verify_result, 1);
  EXPECT_EQ(service_->Call(verify).msg_code, 22);
  clock_.now += 86401;
  EXPECT_EQ(service_->Call(verify).verify_result, 1);
  verify.baxh = "粤ICP备2099999999号";
  EXPECT_EQ(service_->Call(verify).verify_result, 1);
}

namespace icp::bureau_sim {
namespace {

TEST_F(PipelineTest, AChangeRewritesTheRecordAndItsDomains) {
  const miit::FiledRecord filed = Approved(kIspA, FirstFiling(kIspA));
  Approved(kIspB, FirstFiling(kIspB, Subject("91110000MA0000009X"), Website("taken.cn")));
  miit::Change change;
  change.subject = filed.subject;
  change.subject.isp_id.reset();
  change.subject.filed_by.reset();
  change.subject.first_filed_at.reset();
  change.subject.modified_at.reset();
  change.subject.name = "示例科技（深圳）有限公司";
  miit::WebsiteBlock w = filed.websites[0];
  w.first_filed_at.reset();
  w.modified_at.reset();
  w.isp_id.reset();
  w.name = "示例新官网";
  w.domains = {{90002, std::nullopt, "example-new.cn"}};  // example.cn removed, one added
  w.home_url = "www.example-new.cn";
  for (miit::AccessBlock& a : w.accesses) {
    a.provider.reset();
    a.isp_id.reset();
    a.ips = {{50002, std::nullopt, 3221225995, 3221225995}};
  }
  change.websites = {w};
  miit::IcpUpload upload;
  upload.requester = kIspA;
  upload.changes.push_back(change);

  // Another provider may not change it; a domain filed by another subject is a conflict.
  miit::IcpUpload theirs = upload;
  theirs.requester = kIspB;
  miit::IcpUpload conflict = upload;
  conflict.changes[0].websites[0].domains.push_back({90003, std::nullopt, "taken.cn"});
  Upload(kIspB, theirs);
  Upload(kIspA, conflict);
  Tick();
  EXPECT_EQ(Codes(Drain(kIspB)), (std::vector<std::int64_t>{1048, 1047}));
  EXPECT_EQ(Codes(Drain(kIspA)), (std::vector<std::int64_t>{1005}));

  const miit::FiledRecord changed = Approved(kIspA, upload);
  EXPECT_EQ(changed.subject.name, "示例科技（深圳）有限公司");
  EXPECT_EQ(changed.subject.number, filed.subject.number);
  ASSERT_EQ(changed.websites.size(), 1U);
  EXPECT_EQ(changed.websites[0].name, "示例新官网");
  ASSERT_EQ(changed.websites[0].domains.size(), 1U);
  EXPECT_EQ(changed.websites[0].domains[0].name, "example-new.cn");
  EXPECT_EQ(changed.websites[0].accesses[0].ips.size(), 1U);
  EXPECT_EQ(changed.websites[0].accesses[0].ips[0].first, 3221225995);
  // example.cn is free again.
  miit::SoapRequest query = Signed(kIspA, miit::Method::kQueryBeianStatus);
  query.query_condition = "example.cn";
  EXPECT_EQ(service_->Call(query).status_info->filed, 1);
}

TEST_F(PipelineTest, CancellingASubjectNeedsItsPassword) {
  const miit::FiledRecord filed = Approved(kIspA, FirstFiling(kIspA));
  miit::IcpUpload cancel;
  cancel.requester = kIspA;
  cancel.cancellations.push_back({miit::CancelKind::kSubject, *filed.subject.bureau_id, 1,
                                  std::nullopt, miit::Md5Hex("wrong")});
  Upload(kIspA, cancel);
  Tick();
  EXPECT_EQ(Codes(Drain(kIspA)), (std::vector<std::int64_t>{1018}));
  const std::string text = sink_.sent[0].text;
  const std::string rest =
      text.substr(text.find("ICP备案密码：") + std::string("ICP备案密码：").size());
  cancel.cancellations[0].icp_password = miit::Md5Hex(rest.substr(0, rest.find("。")));
  Upload(kIspA, cancel);
  Tick();
  EXPECT_EQ(Codes(Drain(kIspA)), (std::vector<std::int64_t>{9001}));
  ASSERT_TRUE(pipeline_->Decide(last_filing(), true, {}, "r", kNow).has_value());
  const std::vector<miit::IcpDownload> files = Drain(kIspA);
  ASSERT_EQ(files.size(), 1U);
  EXPECT_EQ(files[0].cancellations[0].kind, miit::CancelKind::kSubject);
  miit::SoapRequest query = Signed(kIspA, miit::Method::kQueryBeianStatus);
  query.query_condition_type = 1;
  query.query_condition = "91440300MA5000001X";
  EXPECT_EQ(service_->Call(query).status_info->filed, 1);
  // Cancelled stays cancelled: a website cannot be added to it.
  miit::IcpUpload add;
  add.requester = kIspA;
  add.new_websites.push_back({filed.subject.number, std::nullopt, {Website("late.cn")}, {}, {}});
  Upload(kIspA, add);
  Tick();
  EXPECT_EQ(Codes(Drain(kIspA)), (std::vector<std::int64_t>{1049}));
}

TEST_F(PipelineTest, ANewWebsiteTakesTheNextIndex) {
  const miit::FiledRecord filed = Approved(kIspA, FirstFiling(kIspA));
  miit::IcpUpload add;
  add.requester = kIspA;
  miit::WebsiteBlock second = Website("second.cn");
  second.isp_id = 80002;
  add.new_websites.push_back({filed.subject.number, std::nullopt, {second}, {}, {}});
  const miit::FiledRecord added = Approved(kIspA, add);
  ASSERT_EQ(added.websites.size(), 1U);
  EXPECT_EQ(added.websites[0].number, *filed.subject.number + "-2");
  EXPECT_EQ(added.websites[0].isp_id, 80002);
  // Another provider needs the filing password for the same subject (新增网站 elsewhere).
  miit::IcpUpload elsewhere = add;
  elsewhere.requester = kIspB;
  elsewhere.new_websites[0].websites[0].domains = {{90009, std::nullopt, "third.cn"}};
  elsewhere.new_websites[0].websites[0].home_url = "third.cn";
  elsewhere.new_websites[0].websites[0].accesses[0].ips = {
      {51009, std::nullopt, 3325256712, 3325256712}};  // B's own address
  Upload(kIspB, elsewhere);
  Tick();
  EXPECT_EQ(Codes(Drain(kIspB)), (std::vector<std::int64_t>{1018}));
}

}  // namespace
}  // namespace icp::bureau_sim

namespace icp::bureau_sim {
namespace {

TEST_F(PipelineTest, OneCodePerDistinctMobile) {
  miit::WebsiteBlock w = Website();
  w.leader.mobiles = "13800000000;13700000000";  // the subject leader's number first
  Upload(kIspA, FirstFiling(kIspA, Subject(), w));
  Tick();
  ASSERT_EQ(sms_.started[1].size(), 1U);
  EXPECT_EQ(sms_.started[1][0].role, "Zt_xx/Fzr");
}

}  // namespace
}  // namespace icp::bureau_sim

namespace icp::bureau_sim {
namespace {

TEST_F(PipelineTest, ARecordTheRegistryCannotHoldIsReturnedNotRetried) {
  miit::WebsiteBlock twice = Website();
  twice.domains.push_back({90002, std::nullopt, "EXAMPLE.cn"});
  miit::WebsiteBlock reversed = Website("second.cn");
  reversed.accesses[0].ips = {{50002, std::nullopt, 3221225995, 3221225994}};
  Upload(kIspA, FirstFiling(kIspA, Subject(), twice));
  Upload(kIspA, FirstFiling(kIspA, Subject("91440300MA5000002X"), reversed));
  Tick();
  EXPECT_EQ(Codes(Drain(kIspA)), (std::vector<std::int64_t>{1039, 1006}));

  // A registry refusal the checks do not foresee (here: the next 粤 number taken behind the
  // pipeline's back) returns the filing with 1999, and the next filing is decided all the same.
  miit::SubjectBlock beijing = Subject("91110000MA5000004X");
  beijing.address = {110000, 110100, 110105, "示例路1号"};
  Upload(kIspA, FirstFiling(kIspA, Subject("91440300MA5000003X"), Website("third.cn")));
  Upload(kIspA, FirstFiling(kIspA, beijing, Website("fourth.cn")));
  Tick();
  for (auto& [id, state] : sms_.states) state = SmsState::kVerified;
  Tick();
  Drain(kIspA);
  ASSERT_TRUE(store_
                  ->Transact([](Registry& r) -> Result<void> {
                    Result<std::int64_t> serial = r.NextSerial(440000, ChinaYear(kNow));
                    if (!serial) return std::unexpected(serial.error());
                    return {};
                  })
                  .has_value());
  ASSERT_TRUE(store_
                  ->Transact([](Registry& r) -> Result<void> {
                    struct Subject squatter;
                    squatter.block.number = SubjectNumber(440000, ChinaYear(kNow), 2);
                    squatter.block.name = "占号单位";
                    squatter.block.certificate = {1, "X", std::nullopt};
                    squatter.province = 440000;
                    Result<std::int64_t> id = r.InsertSubject(squatter, std::nullopt);
                    if (!id) return std::unexpected(id.error());
                    return {};
                  })
                  .has_value());
  ASSERT_TRUE(
      store_->Transact([](Registry& r) { return r.RecordDecision(3, "approve", {}, "r", kNow); })
          .has_value());
  ASSERT_TRUE(
      store_->Transact([](Registry& r) { return r.RecordDecision(4, "approve", {}, "r", kNow); })
          .has_value());
  EXPECT_EQ(Tick().decided, 2);
  EXPECT_EQ(FilingOf(3).state, FilingState::kReturned);
  EXPECT_EQ(FilingOf(3).reasons[0].jgdm, 1999);
  EXPECT_EQ(FilingOf(4).state, FilingState::kApproved);
}

}  // namespace
}  // namespace icp::bureau_sim

// A filing whose step fails in the store (here a raw writer's trigger refuses to move it) is
// reported and left where it was; the filings after it go on, and it goes on once it can.
TEST_F(PipelineTest, AFilingThatCannotMoveHoldsUpNoOther) {
  Upload(kIspA, FirstFiling(kIspA));
  const std::int64_t stuck = last_filing();
  Upload(kIspB, FirstFiling(kIspB, Subject("91110000600037341L"), Website("second.cn")));
  ASSERT_TRUE(raw_->Execute(fmt::format("CREATE TRIGGER stuck BEFORE UPDATE ON filings "
                                        "WHEN OLD.id = {} BEGIN SELECT RAISE(ABORT, 'stuck'); END",
                                        stuck))
                  .has_value());
  TickReport report = Tick();
  EXPECT_EQ(report.checked, 1);
  ASSERT_EQ(report.failed.size(), 1U);
  EXPECT_TRUE(report.failed[0].starts_with(fmt::format("filing {}: ", stuck))) << report.failed[0];
  EXPECT_EQ(FilingOf(stuck).state, FilingState::kIntake);
  EXPECT_EQ(FilingOf(last_filing()).state, FilingState::kSmsPending);
  EXPECT_TRUE(Drain(kIspA).empty());  // nothing half-done was queued for the stuck filing

  ASSERT_TRUE(raw_->Execute("DROP TRIGGER stuck").has_value());
  report = Tick();
  EXPECT_EQ(report.checked, 1);
  EXPECT_TRUE(report.failed.empty());
  EXPECT_EQ(FilingOf(stuck).state, FilingState::kSmsPending);
  EXPECT_EQ(Codes(Drain(kIspA)), (std::vector<std::int64_t>{9001, 9011}));
}

}  // namespace
}  // namespace icp::bureau_sim
