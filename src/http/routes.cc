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

  // ---- materials, verification, resources, authorization codes (http/material_handlers.h,
  // docs/materials.md). The upload routes alone take bodies up to max_upload_bytes.
  MaterialApi* m = s.materials;
  const auto M = [m](Response (*handler)(const Request&, MaterialApi&)) -> Handler {
    return [m, handler](const Request& q) {
      if (m == nullptr) return ProblemResponse(q, Unavailable("the API is not wired").error());
      return handler(q, *m);
    };
  };
  const std::size_t upload = s.max_upload_bytes;
  r.Add("POST",   "/v1/applications/{id}/materials",        Access::kCustomer, upload, M(UploadMaterial));
  r.Add("GET",    "/v1/applications/{id}/materials",        Access::kSignedIn, M(ListMaterials));
  r.Add("GET",    "/v1/materials/{id}/content",             Access::kSignedIn, M(GetMaterialContent));
  r.Add("DELETE", "/v1/materials/{id}",                     Access::kCustomer, M(DeleteMaterial));
  r.Add("POST",   "/v1/applications/{id}/verifications",    Access::kCustomer, upload, M(SubmitVerification));
  r.Add("GET",    "/v1/applications/{id}/verifications",    Access::kSignedIn, M(ListVerifications));
  r.Add("POST",   "/v1/verifications/{id}:review",          Access::kStaff,    M(ReviewVerification));
  r.Add("POST",   "/v1/admin/resources:import",             Access::kAdmin,    M(ImportResources));
  r.Add("GET",    "/v1/resources",                          Access::kCustomer, M(ListResources));
  r.Add("POST",   "/v1/authorization-codes",                Access::kCustomer, M(CreateAuthorizationCode));
  r.Add("GET",    "/v1/authorization-codes",                Access::kCustomer, M(ListAuthorizationCodes));
  r.Add("POST",   "/v1/authorization-codes/{code}:revoke",  Access::kCustomer, M(RevokeAuthorizationCode));
  r.Add("POST",   "/v1/authorization-codes/{code}:redeem",  Access::kCustomer, M(RedeemAuthorizationCode));
  // clang-format on
  return r;
}

}  // namespace icp::http
