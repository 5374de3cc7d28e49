#pragma once

#include <optional>
#include <string>

#include "app/caller.h"
#include "base/result.h"
#include "http/request.h"

namespace icp::http {

// A credential the request carried, once checked.
struct Authentication {
  Caller caller;
  // A console session (the cookie) rather than an API key: unsafe methods then need the
  // session's CSRF token in X-CSRF-Token, since a browser sends cookies on its own.
  bool by_session = false;
  std::string csrf_token;
};

// Finds and checks the credential of a request (http/session_authenticator.h reads the
// session cookie and bearer API keys). Thread-safe: the dispatcher calls it from every
// handler thread.
class Authenticator {
 public:
  virtual ~Authenticator() = default;

  // nullopt when the request carries no credential; kUnauthenticated (rule "auth.invalid")
  // for one that is unknown, expired or revoked; kUnavailable when the store is down.
  virtual Result<std::optional<Authentication>> Authenticate(const Request& request) = 0;
};

}  // namespace icp::http
