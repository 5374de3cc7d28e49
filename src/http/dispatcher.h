#pragma once

#include "http/authenticator.h"
#include "http/console_site.h"
#include "http/metrics.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"

namespace icp::http {

// What happens to every request between the wire and a handler, apart from Beast: the
// request id, the route table, the security headers, the access log and the metrics.
// http/server.cc calls Admit() when a request has arrived, Handle() on a handler thread,
// and Record() once the response is decided; tests call Dispatch(), which does all three.
// Thread-safe.
class Dispatcher {
 public:
  // All four are borrowed and outlive the dispatcher. Without an authenticator every route
  // that is not public answers 401. With a console, the paths it Takes() (/console/...) are
  // its, before the route table is asked (http/console_site.h); without one they are 404s.
  Dispatcher(const Router& router, Metrics& metrics, Authenticator* authenticator = nullptr,
             const ConsoleSite* console = nullptr)
      : router_(router), metrics_(metrics), authenticator_(authenticator), console_(console) {}

  // Keeps the client's X-Request-Id when it is 1-128 characters of [A-Za-z0-9._-] and
  // generates one otherwise; records the matched route pattern for the log and metrics, and
  // whether the route is hot (request.hot: the server then calls Handle() on its network
  // thread).
  void Admit(Request& request) const;

  // Runs the route's handler (404 problem for an unknown path, 405 with Allow for a method
  // the path does not take, 500 problem when the handler throws) and seals the response.
  // A route that is not public first needs a credential (401, rule "auth.required"; a bad
  // one 401, "auth.invalid"), for a session on an unsafe method the session's CSRF token in
  // X-CSRF-Token (403, "auth.csrf"), and a role its Access allows (403, "auth.role").
  Response Handle(Request request) const;

  // Adds what every response carries: X-Request-Id, X-Content-Type-Options: nosniff,
  // X-Frame-Options: DENY, Referrer-Policy: no-referrer; Content-Security-Policy (the strict
  // one, unless the handler chose a policy for its page) and Cache-Control: no-store (unless
  // the handler chose a Cache-Control).
  static Response Seal(const Request& request, Response response);

  // Counts the response in the metrics and writes the access log line (for a hot route, at
  // debug level only).
  void Record(const Request& request, const Response& response) const;

  // Admit + Handle + Record.
  Response Dispatch(Request request) const;

  // The largest body the route for `method` and `target` reads (its own limit, else
  // `fallback`): the server asks once the headers are in, before reading the body.
  std::size_t BodyLimit(std::string_view method, std::string_view target,
                        std::size_t fallback) const;

 private:
  // The caller of a non-public route, or the refusal to answer with.
  Result<Caller> Authorize(const Request& request, Access access) const;

  const Router& router_;
  Metrics& metrics_;
  Authenticator* authenticator_;
  const ConsoleSite* console_;
};

}  // namespace icp::http
