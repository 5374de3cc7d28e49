#include "app/notifier.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "ports/testing/fake_clock.h"

namespace icp {
namespace {

using std::chrono::seconds;
constexpr std::chrono::sys_seconds kNow{seconds(1'795'000'000)};

class Directory final : public RecipientDirectory {
 public:
  Result<Recipient> Find(AccountId account) override {
    auto it = recipients.find(account.value());
    if (it == recipients.end()) return NotFound("no account");
    return it->second;
  }
  std::map<std::int64_t, Recipient> recipients;
};

class Sms final : public SmsSender {
 public:
  Result<void> Send(const SmsMessage& m) override {
    sent.push_back(m);
    if (fail) return Unavailable("gateway down");
    return {};
  }
  std::vector<SmsMessage> sent;
  bool fail = false;
};

class Email final : public EmailSender {
 public:
  Result<void> Send(const EmailMessage& m) override {
    sent.push_back(m);
    return {};
  }
  std::vector<EmailMessage> sent;
};

ClaimedMessage Returned(AccountId account) {
  Notification n{"application.returned", account, ApplicationId(42), {{"reasons", "3"}}};
  return {OutboxMessageId(1), *NotificationMessage(n, "application:42:return:2", kNow), 1};
}

class NotifierTest : public ::testing::Test {
 protected:
  NotifierTest() {
    directory_.recipients[7] = {"张三", "zhang@example.com", "13800138000"};
    directory_.recipients[8] = {"李四", std::nullopt, std::nullopt};
  }
  const NotificationTemplates& templates_ = **NotificationTemplates::Builtin();
  Directory directory_;
  FakeClock clock_{kNow + seconds(5)};
  Sms sms_;
  Email email_;
};

TEST_F(NotifierTest, SendsTheRenderedTemplateBySmsAndEmail) {
  Notifier notifier(templates_, directory_, clock_, &sms_, &email_);
  ASSERT_TRUE(notifier.Deliver(Returned(AccountId(7))).has_value());
  ASSERT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(sms_.sent[0].mobile, "13800138000");
  EXPECT_EQ(sms_.sent[0].idempotency_key, "application:42:return:2");
  EXPECT_NE(sms_.sent[0].text.find("共有 3 处需要修改"), std::string::npos) << sms_.sent[0].text;
  ASSERT_EQ(email_.sent.size(), 1u);
  EXPECT_EQ(email_.sent[0].to, "zhang@example.com");
  EXPECT_EQ(email_.sent[0].to_name, "张三");
  EXPECT_EQ(email_.sent[0].subject, "备案申请 42 初审未通过");
  EXPECT_EQ(email_.sent[0].body, sms_.sent[0].text);
  EXPECT_EQ(email_.sent[0].date, kNow + seconds(5));
}

TEST_F(NotifierTest, SendsNoEmailWhenTheSmsFailed) {
  sms_.fail = true;
  Notifier notifier(templates_, directory_, clock_, &sms_, &email_);
  Result<void> r = notifier.Deliver(Returned(AccountId(7)));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(email_.sent.empty());
}

TEST_F(NotifierTest, UsesOnlyTheChannelsGiven) {
  Notifier notifier(templates_, directory_, clock_, nullptr, &email_);
  ASSERT_TRUE(notifier.Deliver(Returned(AccountId(7))).has_value());
  EXPECT_TRUE(sms_.sent.empty());
  EXPECT_EQ(email_.sent.size(), 1u);
}

TEST_F(NotifierTest, RefusesARecipientWithoutAContact) {
  Notifier notifier(templates_, directory_, clock_, &sms_, &email_);
  Result<void> r = notifier.Deliver(Returned(AccountId(8)));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.error().rule(), "notify.no-contact");
  EXPECT_EQ(notifier.Deliver(Returned(AccountId(9))).error().code, ErrorCode::kNotFound);
}

TEST_F(NotifierTest, RefusesAnotherTopicAndABadPayload) {
  Notifier notifier(templates_, directory_, clock_, &sms_, &email_);
  ClaimedMessage m = Returned(AccountId(7));
  m.message.topic = "bureau.submit";
  EXPECT_EQ(notifier.Deliver(m).error().rule(), "notify.topic");
  m = Returned(AccountId(7));
  m.message.payload = "{}";
  EXPECT_EQ(notifier.Deliver(m).error().rule(), "notification.payload");
  EXPECT_TRUE(sms_.sent.empty());
}

}  // namespace
}  // namespace icp
