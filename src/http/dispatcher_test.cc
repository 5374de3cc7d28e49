#include "http/dispatcher.h"

#include <gtest/gtest.h>

#include <stdexcept>

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
    router_.Add("GET", "/things/{id}", [](const Request& r) {
      return TextResponse(std::string(r.param("id")), "text/plain");
    });
    router_.Add("GET", "/cached", [](const Request&) {
      Response r = TextResponse("x", "text/plain");
      r.Set("Cache-Control", "max-age=60");
      return r;
    });
    router_.Add("GET", "/throws",
                [](const Request&) -> Response { throw std::runtime_error("secret detail"); });
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
