#include "notify/smtp_email_sender.h"

#include <gtest/gtest.h>

#include <mutex>

#include "notify/testing/loopback_server.h"

namespace icp::notify {
namespace {

using testing::Connection;
using testing::LoopbackServer;

// A minimal SMTP server (RFC 5321) on loopback that records the envelope and the message.
// `rcpt_reply` answers RCPT TO.
class MailServer {
 public:
  explicit MailServer(std::string rcpt_reply = "250 OK") : rcpt_reply_(std::move(rcpt_reply)) {}

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(server_.port()); }
  std::vector<std::string> commands() {
    std::lock_guard lock(mutex_);
    return commands_;
  }
  std::string data() {
    std::lock_guard lock(mutex_);
    return data_;
  }

 private:
  void Serve(Connection& c) {
    c.Write("220 test ESMTP\r\n");
    for (std::string line = c.ReadLine(); !line.empty(); line = c.ReadLine()) {
      {
        std::lock_guard lock(mutex_);
        commands_.push_back(line);
      }
      if (line.starts_with("EHLO")) {
        c.Write("250-test\r\n250 8BITMIME\r\n");
      } else if (line.starts_with("RCPT")) {
        c.Write(rcpt_reply_ + "\r\n");
      } else if (line == "DATA") {
        c.Write("354 go on\r\n");
        std::string text;
        for (std::string l = c.ReadLine(); l != "." && !c.closed(); l = c.ReadLine()) {
          text += l + "\r\n";
        }
        {
          std::lock_guard lock(mutex_);
          data_ = text;
        }
        c.Write("250 queued\r\n");
      } else if (line == "QUIT") {
        c.Write("221 bye\r\n");
        return;
      } else {
        c.Write("250 OK\r\n");
      }
    }
  }

  std::string rcpt_reply_;
  std::mutex mutex_;
  std::vector<std::string> commands_;
  std::string data_;
  LoopbackServer server_{[this](Connection& c) { Serve(c); }};
};

EmailMessage Message() {
  return {"zhang@example.com",       "张三",
          "备案申请 42 初审未通过",  "您的备案申请 42 初审未通过，共有 3 处需要修改。",
          "application:42:return:2", std::chrono::sys_seconds(std::chrono::seconds(1'795'000'000))};
}

std::string Base64Decode(std::string_view in) {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t v = 0;
  int bits = 0;
  for (char c : in) {
    const std::size_t i = kAlphabet.find(c);
    if (i == std::string_view::npos) continue;
    v = (v << 6) | static_cast<std::uint32_t>(i);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xFF);
    }
  }
  return out;
}

TEST(SmtpEmailSender, SendsTheMessageToTheRecipient) {
  MailServer server;
  Result<SmtpEmailSender> sender =
      SmtpEmailSender::Create({.url = server.url(), .from = "noreply@beian.test"});
  ASSERT_TRUE(sender.has_value()) << sender.error().message;
  Result<void> r = sender->Send(Message());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  std::vector<std::string> commands = server.commands();
  ASSERT_GE(commands.size(), 4u);
  EXPECT_EQ(commands[1], "MAIL FROM:<noreply@beian.test>");
  EXPECT_EQ(commands[2], "RCPT TO:<zhang@example.com>");
  const std::string data = server.data();
  EXPECT_NE(data.find("From: <noreply@beian.test>\r\n"), std::string::npos) << data;
  EXPECT_NE(data.find("Message-ID: <application.42.return.2@beian.test>\r\n"), std::string::npos)
      << data;
  EXPECT_NE(data.find("Date: Wed, 18 Nov 2026 19:06:40 +0800"), std::string::npos) << data;
  const std::size_t body = data.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(Base64Decode(data.substr(body + 4)), Message().body);
}

TEST(FormatEmail, EncodesTheSubjectAndNameAsUtf8Words) {
  const std::string text = FormatEmail(Message(), "noreply@beian.test");
  EXPECT_NE(text.find("To: =?UTF-8?B?5byg5LiJ?= <zhang@example.com>\r\n"), std::string::npos)
      << text;
  const std::size_t at = text.find("Subject: =?UTF-8?B?");
  ASSERT_NE(at, std::string::npos);
  const std::size_t end = text.find("?=", at);
  EXPECT_EQ(Base64Decode(text.substr(at + 19, end - at - 19)), "备案申请 42 初审未通过");
  EXPECT_EQ(text.find('\n'), text.find("\r\n") + 1);
}

TEST(SmtpEmailSender, ARefusedRecipientIsAFailedPrecondition) {
  MailServer server("550 no such user");
  Result<void> r =
      SmtpEmailSender::Create({.url = server.url(), .from = "noreply@beian.test"})->Send(Message());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition) << r.error().message;
}

TEST(SmtpEmailSender, ATemporaryRefusalIsRetried) {
  MailServer server("451 try later");
  Result<void> r =
      SmtpEmailSender::Create({.url = server.url(), .from = "noreply@beian.test"})->Send(Message());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << r.error().message;
}

TEST(SmtpEmailSender, RefusesAnAddressThatWouldBreakTheHeaders) {
  MailServer server;
  EmailMessage m = Message();
  m.to = "a@b.c>\r\nBcc: x@y.z";
  Result<void> r =
      SmtpEmailSender::Create({.url = server.url(), .from = "noreply@beian.test"})->Send(m);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "notify.email-address");
  EXPECT_TRUE(server.commands().empty());
}

TEST(SmtpEmailSender, RefusesABadUrlOrFrom) {
  EXPECT_EQ(SmtpEmailSender::Create({.url = "http://x", .from = "a@b.c"}).error().rule(),
            "notify.smtp-url");
  EXPECT_EQ(SmtpEmailSender::Create({.url = "smtp://x", .from = "A <a@b.c>"}).error().rule(),
            "notify.smtp-from");
}

}  // namespace
}  // namespace icp::notify
