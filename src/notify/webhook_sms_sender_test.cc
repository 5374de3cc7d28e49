#include "notify/webhook_sms_sender.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>

#include "notify/testing/loopback_server.h"

namespace icp::notify {
namespace {

using testing::Connection;
using testing::LoopbackServer;

// What the gateway saw of one request.
struct Seen {
  std::string request_line;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// A gateway on loopback answering every request with `status`.
class Gateway {
 public:
  explicit Gateway(int status) : status_(status) {}

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()) + "/sms"; }
  std::vector<Seen> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  void Serve(Connection& c) {
    Seen s;
    s.request_line = c.ReadLine();
    for (std::string line = c.ReadLine(); !line.empty(); line = c.ReadLine()) {
      std::string name = line.substr(0, line.find(':'));
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      s.headers[name] = line.substr(line.find(':') + 2);
    }
    s.body = c.Read(std::stoul(s.headers["content-length"]));
    {
      std::lock_guard lock(mutex_);
      seen_.push_back(s);
    }
    c.Write("HTTP/1.1 " + std::to_string(status_) +
            " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
  }

  int status_;
  std::mutex mutex_;
  std::vector<Seen> seen_;
  LoopbackServer server_{[this](Connection& c) { Serve(c); }};
};

const SmsMessage kMessage{"13800138000", "您的备案申请 42 已通过初审", "application:42:pass:3"};

Result<void> SendTo(const std::string& url,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  Result<WebhookSmsSender> s = WebhookSmsSender::Create({.url = url, .timeout = timeout});
  EXPECT_TRUE(s.has_value());
  return s->Send(kMessage);
}

TEST(WebhookSmsSender, PostsTheMessageWithItsIdempotencyKey) {
  Gateway gateway(200);
  Result<void> r = SendTo(gateway.url());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  std::vector<Seen> seen = gateway.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].request_line, "POST /sms HTTP/1.1");
  EXPECT_EQ(seen[0].headers["idempotency-key"], "application:42:pass:3");
  EXPECT_EQ(seen[0].headers["content-type"], "application/json; charset=utf-8");
  EXPECT_EQ(seen[0].body, R"({"mobile":"13800138000","text":"您的备案申请 42 已通过初审",)"
                          R"("idempotency_key":"application:42:pass:3"})");
}

TEST(WebhookSmsSender, ServerErrorsAndThrottlingAreRetried) {
  for (int status : {500, 503, 429, 408}) {
    Gateway gateway(status);
    Result<void> r = SendTo(gateway.url());
    ASSERT_FALSE(r.has_value()) << status;
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << status;
    EXPECT_NE(r.error().message.find(std::to_string(status)), std::string::npos);
  }
}

TEST(WebhookSmsSender, ARefusalIsAFailedPrecondition) {
  Gateway gateway(400);
  Result<void> r = SendTo(gateway.url());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.error().message.find("HTTP 400"), std::string::npos);
}

TEST(WebhookSmsSender, NoAnswerInTimeIsDeadlineExceeded) {
  std::atomic<bool> done = false;
  LoopbackServer silent([&](Connection& c) {
    // Reads the request and never answers, until the client gives up and closes.
    while (!c.ReadLine().empty() || !done) {
      if (c.Read(1).empty()) break;
    }
  });
  Result<void> r = SendTo("http://127.0.0.1:" + std::to_string(silent.port()) + "/sms",
                          std::chrono::milliseconds(300));
  done = true;
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kDeadlineExceeded) << r.error().message;
}

TEST(WebhookSmsSender, NobodyListeningIsUnavailable) {
  int port = 0;
  {
    LoopbackServer closed([](Connection&) {});
    port = closed.port();
  }
  Result<void> r = SendTo("http://127.0.0.1:" + std::to_string(port) + "/sms");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << r.error().message;
}

TEST(WebhookSmsSender, RefusesAUrlThatIsNotHttp) {
  EXPECT_EQ(WebhookSmsSender::Create({.url = "ftp://x/"}).error().rule(), "notify.webhook-url");
}

}  // namespace
}  // namespace icp::notify
