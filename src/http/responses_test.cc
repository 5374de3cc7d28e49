#include "http/responses.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace icp::http {
namespace {

Request JsonRequest(std::string body, std::string content_type = "application/json") {
  Request request;
  request.method = "POST";
  request.target = "/v1/things";
  request.headers["content-type"] = std::move(content_type);
  request.body = std::move(body);
  request.request_id = "req-1";
  return request;
}

TEST(HttpStatusFor, MapsEveryCodeOfTheTable) {
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kAborted), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kDeadlineExceeded), 504);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInternal), 500);
}

TEST(ProblemResponse, SaysWhenToRetryATooManyAttemptsRefusal) {
  Error error = ResourceExhausted("too many sign-in attempts", std::chrono::seconds(8)).error();
  Response response = ProblemResponse(JsonRequest("{}"), error);
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(response.Get("retry-after"), "8");
  EXPECT_EQ(boost::json::parse(response.body).at("code"), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(boost::json::parse(response.body).at("title"), "Too Many Requests");
  EXPECT_EQ(ProblemResponse(JsonRequest("{}"), NotFound("x").error()).Get("retry-after"), "")
      << "only a refusal that says when sets Retry-After";
}

TEST(ProblemResponse, HasTheRfc9457ShapeWithEveryViolation) {
  Error error = InvalidFields({{"subject.name", "subject.name-required", "a name is required",
                                "主体名称必填"},
                               {"subject.mobile", "mobile.format", "not a mobile number", ""}})
                    .error();
  Response response = ProblemResponse(JsonRequest("{}"), error);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.Get("content-type"), "application/problem+json");
  boost::json::object body = boost::json::parse(response.body).as_object();
  EXPECT_EQ(body.at("type"), "urn:beian:problem:invalid-argument");
  EXPECT_EQ(body.at("title"), "Bad Request");
  EXPECT_EQ(body.at("status"), 400);
  EXPECT_EQ(body.at("code"), "INVALID_ARGUMENT");
  EXPECT_EQ(std::string(body.at("detail").as_string()), error.message);
  EXPECT_EQ(body.at("request_id"), "req-1");
  const boost::json::array& violations = body.at("violations").as_array();
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].at("field"), "subject.name");
  EXPECT_EQ(violations[0].at("rule"), "subject.name-required");
  EXPECT_EQ(violations[0].at("message"), "a name is required");
  EXPECT_EQ(violations[0].at("message_zh"), "主体名称必填");
  EXPECT_EQ(violations[1].at("rule"), "mobile.format");
}

TEST(ProblemResponse, TakesAnExplicitStatusForRefusalsTheCodesDoNotName) {
  Response response = ProblemResponse(JsonRequest(""), InvalidArgument("too big").error(), 413);
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(boost::json::parse(response.body).at("title"), "Content Too Large");
}

TEST(ProblemResponse, HidesTheMessageOfAnInternalError) {
  Response response =
      ProblemResponse(JsonRequest(""), Internal("sqlite: table x is corrupt").error());
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("sqlite"), std::string::npos) << response.body;
}

TEST(ParseJsonBody, AcceptsJsonWithACharset) {
  Result<boost::json::value> v =
      ParseJsonBody(JsonRequest(R"({"a": 1})", "Application/JSON; charset=utf-8"));
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_EQ(v->at("a"), 1);
}

TEST(ParseJsonBody, RefusesABodyNotSentAsJson) {
  Result<boost::json::value> v = ParseJsonBody(JsonRequest(R"({"a": 1})", "text/plain"));
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(v.error().rule(), "request.content-type");
  EXPECT_EQ(v.error().violations[0].field, "body");
}

TEST(ParseJsonBody, RefusesMalformedJson) {
  Result<boost::json::value> v = ParseJsonBody(JsonRequest(R"({"a": )"));
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().rule(), "request.json");
}

TEST(ParseJsonBody, RefusesTrailingDataAfterTheValue) {
  Result<boost::json::value> v = ParseJsonBody(JsonRequest(R"({"a": 1} x)"));
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().rule(), "request.json");
}

}  // namespace
}  // namespace icp::http
