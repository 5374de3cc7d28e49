// The customer's notification routes (站内消息) through the route table and the dispatcher,
// with API-key callers and the memory store.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <map>

#include "app/notification.h"
#include "http/console_api_handlers.h"
#include "http/dispatcher.h"
#include "http/routes.h"
#include "ports/testing/fake_clock.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp::http {
namespace {

namespace json = boost::json;
using storage_testing::kT0;

// "Bearer <login>" is that account, by API key.
class KeyAuthenticator final : public Authenticator {
 public:
  Result<std::optional<Authentication>> Authenticate(const Request& request) override {
    const std::string_view h = request.header("authorization").value_or("");
    if (!h.starts_with("Bearer ")) return std::optional<Authentication>();
    auto it = callers.find(std::string(h.substr(7)));
    if (it == callers.end()) return Unauthenticated("unknown key");
    return Authentication{it->second, false, ""};
  }
  std::map<std::string, Caller> callers;
};

class NotificationRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto [login, role] : {std::pair{"alice", Role::kCustomer},
                               {"bob", Role::kCustomer},
                               {"rita", Role::kReviewer}}) {
      auth_.callers[login] = {storage_testing::CreateAccount(*db_, login), role};
    }
    auto uow = std::move(*db_->Begin());
    app_ = uow->applications()
               .Insert(storage_testing::NewRecord(auth_.callers["alice"].account,
                                                  storage_testing::SampleApplication(1, "a.cn")))
               .value();
    for (int i = 0; i < 3; ++i) {
      clock_.Advance(std::chrono::seconds(60));
      ASSERT_TRUE(EnqueueNotification(
                      *uow, {"application.approved", auth_.callers["alice"].account, app_, {}},
                      "application:1:approved:" + std::to_string(i), clock_.Now())
                      .has_value());
    }
    ASSERT_TRUE(uow->Commit().has_value());
  }

  Response Call(std::string method, std::string target, std::string who) {
    Request q;
    q.method = std::move(method);
    q.target = std::move(target);
    if (!who.empty()) q.headers["authorization"] = "Bearer " + who;
    return dispatcher_.Dispatch(std::move(q));
  }

  static json::value Json(const Response& r) { return json::parse(r.body); }
  static std::string Rule(const Response& r) {
    const json::value v = Json(r).at("violations").at(0);
    return std::string(v.at("field").as_string()) + " " + std::string(v.at("rule").as_string());
  }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  FakeClock clock_{kT0};
  NotificationService service_{*db_, clock_};
  Metrics metrics_;
  Router router_ = BuildRouter([this] {
    Services s{{*db_, [] { return Result<void>{}; }}, metrics_};
    s.notifications = &service_;
    return s;
  }());
  KeyAuthenticator auth_;
  Dispatcher dispatcher_{router_, metrics_, &auth_};
  ApplicationId app_;
};

TEST_F(NotificationRoutesTest, ListsNewestFirstInPagesWithTheSmsText) {
  Response first = Call("GET", "/v1/notifications?limit=2", "alice");
  ASSERT_EQ(first.status, 200) << first.body;
  const json::value page = Json(first);
  const json::array& items = page.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  const std::string id = std::to_string(app_.value());
  EXPECT_EQ(items[0].at("title").as_string(), "备案申请 " + id + " 已通过管局审核");
  EXPECT_NE(std::string(items[0].at("body").as_string()).find("备案号已下发"), std::string::npos);
  EXPECT_EQ(items[0].at("template").as_string(), "application.approved");
  EXPECT_EQ(items[0].at("application_id").as_int64(), app_.value());
  EXPECT_TRUE(items[0].at("read_at").is_null());
  EXPECT_GT(items[0].at("id").as_int64(), items[1].at("id").as_int64());
  ASSERT_TRUE(page.at("next_cursor").is_string());
  Response second = Call(
      "GET", "/v1/notifications?limit=2&cursor=" + std::string(page.at("next_cursor").as_string()),
      "alice");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(Json(second).at("items").as_array().size(), 1u);
  EXPECT_TRUE(Json(second).at("next_cursor").is_null());
  EXPECT_TRUE(Json(Call("GET", "/v1/notifications", "bob")).at("items").as_array().empty());
}

TEST_F(NotificationRoutesTest, RefusesUnknownParametersBadLimitsAndForeignCursors) {
  Response unknown = Call("GET", "/v1/notifications?unread=1", "alice");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(Rule(unknown), "unread request.unknown-parameter");
  EXPECT_EQ(Rule(Call("GET", "/v1/notifications?limit=101", "alice")), "limit request.limit");
  EXPECT_EQ(Rule(Call("GET", "/v1/notifications?cursor=bogus", "alice")), "cursor request.cursor");
  Response count = Call("GET", "/v1/notifications/unread-count?x=1", "alice");
  EXPECT_EQ(count.status, 400);
  EXPECT_EQ(Rule(count), "x request.unknown-parameter");
  EXPECT_EQ(Call("POST", "/v1/notifications/1:read?x=1", "alice").status, 400);
}

TEST_F(NotificationRoutesTest, MarksReadOnceOnlyTheOwnersAndCounts) {
  Response count = Call("GET", "/v1/notifications/unread-count", "alice");
  ASSERT_EQ(count.status, 200) << count.body;
  EXPECT_EQ(Json(count).at("unread").as_int64(), 3);
  const std::int64_t id =
      Json(Call("GET", "/v1/notifications", "alice")).at("items").at(0).at("id").as_int64();
  const std::string path = "/v1/notifications/" + std::to_string(id) + ":read";

  Response foreign = Call("POST", path, "bob");
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(Rule(foreign), "id notification.not-found");
  EXPECT_EQ(Call("POST", "/v1/notifications/x:read", "alice").status, 404);
  EXPECT_EQ(Call("POST", "/v1/notifications/999:read", "alice").status, 404);

  clock_.Advance(std::chrono::hours(1));
  Response read = Call("POST", path, "alice");
  ASSERT_EQ(read.status, 200) << read.body;
  const std::string at(Json(read).at("read_at").as_string());
  clock_.Advance(std::chrono::hours(1));
  EXPECT_EQ(Json(Call("POST", path, "alice")).at("read_at").as_string(), at);
  EXPECT_EQ(Json(Call("GET", "/v1/notifications/unread-count", "alice")).at("unread").as_int64(),
            2);

  Response all = Call("POST", "/v1/notifications:read-all", "alice");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(Json(all).at("marked").as_int64(), 2);
  EXPECT_EQ(Json(Call("GET", "/v1/notifications/unread-count", "alice")).at("unread").as_int64(),
            0);
}

TEST_F(NotificationRoutesTest, OnlyASignedInCustomer) {
  EXPECT_EQ(Call("GET", "/v1/notifications", "").status, 401);
  EXPECT_EQ(Call("GET", "/v1/notifications/unread-count", "").status, 401);
  EXPECT_EQ(Call("GET", "/v1/notifications", "rita").status, 403);
  EXPECT_EQ(Call("POST", "/v1/notifications:read-all", "rita").status, 403);
}

}  // namespace
}  // namespace icp::http
