#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "app/auth_service.h"
#include "http/authenticator.h"
#include "http/request.h"

namespace icp::http {

// The session cookie as icpd sets it (settings "cookie_secure"; docs/configuration.md).
struct CookieSettings {
  std::string name = "icp_session";
  // Secure: the browser sends the cookie over HTTPS only. Turn it off only for plain http
  // on loopback (a developer's machine, the e2e tests).
  bool secure = true;
};

// Set-Cookie for a new session: HttpOnly (no script reads it), SameSite=Strict (no other
// site's page sends it), Path=/, Secure unless turned off, Max-Age = the session's longest
// life.
std::string SessionCookie(const CookieSettings& settings, std::string_view token,
                          std::chrono::seconds max_age);
// Set-Cookie that removes the session cookie.
std::string ClearedSessionCookie(const CookieSettings& settings);
// The value of cookie `name` in the request's Cookie header, if sent.
std::optional<std::string> CookieValue(const Request& request, std::string_view name);

// Reads a request's credential: "Authorization: Bearer <API key>" (systems), else the
// session cookie (the console). A request carrying both is judged by the bearer key.
class SessionAuthenticator final : public Authenticator {
 public:
  SessionAuthenticator(AuthService& auth, CookieSettings cookie)
      : auth_(auth), cookie_(std::move(cookie)) {}

  Result<std::optional<Authentication>> Authenticate(const Request& request) override;

 private:
  AuthService& auth_;
  CookieSettings cookie_;
};

}  // namespace icp::http
