#pragma once

#include "app/gate.h"
#include "http/request.h"
#include "http/response.h"

namespace icp::http {

// GET /v1/gate?host=NAME (no sign-in: what is filed is public; docs/api.md, "The access
// gate"). 200 {"decision":"allow","host","domain","number"} for a host whose domain is filed
// here with an approved website; 403 {"decision":"deny","host","domain","reason"} otherwise;
// both with X-Gate-Decision, X-Gate-Reason and X-Gate-Domain for nginx's auth_request, and
// Cache-Control: max-age=5. 400 problem naming "host" (rules gate.host-*) or an unknown
// parameter (request.unknown-parameter).
Response CheckGate(const Request& request, const Gate& gate);

}  // namespace icp::http
