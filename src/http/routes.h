#pragma once

#include "app/auth_service.h"
#include "http/application_handlers.h"
#include "http/health_handlers.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/session_authenticator.h"

namespace icp::http {

// What the handlers are bound to. Borrowed: everything here outlives the router.
struct Services {
  Readiness readiness;
  const Metrics& metrics;
  // Accounts, sessions and API keys; without it (tests of other routes) their routes are
  // left out.
  AuthService* auth = nullptr;
  CookieSettings cookie = {};
  // The API's use cases. Null in tests of the health routes only: the API's routes are in
  // the table all the same (the spec test walks it) and answer 503 without them.
  ApplicationApi* applications = nullptr;
};

// The one route table of icpd (STYLE.md §4.3): every method, path and handler, in one place.
Router BuildRouter(const Services& services);

}  // namespace icp::http
