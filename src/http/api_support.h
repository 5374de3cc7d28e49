#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "app/caller.h"
#include "base/result.h"
#include "http/request.h"
#include "http/response.h"
#include "ports/clock.h"
#include "ports/database.h"

namespace icp::http {

// What the API's handlers share beside the problem shape (http/responses.h): revisions as
// ETags, If-Match, opaque cursors, query parameters, Idempotency-Key.

// A revision as a strong ETag: "\"r7\"".
std::string EtagOf(std::int64_t revision);

// The revision the request's If-Match names. 428 problem (rule "request.if-match") when the
// header is missing, 400 when it is not one ETag of ours; the caller answers with it.
Result<std::int64_t> IfMatchRevision(const Request& request);

// The answer to an error of a use case: a stale revision (rule "storage.revision") is 412
// when the request named the revision in If-Match; anything else as http/responses.h maps it.
Response ErrorAnswer(const Request& request, const Error& error);

// An opaque cursor: `kind` and its fields in URL-safe base64, so clients cannot build one.
std::string EncodeCursor(std::string_view plain);
// kInvalidArgument (rule "request.cursor", field "cursor") for a cursor we did not write.
Result<std::string> DecodeCursor(std::string_view cursor);

// The decoded query string; a name given twice keeps the last value.
std::map<std::string, std::string> QueryParameters(const Request& request);

// Runs `handler` at most once per (account, Idempotency-Key) for a creating POST: a retry
// with the same key and the same method, path and body gets the first answer again (2xx and
// 4xx answers are kept; a 5xx is not, so a retry runs again). The same key with another
// request is 409 (rule "idempotency.key-reused"); while the first request still runs, 409
// (rule "idempotency.in-progress", Retry-After: 1). A reservation older than `stale_after`
// belongs to a process that died and is taken over. Without the header the handler just runs.
// REQUIRES: request.caller is set (the route is not public).
Response Idempotent(const Request& request, Database& db, Clock& clock,
                    const std::function<Response()>& handler,
                    std::chrono::seconds stale_after = std::chrono::seconds(60));

}  // namespace icp::http
