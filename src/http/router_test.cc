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
  router.Add("GET", "/v1/things", Access::kPublic, [](const Request&) { return Named("list"); });
  router.Add("POST", "/v1/things", Access::kPublic, [](const Request&) { return Named("create"); });
  router.Add("GET", "/v1/things/{id}", Access::kPublic,
             [](const Request&) { return Named("get"); });
  router.Add("GET", "/v1/things/{id}/parts/{part}", Access::kPublic,
             [](const Request&) { return Named("part"); });
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
  EXPECT_DEATH(
      router.Add("GET", "/v1/things", Access::kPublic, [](const Request&) { return Response{}; }),
      "added twice");
}

TEST(RouterDeathTest, RefusesAParameterThatIsNotAWholeSegment) {
  Router router;
  EXPECT_DEATH(
      router.Add("GET", "/v1/x{id}", Access::kPublic, [](const Request&) { return Response{}; }),
      "whole segment");
}

}  // namespace
}  // namespace icp::http

namespace icp::http {
namespace {

TEST(Router, MatchesACustomMethodOnAnObject) {
  Router router;
  router.Add("GET", "/v1/apps/{id}", Access::kPublic, [](const Request&) { return Named("get"); });
  router.Add("POST", "/v1/apps/{id}:submit", Access::kCustomer,
             [](const Request&) { return Named("submit"); });
  RouteMatch submit = router.Match("POST", "/v1/apps/42:submit");
  ASSERT_NE(submit.route, nullptr);
  EXPECT_EQ(submit.route->pattern, "/v1/apps/{id}:submit");
  EXPECT_EQ(submit.route->access, Access::kCustomer);
  EXPECT_EQ(submit.params.at("id"), "42");
  // "{id}" never takes a value with ':' in it, so a GET of the verb is not a GET of the object.
  RouteMatch get_verb = router.Match("GET", "/v1/apps/42:submit");
  EXPECT_EQ(get_verb.route, nullptr);
  EXPECT_EQ(get_verb.allowed, (std::vector<std::string>{"POST"}));
  EXPECT_EQ(router.Match("POST", "/v1/apps/:submit").route, nullptr);
  EXPECT_EQ(router.Match("POST", "/v1/apps/42:withdraw").route, nullptr);
}

TEST(Router, AHotRouteIsPublicAndMarkedHot) {
  Router router = Table();
  router.AddHot("GET", "/v1/gate", [](const Request&) { return Named("gate"); });
  RouteMatch gate = router.Match("GET", "/v1/gate");
  ASSERT_NE(gate.route, nullptr);
  EXPECT_TRUE(gate.route->hot);
  EXPECT_EQ(gate.route->access, Access::kPublic);
  EXPECT_FALSE(router.Match("GET", "/v1/things").route->hot);
}

TEST(Router, AccessAllowsRoles) {
  EXPECT_TRUE(Allows(Access::kSignedIn, Role::kCustomer));
  EXPECT_TRUE(Allows(Access::kCustomer, Role::kCustomer));
  EXPECT_FALSE(Allows(Access::kCustomer, Role::kReviewer));
  EXPECT_TRUE(Allows(Access::kStaff, Role::kReviewer));
  EXPECT_TRUE(Allows(Access::kStaff, Role::kAdmin));
  EXPECT_FALSE(Allows(Access::kStaff, Role::kCustomer));
  EXPECT_FALSE(Allows(Access::kAdmin, Role::kReviewer));
}

TEST(RouterDeathTest, RefusesAVerbThatIsNotOneWord) {
  Router router;
  EXPECT_DEATH(router.Add("GET", "/v1/x/{id}:a:b", Access::kPublic,
                          [](const Request&) { return Named(""); }),
               "whole segment");
}

}  // namespace
}  // namespace icp::http
