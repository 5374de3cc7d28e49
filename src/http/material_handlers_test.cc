// The materials, verification, resources and authorization-code routes through the route
// table and the dispatcher, with API-key callers (http/authenticator.h) and the memory store.
#include "http/material_handlers.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <map>

#include "app/test_support.h"
#include "http/dispatcher.h"
#include "http/routes.h"
#include "ports/testing/fake_clock.h"
#include "storage/memory/blob_store.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp::http {
namespace {

namespace json = boost::json;
using app_testing::Png;
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

class MaterialRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto [login, role] : {std::pair{"alice", Role::kCustomer},
                               {"bob", Role::kCustomer},
                               {"rita", Role::kReviewer},
                               {"admin", Role::kAdmin}}) {
      auth_.callers[login] = {storage_testing::CreateAccount(*db_, login), role};
    }
    names_.by_account[auth_.callers["alice"].account.value()] = AccountVerification::kEnterprise;
    auto uow = std::move(*db_->Begin());
    app_ = uow->applications()
               .Insert(storage_testing::NewRecord(auth_.callers["alice"].account,
                                                  storage_testing::SampleApplication(1, "a.cn")))
               .value();
    EXPECT_TRUE(uow->Commit().has_value());
  }

  Response Call(std::string method, std::string target, std::string who, std::string body = "",
                std::string type = "") {
    Request q;
    q.method = std::move(method);
    q.target = std::move(target);
    if (!who.empty()) q.headers["authorization"] = "Bearer " + who;
    if (!type.empty()) q.headers["content-type"] = type;
    q.body = std::move(body);
    return dispatcher_.Dispatch(std::move(q));
  }

  static json::value Json(const Response& r) { return json::parse(r.body); }
  static std::string Rule(const Response& r) {
    return std::string(Json(r).at("violations").at(0).at("rule").as_string());
  }
  std::string Materials() {
    return "/v1/applications/" + std::to_string(app_.value()) + "/materials";
  }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  memory::BlobStore blobs_;
  app_testing::FakeSniffer sniffer_;
  MaterialLimits limits_ = app_testing::TestLimits();
  FakeClock clock_{kT0};
  EligibilityPolicy policy_;
  app_testing::FakeRealNames names_;
  app_testing::CountingCodes codes_;
  MaterialService materials_{*db_, blobs_, sniffer_, limits_, clock_};
  VerificationService verifications_{*db_, blobs_, sniffer_, limits_, clock_};
  ResourceService resources_{*db_, policy_, clock_};
  AuthorizationCodeService code_service_{*db_, policy_, names_, codes_, clock_};
  MaterialApi api_{materials_, verifications_, resources_, code_service_};
  Metrics metrics_;
  Router router_ = BuildRouter([this] {
    Services s{{*db_, [] { return Result<void>{}; }}, metrics_};
    s.materials = &api_;
    s.max_upload_bytes = 5000;
    return s;
  }());
  KeyAuthenticator auth_;
  Dispatcher dispatcher_{router_, metrics_, &auth_};
  ApplicationId app_;
};

TEST_F(MaterialRoutesTest, UploadListDownloadDelete) {
  const std::string png = Png(640, 480);
  Response up = Call("POST",
                     Materials() +
                         "?kind=identity_document&owner=subject.principal"
                         "&file_name=%E8%BA%AB%E4%BB%BD%E8%AF%81.png&certificate_number=" +
                         storage_testing::ResidentIdNumber(1),
                     "alice", png, "image/png");
  ASSERT_EQ(up.status, 201) << up.body;
  const json::value m = Json(up);
  EXPECT_EQ(m.at("content_type").as_string(), "image/png");
  EXPECT_EQ(m.at("file_name").as_string(), "身份证.png");
  const std::string id = std::to_string(m.at("id").as_int64());
  EXPECT_EQ(up.Get("Location"), "/v1/materials/" + id);

  Response list = Call("GET", Materials(), "alice");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(Json(list).at("materials").as_array().size(), 1u);

  Response content = Call("GET", "/v1/materials/" + id + "/content", "alice");
  ASSERT_EQ(content.status, 200);
  EXPECT_EQ(content.body, png);
  EXPECT_EQ(content.Get("Content-Type"), "image/png");
  EXPECT_EQ(content.Get("Cache-Control"), "private, no-store");
  EXPECT_EQ(content.Get("X-Content-Type-Options"), "nosniff");
  EXPECT_TRUE(content.Get("Content-Disposition").starts_with("attachment; filename=\""));
  EXPECT_NE(content.Get("Content-Disposition").find("UTF-8''%E8%BA%AB"), std::string::npos);
  EXPECT_EQ(Call("GET", "/v1/materials/" + id + "/content", "rita").status, 200);

  EXPECT_EQ(Call("DELETE", "/v1/materials/" + id, "alice").status, 204);
  EXPECT_EQ(Call("GET", "/v1/materials/" + id + "/content", "alice").status, 404);
}

TEST_F(MaterialRoutesTest, AnotherAccountGets404Everywhere) {
  Response up =
      Call("POST", Materials() + "?kind=domain_certificate&owner=websites%5B0%5D&file_name=d.png",
           "alice", Png(640, 480), "image/png");
  ASSERT_EQ(up.status, 201) << up.body;
  const std::string id = std::to_string(Json(up).at("id").as_int64());
  EXPECT_EQ(Call("GET", "/v1/materials/" + id + "/content", "bob").status, 404);
  EXPECT_EQ(Call("DELETE", "/v1/materials/" + id, "bob").status, 404);
  EXPECT_EQ(Call("GET", Materials(), "bob").status, 404);
  EXPECT_EQ(
      Call("POST", Materials() + "?kind=domain_certificate&owner=websites%5B0%5D&file_name=d.png",
           "bob", Png(640, 480), "image/png")
          .status,
      404);
  EXPECT_EQ(Call("GET", "/v1/materials/abc/content", "alice").status, 404);
}

TEST_F(MaterialRoutesTest, AnExecutableCalledPngIsRefused) {
  Response r =
      Call("POST", Materials() + "?kind=domain_certificate&owner=subject&file_name=x.png", "alice",
           std::string("\x7f"
                       "ELF\x02\x01\x01",
                       7),
           "image/png");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Rule(r), "material.type");
}

TEST_F(MaterialRoutesTest, TheQueryIsStrict) {
  Response r = Call("POST", Materials() + "?kind=domain_certificate&kinds=x&file_name=x.png",
                    "alice", Png(640, 480), "image/png");
  ASSERT_EQ(r.status, 400);
  const json::value body = Json(r);
  const json::array& v = body.at("violations").as_array();
  ASSERT_EQ(v.size(), 1u) << r.body;
  EXPECT_EQ(v[0].at("field").as_string(), "kinds");
  Response missing = Call("POST", Materials() + "?kind=domain_certificate", "alice", "", "");
  EXPECT_EQ(Json(missing).at("violations").as_array().size(), 2u) << missing.body;
}

TEST_F(MaterialRoutesTest, OnlyUploadRoutesTakeLargeBodies) {
  EXPECT_EQ(router_.BodyLimit("POST", Materials(), 1000), 5000u);
  EXPECT_EQ(router_.BodyLimit("POST", "/v1/applications/7/verifications", 1000), 5000u);
  EXPECT_EQ(router_.BodyLimit("POST", "/v1/authorization-codes", 1000), 1000u);
  EXPECT_EQ(router_.BodyLimit("GET", Materials(), 1000), 1000u);
  EXPECT_EQ(router_.BodyLimit("POST", "/nowhere", 1000), 1000u);
  EXPECT_EQ(dispatcher_.BodyLimit("POST", Materials() + "?kind=x", 1000), 5000u);
}

TEST_F(MaterialRoutesTest, ResourcesAreImportedByAdminsAndListedToTheirOwner) {
  const std::string csv =
      "id,account,kind,region,mainland,billing,trial,purchased_count,purchased_unit,expires_at,"
      "public_ip,parent\n"
      "ins-1,alice,cvm,ap-guangzhou,true,prepaid,false,12,months,2027-11-01T00:00:00+08:00,"
      "203.0.113.5,\n"
      "ins-2,alice,cvm,ap-hongkong,false,prepaid,false,12,months,2027-11-01T00:00:00+08:00,"
      "203.0.113.6,\n";
  EXPECT_EQ(Call("POST", "/v1/admin/resources:import", "alice", csv, "text/csv").status, 403);
  EXPECT_EQ(Call("POST", "/v1/admin/resources:import", "admin", csv, "text/plain").status, 415);
  Response bad = Call("POST", "/v1/admin/resources:import", "admin",
                      csv + "ins-3,alice,vps,x,true,prepaid,false,1,months,,,\n", "text/csv");
  ASSERT_EQ(bad.status, 400);
  EXPECT_EQ(Json(bad).at("violations").at(0).at("field").as_string(), "line[4].kind");
  EXPECT_TRUE(Json(Call("GET", "/v1/resources", "alice")).at("resources").as_array().empty())
      << "nothing of a bad import is stored";
  Response ok = Call("POST", "/v1/admin/resources:import", "admin", csv, "text/csv; charset=utf-8");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Json(ok).at("imported").as_int64(), 2);
  const json::array mine = Json(Call("GET", "/v1/resources", "alice")).at("resources").as_array();
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_TRUE(mine[0].at("eligible").as_bool());
  EXPECT_FALSE(mine[1].at("eligible").as_bool());
  EXPECT_EQ(mine[1].at("refusals").at(0).at("rule").as_string(), "resource.not-mainland");
  EXPECT_TRUE(Json(Call("GET", "/v1/resources", "bob")).at("resources").as_array().empty());
}

TEST_F(MaterialRoutesTest, ACodeMadeByOneAccountIsRedeemedByAnotherOnce) {
  Resource server{"ins-1",
                  "alice",
                  ResourceKind::kCvm,
                  {"ap-guangzhou", true},
                  BillingMode::kPrepaid,
                  false,
                  {12, TermUnit::kMonths},
                  kT0 + std::chrono::hours(24 * 300),
                  "203.0.113.5",
                  {}};
  ASSERT_TRUE(resources_.Import(auth_.callers["admin"], {server}).has_value());
  Response made = Call("POST", "/v1/authorization-codes", "alice", R"({"server_id": "ins-1"})",
                       "application/json");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string code(Json(made).at("code").as_string());
  EXPECT_EQ(
      Call("POST", "/v1/authorization-codes", "alice", R"({"server": "ins-1"})", "application/json")
          .status,
      400);
  Response redeemed = Call("POST", "/v1/authorization-codes/" + code + ":redeem", "bob");
  ASSERT_EQ(redeemed.status, 200) << redeemed.body;
  EXPECT_EQ(Json(redeemed).at("state").as_string(), "used");
  Response again = Call("POST", "/v1/authorization-codes/" + code + ":redeem", "bob");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(Rule(again), "auth-code.used");
  EXPECT_EQ(Json(Call("GET", "/v1/authorization-codes", "bob"))
                .at("authorization_codes")
                .as_array()
                .size(),
            1u);
  EXPECT_EQ(Call("POST", "/v1/authorization-codes/" + code + ":revoke", "bob").status, 404);
}

TEST_F(MaterialRoutesTest, VerificationRoutesNeedTheRightState) {
  Response r = Call("POST", "/v1/applications/" + std::to_string(app_.value()) + "/verifications",
                    "alice", R"({"method": "video", "evidence": "V-1"})", "application/json");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(Rule(r), "verification.state");
  Response photo =
      Call("POST", "/v1/applications/" + std::to_string(app_.value()) + "/verifications", "alice",
           Png(900, 700), "image/png");
  EXPECT_EQ(photo.status, 400) << "a file needs ?method=curtain_photo";
  EXPECT_EQ(
      Call("POST", "/v1/verifications/1:review", "alice", R"({"passed": true})", "application/json")
          .status,
      403);
  Response list =
      Call("GET", "/v1/applications/" + std::to_string(app_.value()) + "/verifications", "rita");
  ASSERT_EQ(list.status, 200);
  EXPECT_FALSE(Json(list).at("complete").as_bool());
}

TEST(MaterialRoutes, WithoutTheServicesTheRoutesAnswer503) {
  std::unique_ptr<memory::Database> db = memory::Database::Create();
  Metrics metrics;
  const Router router = BuildRouter({{*db, [] { return Result<void>{}; }}, metrics});
  Request q;
  q.method = "GET";
  q.target = "/v1/resources";
  q.caller = Caller{AccountId(1), Role::kCustomer};
  const RouteMatch match = router.Match("GET", "/v1/resources");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->handler(q).status, 503);
}

}  // namespace
}  // namespace icp::http
