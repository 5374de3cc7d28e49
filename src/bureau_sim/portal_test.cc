#include "bureau_sim/portal.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <random>
#include <regex>

namespace icp::bureau_sim {
namespace {

namespace json = boost::json;

constexpr std::int64_t kT0 = 1'800'000'000;

class FixedClock final : public Clock {
 public:
  std::chrono::sys_seconds Now() override {
    return std::chrono::sys_seconds(std::chrono::seconds(seconds));
  }
  std::int64_t seconds = kT0;
};

http::Request Post(std::string target, std::string body) {
  http::Request r;
  r.method = "POST";
  r.target = std::move(target);
  r.headers["content-type"] = "application/json";
  r.body = std::move(body);
  return r;
}

http::Request Get(std::string target) {
  http::Request r;
  r.method = "GET";
  r.target = std::move(target);
  return r;
}

json::object Body(const http::Response& response) { return json::parse(response.body).as_object(); }

class PortalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() /
        ("bureau_sim_portal_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto engine = std::make_shared<std::mt19937_64>(7);
    Result<std::unique_ptr<SmsStore>> sms = SmsStore::Open(
        dir_ / "bureau.db", [engine] { return (*engine)(); }, kT0);
    ASSERT_TRUE(sms.has_value()) << sms.error().message;
    sms_ = std::move(*sms);
    const SmsRecipient recipients[] = {
        {"Zt_xx/Fzr", "张三", "13800138000", "110101199003070011"},
        {"Wz_xx[0]/Wz_Fzr", "李四", "13900139000", "44030119900101123X"}};
    ASSERT_TRUE(sms_->Start(1, recipients, kT0).has_value());
  }
  void TearDown() override {
    sms_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string CodeOf(const std::string& mobile) {
    http::Response r = TestMessages(Get("/test/messages?to=" + mobile), *sms_);
    EXPECT_EQ(r.status, 200);
    const json::object body = Body(r);
    const json::array& list = body.at("messages").as_array();
    EXPECT_FALSE(list.empty());
    if (list.empty()) return "";
    std::smatch m;
    const std::string text(list.back().at("text").as_string());
    EXPECT_TRUE(std::regex_search(text, m, std::regex("([0-9]{6})")));
    return m[1].str();
  }

  std::filesystem::path dir_;
  std::unique_ptr<SmsStore> sms_;
  FixedClock base_;
};

TEST_F(PortalTest, ThePageIsChineseHtmlAndPostsToTheApi) {
  http::Response page = PortalPage(Get("/portal/"));
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.Get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("lang=\"zh-CN\""), std::string::npos);
  EXPECT_NE(page.body.find("备案短信核验"), std::string::npos);
  EXPECT_NE(page.body.find("/portal/api/sms/verify"), std::string::npos);
  EXPECT_NE(page.body.find("/portal/api/sms/resend"), std::string::npos);
  EXPECT_NE(page.body.find("/portal/query"), std::string::npos);
  EXPECT_NE(page.body.find("/portal/api/password/recover"), std::string::npos);
  EXPECT_NE(page.body.find("<option value=\"2\">居民身份证</option>"), std::string::npos);
  EXPECT_EQ(page.body.find("@CERTIFICATE_OPTIONS@"), std::string::npos);
}

TEST_F(PortalTest, VerifyAnswersEachVerifierAndTheLast) {
  OffsetClock clock(base_);
  http::Response first = VerifySms(
      Post("/portal/api/sms/verify", json::serialize(json::object{{"mobile", "13800138000"},
                                                                  {"code", CodeOf("13800138000")},
                                                                  {"certificate_tail", "070011"}})),
      *sms_, clock);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Body(first).at("outcome"), "verified_others_pending");
  EXPECT_EQ(Body(first).at("message_zh"), "您的短信核验完成，请等待其他核验人进行短信核验");

  http::Response wrong =
      VerifySms(Post("/portal/api/sms/verify",
                     R"({"mobile":"13900139000","code":"000000","certificate_tail":"01123X"})"),
                *sms_, clock);
  ASSERT_EQ(wrong.status, 200);
  EXPECT_EQ(Body(wrong).at("outcome"), "wrong");
  EXPECT_EQ(Body(wrong).at("remaining_attempts"), 4);

  http::Response last = VerifySms(
      Post("/portal/api/sms/verify", json::serialize(json::object{{"mobile", "13900139000"},
                                                                  {"code", CodeOf("13900139000")},
                                                                  {"certificate_tail", "01123X"}})),
      *sms_, clock);
  EXPECT_EQ(Body(last).at("outcome"), "all_verified");
  EXPECT_EQ(sms_->StateOf(1, kT0 + 1).value(), SmsState::kVerified);
}

TEST_F(PortalTest, BadBodiesAreProblemsNamingEveryField) {
  OffsetClock clock(base_);
  http::Response bad = VerifySms(
      Post("/portal/api/sms/verify", R"({"mobile":138,"codes":"1","certificate_tail":"070011"})"),
      *sms_, clock);
  EXPECT_EQ(bad.status, 400);
  const std::string body = bad.body;
  EXPECT_NE(body.find("\"field\":\"codes\""), std::string::npos) << body;
  EXPECT_NE(body.find("\"field\":\"mobile\""), std::string::npos) << body;
  EXPECT_NE(body.find("\"field\":\"code\""), std::string::npos) << body;

  http::Response stranger =
      VerifySms(Post("/portal/api/sms/verify",
                     R"({"mobile":"13700137000","code":"123456","certificate_tail":"070011"})"),
                *sms_, clock);
  EXPECT_EQ(stranger.status, 404);
  EXPECT_NE(stranger.body.find("sms.mobile"), std::string::npos);
}

TEST_F(PortalTest, ResendIsRateLimitedWithRetryAfter) {
  OffsetClock clock(base_);
  http::Response soon =
      ResendSms(Post("/portal/api/sms/resend", R"({"mobile":"13800138000"})"), *sms_, clock);
  EXPECT_EQ(soon.status, 429);
  EXPECT_EQ(soon.Get("Retry-After"), "60");
  ASSERT_TRUE(clock.Advance(60).has_value());
  const std::string old_code = CodeOf("13800138000");
  http::Response resent =
      ResendSms(Post("/portal/api/sms/resend", R"({"mobile":"13800138000"})"), *sms_, clock);
  ASSERT_EQ(resent.status, 200) << resent.body;
  EXPECT_EQ(Body(resent).at("sent"), 1);
  EXPECT_NE(CodeOf("13800138000"), old_code);
}

TEST_F(PortalTest, TheTestClockPasses24HoursAndNeverGoesBack) {
  OffsetClock clock(base_);
  http::Response advanced =
      AdvanceTestClock(Post("/test/clock", R"({"advance_seconds":86400})"), clock);
  ASSERT_EQ(advanced.status, 200) << advanced.body;
  EXPECT_EQ(Body(advanced).at("now"), kT0 + 86400);
  EXPECT_EQ(Body(advanced).at("offset_seconds"), 86400);
  EXPECT_EQ(AdvanceTestClock(Post("/test/clock", R"({"advance_seconds":-1})"), clock).status, 400);
  EXPECT_EQ(AdvanceTestClock(Post("/test/clock", R"({})"), clock).status, 400);
  EXPECT_EQ(clock.offset_seconds(), 86400);

  http::Response late = VerifySms(
      Post("/portal/api/sms/verify", json::serialize(json::object{{"mobile", "13800138000"},
                                                                  {"code", CodeOf("13800138000")},
                                                                  {"certificate_tail", "070011"}})),
      *sms_, clock);
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_NE(late.body.find("sms.timed_out"), std::string::npos);
  EXPECT_EQ(sms_->StateOf(1, clock.Now().time_since_epoch().count()).value(), SmsState::kTimedOut);
}

TEST_F(PortalTest, TestMessagesNeedsARecipient) {
  EXPECT_EQ(TestMessages(Get("/test/messages"), *sms_).status, 400);
  http::Response none = TestMessages(Get("/test/messages?to=nobody%40example.cn"), *sms_);
  EXPECT_EQ(none.status, 200);
  EXPECT_TRUE(Body(none).at("messages").as_array().empty());
}

TEST_F(PortalTest, TestHooksAreServedOnlyWhenAdded) {
  OffsetClock clock(base_);
  http::Router portal_only;
  AddPortalRoutes(portal_only, *sms_, clock);
  EXPECT_NE(portal_only.Match("GET", "/portal/").route, nullptr);
  EXPECT_NE(portal_only.Match("POST", "/portal/api/sms/verify").route, nullptr);
  EXPECT_EQ(portal_only.Match("GET", "/test/messages").route, nullptr);
  EXPECT_EQ(portal_only.Match("POST", "/test/clock").route, nullptr);
  http::Router with_hooks;
  AddPortalRoutes(with_hooks, *sms_, clock);
  AddTestHookRoutes(with_hooks, *sms_, clock);
  EXPECT_NE(with_hooks.Match("GET", "/test/messages").route, nullptr);
  EXPECT_NE(with_hooks.Match("POST", "/test/clock").route, nullptr);
}

}  // namespace
}  // namespace icp::bureau_sim
