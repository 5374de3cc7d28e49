#include "http/routes.h"

#include <functional>

#include "http/api_docs_handlers.h"
#include "http/auth_handlers.h"
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
  ApplicationApi* apps = s.applications;
  r.Add("POST", "/v1/type-checks",                 Access::kCustomer, Bind(apps, CheckType));
  r.Add("POST", "/v1/applications",                Access::kCustomer, Bind(apps, CreateApplication));
  r.Add("GET",  "/v1/applications",                Access::kSignedIn, Bind(apps, ListApplications));
  r.Add("GET",  "/v1/applications/{id}",           Access::kSignedIn, Bind(apps, GetApplication));
  r.Add("PUT",  "/v1/applications/{id}",           Access::kCustomer, Bind(apps, EditApplication));
  r.Add("POST", "/v1/applications/{id}:submit",    Access::kCustomer, Bind(apps, SubmitApplication));
  r.Add("POST", "/v1/applications/{id}:withdraw",  Access::kCustomer, Bind(apps, WithdrawApplication));
  r.Add("POST", "/v1/applications/{id}:abandon",   Access::kCustomer, Bind(apps, AbandonApplication));
  r.Add("GET",  "/v1/review/queue",                Access::kStaff,    Bind(apps, ReviewQueue));
  r.Add("POST", "/v1/applications/{id}:claim",     Access::kStaff,    Bind(apps, ClaimApplication));
  r.Add("POST", "/v1/applications/{id}:contact",   Access::kStaff,    Bind(apps, RecordContact));
  r.Add("POST", "/v1/applications/{id}:return",    Access::kStaff,    Bind(apps, ReturnApplication));
  r.Add("POST", "/v1/applications/{id}:pass",      Access::kStaff,    Bind(apps, PassApplication));
  // clang-format on

  // ---- auth (issue 9): accounts, sessions, API keys (http/auth_handlers.h). Without the
  // service (tests of other routes) they answer 503, but stay in the table the spec test walks.
  AuthService* auth = s.auth;
  const CookieSettings& c = s.cookie;
  const auto A = [auth](std::function<Response(const Request&, AuthService&)> handler) -> Handler {
    return [auth, handler](const Request& q) {
      if (auth == nullptr) return ProblemResponse(q, Unavailable("the API is not wired").error());
      return handler(q, *auth);
    };
  };
  // clang-format off
  r.Add("POST",   "/v1/sessions",                Access::kPublic,   A([&c](const Request& q, AuthService& a) { return SignIn(q, a, c); }));
  r.Add("DELETE", "/v1/sessions/current",        Access::kSignedIn, A([&c](const Request& q, AuthService& a) { return SignOut(q, a, c); }));
  r.Add("GET",    "/v1/me",                      Access::kSignedIn, A([&c](const Request& q, AuthService& a) { return Me(q, a, c); }));
  r.Add("POST",   "/v1/api-keys",                Access::kSignedIn, A(CreateApiKey));
  r.Add("GET",    "/v1/api-keys",                Access::kSignedIn, A(ListApiKeys));
  r.Add("DELETE", "/v1/api-keys/{id}",           Access::kSignedIn, A(RevokeApiKey));
  r.Add("POST",   "/v1/accounts",                Access::kAdmin,    A(CreateAccount));
  r.Add("GET",    "/v1/accounts",                Access::kAdmin,    A(ListAccounts));
  r.Add("GET",    "/v1/accounts/{id}",           Access::kAdmin,    A(GetAccount));
  r.Add("PUT",    "/v1/accounts/{id}/real-name", Access::kAdmin,    A(SetRealName));
  r.Add("PUT",    "/v1/accounts/{id}/mobile",    Access::kAdmin,    A(SetBoundMobile));
  r.Add("POST",   "/v1/accounts/{id}:disable",   Access::kAdmin,    A(DisableAccount));

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
