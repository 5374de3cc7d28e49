#include "http/api_docs_handlers.h"

#include <gtest/gtest.h>

#include <string>

#include <boost/json/parse.hpp>

#include "http/dispatcher.h"
#include "http/routes.h"
#include "storage/memory/database.h"

namespace icp::http {
namespace {

Request Get(std::string target, std::string if_none_match = {}) {
  Request request;
  request.method = "GET";
  request.target = std::move(target);
  request.request_id = "r1";
  if (!if_none_match.empty()) request.headers["if-none-match"] = std::move(if_none_match);
  return request;
}

Request Asset(std::string name, std::string if_none_match = {}) {
  Request request = Get("/v1/docs/" + name, std::move(if_none_match));
  request.params["asset"] = std::move(name);
  return request;
}

std::size_t Count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string_view::npos;
       at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

TEST(OpenApiDescription, IsTheSpecAsJsonWithAStrongEtag) {
  Response r = OpenApiDescription(Get("/v1/openapi.json"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Get("Content-Type"), "application/json");
  boost::json::value spec = boost::json::parse(r.body);
  EXPECT_EQ(spec.at("openapi"), "3.1.0");
  EXPECT_EQ(spec.at("info").at("title"), "Beian API");
  EXPECT_TRUE(spec.at("paths").as_object().contains("/v1/openapi.json"));
  const std::string etag = r.Get("ETag");
  ASSERT_GE(etag.size(), 3u);
  EXPECT_EQ(etag.front(), '"') << etag;
  EXPECT_EQ(etag.back(), '"') << etag;
  EXPECT_EQ(r.Get("Cache-Control"), "no-cache");
  EXPECT_EQ(OpenApiDescription(Get("/v1/openapi.json")).Get("ETag"), etag);
}

TEST(OpenApiDescription, Answers304WhenIfNoneMatchNamesTheEtag) {
  const std::string etag = OpenApiDescription(Get("/v1/openapi.json")).Get("ETag");
  for (const std::string& sent :
       {etag, "W/" + etag, "\"other\", " + etag, "\"a\",W/" + etag, std::string("*")}) {
    Response r = OpenApiDescription(Get("/v1/openapi.json", sent));
    EXPECT_EQ(r.status, 304) << sent;
    EXPECT_TRUE(r.body.empty()) << sent;
    EXPECT_EQ(r.Get("ETag"), etag) << sent;
  }
}

TEST(OpenApiDescription, Answers200WhenIfNoneMatchNamesAnotherContent) {
  const std::string etag = OpenApiDescription(Get("/v1/openapi.json")).Get("ETag");
  const std::string unquoted = etag.substr(1, etag.size() - 2);
  for (const std::string& sent : {std::string("\"0000\""), unquoted, "\"x" + unquoted + "\"",
                                  std::string(","), std::string("W/")}) {
    Response r = OpenApiDescription(Get("/v1/openapi.json", sent));
    EXPECT_EQ(r.status, 200) << sent;
    EXPECT_FALSE(r.body.empty()) << sent;
  }
}

TEST(DocsPage, LoadsOnlyFilesIcpdServesWithNothingInline) {
  Response r = DocsPage(Get("/v1/docs"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.Get("Content-Security-Policy"), kDocsPageContentSecurityPolicy);
  EXPECT_NE(r.body.find("lang=\"zh-CN\""), std::string::npos);
  for (std::string_view file :
       {"/v1/docs/swagger-ui.css", "/v1/docs/swagger-ui-bundle.js", "/v1/docs/docs.js"}) {
    EXPECT_NE(r.body.find(file), std::string::npos) << file;
  }
  // The CSP allows no inline script or style: every script has a src, and there is no style.
  EXPECT_EQ(Count(r.body, "<script"), Count(r.body, "<script src=\"/v1/docs/"));
  EXPECT_EQ(Count(r.body, "<style"), 0u);
  EXPECT_EQ(Count(r.body, "style="), 0u);
  EXPECT_EQ(Count(r.body, "http://") + Count(r.body, "https://"), 0u);
}

TEST(DocsPage, PolicyAllowsOnlyItsOwnOrigin) {
  const std::string_view csp = kDocsPageContentSecurityPolicy;
  EXPECT_NE(csp.find("default-src 'none'"), std::string_view::npos);
  EXPECT_NE(csp.find("script-src 'self';"), std::string_view::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string_view::npos);
  for (std::string_view loose : {"unsafe-inline", "unsafe-eval", "data:", "http", "*"}) {
    EXPECT_EQ(csp.find(loose), std::string_view::npos) << loose;
  }
}

TEST(DocsAsset, ServesTheSwaggerUiFilesAndTheStarter) {
  struct Want {
    std::string name;
    std::string content_type;
    std::string contains;
  };
  for (const Want& w :
       {Want{"swagger-ui-bundle.js", "text/javascript; charset=utf-8", "SwaggerUIBundle"},
        Want{"swagger-ui.css", "text/css; charset=utf-8", ".swagger-ui"},
        Want{"docs.js", "text/javascript; charset=utf-8", "/v1/openapi.json"}}) {
    Response r = DocsAsset(Asset(w.name));
    EXPECT_EQ(r.status, 200) << w.name;
    EXPECT_EQ(r.Get("Content-Type"), w.content_type) << w.name;
    EXPECT_NE(r.body.find(w.contains), std::string::npos) << w.name;
    EXPECT_EQ(DocsAsset(Asset(w.name, r.Get("ETag"))).status, 304) << w.name;
  }
  EXPECT_NE(DocsAsset(Asset("docs.js")).Get("ETag"),
            DocsAsset(Asset("swagger-ui.css")).Get("ETag"));
}

TEST(DocsAsset, RefusesAnyOtherNameWithA404Problem) {
  for (std::string name : {"index.html", "swagger-ui-bundle.js.map", "..%2Fopenapi.yaml"}) {
    Response r = DocsAsset(Asset(name));
    EXPECT_EQ(r.status, 404) << name;
    EXPECT_EQ(r.Get("Content-Type"), "application/problem+json");
    boost::json::value body = boost::json::parse(r.body);
    EXPECT_EQ(body.at("code"), "NOT_FOUND");
    EXPECT_EQ(body.at("violations").at(0).at("rule"), "docs.asset");
  }
}

TEST(DocsRoutes, OnlyTheDocsPageGetsItsLooserPolicy) {
  std::unique_ptr<memory::Database> db = memory::Database::Create();
  Metrics metrics;
  Services services{{*db, [] { return Result<void>{}; }}, metrics};
  Router router = BuildRouter(services);
  Dispatcher dispatcher{router, metrics};
  EXPECT_EQ(dispatcher.Dispatch(Get("/v1/docs")).Get("Content-Security-Policy"),
            kDocsPageContentSecurityPolicy);
  for (std::string path : {"/", "/healthz", "/v1/openapi.json", "/v1/docs/docs.js",
                           "/v1/docs/nothing", "/v1/nothing"}) {
    const std::string csp = dispatcher.Dispatch(Get(path)).Get("Content-Security-Policy");
    EXPECT_NE(csp, kDocsPageContentSecurityPolicy) << path;
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << path;
    EXPECT_EQ(csp.find("script-src"), std::string::npos) << path;
  }
}

}  // namespace
}  // namespace icp::http
