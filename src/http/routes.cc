#include "http/routes.h"

#include "http/api_docs_handlers.h"
#include "http/responses.h"

namespace icp::http {
namespace {

// Binds an API handler to its use cases; 503 when the router was built without them.
template <class Api>
Handler Bind(Api* api, Response (*handler)(const Request&, Api&)) {
  return [api, handler](const Request& q) {
    if (api == nullptr) return ProblemResponse(q, Unavailable("the API is not wired").error());
    return handler(q, *api);
  };
}

}  // namespace

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

  // Applications (app/application_service.h) and the provider's review
  // (app/review_service.h): http/application_handlers.h.
  ApplicationApi* a = s.applications;
  r.Add("POST", "/v1/type-checks",                 Access::kCustomer, Bind(a, CheckType));
  r.Add("POST", "/v1/applications",                Access::kCustomer, Bind(a, CreateApplication));
  r.Add("GET",  "/v1/applications",                Access::kSignedIn, Bind(a, ListApplications));
  r.Add("GET",  "/v1/applications/{id}",           Access::kSignedIn, Bind(a, GetApplication));
  r.Add("PUT",  "/v1/applications/{id}",           Access::kCustomer, Bind(a, EditApplication));
  r.Add("POST", "/v1/applications/{id}:submit",    Access::kCustomer, Bind(a, SubmitApplication));
  r.Add("POST", "/v1/applications/{id}:withdraw",  Access::kCustomer, Bind(a, WithdrawApplication));
  r.Add("POST", "/v1/applications/{id}:abandon",   Access::kCustomer, Bind(a, AbandonApplication));
  r.Add("GET",  "/v1/review/queue",                Access::kStaff,    Bind(a, ReviewQueue));
  r.Add("POST", "/v1/applications/{id}:claim",     Access::kStaff,    Bind(a, ClaimApplication));
  r.Add("POST", "/v1/applications/{id}:contact",   Access::kStaff,    Bind(a, RecordContact));
  r.Add("POST", "/v1/applications/{id}:return",    Access::kStaff,    Bind(a, ReturnApplication));
  r.Add("POST", "/v1/applications/{id}:pass",      Access::kStaff,    Bind(a, PassApplication));
  // clang-format on
  return r;
}

}  // namespace icp::http
