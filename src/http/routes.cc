#include "http/routes.h"

#include "http/api_docs_handlers.h"

namespace icp::http {

Router BuildRouter(const Services& s) {
  Router r;
  // clang-format off
  r.Add("GET", "/",        Access::kPublic, IndexPage);
  r.Add("GET", "/healthz", Access::kPublic, Healthz);
  r.Add("GET", "/readyz",  Access::kPublic, [&s](const Request& q) { return Readyz(q, s.readiness); });
  r.Add("GET", "/metrics", Access::kPublic, [&s](const Request& q) { return MetricsPage(q, s.metrics); });

  // The API description (api/openapi.yaml) and its docs page: http/api_docs_handlers.h.
  r.Add("GET", "/v1/openapi.json", Access::kPublic, OpenApiDescription);
  r.Add("GET", "/v1/docs",         Access::kPublic, DocsPage);
  r.Add("GET", "/v1/docs/{asset}", Access::kPublic, DocsAsset);
  // clang-format on
  return r;
}

}  // namespace icp::http
