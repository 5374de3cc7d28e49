#include "app/notification.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace icp {
namespace {

using std::chrono::seconds;

constexpr std::chrono::sys_seconds kNow{seconds(1'700'000'000)};

Notification Reminder() {
  return {std::string(notification_template::kReminder),
          AccountId(7),
          ApplicationId(42),
          {{"days", "15"}, {"state", "初审驳回"}, {"expires_on", "2026-12-31"}}};
}

std::string_view RuleOf(const Error& e) { return e.rule(); }

TEST(NotificationMessage, CarriesTheTemplateAccountApplicationAndParams) {
  Result<OutboxMessage> m = NotificationMessage(Reminder(), "application:42:reminder:15", kNow);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->topic, "notify");
  EXPECT_EQ(m->idempotency_key, "application:42:reminder:15");
  EXPECT_EQ(m->available_at, kNow);
  Result<Notification> back = ParseNotificationPayload(m->payload);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(*back, Reminder());
  EXPECT_NE(m->payload.find("\"application\":42"), std::string::npos) << m->payload;
}

TEST(NotificationMessage, RefusesAnUnknownTemplate) {
  Notification n = Reminder();
  n.template_id = "application.remind";
  Result<OutboxMessage> m = NotificationMessage(n, "k", kNow);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(RuleOf(m.error()), "notification.template");
  EXPECT_NE(m.error().message.find("application.reminder"), std::string::npos);
}

TEST(NotificationMessage, RefusesAMissingOrUnknownParameter) {
  Notification missing = Reminder();
  missing.params.erase("days");
  Result<OutboxMessage> m = NotificationMessage(missing, "k", kNow);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(RuleOf(m.error()), "notification.params");
  EXPECT_NE(m.error().message.find("missing [days]"), std::string::npos) << m.error().message;

  Notification extra = Reminder();
  extra.params["name"] = "张三";
  m = NotificationMessage(extra, "k", kNow);
  ASSERT_FALSE(m.has_value());
  EXPECT_NE(m.error().message.find("unknown [name]"), std::string::npos) << m.error().message;
}

TEST(NotificationMessage, NeedsTheApplicationExactlyWhenTheTemplateIsAboutOne) {
  Notification n = Reminder();
  n.application.reset();
  Result<OutboxMessage> m = NotificationMessage(n, "k", kNow);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(RuleOf(m.error()), "notification.application");

  Notification transfer{std::string(notification_template::kTransferDecided),
                        AccountId(7),
                        ApplicationId(3),
                        {{"transfer", "9"}, {"outcome", "已同意"}}};
  m = NotificationMessage(transfer, "k", kNow);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(RuleOf(m.error()), "notification.application");
  transfer.application.reset();
  EXPECT_TRUE(NotificationMessage(transfer, "k", kNow).has_value());
}

TEST(NotificationMessage, RefusesNoAccountAndNoKey) {
  Notification n = Reminder();
  n.account = AccountId();
  EXPECT_EQ(RuleOf(NotificationMessage(n, "k", kNow).error()), "notification.account");
  EXPECT_EQ(RuleOf(NotificationMessage(Reminder(), "", kNow).error()), "notification.key");
}

TEST(ParseNotificationPayload, RefusesWhatIsNotAPayload) {
  for (
      std::string_view bad : {
          R"(not json)",
          R"([])",
          R"({"template":"application.expired","account":"7","application":1,"params":{"state":"x"}})",
          R"({"template":"application.expired","account":7,"application":1,"params":{"state":1}})",
          R"({"template":"application.expired","account":7,"application":1,"params":{}})",
          R"({"template":"application.expired","account":7,"application":1,"params":{"state":"x"},"name":"a"})",
      }) {
    Result<Notification> n = ParseNotificationPayload(bad);
    ASSERT_FALSE(n.has_value()) << bad;
    EXPECT_EQ(n.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(NotificationTemplates, TheBuiltinTableLoadsAndHasEveryTemplateTheCodeSends) {
  Result<const NotificationTemplates*> t = NotificationTemplates::Builtin();
  ASSERT_TRUE(t.has_value()) << t.error().message;
  for (std::string_view id : notification_template::kAll) {
    EXPECT_NE((*t)->Find(id), nullptr) << id;
  }
}

TEST(NotificationTemplates, RendersEveryPlaceholder) {
  Result<RenderedNotification> r = (*NotificationTemplates::Builtin())->Render(Reminder());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->subject, "备案申请 42 待您处理（已等待 15 天）");
  EXPECT_NE(r->body.find("“初审驳回”"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("申请将于 2026-12-31 失效"), std::string::npos) << r->body;
  EXPECT_EQ(r->body.find('{'), std::string::npos) << r->body;
}

// A templates file with `given` first, then a plain template for every id the code sends
// that `given` does not mention.
std::string WithTemplates(const std::vector<std::string>& given) {
  std::vector<std::string> all = given;
  for (std::string_view id : notification_template::kAll) {
    const std::string quoted = "\"" + std::string(id) + "\"";
    if (std::ranges::any_of(given, [&](const std::string& t) { return t.contains(quoted); })) {
      continue;
    }
    all.push_back(R"({"id": )" + quoted +
                  R"(, "application": false, "params": [], "subject": "s", "body": "b"})");
  }
  std::string text = R"({"version": "t", "templates": [)";
  for (std::size_t i = 0; i < all.size(); ++i) text += (i ? ", " : "") + all[i];
  return text + "]}";
}

Error ParseError(const std::vector<std::string>& given) {
  Result<NotificationTemplates> t = NotificationTemplates::Parse(WithTemplates(given));
  EXPECT_FALSE(t.has_value());
  return t ? Error{} : t.error();
}

TEST(NotificationTemplates, AcceptsAWellFormedFile) {
  Result<NotificationTemplates> t = NotificationTemplates::Parse(WithTemplates(
      {R"({"id": "x.y", "application": true, "params": ["days"], "subject": "{application}", "body": "{days}"})"}));
  ASSERT_TRUE(t.has_value()) << t.error().message;
  EXPECT_EQ(t->Find("x.y")->params, std::vector<std::string>{"days"});
}

TEST(NotificationTemplates, RefusesAnUndeclaredPlaceholder) {
  Error e = ParseError(
      {R"({"id": "x.y", "application": false, "params": ["days"], "subject": "s {day}", "body": "b {application}"})"});
  ASSERT_EQ(e.violations.size(), 2u) << e.message;
  EXPECT_EQ(e.violations[0].field, "templates[0].subject");
  EXPECT_EQ(e.violations[0].rule, "notification.placeholder");
  EXPECT_EQ(e.violations[1].field, "templates[0].body");
}

TEST(NotificationTemplates, RefusesABraceThatIsNoPlaceholder) {
  Error e = ParseError(
      {R"({"id": "x.y", "application": false, "params": [], "subject": "s {", "body": "b }"})"});
  ASSERT_EQ(e.violations.size(), 2u) << e.message;
  EXPECT_EQ(e.violations[0].rule, "notification.placeholder");
}

TEST(NotificationTemplates, RefusesAMissingTemplateTheCodeSends) {
  Result<NotificationTemplates> t =
      NotificationTemplates::Parse(R"({"version": "t", "templates": []})");
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().violations.size(), std::size(notification_template::kAll));
  EXPECT_EQ(t.error().violations[0].rule, "notification.missing");
}

TEST(NotificationTemplates, RefusesUnknownKeysWrongTypesAndDuplicates) {
  Error e = ParseError(
      {R"({"id": "application.expired", "application": "yes", "params": ["state"], "subject": "s", "body": "b", "to": "x"})",
       R"({"id": "application.expired", "application": true, "params": ["state"], "subject": "s", "body": "b"})"});
  std::vector<std::string> fields;
  for (const FieldViolation& v : e.violations) fields.push_back(v.field + " " + v.rule);
  EXPECT_EQ(fields, (std::vector<std::string>{"templates[0].to notification.unknown-key",
                                              "templates[0].application notification.type",
                                              "templates[1].id notification.duplicate"}));
}

TEST(NotificationTemplates, TheFileInTheTreeIsTheOneCompiledIn) {
  std::ifstream in(std::string(ICP_SOURCE_DIR) + "/data/notifications/templates.json");
  std::stringstream text;
  text << in.rdbuf();
  Result<NotificationTemplates> parsed = NotificationTemplates::Parse(text.str());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->all().size(), (*NotificationTemplates::Builtin())->all().size());
}

}  // namespace
}  // namespace icp
