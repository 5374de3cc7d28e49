#include "http/router.h"

#include <gtest/gtest.h>

namespace icp::http {
namespace {

Response Named(std::string name) {
  Response r;
  r.body = std::move(name);
  return r;
}

Router Table() {
  Router router;
  router.Add("GET", "/v1/things", [](const Request&) { return Named("list"); });
  router.Add("POST", "/v1/things", [](const Request&) { return Named("create"); });
  router.Add("GET", "/v1/things/{id}", [](const Request&) { return Named("get"); });
  router.Add("GET", "/v1/things/{id}/parts/{part}", [](const Request&) { return Named("part"); });
  return router;
}

TEST(Router, MatchesALiteralPathByMethod) {
  Router router = Table();
  RouteMatch get = router.Match("GET", "/v1/things");
  ASSERT_NE(get.route, nullptr);
  EXPECT_EQ(get.route->handler(Request{}).body, "list");
  RouteMatch post = router.Match("POST", "/v1/things");
  ASSERT_NE(post.route, nullptr);
  EXPECT_EQ(post.route->handler(Request{}).body, "create");
}

TEST(Router, FillsParameters) {
  Router router = Table();
  RouteMatch m = router.Match("GET", "/v1/things/t1/parts/p2");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/v1/things/{id}/parts/{part}");
  EXPECT_EQ(m.params.at("id"), "t1");
  EXPECT_EQ(m.params.at("part"), "p2");
}

TEST(Router, FindsNothingForAnUnknownPath) {
  Router router = Table();
  for (std::string_view path : {"/v1/thing", "/v1/things/t1/parts", "/v1/things/t1/x/p",
                                "/v1/things/", "/v1/things/t1/parts/p2/more", "/"}) {
    RouteMatch m = router.Match("GET", path);
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_TRUE(m.allowed.empty()) << path;
  }
}

TEST(Router, ListsTheAllowedMethodsWhenOnlyTheMethodIsWrong) {
  Router router = Table();
  RouteMatch m = router.Match("DELETE", "/v1/things");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "POST"}));
}

TEST(RouterDeathTest, RefusesTheSameRouteTwice) {
  Router router = Table();
  EXPECT_DEATH(router.Add("GET", "/v1/things", [](const Request&) { return Response{}; }),
               "added twice");
}

TEST(RouterDeathTest, RefusesAParameterThatIsNotAWholeSegment) {
  Router router;
  EXPECT_DEATH(router.Add("GET", "/v1/x{id}", [](const Request&) { return Response{}; }),
               "whole segment");
}

}  // namespace
}  // namespace icp::http
