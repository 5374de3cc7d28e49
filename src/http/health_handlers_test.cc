#include "http/health_handlers.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "http/routes.h"
#include "storage/memory/database.h"

namespace icp::http {
namespace {

// A store that cannot be reached.
class UnreachableDatabase final : public Database {
 public:
  Result<std::unique_ptr<UnitOfWork>> Begin() override { return Unavailable("connection refused"); }
  Result<std::unique_ptr<ReadTransaction>> BeginRead() override {
    return Unavailable("connection refused");
  }
};

Result<void> SchemaCurrent() { return {}; }
Result<void> SchemaBehind() {
  return InvalidValue("migration.pending", "the database schema is behind this binary");
}

Request Get(std::string target) {
  Request request;
  request.method = "GET";
  request.target = std::move(target);
  request.request_id = "r1";
  return request;
}

TEST(Healthz, AnswersUp) {
  Response r = Healthz(Get("/healthz"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(boost::json::parse(r.body).at("status"), "up");
}

TEST(Readyz, IsReadyWhenTheStoreAnswersAndTheSchemaIsCurrent) {
  std::unique_ptr<memory::Database> db = memory::Database::Create();
  Response r = Readyz(Get("/readyz"), Readiness{*db, SchemaCurrent});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(boost::json::parse(r.body).at("status"), "ready");
}

TEST(Readyz, IsNotReadyWhenTheSchemaIsBehind) {
  std::unique_ptr<memory::Database> db = memory::Database::Create();
  Response r = Readyz(Get("/readyz"), Readiness{*db, SchemaBehind});
  EXPECT_EQ(r.status, 503);
  boost::json::value body = boost::json::parse(r.body);
  EXPECT_EQ(body.at("code"), "UNAVAILABLE");
  ASSERT_EQ(body.at("violations").as_array().size(), 1u);
  EXPECT_EQ(body.at("violations").at(0).at("field"), "schema");
  EXPECT_EQ(body.at("violations").at(0).at("rule"), "migration.pending");
}

TEST(Readyz, ListsEveryFailingCheck) {
  UnreachableDatabase db;
  Response r = Readyz(Get("/readyz"), Readiness{db, SchemaBehind});
  EXPECT_EQ(r.status, 503);
  boost::json::value body = boost::json::parse(r.body);
  ASSERT_EQ(body.at("violations").as_array().size(), 2u) << r.body;
  EXPECT_EQ(body.at("violations").at(0).at("field"), "store");
  EXPECT_EQ(body.at("violations").at(0).at("rule"), "readiness.store");
  EXPECT_EQ(body.at("violations").at(1).at("field"), "schema");
}

TEST(IndexPage, IsAChinesePageLinkingTheApiDescription) {
  Response r = IndexPage(Get("/"));
  EXPECT_EQ(r.Get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("Beian 备案平台"), std::string::npos);
  EXPECT_NE(r.body.find("href=\"/v1/openapi.json\""), std::string::npos);
  EXPECT_NE(r.body.find("href=\"/console/\""), std::string::npos);
}

TEST(Routes, ServeHealthReadinessMetricsAndTheIndex) {
  std::unique_ptr<memory::Database> db = memory::Database::Create();
  Metrics metrics;
  Services services{{*db, SchemaCurrent}, metrics};
  Router router = BuildRouter(services);
  for (std::string_view path : {"/", "/healthz", "/readyz", "/metrics"}) {
    RouteMatch m = router.Match("GET", path);
    ASSERT_NE(m.route, nullptr) << path;
    EXPECT_EQ(m.route->handler(Get(std::string(path))).status, 200) << path;
  }
  EXPECT_EQ(router.Match("GET", "/metrics").route->handler(Get("/metrics")).Get("Content-Type"),
            "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace
}  // namespace icp::http
