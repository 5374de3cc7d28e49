#include "bureau_sim/review_api.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "bureau_sim/service.h"
#include "miit/messages.h"
#include "miit/payload.h"
#include "ports/testing/fake_password_hasher.h"
#include "storage/sqlite/connection.h"

namespace icp::bureau_sim {
namespace {

constexpr std::int64_t kIsp = 440000000123;

class FixedClock final : public Clock {
 public:
  std::chrono::sys_seconds Now() override {
    return std::chrono::sys_seconds{std::chrono::seconds{1'780'000'000}};
  }
};

class NoSink final : public MessageSink {
 public:
  Result<void> Deliver(std::string_view, std::string_view, std::string_view,
                       std::int64_t) override {
    return {};
  }
};

class ReviewApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*Store::OpenOn(std::move(*sqlite::Connection::Open(":memory:")), 1));
    ASSERT_TRUE(store_->AddProvider(kIsp, "isp", "secret01", 1).has_value());
    pipeline_ =
        std::make_unique<Pipeline>(*store_, hasher_, tokens_, sink_, nullptr, PipelineOptions{});
    AddReviewRoutes(router_, *store_, *pipeline_, clock_, "t0ken");
    // One first filing in review.
    miit::IcpUpload upload;
    upload.requester = kIsp;
    miit::FirstFiling f;
    f.subject.isp_id = 70001;
    f.subject.name = "示例科技有限公司";
    f.subject.address = {440000, 440300, std::nullopt, std::nullopt};
    f.subject.certificate = {1, "91440300MA5000001X", "示例路1号"};
    f.subject.leader.name = "李四";
    f.subject.leader.mobiles = "13800000000";
    f.subject.leader.emails = "li@example.cn";
    f.subject.filed_by = 1;
    miit::WebsiteBlock w;
    w.isp_id = 80001;
    w.name = "示例网站";
    w.service_content = {1};
    w.languages = {1};
    w.domains = {{90001, std::nullopt, "example.cn"}};
    miit::AccessBlock a;
    a.isp_id = 60001;
    a.locations = {19};
    a.methods = {3};
    a.ips = {{50001, std::nullopt, 3221225994, 3221225994}};
    w.accesses = {a};
    w.leader = f.subject.leader;
    f.websites = {w};
    upload.first_filings.push_back(f);
    const std::string xml = miit::EncodeUpload(upload);
    ASSERT_TRUE(store_
                    ->Transact([&](Registry& r) -> Result<void> {
                      if (Result<void> up =
                              r.InsertUpload(kIsp, 1, "UP", {"aQ==", "aA==", 0, 0, 0}, xml, 1);
                          !up) {
                        return up;
                      }
                      Filing filing;
                      filing.isp_id = kIsp;
                      filing.data_sequence = 1;
                      filing.operation = 1;
                      filing.key = "70001";
                      filing.record = xml;
                      filing.created_at = 1;
                      Result<std::int64_t> id = r.InsertFiling(filing);
                      if (!id) return std::unexpected(id.error());
                      return {};
                    })
                    .has_value());
    ASSERT_TRUE(pipeline_->Tick(1'780'000'000).has_value());
  }

  http::Response Call(std::string method, std::string target, std::string body = {},
                      std::string token = "t0ken") {
    http::Request r;
    r.method = method;
    r.target = target;
    r.body = std::move(body);
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    const std::string path = target.substr(0, target.find('?'));
    const http::RouteMatch match = router_.Match(method, path);
    EXPECT_NE(match.route, nullptr) << method << " " << path;
    if (match.route == nullptr) return {};
    r.params = match.params;
    return match.route->handler(r);
  }

  static boost::json::value Json(const http::Response& r) { return boost::json::parse(r.body); }

  FixedClock clock_;
  FakePasswordHasher hasher_;
  FakeTokenSource tokens_;
  NoSink sink_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Pipeline> pipeline_;
  http::Router router_;
};

TEST_F(ReviewApiTest, EveryCallNeedsTheReviewersToken) {
  EXPECT_EQ(Call("GET", "/bureau/api/filings", {}, "").status, 401);
  EXPECT_EQ(Call("GET", "/bureau/api/filings", {}, "t0kem").status, 401);
  EXPECT_EQ(Call("POST", "/bureau/api/filings/1:approve", {}, "").status, 401);
  http::Router off;
  AddReviewRoutes(off, *store_, *pipeline_, clock_, "");
  http::Request r;
  r.headers["authorization"] = "Bearer ";
  EXPECT_EQ(off.Match("GET", "/bureau/api/filings").route->handler(r).status, 403);
}

TEST_F(ReviewApiTest, AReviewerListsShowsAndReturnsWithReasons) {
  const http::Response list = Call("GET", "/bureau/api/filings?state=review");
  ASSERT_EQ(list.status, 200) << list.body;
  const boost::json::value listed = Json(list);
  const boost::json::array& filings = listed.at("filings").as_array();
  ASSERT_EQ(filings.size(), 1U);
  EXPECT_EQ(filings[0].at("key").as_string(), "70001");
  EXPECT_EQ(filings[0].at("summary").at("subject").as_string(), "示例科技有限公司");
  EXPECT_EQ(Call("GET", "/bureau/api/filings?state=nope").status, 400);

  const http::Response one = Call("GET", "/bureau/api/filings/1");
  ASSERT_EQ(one.status, 200);
  EXPECT_TRUE(Json(one).at("record").as_string().starts_with("<?xml"));
  EXPECT_EQ(Call("GET", "/bureau/api/filings/9").status, 404);
  EXPECT_EQ(Call("GET", "/bureau/api/filings/x").status, 400);

  const http::Response bad =
      Call("POST", "/bureau/api/filings/1:return", R"({"reasons": [{"jgdm": 1, "text": ""}]})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json(bad).at("violations").as_array().size(), 2U);
  EXPECT_EQ(Call("POST", "/bureau/api/filings/1:approve", R"({"reviewr": "x"})").status, 400);

  const http::Response returned = Call(
      "POST", "/bureau/api/filings/1:return",
      R"({"reasons": [{"jgdm": 1002, "path": "websites[0].name", "text": "名称不符"}], "reviewer": "赵六"})");
  ASSERT_EQ(returned.status, 200) << returned.body;
  EXPECT_EQ(Json(returned).at("state").as_string(), "returned");
  EXPECT_EQ(Json(returned).at("reviewer").as_string(), "赵六");
  // Decided: a second decision is refused.
  const http::Response again = Call("POST", "/bureau/api/filings/1:approve");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(Json(again).at("violations").at(0).at("rule").as_string(), "bureau.filing.state");
}

}  // namespace
}  // namespace icp::bureau_sim
