#include "http/console_site.h"

#include <gtest/gtest.h>

#include <string>

#include <boost/json/parse.hpp>

#include "http/dispatcher.h"
#include "http/routes.h"
#include "storage/memory/database.h"

namespace icp::http {
namespace {

const std::string kIndex = "<!doctype html><title>Beian</title><script src=/console/assets/i-1.js>";

ConsoleSite Built() {
  return ConsoleSite({{"index.html", kIndex},
                      {"favicon.svg", "<svg/>"},
                      {"assets/i-1.js", "console.log(1)"},
                      {"assets/i-1.js.gz", "GZIPPED"},
                      {"assets/i-1.css", "body{}"}});
}

// Requests go through a real Dispatcher over icpd's route table, so the console is seen
// beside the API: /v1 stays the API's, /console is the console's.
class ConsoleSiteTest : public ::testing::Test {
 protected:
  Response Send(std::string method, std::string target,
                std::map<std::string, std::string> headers = {}) {
    Request request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.headers = std::move(headers);
    return dispatcher_.Dispatch(std::move(request));
  }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  Metrics metrics_;
  Services services_{{*db_, [] { return Result<void>{}; }}, metrics_};
  Router router_ = BuildRouter(services_);
  ConsoleSite site_ = Built();
  Dispatcher dispatcher_{router_, metrics_, nullptr, &site_};
};

TEST_F(ConsoleSiteTest, HashedAssetsAreImmutable) {
  Response r = Send("GET", "/console/assets/i-1.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "console.log(1)");
  EXPECT_EQ(r.Get("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(r.Get("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(r.Get("Content-Security-Policy"), kConsoleContentSecurityPolicy);
  EXPECT_EQ(Send("GET", "/console/assets/i-1.css").Get("Content-Type"), "text/css; charset=utf-8");
}

TEST_F(ConsoleSiteTest, GzipOnlyToAClientThatTakesIt) {
  Response plain = Send("GET", "/console/assets/i-1.js");
  EXPECT_FALSE(plain.Has("Content-Encoding"));
  EXPECT_EQ(plain.Get("Vary"), "Accept-Encoding");
  Response gz = Send("GET", "/console/assets/i-1.js", {{"accept-encoding", "br, gzip;q=0.8"}});
  EXPECT_EQ(gz.body, "GZIPPED");
  EXPECT_EQ(gz.Get("Content-Encoding"), "gzip");
  EXPECT_EQ(gz.Get("ETag"), plain.Get("ETag"));
  for (const char* refused : {"gzip;q=0", "br", "gzip; q=0.000", "identity"}) {
    Response r = Send("GET", "/console/assets/i-1.js", {{"accept-encoding", refused}});
    EXPECT_EQ(r.body, "console.log(1)") << refused;
    EXPECT_FALSE(r.Has("Content-Encoding")) << refused;
  }
  // A file without a .gz beside it is sent as it is, without Vary.
  Response css = Send("GET", "/console/assets/i-1.css", {{"accept-encoding", "gzip"}});
  EXPECT_EQ(css.body, "body{}");
  EXPECT_FALSE(css.Has("Vary"));
}

TEST_F(ConsoleSiteTest, ConsoleRoutesGetTheIndexRevalidated) {
  for (const char* path :
       {"/console/", "/console/apply", "/console/review/42", "/console/applications/7/fix?x=1"}) {
    Response r = Send("GET", path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, kIndex) << path;
    EXPECT_EQ(r.Get("Content-Type"), "text/html; charset=utf-8") << path;
    EXPECT_EQ(r.Get("Cache-Control"), "no-cache") << path;
    EXPECT_EQ(r.Get("Content-Security-Policy"), kConsoleContentSecurityPolicy) << path;
  }
  Response r = Send("GET", "/console/");
  EXPECT_EQ(Send("GET", "/console/", {{"if-none-match", r.Get("ETag")}}).status, 304);
  EXPECT_EQ(Send("GET", "/console/favicon.svg").Get("Cache-Control"), "no-cache");
}

TEST_F(ConsoleSiteTest, AMissingFileIsA404NotTheIndex) {
  for (const char* path :
       {"/console/assets/gone-9.js", "/console/assets/x", "/console/gone.png", "/console/a/b.js"}) {
    Response r = Send("GET", path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.Get("Content-Type"), "application/problem+json") << path;
    EXPECT_NE(r.body.find("console.file"), std::string::npos) << r.body;
  }
}

TEST_F(ConsoleSiteTest, TheApiIsNotShadowed) {
  Response r = Send("GET", "/v1/applications");
  EXPECT_EQ(r.status, 401);  // the API's answer (no authenticator here), not the index
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
  EXPECT_EQ(Send("GET", "/v1/nothing").status, 404);
  EXPECT_EQ(Send("GET", "/consoles").status, 404);  // not under /console/
  EXPECT_EQ(Send("GET", "/v1/nothing").Get("Content-Type"), "application/problem+json");
}

TEST_F(ConsoleSiteTest, RedirectsTheBarePrefixAndRefusesOtherMethods) {
  Response bare = Send("GET", "/console");
  EXPECT_EQ(bare.status, 308);
  EXPECT_EQ(bare.Get("Location"), "/console/");
  Response post = Send("POST", "/console/apply");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.Get("Allow"), "GET, HEAD");
  Response head = Send("HEAD", "/console/assets/i-1.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST(ConsoleSite, NotBuiltNamesMakeBuild) {
  ConsoleSite none({});
  EXPECT_FALSE(none.built());
  Request request;
  request.method = "GET";
  request.target = "/console/";
  Response r = none.Serve(request);
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("make build"), std::string::npos) << r.body;
}

TEST(ConsoleSite, TakesOnlyItsPrefix) {
  EXPECT_TRUE(ConsoleSite::Takes("/console"));
  EXPECT_TRUE(ConsoleSite::Takes("/console/"));
  EXPECT_TRUE(ConsoleSite::Takes("/console/x/y"));
  EXPECT_FALSE(ConsoleSite::Takes("/consolex"));
  EXPECT_FALSE(ConsoleSite::Takes("/v1/console"));
  EXPECT_FALSE(ConsoleSite::Takes("/"));
}

}  // namespace
}  // namespace icp::http
