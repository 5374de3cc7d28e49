// The auth routes through the real dispatcher and route table, over the memory store.
#include "http/auth_handlers.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "http/dispatcher.h"
#include "http/routes.h"
#include "ports/testing/fake_clock.h"
#include "ports/testing/fake_password_hasher.h"
#include "storage/memory/database.h"

namespace icp::http {
namespace {

namespace json = boost::json;

constexpr std::chrono::sys_seconds kT0{std::chrono::seconds(1'795'000'000)};

Readiness Ready(Database& db) {
  return {db, [] { return Result<void>(); }};
}

class AuthRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auth_ = std::move(*AuthService::Create(*db_, hasher_, tokens_, clock_));
    ASSERT_TRUE(auth_->CreateFirstAdmin({"root", Role::kAdmin, "Root", "root-password"}, "test"));
    services_ = std::make_unique<Services>(Services{Ready(*db_), metrics_, auth_.get(), cookie_});
    router_ = std::make_unique<Router>(BuildRouter(*services_));
    authenticator_ = std::make_unique<SessionAuthenticator>(*auth_, cookie_);
    dispatcher_ = std::make_unique<Dispatcher>(*router_, metrics_, authenticator_.get());
  }

  Response Call(std::string method, std::string target, std::string body = {},
                std::map<std::string, std::string> headers = {}) {
    Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.headers = std::move(headers);
    if (!body.empty()) r.headers["content-type"] = "application/json";
    r.body = std::move(body);
    r.remote_address = "192.0.2.1";
    return dispatcher_->Dispatch(std::move(r));
  }

  // Signs in; the cookie header and CSRF token to send after.
  std::pair<std::string, std::string> SignIn(std::string login, std::string password) {
    Response r = Call("POST", "/v1/sessions",
                      json::serialize(json::object{{"login", login}, {"password", password}}));
    EXPECT_EQ(r.status, 201) << r.body;
    const std::string cookie = r.Get("set-cookie");
    const std::string token = cookie.substr(12, cookie.find(';') - 12);
    return {"icp_session=" + token, std::string(json::parse(r.body).at("csrf_token").as_string())};
  }

  static std::string Rule(const Response& r) {
    json::value v = json::parse(r.body);
    return std::string(v.at("violations").as_array().at(0).at("rule").as_string());
  }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  FakePasswordHasher hasher_;
  FakeTokenSource tokens_;
  FakeClock clock_{kT0};
  CookieSettings cookie_{"icp_session", true};
  Metrics metrics_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<Services> services_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<SessionAuthenticator> authenticator_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(AuthRoutesTest, SignInSetsAHardenedCookieAndAnswersTheCsrfToken) {
  Response r = Call("POST", "/v1/sessions", R"({"login":"root","password":"root-password"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string cookie = r.Get("set-cookie");
  EXPECT_TRUE(cookie.starts_with("icp_session=")) << cookie;
  for (const char* flag : {"; HttpOnly", "; SameSite=Strict", "; Path=/", "; Secure"}) {
    EXPECT_NE(cookie.find(flag), std::string::npos) << flag << " in " << cookie;
  }
  json::value body = json::parse(r.body);
  EXPECT_EQ(body.at("role"), "admin");
  EXPECT_EQ(body.at("account").at("login"), "root");
  EXPECT_GE(body.at("csrf_token").as_string().size(), 32u);
  cookie_.secure = false;
  EXPECT_EQ(SessionCookie(cookie_, "t", std::chrono::seconds(5)),
            "icp_session=t; Path=/; HttpOnly; SameSite=Strict; Max-Age=5");
}

TEST_F(AuthRoutesTest, TheBodyIsReadStrictlyAndCredentialsAreRefusedAlike) {
  Response extra = Call("POST", "/v1/sessions", R"({"login":"root","pasword":"x"})");
  EXPECT_EQ(extra.status, 400);
  EXPECT_NE(extra.body.find("document.unknown-field"), std::string::npos) << extra.body;
  Response wrong = Call("POST", "/v1/sessions", R"({"login":"root","password":"nope-nope"})");
  Response unknown = Call("POST", "/v1/sessions", R"({"login":"ghost","password":"nope-nope"})");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(Rule(wrong), "auth.credentials");
  EXPECT_EQ(json::parse(wrong.body).at("detail"), json::parse(unknown.body).at("detail"));
}

TEST_F(AuthRoutesTest, ThrottledSignInAnswers429WithRetryAfter) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(Call("POST", "/v1/sessions", R"({"login":"root","password":"nope-nope"})").status,
              401);
  }
  Response held = Call("POST", "/v1/sessions", R"({"login":"root","password":"root-password"})");
  EXPECT_EQ(held.status, 429);
  EXPECT_EQ(held.Get("retry-after"), "2");
  EXPECT_EQ(Rule(held), "auth.throttled");
}

TEST_F(AuthRoutesTest, WritesWithTheCookieNeedTheCsrfTokenAndCustomersAreKeptOffAdminRoutes) {
  auto [cookie, csrf] = SignIn("root", "root-password");
  const std::string alice =
      R"({"login":"alice","role":"customer","display_name":"Alice","password":"alice-password"})";
  Response no_csrf = Call("POST", "/v1/accounts", alice, {{"cookie", cookie}});
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(Rule(no_csrf), "auth.csrf");
  Response made = Call("POST", "/v1/accounts", alice, {{"cookie", cookie}, {"x-csrf-token", csrf}});
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.Get("location"), "/v1/accounts/2");

  auto [alice_cookie, alice_csrf] = SignIn("alice", "alice-password");
  Response listed = Call("GET", "/v1/accounts", {}, {{"cookie", alice_cookie}});
  EXPECT_EQ(listed.status, 403);
  EXPECT_EQ(Rule(listed), "auth.role");
  Response me = Call("GET", "/v1/me", {}, {{"cookie", alice_cookie}});
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(json::parse(me.body).at("csrf_token"), alice_csrf.c_str());

  Response out = Call("DELETE", "/v1/sessions/current", {},
                      {{"cookie", alice_cookie}, {"x-csrf-token", alice_csrf}});
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.Get("set-cookie").find("Max-Age=0"), std::string::npos);
  Response after = Call("GET", "/v1/me", {}, {{"cookie", alice_cookie}});
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(Rule(after), "auth.invalid");
}

TEST_F(AuthRoutesTest, AnApiKeyIsShownOnceAndWorksAsABearerWithoutCsrf) {
  auto [cookie, csrf] = SignIn("root", "root-password");
  Response made = Call("POST", "/v1/api-keys", R"({"name":"ci"})",
                       {{"cookie", cookie}, {"x-csrf-token", csrf}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string secret(json::parse(made.body).at("secret").as_string());
  Response listed = Call("GET", "/v1/api-keys", {}, {{"cookie", cookie}});
  EXPECT_EQ(listed.body.find(secret), std::string::npos);
  EXPECT_EQ(listed.body.find("\"secret\""), std::string::npos);
  const std::map<std::string, std::string> bearer{{"authorization", "Bearer " + secret}};
  Response by_key = Call("POST", "/v1/api-keys", R"({"name":"second"})", bearer);
  EXPECT_EQ(by_key.status, 201) << by_key.body;
  Response bad = Call("GET", "/v1/me", {}, {{"authorization", "Basic abc"}});
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(Rule(bad), "auth.invalid");
  Response revoked = Call("DELETE", "/v1/api-keys/1", {}, bearer);
  EXPECT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(Call("GET", "/v1/me", {}, bearer).status, 401);
  EXPECT_EQ(
      Call("DELETE", "/v1/api-keys/x", {}, {{"cookie", cookie}, {"x-csrf-token", csrf}}).status,
      404);
}

TEST_F(AuthRoutesTest, AnAdminSetsARealNameThatTheCustomerSeesMasked) {
  auto [cookie, csrf] = SignIn("root", "root-password");
  const std::map<std::string, std::string> admin{{"cookie", cookie}, {"x-csrf-token", csrf}};
  ASSERT_EQ(
      Call("POST", "/v1/accounts",
           R"({"login":"bob","role":"customer","display_name":"Bob","password":"bob-password"})",
           admin)
          .status,
      201);
  Response bad = Call("PUT", "/v1/accounts/2/real-name",
                      R"({"kind":"people","name":"","certificate":{"type":"passport_x"}})", admin);
  ASSERT_EQ(bad.status, 400);
  EXPECT_GE(json::parse(bad.body).at("violations").as_array().size(), 3u) << bad.body;
  Response set = Call(
      "PUT", "/v1/accounts/2/real-name",
      R"({"kind":"person","name":"王小明","certificate":{"type":"resident_id","number":"11010519491231002X"}})",
      admin);
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(json::parse(set.body).at("real_name").at("name"), "王小明");
  auto [bob, bob_csrf] = SignIn("bob", "bob-password");
  json::value me = json::parse(Call("GET", "/v1/me", {}, {{"cookie", bob}}).body);
  EXPECT_EQ(me.at("account").at("real_name").at("name"), "王*明");
  EXPECT_EQ(me.at("account").at("real_name").at("certificate").at("number"), "110***********002X");
  Response mobile = Call("PUT", "/v1/accounts/2/mobile", R"({"mobile":"12345"})", admin);
  EXPECT_EQ(mobile.status, 400);
  EXPECT_EQ(Call("GET", "/v1/accounts/99", {}, admin).status, 404);
  Response page = Call("GET", "/v1/accounts?limit=1", {}, admin);
  ASSERT_EQ(page.status, 200);
  const std::string cursor(json::parse(page.body).at("next_cursor").as_string());
  EXPECT_NE(cursor, "1") << "the cursor is opaque";
  Response next = Call("GET", "/v1/accounts?limit=1&cursor=" + cursor, {}, admin);
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_EQ(json::parse(next.body).at("items").at(0).at("login"), "bob");
  EXPECT_EQ(Call("GET", "/v1/accounts?limit=0", {}, admin).status, 400);
  EXPECT_EQ(Call("GET", "/v1/accounts?cursor=1", {}, admin).status, 400);
  EXPECT_EQ(Call("GET", "/v1/accounts?sort=x", {}, admin).status, 400);
  Response off = Call("POST", "/v1/accounts/2:disable", {}, admin);
  EXPECT_EQ(off.status, 200);
  EXPECT_EQ(Call("GET", "/v1/me", {}, {{"cookie", bob}}).status, 401);
}

}  // namespace
}  // namespace icp::http
