// The route table and api/openapi.yaml describe the same API: every route is documented with
// its method, and every documented path and method is routed. A route added without its
// documentation (or the other way round) fails here, naming it and where to add it.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>

#include "base/error.h"
#include "http/api_docs_handlers.h"
#include "http/routes.h"
#include "storage/memory/database.h"

namespace icp::http {
namespace {

constexpr std::string_view kMethods[] = {"get",     "put",  "post",  "delete",
                                         "options", "head", "patch", "trace"};

// "/v1/applications/{id}" -> "/v1/applications/{}": the path's shape, whatever its names.
std::string Shape(std::string_view pattern) {
  std::string out;
  bool in_param = false;
  for (char c : pattern) {
    if (c == '{') in_param = true;
    if (!in_param) out += c;
    if (c == '}') {
      out += "{}";
      in_param = false;
    }
  }
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// "GET /path" for every route of icpd's table.
std::set<std::string> RoutedOperations() {
  std::unique_ptr<memory::Database> db = memory::Database::Create();
  Metrics metrics;
  Services services{{*db, [] { return Result<void>{}; }}, metrics};
  const Router router = BuildRouter(services);
  std::set<std::string> out;
  for (const Route& route : router.routes()) {
    out.insert(Upper(route.method) + " " + route.pattern);
  }
  return out;
}

boost::json::object Spec() { return boost::json::parse(OpenApiJson()).as_object(); }

// "GET /path" for every operation in api/openapi.yaml.
std::set<std::string> DocumentedOperations() {
  const boost::json::object spec = Spec();
  std::set<std::string> out;
  for (const auto& [path, item] : spec.at("paths").as_object()) {
    for (std::string_view method : kMethods) {
      if (item.as_object().contains(method)) out.insert(Upper(method) + " " + std::string(path));
    }
  }
  return out;
}

// The documented or routed operations with the same method and path shape as `op`.
std::vector<std::string> SameShape(const std::string& op, const std::set<std::string>& among) {
  std::vector<std::string> out;
  for (const std::string& other : among) {
    if (Shape(other) == Shape(op)) out.push_back(other);
  }
  return out;
}

TEST(OpenApiRoutes, EveryRouteIsDocumentedWithItsMethod) {
  const std::set<std::string> documented = DocumentedOperations();
  for (const std::string& op : RoutedOperations()) {
    if (documented.contains(op)) continue;
    const std::string method = op.substr(0, op.find(' '));
    const std::string path = op.substr(op.find(' ') + 1);
    std::vector<std::string> near = SameShape(op, documented);
    ADD_FAILURE() << "route " << op << " (src/http/routes.cc) is not documented in "
                  << "api/openapi.yaml: add `" << Lower(method) << ":` under `paths: " << path
                  << ":` in its tag's group"
                  << (near.empty() ? ""
                                   : " (the spec has " + near.front() +
                                         ": write the route's parameter names in both)");
  }
}

TEST(OpenApiRoutes, EveryDocumentedOperationIsRouted) {
  const std::set<std::string> routed = RoutedOperations();
  for (const std::string& op : DocumentedOperations()) {
    if (routed.contains(op)) continue;
    std::vector<std::string> near = SameShape(op, routed);
    ADD_FAILURE() << "api/openapi.yaml documents " << op
                  << ", which src/http/routes.cc does not route: add the route to the table, "
                  << "or remove the operation from the spec"
                  << (near.empty() ? ""
                                   : " (the table has " + near.front() +
                                         ": write the route's parameter names in both)");
  }
}

TEST(OpenApiRoutes, TheTableAndTheSpecAreNotEmpty) {
  // So the two tests above cannot pass by comparing nothing with nothing.
  EXPECT_GE(RoutedOperations().size(), 7u);
  EXPECT_TRUE(DocumentedOperations().contains("GET /v1/openapi.json"));
  EXPECT_TRUE(RoutedOperations().contains("GET /v1/openapi.json"));
}

TEST(OpenApiRoutes, ProblemCodesAreTheErrorCodes) {
  // Every name ErrorCodeName gives (values past the last code name INTERNAL, already in).
  std::set<std::string> names;
  for (int i = 0; i < 64; ++i) names.emplace(ErrorCodeName(static_cast<ErrorCode>(i)));
  const boost::json::object spec = Spec();
  std::set<std::string> documented;
  for (const auto& v : spec.at("components").at("schemas").at("ErrorCode").at("enum").as_array()) {
    documented.emplace(v.as_string());
  }
  for (const std::string& name : names) {
    EXPECT_TRUE(documented.contains(name))
        << "error code " << name << " (src/base/error.h) is missing from "
        << "components.schemas.ErrorCode.enum in api/openapi.yaml";
  }
  for (const std::string& name : documented) {
    EXPECT_TRUE(names.contains(name))
        << "api/openapi.yaml's ErrorCode lists " << name << ", which ErrorCodeName never gives";
  }
}

}  // namespace
}  // namespace icp::http
