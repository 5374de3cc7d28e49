#include "http/health_handlers.h"

#include <vector>

#include <boost/json/object.hpp>

#include "http/responses.h"

namespace icp::http {
namespace {

FieldViolation Failed(std::string field, std::string_view fallback_rule, const Error& error,
                      std::string message_zh) {
  std::string rule(error.rule().empty() ? fallback_rule : error.rule());
  return {std::move(field), std::move(rule), error.message, std::move(message_zh)};
}

// Begins a read transaction and ends it again (its destructor ends the read).
Result<void> StoreReachable(Database& database) {
  Result<std::unique_ptr<ReadTransaction>> read = database.BeginRead();
  if (!read) return std::unexpected(read.error());
  return {};
}

}  // namespace

Response Healthz(const Request&) { return JsonResponse(boost::json::object{{"status", "up"}}); }

Response Readyz(const Request& request, const Readiness& readiness) {
  std::vector<FieldViolation> failed;
  if (Result<void> store = StoreReachable(readiness.database); !store) {
    failed.push_back(Failed("store", "readiness.store", store.error(), "无法连接数据库"));
  }
  if (Result<void> schema = readiness.schema_current(); !schema) {
    failed.push_back(Failed("schema", "readiness.schema", schema.error(), "数据库结构不是最新"));
  }
  if (!failed.empty()) {
    Error error{ErrorCode::kUnavailable, "not ready: ", std::move(failed)};
    for (std::size_t i = 0; i < error.violations.size(); ++i) {
      error.message +=
          (i == 0 ? "" : "; ") + error.violations[i].field + ": " + error.violations[i].message;
    }
    return ProblemResponse(request, error);
  }
  return JsonResponse(boost::json::object{{"status", "ready"}});
}

Response MetricsPage(const Request&, const Metrics& metrics) {
  return TextResponse(metrics.RenderPrometheus(), "text/plain; version=0.0.4; charset=utf-8");
}

Response IndexPage(const Request&) {
  return TextResponse(
      "<!doctype html>\n"
      "<html lang=\"zh-CN\">\n"
      "<head><meta charset=\"utf-8\"><title>Beian 备案平台</title></head>\n"
      "<body>\n"
      "<h1>Beian 备案平台</h1>\n"
      "<p>ICP 备案服务已启动。</p>\n"
      "<ul>\n"
      "<li><a href=\"/console/\">备案控制台</a>（console）</li>\n"
      "<li><a href=\"/v1/docs\">接口文档</a>（API v1 docs）</li>\n"
      "<li><a href=\"/v1/openapi.json\">接口说明 OpenAPI 3.1</a>（/v1/openapi.json）</li>\n"
      "</ul>\n"
      "</body>\n"
      "</html>\n",
      "text/html; charset=utf-8");
}

}  // namespace icp::http
