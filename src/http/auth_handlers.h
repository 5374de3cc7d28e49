#pragma once

#include "app/auth_service.h"
#include "http/request.h"
#include "http/response.h"
#include "http/session_authenticator.h"

namespace icp::http {

// Accounts, sessions and API keys (api/openapi.yaml, tag "auth"). Thin over app/AuthService:
// read the body strictly, call one use case, map the result.

// POST /v1/sessions (public): {login, password} -> 201 {account, role, csrf_token,
// expires_at} with the session cookie; 401 auth.credentials; 429 auth.throttled with
// Retry-After.
Response SignIn(const Request& request, AuthService& auth, const CookieSettings& cookie);
// DELETE /v1/sessions/current: ends the cookie's session; 204 and the cookie cleared.
Response SignOut(const Request& request, AuthService& auth, const CookieSettings& cookie);
// GET /v1/me: the caller's account with its real name masked, and the CSRF token of the
// session (for the console after a reload).
Response Me(const Request& request, AuthService& auth, const CookieSettings& cookie);

// POST /v1/api-keys {name} -> 201 with the secret (shown this once); GET /v1/api-keys;
// DELETE /v1/api-keys/{id} -> 200 with the revoked key.
Response CreateApiKey(const Request& request, AuthService& auth);
Response ListApiKeys(const Request& request, AuthService& auth);
Response RevokeApiKey(const Request& request, AuthService& auth);

// Admin: POST /v1/accounts, GET /v1/accounts?cursor=&limit=, GET /v1/accounts/{id},
// PUT /v1/accounts/{id}/real-name, PUT /v1/accounts/{id}/mobile, POST /v1/accounts/{id}:disable.
Response CreateAccount(const Request& request, AuthService& auth);
Response ListAccounts(const Request& request, AuthService& auth);
Response GetAccount(const Request& request, AuthService& auth);
Response SetRealName(const Request& request, AuthService& auth);
Response SetBoundMobile(const Request& request, AuthService& auth);
Response DisableAccount(const Request& request, AuthService& auth);

}  // namespace icp::http
