#include "http/gate_handlers.h"

#include <boost/json/object.hpp>

#include "http/api_support.h"
#include "http/responses.h"

namespace icp::http {

Response CheckGate(const Request& request, const Gate& gate) {
  std::string host;
  std::vector<FieldViolation> problems;
  for (const auto& [name, value] : QueryParameters(request)) {
    if (name == "host") {
      host = value;
    } else {
      problems.push_back({name, "request.unknown-parameter", "unknown query parameter " + name,
                          "未知的查询参数 " + name});
    }
  }
  Result<GateDecision> d = gate.Check(host);
  if (!d)
    problems.insert(problems.begin(), d.error().violations.begin(), d.error().violations.end());
  if (!problems.empty())
    return ProblemResponse(request, InvalidFields(std::move(problems)).error());

  boost::json::object body{{"decision", d->allowed ? "allow" : "deny"}, {"host", d->host}};
  body["domain"] =
      d->matched.empty() ? boost::json::value(nullptr) : boost::json::value(d->matched);
  if (d->allowed) {
    body["number"] = d->number;
  } else {
    body["reason"] = GateReasonName(d->reason);
  }
  Response response = JsonResponse(body, d->allowed ? 200 : 403);
  response.Set("X-Gate-Decision", d->allowed ? "allow" : "deny");
  response.Set("X-Gate-Reason", std::string(GateReasonName(d->reason)));
  if (!d->matched.empty()) response.Set("X-Gate-Domain", d->matched);
  // Answers are public and change only with filings: an edge may keep one a few seconds.
  response.Set("Cache-Control", "public, max-age=5");
  return response;
}

}  // namespace icp::http
