#include "bureau_sim/faults.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "miit/msg_code.h"

namespace icp::bureau_sim {
namespace {

const std::string kPath = "/ISPWebService/upDownLoad";

http::Request Call(miit::Method method, std::string file_name = {}) {
  miit::SoapRequest call;
  call.method = method;
  call.isp_id = 440000000123;
  call.user_name = "isp";
  call.rand_val = "aZ3kQ9xT2mB7nL4pW8vC";
  call.pwd_hash = "x";
  call.file_name = std::move(file_name);
  http::Request r;
  r.method = "POST";
  r.target = kPath;
  r.body = miit::BuildRequest(call);
  return r;
}

// A download queue as the service keeps it: the oldest unacknowledged file, 3 while more
// wait, 1 with the last, 2 when none; an ack removes a file (a re-ack answers 0).
class FakeQueue {
 public:
  explicit FakeQueue(std::vector<std::string> files) : files_(files.begin(), files.end()) {}

  http::Response operator()(const http::Request& request) {
    ++calls;
    miit::SoapRequest call = miit::ParseRequest(request.body).value();
    miit::MethodReturn r = miit::MethodReturn::Of(miit::MsgCode::kSuccess);
    if (call.method == miit::Method::kDownload) {
      if (files_.empty()) {
        r = miit::MethodReturn::Of(miit::MsgCode::kNothingToDownload);
      } else {
        r = miit::MethodReturn::Of(files_.size() > 1 ? miit::MsgCode::kCallAgain
                                                     : miit::MsgCode::kAllDownloaded);
        r.file_info = miit::FileInfo{files_.front(), {"YQ==", "Yg==", 0, 0, 0}};
      }
    } else if (call.method == miit::Method::kDownloadAck) {
      if (!files_.empty() && files_.front() == call.file_name) files_.pop_front();
    }
    http::Response response;
    response.body = miit::BuildResponse(call.method, r);
    return response;
  }

  int calls = 0;

 private:
  std::deque<std::string> files_;
};

miit::MethodReturn Returned(miit::Method method, const http::Response& response) {
  Result<miit::MethodReturn> r = miit::ParseResponse(method, response.body);
  EXPECT_TRUE(r.has_value()) << response.body;
  return r.value_or(miit::MethodReturn{});
}

TEST(FaultInjector, AnErrorIsAServerFaultAndTheCallIsNotProcessed) {
  FaultInjector faults({.error_rate = 1});
  FakeQueue queue({"BAJG0000000001"});
  http::Response answer = faults.Handle(Call(miit::Method::kDownload), std::ref(queue));
  EXPECT_EQ(answer.status, 500);
  EXPECT_NE(answer.body.find("faultcode"), std::string::npos) << answer.body;
  EXPECT_EQ(queue.calls, 0);
  EXPECT_FALSE(answer.drop_connection);
  EXPECT_EQ(faults.errors(), 1);
}

TEST(FaultInjector, ADroppedAnswerWasProcessed) {
  FaultInjector faults({.drop_rate = 1});
  FakeQueue queue({"BAJG0000000001"});
  http::Response answer =
      faults.Handle(Call(miit::Method::kDownloadAck, "BAJG0000000001"), std::ref(queue));
  EXPECT_TRUE(answer.drop_connection);
  EXPECT_EQ(queue.calls, 1);
  EXPECT_EQ(Returned(miit::Method::kDownload,
                     faults.Handle(Call(miit::Method::kDownload), std::ref(queue)))
                .msg_code,
            2)
      << "the ack whose answer was dropped was taken";
}

TEST(FaultInjector, TheSameSeedGivesTheSameFaultsAndTheRatesHold) {
  auto run = [](std::uint64_t seed) {
    FaultInjector faults({.error_rate = 0.3, .drop_rate = 0.1, .seed = seed});
    FakeQueue queue({});
    std::string pattern;
    for (int i = 0; i < 1000; ++i) {
      http::Response a = faults.Handle(Call(miit::Method::kDownload), std::ref(queue));
      pattern += a.status == 500 ? 'E' : a.drop_connection ? 'D' : '.';
    }
    return pattern;
  };
  const std::string first = run(7);
  EXPECT_EQ(run(7), first);
  EXPECT_NE(run(8), first);
  const auto errors = std::count(first.begin(), first.end(), 'E');
  const auto drops = std::count(first.begin(), first.end(), 'D');
  EXPECT_GT(errors, 250);
  EXPECT_LT(errors, 350);
  EXPECT_GT(drops, 60);
  EXPECT_LT(drops, 140);
}

TEST(FaultInjector, AnAcknowledgedFileIsDeliveredOnceMore) {
  FaultInjector faults({.duplicate_download_rate = 1});
  FakeQueue queue({"BAJG0000000001", "BAJG0000000002"});
  auto download = [&] {
    return Returned(miit::Method::kDownload,
                    faults.Handle(Call(miit::Method::kDownload), std::ref(queue)));
  };
  auto ack = [&](const std::string& name) {
    return Returned(miit::Method::kDownloadAck,
                    faults.Handle(Call(miit::Method::kDownloadAck, name), std::ref(queue)));
  };
  miit::MethodReturn first = download();
  ASSERT_TRUE(first.file_info.has_value());
  EXPECT_EQ(first.file_info->file_name, "BAJG0000000001");
  EXPECT_EQ(ack("BAJG0000000001").msg_code, 0);
  // The acknowledged file again, "more waiting" since the second still waits.
  miit::MethodReturn again = download();
  ASSERT_TRUE(again.file_info.has_value());
  EXPECT_EQ(again.file_info->file_name, "BAJG0000000001");
  EXPECT_EQ(again.msg_code, 3);
  EXPECT_EQ(ack("BAJG0000000001").msg_code, 0);
  // Once per file: then the queue goes on.
  miit::MethodReturn second = download();
  ASSERT_TRUE(second.file_info.has_value());
  EXPECT_EQ(second.file_info->file_name, "BAJG0000000002");
  EXPECT_EQ(ack("BAJG0000000002").msg_code, 0);
  miit::MethodReturn last = download();
  ASSERT_TRUE(last.file_info.has_value());
  EXPECT_EQ(last.file_info->file_name, "BAJG0000000002");
  EXPECT_EQ(last.msg_code, 1) << "nothing else waits";
  EXPECT_EQ(ack("BAJG0000000002").msg_code, 0);
  EXPECT_EQ(download().msg_code, 2);
  EXPECT_EQ(faults.duplicates(), 2);
}

TEST(FaultInjector, OptionsOutOfRangeAreNamed) {
  Result<void> bad = CheckFaultOptions(
      {.error_rate = 0.7, .drop_rate = 0.5, .latency_ms = -1, .duplicate_download_rate = 2});
  ASSERT_FALSE(bad.has_value());
  ASSERT_EQ(bad.error().violations.size(), 3u);
  EXPECT_EQ(bad.error().violations[0].field, "--fault-duplicate-downloads");
  EXPECT_EQ(bad.error().violations[1].field, "--fault-drop-rate");
  EXPECT_EQ(bad.error().violations[2].field, "--fault-latency-ms");
  EXPECT_TRUE(CheckFaultOptions({}).has_value());
}

TEST(WithFaults, OnlyTheSoapCallsGoThroughTheInjector) {
  FaultInjector faults({.error_rate = 1});
  http::Router routes;
  routes.Add("POST", kPath, http::Access::kPublic, 1 << 20,
             [](const http::Request&) { return http::Response{}; });
  routes.Add("GET", kPath, http::Access::kPublic,
             [](const http::Request&) { return http::Response{}; });
  routes.Add("POST", "/portal/api/sms/verify", http::Access::kPublic,
             [](const http::Request&) { return http::Response{}; });
  http::Router wrapped = WithFaults(routes, faults);
  ASSERT_EQ(wrapped.routes().size(), 3u);
  EXPECT_EQ(wrapped.routes()[0].max_body_bytes, std::size_t{1} << 20);
  EXPECT_EQ(wrapped.routes()[0].handler(Call(miit::Method::kDownload)).status, 500);
  EXPECT_EQ(wrapped.routes()[1].handler(http::Request{}).status, 200);
  EXPECT_EQ(wrapped.routes()[2].handler(http::Request{}).status, 200);
}

}  // namespace
}  // namespace icp::bureau_sim
