#include "http/routes.h"

#include "http/auth_handlers.h"

namespace icp::http {

Router BuildRouter(const Services& s) {
  Router r;
  // clang-format off
  r.Add("GET", "/",        Access::kPublic, IndexPage);
  r.Add("GET", "/healthz", Access::kPublic, Healthz);
  r.Add("GET", "/readyz",  Access::kPublic, [&s](const Request& q) { return Readyz(q, s.readiness); });
  r.Add("GET", "/metrics", Access::kPublic, [&s](const Request& q) { return MetricsPage(q, s.metrics); });
  // clang-format on

  // ---- auth (issue 9): accounts, sessions, API keys ----
  if (s.auth != nullptr) {
    AuthService& a = *s.auth;
    const CookieSettings& c = s.cookie;
    // clang-format off
    r.Add("POST",   "/v1/sessions",                  Access::kPublic,   [&a, &c](const Request& q) { return SignIn(q, a, c); });
    r.Add("DELETE", "/v1/sessions/current",          Access::kSignedIn, [&a, &c](const Request& q) { return SignOut(q, a, c); });
    r.Add("GET",    "/v1/me",                        Access::kSignedIn, [&a, &c](const Request& q) { return Me(q, a, c); });
    r.Add("POST",   "/v1/api-keys",                  Access::kSignedIn, [&a](const Request& q) { return CreateApiKey(q, a); });
    r.Add("GET",    "/v1/api-keys",                  Access::kSignedIn, [&a](const Request& q) { return ListApiKeys(q, a); });
    r.Add("DELETE", "/v1/api-keys/{id}",             Access::kSignedIn, [&a](const Request& q) { return RevokeApiKey(q, a); });
    r.Add("POST",   "/v1/accounts",                  Access::kAdmin,    [&a](const Request& q) { return CreateAccount(q, a); });
    r.Add("GET",    "/v1/accounts",                  Access::kAdmin,    [&a](const Request& q) { return ListAccounts(q, a); });
    r.Add("GET",    "/v1/accounts/{id}",             Access::kAdmin,    [&a](const Request& q) { return GetAccount(q, a); });
    r.Add("PUT",    "/v1/accounts/{id}/real-name",   Access::kAdmin,    [&a](const Request& q) { return SetRealName(q, a); });
    r.Add("PUT",    "/v1/accounts/{id}/mobile",      Access::kAdmin,    [&a](const Request& q) { return SetBoundMobile(q, a); });
    r.Add("POST",   "/v1/accounts/{id}:disable",     Access::kAdmin,    [&a](const Request& q) { return DisableAccount(q, a); });
    // clang-format on
  }
  return r;
}

}  // namespace icp::http
