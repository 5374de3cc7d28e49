// The bureau gateway end to end without a network: the real gateway, the real outcome
// recorder and the memory store, against a fake bureau that speaks the wire (miit/) and can
// lose answers, report gaps and send files twice.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <random>

#include "app/bureau_outcome_service.h"
#include "app/estate_service.h"
#include "app/gate.h"
#include "app/notification.h"
#include "base/test_strictness.h"
#include "bureau/application_messages.h"
#include "bureau/gateway.h"
#include "cli/rules_command.h"
#include "exe/background.h"
#include "miit/authentication.h"
#include "miit/code_tables.h"
#include "miit/digest.h"
#include "miit/gbk.h"
#include "miit/jcdm.h"
#include "miit/payload.h"
#include "miit/result_code.h"
#include "ports/testing/fake_clock.h"
#include "storage/memory/blob_store.h"
#include "storage/memory/database.h"
#include "storage/postgres/database.h"
#include "storage/sqlite/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using std::chrono::seconds;
namespace st = storage_testing;

constexpr std::int64_t kIsp = 440000000123;
constexpr std::string_view kPassword = "secret01";

// The bureau's side, just enough of it: pwdHash checked, dataSequence with gaps, uploads kept
// once per number, a download queue sent until acknowledged.
class FakeBureau final : public bureau::SoapTransport {
 public:
  Result<std::string> Post(const std::string&, std::string_view,
                           std::string_view envelope) override {
    Result<miit::SoapRequest> req = miit::ParseRequest(envelope);
    if (!req) return std::unexpected(req.error());
    Result<miit::RandVal> rand = miit::RandVal::Parse(req->rand_val);
    EXPECT_TRUE(rand && miit::VerifyPwdHash(kPassword, *rand, req->pwd_hash));
    ++calls[req->method];
    if (fail_next_calls > 0) {
      --fail_next_calls;
      return Unavailable("injected: the call was not processed");
    }
    miit::MethodReturn out;
    switch (req->method) {
      case miit::Method::kUpload:
        if (Result<std::string> answer = Upload(*req, out); !answer) return answer;
        break;
      case miit::Method::kQueryPreviousUpload:
        out.data_sequence = last_;
        break;
      case miit::Method::kQueryBeianStatus: {
        auto it = registry.find(req->query_condition);
        out.status_info =
            it != registry.end() ? it->second : miit::StatusInfo{req->query_condition_type,
                                                                 req->query_condition,
                                                                 1,
                                                                 std::nullopt,
                                                                 std::nullopt,
                                                                 std::nullopt};
        break;
      }
      case miit::Method::kDownload:
        if (queue_.empty()) {
          out.msg_code = 2;
        } else {
          out.msg_code = queue_.size() > 1 ? 3 : 1;
          out.file_info = queue_.front();
        }
        break;
      case miit::Method::kDownloadAck:
        if (!queue_.empty() && queue_.front().file_name == req->file_name) {
          if (duplicate_next_ack_) {
            duplicate_next_ack_ = false;  // acknowledged, yet sent again (at-least-once)
          } else {
            queue_.pop_front();
          }
        }
        ++acks_;
        break;
      default:
        out.msg_code = 999;
    }
    return miit::BuildResponse(req->method, out);
  }

  // Queues a download file holding `d` (encrypted with `key` when given).
  void Queue(const miit::IcpDownload& d, std::string name,
             std::optional<miit::AesKey> key = std::nullopt) {
    miit::EncodeOptions o;
    o.entry_name = name;
    if (key) {
      o.encrypt = miit::EncryptAlgorithm::kAes;
      o.key = std::move(key);
    }
    Result<miit::WirePayload> p = miit::EncodePayload(miit::EncodeDownload(d), o);
    ASSERT_TRUE(p.has_value()) << p.error().message;
    queue_.push_back({std::move(name), *p});
  }

  std::map<std::int64_t, miit::IcpUpload> uploads;   // by dataSequence, as accepted
  std::map<std::string, miit::StatusInfo> registry;  // isp_querybeianstatus, by condition
  int upload_calls = 0;
  std::function<void()> on_upload;    // called as each upload arrives
  std::map<miit::Method, int> calls;  // every call, by method
  int fail_next_calls = 0;            // refuse the next calls unprocessed (kUnavailable)
  int drop_next_answers = 0;          // take the upload, lose the answer
  bool lose_next_upload = false;      // forget the last accepted (a bureau restored from backup)
  bool duplicate_next_ack_ = false;
  int acks_ = 0;
  std::int64_t last_ = 0;

 private:
  Result<std::string> Upload(const miit::SoapRequest& req, miit::MethodReturn& out) {
    ++upload_calls;
    if (on_upload) on_upload();
    if (req.data_sequence > last_ + 1) {
      out.msg_code = 14;
      for (std::int64_t n = last_ + 1; n < req.data_sequence; ++n) {
        out.data_sequences.push_back(std::to_string(n));
      }
      return std::string();
    }
    if (req.data_sequence <= last_) return std::string();  // the same file again: 0, once
    Result<miit::DecodedPayload> decoded = miit::DecodePayload(req.payload(), {});
    EXPECT_TRUE(decoded.has_value()) << decoded.error().message;
    Result<miit::IcpUpload> upload = miit::DecodeUpload(decoded->text);
    EXPECT_TRUE(upload.has_value()) << upload.error().message;
    uploads[req.data_sequence] = *upload;
    last_ = req.data_sequence;
    if (drop_next_answers > 0) {
      --drop_next_answers;
      return Unavailable("connection dropped after the bureau took the file");
    }
    return std::string();
  }

  std::deque<miit::FileInfo> queue_;
};

class BureauGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<RuleSet> loaded = cli::LoadRuleSet(std::string(ICP_SOURCE_DIR) + "/data/rules");
    ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
    rules_ = std::make_shared<const RuleSet>(std::move(*loaded));
    recorder_ = std::make_unique<BureauOutcomeService>(rules_, st::TestCalendar());
  }

  bureau::Gateway Make(std::string holder = "icpd-test", bool strict = false) {
    return bureau::Gateway(
        {.base_url = "http://bureau.test",
         .isp_id = kIsp,
         .user_name = std::to_string(kIsp),
         .password = std::string(kPassword),
         .aes_key = aes_key_,
         .strict = strict,
         .holder = std::move(holder),
         .retry_waits = {std::chrono::milliseconds(1), std::chrono::milliseconds(1)}},
        *db_, blobs_, bureau_, recorder_in_use_ != nullptr ? *recorder_in_use_ : *recorder_,
        clock_);
  }

  // A first filing of subject `serial` on `domain`, ready for the bureau, its server on record.
  ApplicationId Ready(int serial, const std::string& domain) {
    // One application in progress per account (FACTS §4.5): an account each.
    const AccountId account = st::CreateAccount(*db_, "customer-" + std::to_string(serial));
    ApplicationRecord r = st::NewRecord(account, st::SampleApplication(serial, domain),
                                        ApplicationType::kFirstFiling, clock_.Now());
    for (ApplicationEvent e : {ApplicationEvent::kSubmit, ApplicationEvent::kProviderPass,
                               ApplicationEvent::kVerificationDone}) {
      st::Move(r, e, clock_.Now());
    }
    auto uow = std::move(*db_->Begin());
    Resource server;
    server.id = "ins-" + std::to_string(serial);
    server.account = "customer";
    server.region = {"ap-guangzhou", true};
    server.public_ip = "192.0.2." + std::to_string(serial);
    EXPECT_TRUE(uow->resources().Upsert(server).has_value());
    Result<ApplicationId> id = uow->applications().Insert(r);
    EXPECT_TRUE(id.has_value()) << id.error().message;
    EXPECT_TRUE(uow->Commit().has_value());
    return *id;
  }

  ApplicationRecord Get(ApplicationId id) {
    auto uow = std::move(*db_->Begin());
    return *uow->applications().Get(id);
  }

  std::vector<Notification> Notifications() {
    std::vector<Notification> out;
    auto uow = std::move(*db_->Begin());
    Result<std::vector<OutboxEntry>> entries = uow->outbox().List({});
    EXPECT_TRUE(entries.has_value());
    for (const OutboxEntry& e : *entries) {
      if (Result<Notification> n = ParseNotificationPayload(e.message.payload)) out.push_back(*n);
    }
    return out;
  }

  // The Jg_xx of a result `code` for the first filing the bureau took at `sequence`.
  miit::RecordResult ResultOf(std::int64_t sequence, std::int64_t code, std::string text = "") {
    const miit::FirstFiling& f = bureau_.uploads.at(sequence).first_filings.at(0);
    miit::RecordResult r;
    r.items = {{code, text.empty() ? std::nullopt : std::optional(text)}};
    r.operation = 1;
    r.key = std::to_string(*f.subject.isp_id);
    return r;
  }

  // The bureau's record of subject `serial` (its sample application, one website on
  // `domain`) as it sends it in BASJ or SJTB: our own mapping out, with its ids and numbers.
  static miit::FiledRecord EstateRecord(int serial, const std::string& domain) {
    Application app = st::SampleApplication(serial, domain);
    std::int64_t next = 80000;
    bureau::MessageContext c;
    c.requester = kIsp;
    c.next_isp_id = [&] { return ++next; };
    c.access_points = {{{"ap-guangzhou", ResourceKind::kCvm, "192.0.2.9"}}};
    const miit::FirstFiling f = bureau::ToUpload(app, c).value().first_filings.at(0);
    const std::string number = "粤ICP备20260000" + std::to_string(10 + serial) + "号";
    miit::FiledRecord r;
    r.subject = f.subject;
    r.subject.isp_id.reset();
    r.subject.bureau_id = 3000 + serial;
    r.subject.number = number;
    r.subject.first_filed_at = "2026-11-01";
    r.subject.modified_at = "2026-11-01";
    miit::WebsiteBlock site = f.websites.at(0);
    site.isp_id.reset();
    site.bureau_id = 4000 + serial;
    site.number = number + "-1";
    for (miit::DomainBlock& d : site.domains) d.bureau_id = 5000 + serial;
    for (miit::AccessBlock& x : site.accesses) {
      x.bureau_id = 6000 + serial;
      x.provider = kIsp;
      for (miit::IpBlock& ip : x.ips) ip.bureau_id = 7000 + serial;
    }
    r.websites = {site};
    return r;
  }

  // A customer whose verified real name is subject `serial`.
  AccountId CustomerOf(int serial) {
    const Application app = st::SampleApplication(serial, "x.cn");
    auto uow = std::move(*db_->Begin());
    Account a{AccountId(), "real-" + std::to_string(serial), Role::kCustomer, "客户", "x", st::kT0};
    a.real_name = VerifiedRealName{
        *RealName::Make(RealNameKind::kPerson, app.subject.name, app.subject.certificate), st::kT0};
    AccountId id = *uow->accounts().Insert(a);
    EXPECT_TRUE(uow->Commit().has_value());
    return id;
  }

  // Every subject of `account` with its number, websites and bureau ids, to compare.
  std::string OnRecord(AccountId account) {
    auto read = std::move(*db_->BeginRead());
    std::string out;
    const std::vector<SubjectRecord> subjects = *read->subjects().ListByAccount(account);
    for (const SubjectRecord& s : subjects) {
      out += s.number->str() + " r" + std::to_string(s.revision);
      const std::vector<WebsiteRecord> websites = *read->websites().ListBySubject(s.id);
      for (const WebsiteRecord& w : websites) {
        out += " " + w.number->str() + " r" + std::to_string(w.revision);
      }
      const std::optional<BureauIds> ids = *read->bureau_link().SubjectIds(s.id);
      out += " ztid " + std::to_string(ids ? ids->subject_id.value_or(0) : 0) + "\n";
    }
    return out;
  }

  Result<ResyncReport> Resync(std::string estate_account = "estate") {
    BureauSettings bureau;
    bureau.url = "http://bureau.test";
    bureau.isp_id = kIsp;
    bureau.user_name = std::to_string(kIsp);
    bureau.password = std::string(kPassword);
    Result<bureau::GatewaySettings> settings = GatewaySettingsOf(bureau, "icpctl-test");
    EXPECT_TRUE(settings.has_value());
    return ResyncEstate(*db_, blobs_, rules_, *settings, bureau_, estate_account, clock_);
  }

  std::unique_ptr<Database> db_ = memory::Database::Create();
  memory::BlobStore blobs_;
  FakeBureau bureau_;
  FakeClock clock_{st::kT0};
  std::shared_ptr<const RuleSet> rules_;
  std::unique_ptr<BureauOutcomeService> recorder_;
  BureauOutcomeRecorder* recorder_in_use_ = nullptr;  // instead of recorder_ when set
  std::optional<miit::AesKey> aes_key_;               // the gateway's download key

  // The account's parked files (pending ones, or all).
  std::vector<ParkedDownload> Parked(bool pending_only = true) {
    auto uow = std::move(*db_->Begin());
    Result<std::vector<ParkedDownload>> p = uow->bureau_link().Parked(kIsp, pending_only);
    EXPECT_TRUE(p.has_value()) << p.error().message;
    return p.value_or(std::vector<ParkedDownload>{});
  }

  std::vector<std::string> NotificationTemplates() {
    std::vector<std::string> out;
    for (const Notification& n : Notifications()) out.push_back(n.template_id);
    return out;
  }

  // A blacklist file: a file that applies whatever else the bureau sent.
  void QueueBlacklist(std::string name, std::string domain) {
    miit::IcpDownload lists;
    lists.blacklisted_websites.push_back(
        {"违法网站", {std::move(domain)}, std::nullopt, miit::ListAction::kAdd});
    bureau_.Queue(lists, std::move(name));
  }

  std::vector<std::string> Blacklisted() {
    auto uow = std::move(*db_->Begin());
    Result<std::vector<GateListEntry>> entries = uow->gate().ListEntries();
    EXPECT_TRUE(entries.has_value()) << entries.error().message;
    std::vector<std::string> out;
    for (const GateListEntry& e : entries.value_or(std::vector<GateListEntry>{})) {
      out.push_back(e.domain);
    }
    return out;
  }
};

// The real recorder, made to fail RecordFiled with `fail_filed` while it is set: a bug in the
// code (kInternal, the file's to park) or the moment's trouble (kUnavailable, to retry).
class FailingRecorder final : public BureauOutcomeRecorder {
 public:
  explicit FailingRecorder(BureauOutcomeRecorder& real) : real_(real) {}
  Result<void> Record(UnitOfWork& uow, const BureauOutcome& outcome,
                      std::chrono::sys_seconds now) override {
    return real_.Record(uow, outcome, now);
  }
  Result<void> RecordFiled(UnitOfWork& uow, std::int64_t isp_id,
                           std::optional<ApplicationId> application, const BureauIds& ids,
                           std::chrono::sys_seconds now) override {
    if (fail_filed) return std::unexpected(*fail_filed);
    return real_.RecordFiled(uow, isp_id, application, ids, now);
  }
  Result<GateListReport> RecordLists(UnitOfWork& uow, const GateListUpdate& update,
                                     std::chrono::sys_seconds now) override {
    return real_.RecordLists(uow, update, now);
  }
  std::optional<Error> fail_filed;

 private:
  BureauOutcomeRecorder& real_;
};

// What the moment caused (the store or the link busy, slow, or refusing for now) leaves a
// download file for the next pass; what the file itself causes parks it (docs/bureau-protocol.md
// "Parked files"): every code on one side or the other.
TEST(IsTransientTest, TheMomentsErrorsWaitTheFilesErrorsPark) {
  for (ErrorCode code : {ErrorCode::kUnavailable, ErrorCode::kAborted, ErrorCode::kDeadlineExceeded,
                         ErrorCode::kResourceExhausted}) {
    EXPECT_TRUE(bureau::IsTransient(Error{code, "now", {}})) << ErrorCodeName(code);
  }
  for (ErrorCode code :
       {ErrorCode::kInvalidArgument, ErrorCode::kNotFound, ErrorCode::kAlreadyExists,
        ErrorCode::kFailedPrecondition, ErrorCode::kPermissionDenied, ErrorCode::kUnauthenticated,
        ErrorCode::kInternal}) {
    EXPECT_FALSE(bureau::IsTransient(Error{code, "the file", {}})) << ErrorCodeName(code);
  }
}

TEST_F(BureauGatewayTest, SendsReadyApplicationsOneNumberedFileEach) {
  const ApplicationId a = Ready(1, "a.cn");
  const ApplicationId b = Ready(2, "b.cn");
  Result<bureau::PassReport> r = Make().UploadOnce();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->uploaded, 2) << (r->problems.empty() ? "" : r->problems[0]);
  ASSERT_EQ(bureau_.uploads.size(), 2u);
  EXPECT_EQ(bureau_.uploads.at(1).requester, kIsp);
  EXPECT_EQ(Get(a).lifecycle.state(), ApplicationState::kSmsPending);
  EXPECT_EQ(Get(b).lifecycle.state(), ApplicationState::kSmsPending);
  // Nothing left: a second pass sends nothing.
  EXPECT_EQ(Make().UploadOnce()->uploaded, 0);
  EXPECT_EQ(bureau_.upload_calls, 2);
  std::vector<Notification> told = Notifications();
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[0].template_id, "application.sent_to_bureau");
}

// The answer is lost after the bureau took the file: the next pass asks the bureau, finds it
// taken, and never sends it twice; the number after it goes to the next file.
TEST_F(BureauGatewayTest, AnUnclearUploadIsSettledByQueryingNotByResending) {
  const ApplicationId a = Ready(1, "a.cn");
  bureau_.drop_next_answers = 1;
  Result<bureau::PassReport> lost = Make().UploadOnce();
  ASSERT_FALSE(lost.has_value());
  EXPECT_EQ(Get(a).lifecycle.state(), ApplicationState::kReadyForBureau);
  const ApplicationId b = Ready(2, "b.cn");
  Result<bureau::PassReport> r = Make().UploadOnce();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->resent, 0);
  EXPECT_EQ(bureau_.upload_calls, 2);  // a once, b once
  EXPECT_EQ(bureau_.last_, 2);
  EXPECT_EQ(Get(a).lifecycle.state(), ApplicationState::kSmsPending);
  EXPECT_EQ(Get(b).lifecycle.state(), ApplicationState::kSmsPending);
}

// A call that failed for the moment is made again within the pass, as often as retry_waits
// allow; an upload is not (its answer lost, the next pass settles it).
TEST_F(BureauGatewayTest, AFailedCallIsTriedAgainButAnUploadIsSettledInstead) {
  QueueBlacklist("HMDLB0000000001", "bad.cn");
  bureau_.fail_next_calls = 2;  // the download twice, then through
  Result<bureau::PassReport> r = Make().DownloadOnce();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->downloaded, 1);
  EXPECT_EQ(bureau_.calls[miit::Method::kDownload], 3);  // the last file (msg_code 1) ends it
  QueueBlacklist("HMDLB0000000002", "worse.cn");
  bureau_.fail_next_calls = 3;  // one more than the retries: the pass ends, nothing applied
  ASSERT_FALSE(Make().DownloadOnce().has_value());
  EXPECT_EQ(Blacklisted(), (std::vector<std::string>{"bad.cn"}));
  Ready(1, "a.cn");
  bureau_.fail_next_calls = 1;
  ASSERT_FALSE(Make().UploadOnce().has_value());
  EXPECT_EQ(bureau_.calls[miit::Method::kUpload], 1);
  ASSERT_TRUE(Make().UploadOnce().has_value());
  EXPECT_EQ(bureau_.calls[miit::Method::kUpload], 2);  // the kept file, sent once it could be
  EXPECT_EQ(bureau_.last_, 1);
}

// The bureau took the file but its answer was lost, and the bureau went on: its results about
// that file come in the download queue before the next upload pass settles it. They wait,
// unacknowledged, for the settling (which sends the application with its file accepted), and
// then move the application on.
TEST_F(BureauGatewayTest, ResultsAboutAFileWhoseAnswerWasLostWaitForTheSettling) {
  const ApplicationId a = Ready(1, "a.cn");
  bureau_.drop_next_answers = 1;
  ASSERT_FALSE(Make().UploadOnce().has_value());
  ASSERT_EQ(Get(a).lifecycle.state(), ApplicationState::kReadyForBureau);
  miit::IcpDownload accepted;  // taken for review, MIIT's SMS pending
  accepted.results = miit::FilingResults{{ResultOf(1, 9001), ResultOf(1, 9011)}, {}};
  bureau_.Queue(accepted, "BAJG0000000001");
  miit::IcpDownload verified;
  verified.results = miit::FilingResults{{ResultOf(1, 9012)}, {}};
  bureau_.Queue(verified, "BAJG0000000002");
  Result<bureau::PassReport> early = Make().DownloadOnce();
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().rule(), "bureau.file-unsettled");
  EXPECT_TRUE(bureau::IsTransient(early.error()));
  EXPECT_EQ(bureau_.acks_, 0);
  EXPECT_TRUE(Parked().empty());
  EXPECT_EQ(Get(a).lifecycle.state(), ApplicationState::kReadyForBureau);
  // The settling: the file accepted and the application sent, nothing uploaded again.
  Result<bureau::PassReport> up = Make().UploadOnce();
  ASSERT_TRUE(up.has_value()) << up.error().message;
  EXPECT_TRUE(up->problems.empty()) << up->problems.front();
  EXPECT_EQ(bureau_.upload_calls, 1);
  EXPECT_EQ(Get(a).lifecycle.state(), ApplicationState::kSmsPending);
  Result<bureau::PassReport> down = Make().DownloadOnce();
  ASSERT_TRUE(down.has_value()) << down.error().message;
  EXPECT_TRUE(down->problems.empty()) << down->problems.front();
  EXPECT_EQ(down->downloaded, 2);
  EXPECT_EQ(Get(a).lifecycle.state(), ApplicationState::kBureauReview);
  miit::IcpDownload approved;
  approved.results = miit::FilingResults{{ResultOf(1, 1001)}, {}};
  bureau_.Queue(approved, "BAJG0000000003");
  ASSERT_TRUE(Make().DownloadOnce().has_value());
  EXPECT_EQ(Get(a).lifecycle.state(), ApplicationState::kApproved);
  EXPECT_EQ(NotificationTemplates(),
            (std::vector<std::string>{"application.sent_to_bureau", "application.sms_verified",
                                      "application.approved"}));
}

// The bureau never got the file (the connection failed before): the kept file is resent byte
// for byte at its own number.
TEST_F(BureauGatewayTest, AKeptFileTheBureauLacksIsResentAsItWas) {
  const ApplicationId a = Ready(1, "a.cn");
  bureau_.drop_next_answers = 1;
  ASSERT_FALSE(Make().UploadOnce().has_value());
  const miit::IcpUpload first = bureau_.uploads.at(1);
  bureau_.uploads.clear();
  bureau_.last_ = 0;  // as if it never arrived
  Result<bureau::PassReport> r = Make().UploadOnce();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->resent, 1);
  EXPECT_EQ(bureau_.uploads.at(1), first);
  EXPECT_EQ(Get(a).lifecycle.state(), ApplicationState::kSmsPending);
}

// msg_code 14: the bureau misses earlier numbers; they are sent first from the kept files.
TEST_F(BureauGatewayTest, AGapIsFilledFromTheKeptFiles) {
  Ready(1, "a.cn");
  ASSERT_TRUE(Make().UploadOnce().has_value());
  const miit::IcpUpload first = bureau_.uploads.at(1);
  bureau_.uploads.clear();
  bureau_.last_ = 0;  // the bureau lost number 1
  Ready(2, "b.cn");
  Result<bureau::PassReport> r = Make().UploadOnce();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->resent, 2);  // 1 from the kept file, then 2 again
  EXPECT_EQ(bureau_.uploads.at(1), first);
  EXPECT_EQ(bureau_.uploads.size(), 2u);
}

TEST_F(BureauGatewayTest, OneUploaderPerAccountAtATime) {
  Ready(1, "a.cn");
  {
    auto uow = std::move(*db_->Begin());
    ASSERT_TRUE(
        *uow->bureau_link().Lease(kIsp, "icpd-other", clock_.Now(), clock_.Now() + seconds(60)));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  Result<bureau::PassReport> r = Make().UploadOnce();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "bureau.lease-held");
  EXPECT_EQ(bureau_.upload_calls, 0);
}

// A pass outlasts its lease when it sends many files; the lease is renewed with each file, so
// no other process can take the account in the middle, however long the pass.
TEST_F(BureauGatewayTest, TheLeaseIsRenewedWithEachFileOfAPass) {
  for (int i = 1; i <= 3; ++i) Ready(i, "lease" + std::to_string(i) + ".cn");
  const bureau::GatewaySettings defaults;
  std::vector<bool> other_took;
  bureau_.on_upload = [&] {
    clock_.Advance(defaults.lease - seconds(5));  // each upload takes most of a lease
    auto uow = std::move(*db_->Begin());
    Result<bool> taken =
        uow->bureau_link().Lease(kIsp, "icpd-other", clock_.Now(), clock_.Now() + seconds(60));
    ASSERT_TRUE(taken.has_value()) << taken.error().message;
    other_took.push_back(*taken);
    if (*taken) {
      ASSERT_TRUE(uow->Commit().has_value());
    }
  };
  Result<bureau::PassReport> r = Make().UploadOnce();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->uploaded, 3);
  EXPECT_EQ(other_took, (std::vector<bool>{false, false, false}));
}

// Approval, then BASJ: the filed record with its numbers and the bureau's ids, the customer
// told; a file sent twice changes nothing the second time.
TEST_F(BureauGatewayTest, AnApprovalStoresTheNumbersAndTellsTheCustomer) {
  const ApplicationId a = Ready(1, "a.cn");
  ASSERT_TRUE(Make().UploadOnce().has_value());
  miit::IcpDownload verified;
  verified.results = miit::FilingResults{{ResultOf(1, 9012)}, {}};
  bureau_.Queue(verified, "BAJG0000000001");
  miit::IcpDownload approved;
  approved.results = miit::FilingResults{{ResultOf(1, 1001)}, {}};
  miit::FiledRecord filed;
  const miit::FirstFiling& sent = bureau_.uploads.at(1).first_filings.at(0);
  filed.subject = sent.subject;
  filed.subject.bureau_id = 3001;
  filed.subject.number = "粤ICP备26000001号";
  filed.subject.first_filed_at = "2026-11-29";
  filed.subject.modified_at = "2026-11-29";
  miit::WebsiteBlock site = sent.websites.at(0);
  site.bureau_id = 4001;
  site.number = "粤ICP备26000001号-1";
  site.first_filed_at = "2026-11-29";
  site.modified_at = "2026-11-29";
  for (miit::DomainBlock& d : site.domains) d.bureau_id = 5001;
  for (miit::AccessBlock& x : site.accesses) {
    x.bureau_id = 6001;
    x.provider = kIsp;
    for (miit::IpBlock& ip : x.ips) ip.bureau_id = 7001;
  }
  filed.websites = {site};
  approved.filed_records = {filed};
  bureau_.Queue(approved, "BAJG0000000002");
  bureau_.duplicate_next_ack_ = true;
  Result<bureau::PassReport> r = Make().DownloadOnce();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->downloaded, 2) << (r->problems.empty() ? "" : r->problems[0]);
  EXPECT_EQ(r->acknowledged, 3);  // the duplicated file acknowledged again, without effect
  const ApplicationRecord record = Get(a);
  EXPECT_EQ(record.lifecycle.state(), ApplicationState::kApproved);
  auto uow = std::move(*db_->Begin());
  Result<std::optional<SubjectRecord>> subject =
      uow->subjects().FindByCertificate(record.application.subject.certificate);
  ASSERT_TRUE(subject.has_value() && subject->has_value());
  EXPECT_EQ((*subject)->number->str(), "粤ICP备26000001号");
  Result<std::vector<WebsiteRecord>> sites = uow->websites().ListBySubject((*subject)->id);
  ASSERT_EQ(sites->size(), 1u);
  EXPECT_EQ(sites->at(0).number->str(), "粤ICP备26000001号-1");
  Result<std::optional<BureauIds>> ids = uow->bureau_link().SubjectIds((*subject)->id);
  ASSERT_TRUE(ids.has_value() && ids->has_value());
  EXPECT_EQ((*ids)->subject_id, 3001);
  EXPECT_EQ((*ids)->websites.at(0).our_access->id, 6001);
  EXPECT_EQ((*ids)->websites.at(0).domain_ids.at(0),
            (std::pair<std::string, std::int64_t>("a.cn", 5001)));
  uow.reset();
  std::vector<std::string> templates;
  for (const Notification& n : Notifications()) templates.push_back(n.template_id);
  EXPECT_EQ(templates,
            (std::vector<std::string>{"application.sent_to_bureau", "application.sms_verified",
                                      "application.approved"}));
}

// The bureau's lists reach the access gate with the file that carries them: applied in the
// unit of work that records the file, so a file delivered again changes nothing, and a domain
// the gate cannot take is reported while the rest is applied.
TEST_F(BureauGatewayTest, TheBureausListsReachTheGateWithTheirFile) {
  miit::IcpDownload lists;
  lists.blacklisted_websites.push_back(
      {"违法网站", {"Bad.cn", "not a host"}, std::nullopt, miit::ListAction::kAdd});
  miit::UnfiledSite unfiled;
  unfiled.id = 9;
  unfiled.domain = "unfiled.cn";
  unfiled.ip = 3221225985;  // 192.0.2.1
  unfiled.carrier = 1;
  lists.unfiled_sites.push_back(unfiled);
  bureau_.Queue(lists, "HMDLB0000000001");
  bureau_.duplicate_next_ack_ = true;
  Result<bureau::PassReport> r = Make().DownloadOnce();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->downloaded, 1);
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_NE(r->problems[0].find("items[1].domain in HMDLB0000000001"), std::string::npos)
      << r->problems[0];
  Result<bureau::PassReport> again = Make().DownloadOnce();  // the file delivered again
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->downloaded, 0);
  EXPECT_EQ(again->acknowledged, 1);  // acknowledged again, without effect
  EXPECT_TRUE(again->problems.empty());
  auto uow = std::move(*db_->Begin());
  Result<std::vector<GateListEntry>> entries = uow->gate().ListEntries();
  ASSERT_TRUE(entries.has_value()) << entries.error().message;
  std::vector<std::pair<GateList, std::string>> got;
  for (const GateListEntry& e : *entries) got.emplace_back(e.list, e.domain);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::pair<GateList, std::string>>{
                     {GateList::kBlacklist, "bad.cn"}, {GateList::kUnfiled, "unfiled.cn"}}));
}

// A return flagged as a conflict keeps its reasons on their fields, the customer told of the
// offline remedy; a provider's fault sends the application back to be sent again.
TEST_F(BureauGatewayTest, ReturnsKeepTheirReasonsAndProviderFaultsGoBackToTheQueue) {
  const ApplicationId a = Ready(1, "a.cn");
  const ApplicationId b = Ready(2, "b.cn");
  ASSERT_TRUE(Make().UploadOnce().has_value());
  miit::IcpDownload results;
  miit::RecordResult conflict = ResultOf(1, 1005, "域名冲突，请核实后再次报备。");
  conflict.remark = R"({"beian":1,"fields":[{"jgdm":1005,"path":"websites[0].domains[0]"}]})";
  results.results = miit::FilingResults{{conflict, ResultOf(2, 1045)}, {}};
  bureau_.Queue(results, "BAJG0000000001");
  Result<bureau::PassReport> r = Make().DownloadOnce();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(Get(a).lifecycle.state(), ApplicationState::kBureauReturned);
  EXPECT_EQ(Get(b).lifecycle.state(), ApplicationState::kReadyForBureau);
  auto uow = std::move(*db_->Begin());
  Result<std::vector<BureauReason>> reasons = uow->bureau_link().Reasons(a);
  ASSERT_EQ(reasons->size(), 1u);
  EXPECT_TRUE(reasons->at(0).conflict);
  EXPECT_EQ(reasons->at(0).field, "websites[0].domains[0]");
  EXPECT_EQ(reasons->at(0).code, 1005);
  uow.reset();
  std::vector<std::string> templates;
  for (const Notification& n : Notifications()) templates.push_back(n.template_id);
  EXPECT_NE(std::ranges::find(templates, "application.bureau_conflict"), templates.end());
  EXPECT_NE(std::ranges::find(templates, "application.bureau_refused"), templates.end());
  // b is sent again at the next number.
  ASSERT_TRUE(Make().UploadOnce().has_value());
  EXPECT_EQ(bureau_.last_, 3);
  EXPECT_EQ(Get(b).lifecycle.state(), ApplicationState::kSmsPending);
}

// A cancellation names its record by the bureau's ids the application carries (original.bureau,
// as icpd fills it from the record): the bureau's answers find the application by the record it
// names, and a later file about the same subject does not claim the answers to an earlier one.
TEST_F(BureauGatewayTest, TheBureausAnswersToACancellationFindTheRecordItNames) {
  const AccountId account = st::CreateAccount(*db_, "customer-1");
  st::FileWebsite(*db_, account, 1, "a.cn");
  SubjectId subject;
  {
    auto uow = std::move(*db_->Begin());
    const Application filed = st::SampleApplication(1, "b.cn");
    subject = (*uow->subjects().FindByCertificate(filed.subject.certificate))->id;
    ASSERT_TRUE(
        uow->websites()
            .Insert({WebsiteId(), subject, filed.websites[0], std::nullopt, false, std::nullopt, 0})
            .has_value());
    ASSERT_TRUE(uow->Commit().has_value());
  }
  BureauIds ids;
  ids.subject_id = 3001;
  ids.subject_number = "京ICP备2027000001号";
  ids.websites = {
      {4001, "京ICP备2027000001号-1", {{"a.cn", 5001}}, BureauIds::Access{6001, kIsp, {}}},
      {4002, "京ICP备2027000001号-2", {{"b.cn", 5002}}, BureauIds::Access{6002, kIsp, {}}}};
  auto cancellation = [&](ApplicationType type, const std::string& domain) {
    Application app = st::SampleApplication(1, domain);
    app.websites[0].resources.clear();  // a cancellation sends no servers
    app.original = FiledRecord{app.subject, app.websites, ids};
    ApplicationRecord r = st::NewRecord(account, app, type, clock_.Now());
    r.subject = subject;
    st::Move(r, ApplicationEvent::kSubmit, clock_.Now());
    st::Move(r, ApplicationEvent::kProviderPass, clock_.Now());
    auto uow = std::move(*db_->Begin());
    Result<ApplicationId> id = uow->applications().Insert(r);
    EXPECT_TRUE(id.has_value()) << id.error().message;
    EXPECT_TRUE(uow->Commit().has_value());
    return *id;
  };
  auto download = [&](std::vector<miit::CancellationDone> done, std::string name) {
    miit::IcpDownload file;
    file.cancellations = std::move(done);
    bureau_.Queue(file, std::move(name));
    Result<bureau::PassReport> r = Make().DownloadOnce();
    EXPECT_TRUE(r.has_value()) << r.error().message;
    return r.value_or(bureau::PassReport{});
  };

  const ApplicationId access = cancellation(ApplicationType::kCancelAccess, "a.cn");
  Result<bureau::PassReport> sent = Make().UploadOnce();
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  ASSERT_EQ(sent->uploaded, 1) << (sent->problems.empty() ? "" : sent->problems[0]);
  EXPECT_EQ(bureau_.uploads.at(1).cancellations.at(0).record_id, 6001);  // Jrid
  bureau::PassReport done = download({{miit::CancelKind::kAccess, 6001, std::nullopt}}, "ZXSJ1");
  EXPECT_TRUE(done.problems.empty()) << done.problems[0];
  EXPECT_EQ(done.applied, 1);
  EXPECT_EQ(Get(access).lifecycle.state(), ApplicationState::kApproved);

  // The next cancellation of the same subject names its own record only.
  const ApplicationId website = cancellation(ApplicationType::kCancelWebsite, "b.cn");
  ASSERT_EQ(Make().UploadOnce()->uploaded, 1);
  EXPECT_EQ(bureau_.uploads.at(2).cancellations.at(0).record_id, 4002);  // Wzid
  download({{miit::CancelKind::kAccess, 6001, std::nullopt}}, "ZXSJ2");  // the first, again
  EXPECT_EQ(Get(website).lifecycle.state(), ApplicationState::kBureauReview);
  done = download({{miit::CancelKind::kWebsite, 4002, std::nullopt}}, "ZXSJ3");
  EXPECT_EQ(done.applied, 1);
  EXPECT_EQ(Get(website).lifecycle.state(), ApplicationState::kApproved);
  int told = 0;
  for (const Notification& n : Notifications()) {
    if (n.template_id == "application.cancellation_done") ++told;
  }
  EXPECT_EQ(told, 2);
}

// Strict V3.0 has no SMS step: the application waits under the bureau's review deadline.
// A file the gateway cannot read (encrypted, and no key configured) does not hold up the files
// behind it: parked with why and acknowledged; replayed once the key is set, it applies once.
TEST_F(BureauGatewayTest, AnUnreadableFileIsParkedAndReplayedOnceTheKeyIsSet) {
  const ApplicationId a = Ready(1, "a.cn");
  ASSERT_EQ(Make().UploadOnce()->uploaded, 1);
  const miit::AesKey key = *miit::AesKey::Parse("0123456789abcdef", "0102030405060708");
  miit::IcpDownload verified;
  verified.results = miit::FilingResults{{ResultOf(1, 9012)}, {}};
  bureau_.Queue(verified, "BAJG0000000001", key);
  QueueBlacklist("HMDLB0000000002", "bad.cn");
  Result<bureau::PassReport> r = Make().DownloadOnce();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->parked, 1);
  EXPECT_EQ(r->downloaded, 1);  // the file behind it
  EXPECT_EQ(r->acknowledged, 2);
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_NE(r->problems[0].find("BAJG0000000001 parked"), std::string::npos) << r->problems[0];
  EXPECT_EQ(Blacklisted(), std::vector<std::string>{"bad.cn"});
  EXPECT_EQ(Get(a).lifecycle.state(), ApplicationState::kSmsPending);
  std::vector<ParkedDownload> parked = Parked();
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].file_name, "BAJG0000000001");
  EXPECT_EQ(parked[0].rule, "miit.encrypt_algorithm");
  EXPECT_EQ(parked[0].encrypt_algorithm, 1);
  EXPECT_EQ(parked[0].parked_at, clock_.Now());

  // Replayed before the fix: the same error, and it stays parked as it was.
  Result<bureau::PassReport> early = Make().Replay("BAJG0000000001");
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().rule(), "miit.encrypt_algorithm");
  EXPECT_EQ(Parked(), parked);

  aes_key_ = key;
  clock_.Advance(std::chrono::hours(1));
  Result<bureau::PassReport> replayed = Make().Replay("BAJG0000000001");
  ASSERT_TRUE(replayed.has_value()) << replayed.error().message;
  EXPECT_EQ(replayed->replayed, 1);
  EXPECT_EQ(replayed->applied, 1);
  EXPECT_EQ(Get(a).lifecycle.state(), ApplicationState::kBureauReview);
  EXPECT_TRUE(Parked().empty());
  ASSERT_EQ(Parked(false).size(), 1u);
  EXPECT_EQ(Parked(false)[0].replayed_at, clock_.Now());

  Result<bureau::PassReport> twice = Make().Replay("BAJG0000000001");
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().rule(), "bureau.parked-replayed");
  Result<bureau::PassReport> unknown = Make().Replay("BAJG0000000009");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(NotificationTemplates(),
            (std::vector<std::string>{"application.sent_to_bureau", "application.sms_verified"}));
}

// JCDM: the bureau's code tables are checked against ours; a difference is the operator's
// to settle, the file is processed and acknowledged.
TEST_F(BureauGatewayTest, TheBureausCodeTablesAreCheckedAgainstOurs) {
  miit::IcpDownload same;
  same.codes = miit::PublishedCodes(miit::CodeTables::Builtin(), true);
  bureau_.Queue(same, "JCDM0000000001");
  miit::IcpDownload changed = same;
  for (miit::CodeEntry& e : changed.codes) {
    if (e.table == "Dwxz_dms" && e.id == 4) e.name = "企业单位";
  }
  bureau_.Queue(changed, "JCDM0000000002");
  Result<bureau::PassReport> r = Make().DownloadOnce();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->downloaded, 2);
  EXPECT_EQ(r->acknowledged, 2);
  EXPECT_EQ(r->problems,
            std::vector<std::string>{"JCDM Dwxz_dms 4 «企业单位»: Beian's label is «企业» (in "
                                     "JCDM0000000002)"});
  auto uow = std::move(*db_->Begin());
  Result<std::optional<ProcessedDownload>> kept =
      uow->bureau_link().Download(kIsp, "JCDM0000000002");
  ASSERT_TRUE(kept.has_value() && kept->has_value());
  EXPECT_EQ((*kept)->kind, "JCDM");
}

TEST_F(BureauGatewayTest, AStrictBureauSkipsTheSmsWindow) {
  const ApplicationId a = Ready(1, "a.cn");
  ASSERT_TRUE(Make("icpd-test", /*strict=*/true).UploadOnce().has_value());
  EXPECT_EQ(Get(a).lifecycle.state(), ApplicationState::kBureauReview);
}

TEST(OutcomesOf, MapsClassesAndTheSmsExtension) {
  auto one = [](std::int64_t code) {
    miit::RecordResult r;
    r.items = {{code, std::nullopt}};
    r.key = "7";
    const std::vector<BureauOutcome> out = bureau::OutcomesOf(
        miit::FilingResults{{r}, {}}, "F",
        [](const miit::RecordResult&) { return std::optional(ApplicationId(1)); },
        [](const miit::ReviewDecision&) { return std::optional<ApplicationId>(); });
    return out.empty() ? std::optional<BureauOutcome::Kind>() : out[0].kind;
  };
  using K = BureauOutcome::Kind;
  EXPECT_EQ(one(1001), K::kApproved);
  EXPECT_EQ(one(1015), K::kReturned);
  EXPECT_EQ(one(1005), K::kReturned);
  EXPECT_EQ(one(5001), K::kRefused);
  EXPECT_EQ(one(9012), K::kSmsVerified);
  EXPECT_EQ(one(9013), K::kSmsTimedOut);
  EXPECT_EQ(one(9014), K::kSmsFailed);
  EXPECT_EQ(one(9001), std::nullopt);  // accepted for review: nothing moves
  EXPECT_EQ(one(1017), std::nullopt);  // S: wait
  EXPECT_EQ(bureau::CandidateField(1015), "subject.principal.certificate.number");
}

// MIIT's SMS outcomes send the application out again; the code is kept as what the bureau
// said, on the whole application.
TEST(OutcomesOf, SmsReturnsKeepTheirCodeAsTheReason) {
  for (std::int64_t code : {9013, 9014}) {
    miit::RecordResult r;
    r.items = {{9001, std::nullopt}, {code, std::nullopt}};
    r.key = "7";
    const std::vector<BureauOutcome> out = bureau::OutcomesOf(
        miit::FilingResults{{r}, {}}, "BAJG1",
        [](const miit::RecordResult&) { return std::optional(ApplicationId(1)); },
        [](const miit::ReviewDecision&) { return std::optional<ApplicationId>(); });
    ASSERT_EQ(out.size(), 1u);
    ASSERT_EQ(out[0].reasons.size(), 1u) << code;
    const BureauReason& reason = out[0].reasons[0];
    EXPECT_EQ(reason.code, code);
    EXPECT_EQ(reason.field, "");
    EXPECT_FALSE(reason.conflict);
    EXPECT_EQ(reason.file_name, "BAJG1");
    EXPECT_FALSE(reason.message.empty());
  }
}

}  // namespace
}  // namespace icp

namespace icp {
namespace {

// Adoption (docs/bureau-protocol.md "Adoption"): the provider's estate, sent as BASJ and as
// SJTB, is written on record, each subject for the customer whose verified real name it is or
// else for the estate account; the same estate again changes nothing.
TEST_F(BureauGatewayTest, AResyncAdoptsTheEstateAndASecondChangesNothing) {
  const AccountId customer = CustomerOf(21);
  const AccountId estate = st::CreateAccount(*db_, "estate");
  miit::IcpDownload basj;
  basj.filed_records = {EstateRecord(21, "estate21.cn")};
  bureau_.Queue(basj, "BASJ0000000001");
  miit::IcpDownload sjtb;
  sjtb.synced_records = {EstateRecord(22, "estate22.cn"), EstateRecord(23, "estate23.cn")};
  bureau_.Queue(sjtb, "SJTB0000000002");
  Result<ResyncReport> first = Resync();
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_TRUE(first->total.problems.empty()) << first->total.problems.at(0);
  EXPECT_EQ(first->total.downloaded, 2);
  EXPECT_EQ(first->total.subjects_adopted, 3);
  EXPECT_EQ(first->total.websites_adopted, 3);
  EXPECT_EQ(first->total.ids_updated, 3);
  EXPECT_EQ(OnRecord(customer), "粤ICP备2026000031号 r2 粤ICP备2026000031号-1 r2 ztid 3021\n");
  EXPECT_EQ(OnRecord(estate),
            "粤ICP备2026000032号 r2 粤ICP备2026000032号-1 r2 ztid 3022\n"
            "粤ICP备2026000033号 r2 粤ICP备2026000033号-1 r2 ztid 3023\n");
  {
    // The customer finds the website by its domain, the gate by its number.
    auto read = std::move(*db_->BeginRead());
    std::optional<WebsiteRecord> site =
        *read->websites().FindByDomain(*DomainName::Parse("estate22.cn"));
    ASSERT_TRUE(site.has_value());
    EXPECT_EQ(site->number->str(), "粤ICP备2026000032号-1");
  }
  const std::string customer_before = OnRecord(customer);
  const std::string estate_before = OnRecord(estate);

  // The bureau sends the whole estate again (icp-bureau estate send, either kind).
  bureau_.Queue(basj, "BASJ0000000003");
  bureau_.Queue(sjtb, "SJTB0000000004");
  Result<ResyncReport> second = Resync();
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(second->total.downloaded, 2);
  EXPECT_EQ(second->total.subjects_adopted + second->total.websites_adopted, 0);
  EXPECT_EQ(second->total.ids_updated, 0);
  EXPECT_EQ(second->total.unchanged, 6);
  EXPECT_EQ(OnRecord(customer), customer_before);
  EXPECT_EQ(OnRecord(estate), estate_before);
  // Nothing waits: a third resync downloads nothing.
  Result<ResyncReport> third = Resync();
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->total.downloaded, 0);
  EXPECT_EQ(third->passes, 1);
}

TEST_F(BureauGatewayTest, ARecordNobodyMayHoldIsReportedAndTheFileStillAcknowledged) {
  miit::IcpDownload sjtb;
  sjtb.synced_records = {EstateRecord(24, "estate24.cn")};
  bureau_.Queue(sjtb, "SJTB0000000001");
  Result<ResyncReport> r = Resync("");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->total.subjects_adopted, 0);
  EXPECT_EQ(r->total.acknowledged, 1);
  ASSERT_EQ(r->total.problems.size(), 1u);
  EXPECT_NE(r->total.problems[0].find("bureau.estate.no-account"), std::string::npos)
      << r->total.problems[0];
}

TEST_F(BureauGatewayTest, WithoutAdoptionTheEstateOnlyGivesIdsToSubjectsOnRecord) {
  const AccountId customer = CustomerOf(25);
  miit::IcpDownload basj;
  basj.filed_records = {EstateRecord(25, "estate25.cn")};
  bureau_.Queue(basj, "BASJ0000000001");
  Result<bureau::PassReport> r = Make().DownloadOnce();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->subjects_adopted, 0);
  EXPECT_EQ(OnRecord(customer), "");
}

// The filing password the submit checked with the bureau travels as ICPmm (MD5 hex of its
// GBK bytes, §4.4) in the access filing's upload.
TEST_F(BureauGatewayTest, AnAccessFilingCarriesThePasswordTheSubmitKept) {
  const AccountId account = st::CreateAccount(*db_, "customer-26");
  Application app = st::SampleApplication(26, "access26.cn");
  // Filed through another provider only: no ids on record, the registry knows its number.
  bureau_.registry["access26.cn"] = {0,      "access26.cn",          0, "粤ICP备2026000099号",
                                     "网站", "粤ICP备2026000099号-1"};
  app.filing_password = "口令ab";
  ApplicationRecord r = st::NewRecord(account, app, ApplicationType::kNewAccess, clock_.Now());
  for (ApplicationEvent e : {ApplicationEvent::kSubmit, ApplicationEvent::kProviderPass,
                             ApplicationEvent::kVerificationDone}) {
    st::Move(r, e, clock_.Now());
  }
  {
    auto uow = std::move(*db_->Begin());
    Resource server;
    server.id = "ins-26";
    server.account = "customer";
    server.region = {"ap-guangzhou", true};
    server.public_ip = "192.0.2.26";
    ASSERT_TRUE(uow->resources().Upsert(server).has_value());
    ASSERT_TRUE(uow->applications().Insert(r).has_value());
    ASSERT_TRUE(uow->Commit().has_value());
  }
  Result<bureau::PassReport> sent = Make().UploadOnce();
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  ASSERT_EQ(sent->uploaded, 1) << (sent->problems.empty() ? "" : sent->problems[0]);
  const miit::NewAccess& access = bureau_.uploads.at(1).new_accesses.at(0);
  EXPECT_EQ(access.website_number, "粤ICP备2026000099号-1");
  EXPECT_EQ(access.icp_password, miit::Md5Hex(*miit::Utf8ToGbk("口令ab", "test")));
}

}  // namespace
}  // namespace icp

namespace icp {
namespace {

// The gateway on every store (memory; SQLite and PostgreSQL through scripts/with-postgres).
struct Store {
  std::string name;
  std::function<std::unique_ptr<Database>()> make;  // nullptr: not available here
};
void PrintTo(const Store& s, std::ostream* os) { *os << s.name; }

std::string RunId() {
  static const std::string id = std::to_string(std::random_device()());
  return id;
}

PiiVault TestVault() {
  std::array<unsigned char, 32> key{};
  key.fill(7);
  return PiiVault::FromMasterKey(key);
}

std::vector<Store> Stores() {
  return {
      {"Memory", []() -> std::unique_ptr<Database> { return memory::Database::Create(); }},
      {"Sqlite",
       []() -> std::unique_ptr<Database> {
         static std::atomic<int> counter = 0;
         const std::filesystem::path dir =
             std::filesystem::path(::testing::TempDir()) / ("beian-gateway-" + RunId());
         std::filesystem::create_directories(dir);
         const std::filesystem::path path = dir / (std::to_string(++counter) + ".db");
         std::filesystem::remove(path);
         Result<std::unique_ptr<sqlite::Database>> db =
             sqlite::Database::Open({path}, TestVault(), st::kT0);
         if (!db) ADD_FAILURE() << db.error().message;
         return db ? std::move(*db) : nullptr;
       }},
      {"Postgres",
       []() -> std::unique_ptr<Database> {
         const char* owner = std::getenv("ICP_TEST_PG_URL");
         const char* runtime = std::getenv("ICP_TEST_PG_RUNTIME_URL");
         if (owner == nullptr || runtime == nullptr) return nullptr;
         static std::atomic<int> counter = 0;
         postgres::Options options;
         options.url = runtime;
         options.owner_url = owner;
         options.schema = "t_gateway_" + RunId() + "_" + std::to_string(++counter);
         options.connections = 2;
         Result<std::unique_ptr<postgres::Database>> db =
             postgres::Database::Open(options, TestVault(), st::kT0);
         if (!db) ADD_FAILURE() << db.error().message;
         return db ? std::move(*db) : nullptr;
       }},
  };
}

class BureauGatewayStoresTest : public BureauGatewayTest,
                                public ::testing::WithParamInterface<Store> {
 protected:
  void SetUp() override {
    BureauGatewayTest::SetUp();
    db_ = GetParam().make();
    if (db_ == nullptr) ICP_SKIP_OR_FAIL(GetParam().name << " is not available here");
  }

  // Downloads what the bureau queued; every file processed and acknowledged.
  bureau::PassReport DownloadAll() {
    Result<bureau::PassReport> r = Make().DownloadOnce();
    EXPECT_TRUE(r.has_value()) << r.error().message;
    return r.value_or(bureau::PassReport{});
  }

  // The bureau's filed record of the first filing it took at `sequence`: its ids from
  // `base` (Ztid base, Wzid base+1, Ymid base+2, Jrid base+3, Ipid base+4), numbers under
  // `number`, this provider's access.
  miit::FiledRecord Filed(std::int64_t sequence, std::int64_t base, const std::string& number) {
    const miit::FirstFiling& sent = bureau_.uploads.at(sequence).first_filings.at(0);
    miit::FiledRecord r;
    r.subject = sent.subject;
    r.subject.bureau_id = base;
    r.subject.number = number;
    r.subject.first_filed_at = r.subject.modified_at = "2026-11-29";
    miit::WebsiteBlock site = sent.websites.at(0);
    site.bureau_id = base + 1;
    site.number = number + "-1";
    for (miit::DomainBlock& d : site.domains) d.bureau_id = base + 2;
    for (miit::AccessBlock& x : site.accesses) {
      x.bureau_id = base + 3;
      x.provider = kIsp;
      for (miit::IpBlock& ip : x.ips) ip.bureau_id = base + 4;
    }
    r.websites = {site};
    return r;
  }

  // The e2e's subject whose first filing went out twice: MIIT's SMS timed out (9013), the
  // application was sent again at the next number, verified and approved with its BASJ.
  ApplicationId FiledAfterASecondSending() {
    const ApplicationId a = Ready(1, "timeout.cn");
    EXPECT_EQ(Make().UploadOnce()->uploaded, 1);
    miit::IcpDownload timed_out;
    timed_out.results = miit::FilingResults{{ResultOf(1, 9013)}, {}};
    bureau_.Queue(timed_out, "BAJG0000000001");
    DownloadAll();
    EXPECT_EQ(Get(a).lifecycle.state(), ApplicationState::kReadyForBureau);
    EXPECT_EQ(Make().UploadOnce()->uploaded, 1);
    miit::IcpDownload approved;
    approved.results = miit::FilingResults{{ResultOf(2, 9012), ResultOf(2, 1001)}, {}};
    approved.filed_records = {Filed(2, 3001, "粤ICP备2026000001号")};
    bureau_.Queue(approved, "BAJG0000000002");
    const bureau::PassReport r = DownloadAll();
    EXPECT_TRUE(r.problems.empty()) << r.problems.at(0);
    EXPECT_EQ(Get(a).lifecycle.state(), ApplicationState::kApproved);
    return a;
  }

  // An access filing (新增接入) here for `domain`, filed through another provider only (the
  // registry knows its numbers), sent; its upload's IspJrid.
  std::pair<ApplicationId, std::int64_t> AccessSent(int serial, const std::string& domain) {
    const AccountId account = st::CreateAccount(*db_, "customer-" + std::to_string(serial));
    Application app = st::SampleApplication(serial, domain);
    bureau_.registry[domain] = {
        0, domain, 0, "京ICP备2026000077号", "网站", "京ICP备2026000077号-1"};
    app.filing_password = "pass-77";
    ApplicationRecord r = st::NewRecord(account, app, ApplicationType::kNewAccess, clock_.Now());
    for (ApplicationEvent e : {ApplicationEvent::kSubmit, ApplicationEvent::kProviderPass,
                               ApplicationEvent::kVerificationDone}) {
      st::Move(r, e, clock_.Now());
    }
    ApplicationId id;
    {
      auto uow = std::move(*db_->Begin());
      Resource server;
      server.id = "ins-" + std::to_string(serial);
      server.account = "customer";
      server.region = {"ap-guangzhou", true};
      server.public_ip = "192.0.2." + std::to_string(serial);
      EXPECT_TRUE(uow->resources().Upsert(server).has_value());
      id = *uow->applications().Insert(r);
      EXPECT_TRUE(uow->Commit().has_value());
    }
    Result<bureau::PassReport> sent = Make().UploadOnce();
    EXPECT_TRUE(sent.has_value() && sent->uploaded == 1)
        << (sent && !sent->problems.empty() ? sent->problems[0] : "");
    return {id, *bureau_.uploads.rbegin()->second.new_accesses.at(0).access.isp_id};
  }

  // The approval of the access filing: BAJG 1001 (Bs the Wzbah sent) with the website's
  // record as BASJ carries it. The record was filed through provider 440000000999, whose own
  // Isp* ids it carries: its IspZtid is `foreign_key`, a number of ours too.
  void AccessApproved(std::int64_t jrid_key, const std::string& domain, std::int64_t foreign_key,
                      bool ours_too = true) {
    const Application app = st::SampleApplication(77, domain);
    bureau::MessageContext c;
    c.requester = kIsp;
    std::int64_t next = foreign_key - 1;
    c.next_isp_id = [&] { return ++next; };
    c.access_points = {{{"ap-beijing", ResourceKind::kCvm, "198.51.100.7"}}};
    const miit::FirstFiling other = bureau::ToUpload(app, c).value().first_filings.at(0);
    miit::FiledRecord r;
    r.subject = other.subject;  // IspZtid: the other provider's
    r.subject.bureau_id = 3077;
    r.subject.number = "京ICP备2026000077号";
    r.subject.first_filed_at = r.subject.modified_at = "2026-11-01";
    miit::WebsiteBlock site = other.websites.at(0);
    site.bureau_id = 4077;
    site.number = "京ICP备2026000077号-1";
    for (miit::DomainBlock& d : site.domains) d.bureau_id = 5077;
    for (miit::AccessBlock& x : site.accesses) {
      x.bureau_id = 6077;
      x.provider = 440000000999;
      for (miit::IpBlock& ip : x.ips) ip.bureau_id = 7077;
    }
    miit::AccessBlock ours = site.accesses.at(0);
    ours.isp_id = jrid_key;
    ours.bureau_id = 6078;
    ours.provider = kIsp;
    ours.ips = {{jrid_key + 1, 7078, 3221226048, 3221226048}};  // 192.0.2.64
    if (ours_too) site.accesses.push_back(ours);
    r.websites = {site};
    if (!ours_too) {
      miit::IcpDownload basj;  // the other provider's record alone
      basj.filed_records = {r};
      bureau_.Queue(basj, "BASJ0000000008");
      return;
    }
    miit::IcpDownload approved;
    miit::RecordResult verified;
    verified.items = {{9012, std::nullopt}};
    verified.operation = 3;
    verified.key = std::to_string(jrid_key);  // Bs: the IspJrid sent
    miit::RecordResult result = verified;
    result.items = {{1001, std::nullopt}};
    result.key = "京ICP备2026000077号-1";  // or the Wzbah it named the website by
    approved.results = miit::FilingResults{{verified, result}, {}};
    approved.filed_records = {r};
    bureau_.Queue(approved, "BAJG0000000009");
  }

  SubjectId SubjectOfDomain(const std::string& domain) {
    auto read = std::move(*db_->BeginRead());
    std::optional<WebsiteRecord> site = *read->websites().FindByDomain(*DomainName::Parse(domain));
    EXPECT_TRUE(site.has_value()) << domain << " is not on record";
    return site ? site->subject : SubjectId();
  }
};

// The e2e's cancel-website-ids gap: the BASJ of an access filing for a record filed through
// another provider carries that provider's IspZtid, which equals a record key of ours (the
// first sending of a first filing). It completes the access filing, not that first filing,
// whose bureau ids stay as its own BASJ gave them: its cancel-website names its Wzid.
TEST_P(BureauGatewayStoresTest, AnotherProvidersIspIdsNameNoApplicationOfOurs) {
  const ApplicationId first = FiledAfterASecondSending();
  const std::int64_t first_key = *bureau_.uploads.at(1).first_filings.at(0).subject.isp_id;
  const auto [access, jrid_key] = AccessSent(77, "elsewhere77.cn");
  AccessApproved(jrid_key, "elsewhere77.cn", first_key);
  const bureau::PassReport r = DownloadAll();
  EXPECT_TRUE(r.problems.empty()) << r.problems.at(0);
  EXPECT_EQ(Get(access).lifecycle.state(), ApplicationState::kApproved);

  const SubjectId subject = SubjectOfDomain("timeout.cn");
  std::optional<BureauIds> ids;
  {
    auto read = std::move(*db_->BeginRead());
    ids = *read->bureau_link().SubjectIds(subject);
  }
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(ids->subject_id, 3001);
  ASSERT_EQ(ids->websites.size(), 1u);
  EXPECT_EQ(ids->websites[0].id, 3002);

  // The cancel-website of that subject, as icpd creates it (the record with its ids).
  ApplicationRecord cancel = Get(first);
  cancel.application.type = ApplicationType::kCancelWebsite;
  cancel.application.websites[0].resources.clear();
  cancel.application.original =
      FiledRecord{cancel.application.subject, cancel.application.websites, ids};
  cancel.application.filing_password = "secret-1";
  ApplicationRecord r2 = st::NewRecord(cancel.account, cancel.application,
                                       ApplicationType::kCancelWebsite, clock_.Now());
  r2.subject = subject;
  st::Move(r2, ApplicationEvent::kSubmit, clock_.Now());
  st::Move(r2, ApplicationEvent::kProviderPass, clock_.Now());
  {
    auto uow = std::move(*db_->Begin());
    ASSERT_TRUE(uow->applications().Insert(r2).has_value());
    ASSERT_TRUE(uow->Commit().has_value());
  }
  Result<bureau::PassReport> sent = Make().UploadOnce();
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  EXPECT_EQ(sent->uploaded, 1) << (sent->problems.empty() ? "" : sent->problems[0]);
  ASSERT_FALSE(bureau_.uploads.rbegin()->second.cancellations.empty());
  EXPECT_EQ(bureau_.uploads.rbegin()->second.cancellations.at(0).record_id, 3002);  // Wzid
}

// A record of another provider's alone (no access of ours), whose IspZtid equals a key of
// ours, names no application here: the first filing's ids stay its own.
TEST_P(BureauGatewayStoresTest, AnotherProvidersRecordAloneClaimsNoApplication) {
  FiledAfterASecondSending();
  const std::int64_t first_key = *bureau_.uploads.at(1).first_filings.at(0).subject.isp_id;
  AccessApproved(0, "elsewhere77.cn", first_key, /*ours_too=*/false);
  const bureau::PassReport r = DownloadAll();
  EXPECT_EQ(r.acknowledged, 1);
  ASSERT_EQ(r.problems.size(), 1u);  // no subject on record has its ids
  EXPECT_NE(r.problems[0].find("京ICP备2026000077号"), std::string::npos) << r.problems[0];
  auto read = std::move(*db_->BeginRead());
  const std::optional<BureauIds> ids =
      *read->bureau_link().SubjectIds(SubjectOfDomain("timeout.cn"));
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(ids->subject_id, 3001);
  ASSERT_EQ(ids->websites.size(), 1u);
  EXPECT_EQ(ids->websites[0].id, 3002);
}

// The e2e's access-record gap: an approved access filing for a website this provider never
// held puts the subject and the website on record here, with the bureau's ids and numbers
// and this provider's access, and the gate serves the domain.
TEST_P(BureauGatewayStoresTest, AnApprovedAccessFilingPutsTheRecordHereAndTheGateServesIt) {
  FiledAfterASecondSending();
  const std::int64_t first_key = *bureau_.uploads.at(1).first_filings.at(0).subject.isp_id;
  Gate gate(*db_);
  ASSERT_TRUE(gate.Load().has_value());
  EXPECT_FALSE(gate.Check("www.elsewhere77.cn")->allowed);
  const auto [access, jrid_key] = AccessSent(77, "elsewhere77.cn");
  AccessApproved(jrid_key, "elsewhere77.cn", first_key);
  const bureau::PassReport r = DownloadAll();
  EXPECT_TRUE(r.problems.empty()) << r.problems.at(0);
  const SubjectId subject = SubjectOfDomain("elsewhere77.cn");
  EXPECT_EQ(Get(access).subject, subject);
  auto read = std::move(*db_->BeginRead());
  const SubjectRecord s = *read->subjects().Get(subject);
  EXPECT_EQ(s.account, Get(access).account);
  EXPECT_EQ(s.number->str(), "京ICP备2026000077号");
  const std::vector<WebsiteRecord> sites = *read->websites().ListBySubject(subject);
  ASSERT_EQ(sites.size(), 1u);
  EXPECT_EQ(sites[0].number->str(), "京ICP备2026000077号-1");
  EXPECT_FALSE(sites[0].cancelled);
  const std::optional<BureauIds> ids = *read->bureau_link().SubjectIds(subject);
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(ids->subject_id, 3077);
  ASSERT_EQ(ids->websites.size(), 1u);
  EXPECT_EQ(ids->websites[0].id, 4077);
  EXPECT_EQ(ids->websites[0].domain_ids,
            (std::vector<std::pair<std::string, std::int64_t>>{{"elsewhere77.cn", 5077}}));
  ASSERT_TRUE(ids->websites[0].our_access.has_value());
  EXPECT_EQ(ids->websites[0].our_access->id, 6078);  // ours, not the other provider's
  read.reset();
  ASSERT_TRUE(gate.Refresh().has_value());
  Result<GateDecision> d = gate.Check("www.elsewhere77.cn");
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_TRUE(d->allowed);
}

// A new website (新增网站) of a subject filed through other providers only: the upload names
// the subject by its number (Ztbah), and icp-bureau's answers carry that number back as Bs
// (§5.3). MIIT's SMS outcome, a return with its reasons and, sent again, the approval with
// its BASJ all reach the application, and the record is written here.
TEST_P(BureauGatewayStoresTest, AnswersToANewWebsiteNamedByItsSubjectsNumberReachIt) {
  const AccountId account = st::CreateAccount(*db_, "customer-78");
  Application app = st::SampleApplication(78, "second78.cn");
  const std::string number = "京ICP备2026000078号";
  // The type check found the subject in the bureau's registry by its certificate.
  bureau_.registry[app.subject.certificate.number()] = {
      1, app.subject.certificate.number(), 0, number, std::nullopt, std::nullopt};
  app.filing_password = "pass-78";
  ApplicationRecord r =
      st::NewRecord(account, app, ApplicationType::kNewWebsiteFiledElsewhere, clock_.Now());
  for (ApplicationEvent e : {ApplicationEvent::kSubmit, ApplicationEvent::kProviderPass,
                             ApplicationEvent::kVerificationDone}) {
    st::Move(r, e, clock_.Now());
  }
  ApplicationId id;
  {
    auto uow = std::move(*db_->Begin());
    Resource server;
    server.id = "ins-78";
    server.account = "customer";
    server.region = {"ap-guangzhou", true};
    server.public_ip = "192.0.2.78";
    ASSERT_TRUE(uow->resources().Upsert(server).has_value());
    id = *uow->applications().Insert(r);
    ASSERT_TRUE(uow->Commit().has_value());
  }
  auto send = [&] {
    Result<bureau::PassReport> sent = Make().UploadOnce();
    ASSERT_TRUE(sent.has_value()) << sent.error().message;
    ASSERT_EQ(sent->uploaded, 1) << (sent->problems.empty() ? "" : sent->problems[0]);
    ASSERT_EQ(bureau_.uploads.rbegin()->second.new_websites.at(0).subject_number, number);
  };
  auto answer = [&](std::vector<std::int64_t> codes, std::string file,
                    std::vector<miit::FiledRecord> filed = {}) {
    miit::IcpDownload d;
    miit::RecordResult result;
    for (std::int64_t code : codes) result.items.push_back({code, std::nullopt});
    result.operation = 2;
    result.key = number;  // Bs: the Ztbah sent
    d.results = miit::FilingResults{{result}, {}};
    d.filed_records = std::move(filed);
    bureau_.Queue(d, std::move(file));
    const bureau::PassReport p = DownloadAll();
    EXPECT_EQ(p.applied, 1) << file;
    EXPECT_TRUE(p.problems.empty()) << p.problems.at(0);
  };
  send();
  answer({9012}, "BAJG0000000001");
  EXPECT_EQ(Get(id).lifecycle.state(), ApplicationState::kBureauReview);
  answer({1020}, "BAJG0000000002");
  EXPECT_EQ(Get(id).lifecycle.state(), ApplicationState::kBureauReturned);
  {
    auto read = std::move(*db_->BeginRead());
    const std::vector<BureauReason> reasons = *read->bureau_link().Reasons(id);
    ASSERT_EQ(reasons.size(), 1u);
    EXPECT_EQ(reasons[0].code, 1020);
    EXPECT_EQ(reasons[0].field, "websites[0].name");
  }
  // The customer resubmits; the provider passes it again; it goes out at the next number.
  {
    auto uow = std::move(*db_->Begin());
    ApplicationRecord again = *uow->applications().Get(id);
    for (ApplicationEvent e : {ApplicationEvent::kSubmit, ApplicationEvent::kProviderPass,
                               ApplicationEvent::kVerificationDone}) {
      st::Move(again, e, clock_.Now());
    }
    ASSERT_TRUE(uow->applications().Update(again).has_value());
    ASSERT_TRUE(uow->Commit().has_value());
  }
  send();
  const miit::NewWebsites& sent = bureau_.uploads.rbegin()->second.new_websites.at(0);
  miit::FiledRecord filed;
  {
    bureau::MessageContext c;
    c.requester = kIsp;
    std::int64_t next = 500;  // the other provider's Isp* ids
    c.next_isp_id = [&] { return ++next; };
    c.access_points = {{{"ap-beijing", ResourceKind::kCvm, "198.51.100.78"}}};
    filed.subject = bureau::ToUpload(app, c).value().first_filings.at(0).subject;
  }
  filed.subject.first_filed_at = filed.subject.modified_at = "2026-11-01";
  filed.subject.bureau_id = 3078;
  filed.subject.number = number;
  miit::WebsiteBlock site = sent.websites.at(0);
  site.bureau_id = 4078;
  site.number = number + "-2";
  for (miit::DomainBlock& d : site.domains) d.bureau_id = 5078;
  for (miit::AccessBlock& x : site.accesses) {
    x.bureau_id = 6078;
    x.provider = kIsp;
    for (miit::IpBlock& ip : x.ips) ip.bureau_id = 7078;
  }
  filed.websites = {site};
  answer({9012}, "BAJG0000000003");
  answer({1001}, "BAJG0000000004", {filed});
  EXPECT_EQ(Get(id).lifecycle.state(), ApplicationState::kApproved);
  const SubjectId subject = SubjectOfDomain("second78.cn");
  EXPECT_EQ(Get(id).subject, subject);
  auto read = std::move(*db_->BeginRead());
  EXPECT_EQ(read->subjects().Get(subject)->number->str(), number);
  const std::vector<WebsiteRecord> sites = *read->websites().ListBySubject(subject);
  ASSERT_EQ(sites.size(), 1u);
  EXPECT_EQ(sites[0].number->str(), number + "-2");
  const std::optional<BureauIds> ids = *read->bureau_link().SubjectIds(subject);
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(ids->subject_id, 3078);
  EXPECT_EQ(ids->websites.at(0).our_access->id, 6078);
}

TEST(NumberKey, IsStableApartFromIdsAndReadsBackFromBs) {
  const std::int64_t k = bureau::NumberKey("京ICP备2026000078号");
  EXPECT_EQ(k, bureau::NumberKey("京ICP备2026000078号"));
  EXPECT_NE(k, bureau::NumberKey("京ICP备2026000079号"));
  EXPECT_GE(k, std::int64_t{1} << 62);
  EXPECT_EQ(bureau::KeyOfBs("京ICP备2026000078号"), k);
  EXPECT_EQ(bureau::KeyOfBs("1000000000042"), 1000000000042);
  EXPECT_EQ(bureau::KeyOfBs("42abc"), bureau::NumberKey("42abc"));
}

std::string StoreName(const ::testing::TestParamInfo<Store>& param) { return param.param.name; }

// A file whose processing fails midway (a bug: kInternal from the recorder after its results
// were applied) leaves nothing of itself: rolled back, parked, acknowledged, and the files
// behind it flow. Sent again by the bureau, it is acknowledged and stays parked once. Replayed
// after the fix, its whole effect happens once; the bureau sending it again changes nothing.
// A failure of the moment (kUnavailable) parks nothing and acknowledges nothing.
TEST_P(BureauGatewayStoresTest, AFileThatFailsMidwayIsRolledBackParkedAndReplayedOnce) {
  FailingRecorder failing(*recorder_);
  recorder_in_use_ = &failing;
  const ApplicationId a = Ready(1, "a.cn");
  ASSERT_EQ(Make().UploadOnce()->uploaded, 1);
  miit::IcpDownload approved;
  approved.results = miit::FilingResults{{ResultOf(1, 9012), ResultOf(1, 1001)}, {}};
  approved.filed_records = {Filed(1, 3001, "粤ICP备2026000001号")};

  failing.fail_filed = Error{ErrorCode::kUnavailable, "the store is busy", {}};
  bureau_.Queue(approved, "BAJG0000000001");
  Result<bureau::PassReport> busy = Make().DownloadOnce();
  ASSERT_FALSE(busy.has_value());
  EXPECT_EQ(busy.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(bureau_.acks_, 0);
  EXPECT_TRUE(Parked().empty());

  failing.fail_filed = Error{ErrorCode::kInternal, "a bug in RecordFiled", {}};
  QueueBlacklist("HMDLB0000000002", "bad.cn");
  bureau::PassReport r = DownloadAll();
  EXPECT_EQ(r.parked, 1);
  EXPECT_EQ(r.downloaded, 1);
  EXPECT_EQ(r.applied, 1);  // the blacklist's, not the rolled-back results'
  EXPECT_EQ(bureau_.acks_, 2);
  EXPECT_EQ(Get(a).lifecycle.state(), ApplicationState::kSmsPending);
  EXPECT_EQ(NotificationTemplates(), std::vector<std::string>{"application.sent_to_bureau"});
  EXPECT_EQ(Blacklisted(), std::vector<std::string>{"bad.cn"});
  std::vector<ParkedDownload> parked = Parked();
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].rule, "INTERNAL");
  EXPECT_EQ(parked[0].reason, "a bug in RecordFiled");

  bureau_.Queue(approved, "BAJG0000000001");  // our acknowledgement lost: sent again
  r = DownloadAll();
  EXPECT_EQ(r.parked, 0);
  EXPECT_EQ(r.acknowledged, 1);
  EXPECT_EQ(Parked(), parked);

  failing.fail_filed.reset();
  Result<bureau::PassReport> replayed = Make().Replay("BAJG0000000001");
  ASSERT_TRUE(replayed.has_value()) << replayed.error().message;
  EXPECT_EQ(replayed->replayed, 1);
  EXPECT_EQ(Get(a).lifecycle.state(), ApplicationState::kApproved);
  const std::vector<std::string> told = {"application.sent_to_bureau", "application.sms_verified",
                                         "application.approved"};
  EXPECT_EQ(NotificationTemplates(), told);
  {
    auto uow = std::move(*db_->Begin());
    Result<std::optional<ProcessedDownload>> d =
        uow->bureau_link().Download(kIsp, "BAJG0000000001");
    ASSERT_TRUE(d.has_value() && d->has_value());
  }
  bureau_.Queue(approved, "BAJG0000000001");  // and once more
  r = DownloadAll();
  EXPECT_EQ(r.downloaded, 0);
  EXPECT_EQ(r.acknowledged, 1);
  EXPECT_EQ(NotificationTemplates(), told);
  EXPECT_TRUE(Parked().empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, BureauGatewayStoresTest, ::testing::ValuesIn(Stores()), StoreName);

}  // namespace
}  // namespace icp
