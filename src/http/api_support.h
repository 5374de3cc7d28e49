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

// The Idempotency-Key a creating request runs under, handed to a handler that makes its
// effect in one unit of work: Keep() writes the answer in that same unit of work, so that the
// effect and the key's answer commit together or not at all. Without it a process that dies
// between the effect's commit and the answer's leaves the key pending over a committed
// effect, and the retry, once it takes the key over, runs the request again (a second
// effect, or a refusal in place of the first answer; tests/reliability/crash_test.py found
// it: a create retried after a kill answered 409 application.open-for-subject).
class IdempotencyTicket {
 public:
  IdempotencyTicket(AccountId account, std::string key) : account_(account), key_(std::move(key)) {}

  // Records `answer` (2xx) as the key's answer in `uow`, which the caller then commits.
  Result<void> Keep(UnitOfWork& uow, const Response& answer);
  // Keep() was called: the answer is final once its unit of work committed.
  bool kept() const { return kept_; }

 private:
  AccountId account_;
  std::string key_;
  bool kept_ = false;
};

// Runs `handler` at most once per (account, Idempotency-Key) for a creating POST: a retry
// with the same key and the same method, path and body gets the first answer again (2xx and
// 4xx answers are kept; a 5xx is not, so a retry runs again). The same key with another
// request is 409 (rule "idempotency.key-reused"); while the first request still runs, 409
// (rule "idempotency.in-progress", Retry-After: 1). A reservation older than `stale_after`
// belongs to a process that died and is taken over. Without the header the handler just runs
// (with a null ticket). A handler that answers 2xx after keeping the answer with its effect
// (IdempotencyTicket::Keep) is not completed again; any other answer is kept after it.
// REQUIRES: request.caller is set (the route is not public).
Response Idempotent(const Request& request, Database& db, Clock& clock,
                    const std::function<Response(IdempotencyTicket*)>& handler,
                    std::chrono::seconds stale_after = std::chrono::seconds(60));
// The same for a handler whose effect is not one unit of work of its own making.
Response Idempotent(const Request& request, Database& db, Clock& clock,
                    const std::function<Response()>& handler,
                    std::chrono::seconds stale_after = std::chrono::seconds(60));

}  // namespace icp::http
