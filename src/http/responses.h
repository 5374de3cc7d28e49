#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "base/error.h"
#include "base/result.h"
#include "http/request.h"
#include "http/response.h"

namespace icp::http {

// The one table that decides which HTTP status an error becomes (STYLE.md §4.3).
int HttpStatusFor(ErrorCode code);

// An RFC 9457 application/problem+json response for `error`:
//   {"type", "title", "status", "code": ErrorCodeName, "detail": error.message,
//    "violations": [{"field", "rule", "message", "message_zh"}], "request_id"}
// The status comes from HttpStatusFor unless `status` is given: the few refusals the
// error codes do not name (405, 413, 431) pass it explicitly.
Response ProblemResponse(const Request& request, const Error& error, int status = 0);

// 200 (or `status`) with `value` serialised as application/json.
Response JsonResponse(const boost::json::value& value, int status = 200);

// `body` with the given content type.
Response TextResponse(std::string body, std::string content_type, int status = 200);

// The request body as JSON. kInvalidArgument naming what is wrong: rule
// "request.content-type" unless the body is sent as application/json, rule "request.json"
// (with the offset) when it does not parse.
Result<boost::json::value> ParseJsonBody(const Request& request);

}  // namespace icp::http
