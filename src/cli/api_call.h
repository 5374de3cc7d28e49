#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>

#include "base/result.h"
#include "cli/auth_command.h"
#include "cli/http_client.h"

namespace icp::cli {

// What every icpctl command that talks to icpd shares.

// Prints a problem reply as the CLI prints every error: the detail, then each violation
// with its field and rule, and when to retry. Returns 1 (the exit status).
int PrintProblem(const HttpReply& reply, std::ostream& err);

// One API call with the stored session: the cookie, the CSRF token (for unsafe methods),
// JSON unless `headers` names another Content-Type, and `headers` (If-Match, ...).
Result<HttpReply> Call(HttpClient& http, const StoredToken& token, std::string method,
                       std::string_view path, std::string body = {},
                       const std::map<std::string, std::string>& headers = {});

// Call() for a JSON answer: the parsed body of a 2xx reply, with the reply's ETag kept under
// "_etag" when the body is an object (what the next act sends as If-Match). A transport
// error, a problem (printed as PrintProblem does) or a body that is not JSON prints to `err`
// and answers std::nullopt. An empty body is JSON null.
std::optional<boost::json::value> CallJson(HttpClient& http, const StoredToken& token,
                                           std::string method, std::string_view path,
                                           std::ostream& err, std::string body = {},
                                           const std::map<std::string, std::string>& headers = {});

// A field of a reply as text: a string as it is, a number or object as JSON, "" when absent
// or null.
std::string TextOf(const boost::json::object& o, std::string_view key);

}  // namespace icp::cli
