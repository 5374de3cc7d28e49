#include "http/dispatcher.h"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <stdexcept>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>

#include "http/responses.h"

namespace icp::http {
namespace {

Request Get(std::string target) {
  Request request;
  request.method = "GET";
  request.target = std::move(target);
  return request;
}

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() {
    router_.Add("GET", "/things/{id}", Access::kPublic, [](const Request& r) {
      return TextResponse(std::string(r.param("id")), "text/plain");
    });
    router_.Add("GET", "/cached", Access::kPublic, [](const Request&) {
      Response r = TextResponse("x", "text/plain");
      r.Set("Cache-Control", "max-age=60");
      return r;
    });
    router_.Add("GET", "/throws", Access::kPublic,
                [](const Request&) -> Response { throw std::runtime_error("secret detail"); });
    router_.AddHot("GET", "/hot", [](const Request&) { return TextResponse("h", "text/plain"); });
  }

  Router router_;
  Metrics metrics_;
  Dispatcher dispatcher_{router_, metrics_};
};

void ExpectSecurityHeaders(const Response& r) {
  EXPECT_FALSE(r.Get("Content-Security-Policy").empty());
  EXPECT_NE(r.Get("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(r.Get("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.Get("X-Frame-Options"), "DENY");
  EXPECT_EQ(r.Get("Referrer-Policy"), "no-referrer");
  EXPECT_FALSE(r.Get("X-Request-Id").empty());
}

TEST_F(DispatcherTest, CallsTheHandlerWithItsParameters) {
  Response r = dispatcher_.Dispatch(Get("/things/t-42?x=1"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "t-42");
  ExpectSecurityHeaders(r);
  EXPECT_EQ(r.Get("Cache-Control"), "no-store");
}

TEST_F(DispatcherTest, KeepsTheCacheControlAHandlerChose) {
  EXPECT_EQ(dispatcher_.Dispatch(Get("/cached")).Get("Cache-Control"), "max-age=60");
}

TEST_F(DispatcherTest, AnswersAnUnknownPathWithA404Problem) {
  Response r = dispatcher_.Dispatch(Get("/nothing/here"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Get("Content-Type"), "application/problem+json");
  ExpectSecurityHeaders(r);
  boost::json::value body = boost::json::parse(r.body);
  EXPECT_EQ(body.at("code"), "NOT_FOUND");
  EXPECT_EQ(std::string(body.at("request_id").as_string()), r.Get("X-Request-Id"));
}

TEST_F(DispatcherTest, AnswersAWrongMethodWith405AndAllow) {
  Request post = Get("/things/1");
  post.method = "POST";
  Response r = dispatcher_.Dispatch(post);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Get("Allow"), "GET");
  ExpectSecurityHeaders(r);
  boost::json::value body = boost::json::parse(r.body);
  EXPECT_EQ(body.at("violations").at(0).at("rule"), "route.method");
}

TEST_F(DispatcherTest, AnswersAThrowingHandlerWith500WithoutItsMessage) {
  Response r = dispatcher_.Dispatch(Get("/throws"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret detail"), std::string::npos) << r.body;
  ExpectSecurityHeaders(r);
}

TEST_F(DispatcherTest, KeepsAWellFormedRequestIdFromTheClient) {
  Request request = Get("/things/1");
  request.headers["x-request-id"] = "client-id_1.2";
  EXPECT_EQ(dispatcher_.Dispatch(request).Get("X-Request-Id"), "client-id_1.2");
}

TEST_F(DispatcherTest, ReplacesARequestIdThatCouldForgeALogLine) {
  for (std::string bad :
       {std::string("a\nb"), std::string("a b"), std::string(129, 'a'), std::string("")}) {
    Request request = Get("/things/1");
    request.headers["x-request-id"] = bad;
    const std::string id = dispatcher_.Dispatch(request).Get("X-Request-Id");
    EXPECT_NE(id, bad);
    EXPECT_EQ(id.size(), 32u) << id;
  }
}

TEST_F(DispatcherTest, GivesEachRequestItsOwnId) {
  EXPECT_NE(dispatcher_.Dispatch(Get("/things/1")).Get("X-Request-Id"),
            dispatcher_.Dispatch(Get("/things/1")).Get("X-Request-Id"));
}

// The access log as lines, for as long as it lives (the default logger's sinks swapped).
class CapturedLog {
 public:
  CapturedLog() : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)) {
    saved_ = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>("captured", sink_);
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(saved_); }
  void Debug() { spdlog::default_logger()->set_level(spdlog::level::debug); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> saved_;
};

TEST_F(DispatcherTest, AHotRouteIsAdmittedAsHotCountedAndLoggedOnlyWhenDebugging) {
  Request hot = Get("/hot");
  dispatcher_.Admit(hot);
  EXPECT_TRUE(hot.hot);
  Request plain = Get("/things/1");
  dispatcher_.Admit(plain);
  EXPECT_FALSE(plain.hot);

  CapturedLog log;
  const Response answered = dispatcher_.Dispatch(Get("/hot"));
  EXPECT_EQ(answered.body, "h");
  EXPECT_EQ(answered.Get("X-Frame-Options"), "DENY") << "sealed like every other response";
  dispatcher_.Dispatch(Get("/things/1"));
  EXPECT_EQ(log.text().find("\"route\":\"/hot\""), std::string::npos) << log.text();
  EXPECT_NE(log.text().find("\"route\":\"/things/{id}\""), std::string::npos) << log.text();
  EXPECT_NE(metrics_.RenderPrometheus().find(
                "icp_http_requests_total{route=\"/hot\",method=\"GET\",status=\"200\"} 1"),
            std::string::npos)
      << "counted all the same";
  log.Debug();
  dispatcher_.Dispatch(Get("/hot"));
  EXPECT_NE(log.text().find("\"route\":\"/hot\""), std::string::npos) << log.text();
}

TEST_F(DispatcherTest, CountsByRoutePatternNotByRawPath) {
  dispatcher_.Dispatch(Get("/things/1"));
  dispatcher_.Dispatch(Get("/things/2"));
  dispatcher_.Dispatch(Get("/unknown/3"));
  const std::string text = metrics_.RenderPrometheus();
  EXPECT_NE(
      text.find("icp_http_requests_total{route=\"/things/{id}\",method=\"GET\",status=\"200\"} 2"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("route=\"(unmatched)\",method=\"GET\",status=\"404\"} 1"), std::string::npos);
  EXPECT_EQ(text.find("/unknown/3"), std::string::npos);
}

}  // namespace
}  // namespace icp::http

namespace icp::http {
namespace {

// Sessions "s-customer" (CSRF token "csrf-1") and "s-admin"; API key "k-reviewer"; "bad" is
// an unknown credential.
class FakeAuthenticator : public Authenticator {
 public:
  Result<std::optional<Authentication>> Authenticate(const Request& request) override {
    const std::string_view token = request.header("authorization").value_or("");
    if (token.empty()) return std::optional<Authentication>();
    if (token == "bad") return Unauthenticated("unknown credential");
    if (token == "s-customer") {
      return Authentication{{AccountId(1), Role::kCustomer}, true, "csrf-1"};
    }
    if (token == "s-admin") return Authentication{{AccountId(3), Role::kAdmin}, true, "csrf-3"};
    return Authentication{{AccountId(2), Role::kReviewer}, false, ""};
  }
};

class AuthorizationTest : public ::testing::Test {
 protected:
  AuthorizationTest() {
    const auto who = [](const Request& r) {
      return TextResponse(std::to_string(r.caller ? r.caller->account.value() : 0), "text/plain");
    };
    router_.Add("GET", "/open", Access::kPublic, who);
    router_.Add("GET", "/mine", Access::kSignedIn, who);
    router_.Add("POST", "/mine", Access::kCustomer, who);
    router_.Add("POST", "/queue", Access::kStaff, who);
    router_.Add("GET", "/admin", Access::kAdmin, who);
  }

  Response Call(std::string method, std::string target, std::string credential,
                std::string csrf = "") {
    Request request;
    request.method = std::move(method);
    request.target = std::move(target);
    if (!credential.empty()) request.headers["authorization"] = std::move(credential);
    if (!csrf.empty()) request.headers["x-csrf-token"] = std::move(csrf);
    return dispatcher_.Dispatch(std::move(request));
  }

  static std::string Rule(const Response& r) {
    return std::string(boost::json::parse(r.body).at("violations").at(0).at("rule").as_string());
  }

  FakeAuthenticator authenticator_;
  Router router_;
  Metrics metrics_;
  Dispatcher dispatcher_{router_, metrics_, &authenticator_};
};

TEST_F(AuthorizationTest, APublicRouteNeedsNoCredentialAndSetsNoCaller) {
  Response r = Call("GET", "/open", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "0");
}

TEST_F(AuthorizationTest, ARouteThatIsNotPublicAnswers401WithoutACredential) {
  Response r = Call("GET", "/mine", "");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Rule(r), "auth.required");
  EXPECT_EQ(r.Get("WWW-Authenticate"), "Bearer realm=\"beian\"");
}

TEST_F(AuthorizationTest, AnUnknownCredentialIs401) {
  EXPECT_EQ(Call("GET", "/mine", "bad").status, 401);
}

TEST_F(AuthorizationTest, TheHandlerSeesTheCaller) {
  Response r = Call("GET", "/mine", "s-customer");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "1");
}

TEST_F(AuthorizationTest, ASessionNeedsItsCsrfTokenToChangeSomething) {
  Response missing = Call("POST", "/mine", "s-customer");
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(Rule(missing), "auth.csrf");
  Response wrong = Call("POST", "/mine", "s-customer", "csrf-3");
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(Rule(wrong), "auth.csrf");
  Response longer = Call("POST", "/mine", "s-customer", "csrf-10");
  EXPECT_EQ(longer.status, 403);
  EXPECT_EQ(Call("POST", "/mine", "s-customer", "csrf-1").status, 200);
}

TEST_F(AuthorizationTest, AnApiKeyNeedsNoCsrfToken) {
  EXPECT_EQ(Call("POST", "/queue", "k-reviewer").status, 200);
}

TEST_F(AuthorizationTest, ARoleTheRouteDoesNotAllowIs403) {
  Response customer_on_staff = Call("POST", "/queue", "s-customer", "csrf-1");
  EXPECT_EQ(customer_on_staff.status, 403);
  EXPECT_EQ(Rule(customer_on_staff), "auth.role");
  EXPECT_EQ(Call("GET", "/admin", "k-reviewer").status, 403);
  EXPECT_EQ(Call("GET", "/admin", "s-admin").status, 200);
  EXPECT_EQ(Call("POST", "/queue", "s-admin", "csrf-3").status, 200);
  Response staff_on_customer = Call("POST", "/mine", "s-admin", "csrf-3");
  EXPECT_EQ(staff_on_customer.status, 403);
}

TEST_F(AuthorizationTest, WithoutAnAuthenticatorEveryRouteButThePublicOnesIs401) {
  Dispatcher bare(router_, metrics_);
  Request request;
  request.method = "GET";
  request.target = "/mine";
  EXPECT_EQ(bare.Dispatch(request).status, 401);
}

}  // namespace
}  // namespace icp::http
