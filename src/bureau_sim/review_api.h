#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "bureau_sim/pipeline.h"
#include "bureau_sim/registry.h"
#include "http/router.h"
#include "ports/clock.h"

namespace icp::bureau_sim {

// The bureau reviewer's JSON API on the stand-in's HTTP server (docs/bureau-protocol.md,
// "icp-bureau"), every call with "Authorization: Bearer <token>" (ICP_BUREAU_REVIEW_TOKEN):
//   GET  /bureau/api/filings?state=review&after=ID&limit=N   filings, oldest first
//   GET  /bureau/api/filings/{id}                            one, with its record
//   POST /bureau/api/filings/{id}:approve   {"reviewer"?}
//   POST /bureau/api/filings/{id}:return    {"reasons": [{"jgdm", "path"?, "text"}], "reviewer"?}
// Errors are RFC 9457 problems. An empty token turns the API off (403 on every call).
void AddReviewRoutes(http::Router& router, Store& store, Pipeline& pipeline, Clock& clock,
                     std::string token);

// A filing as the API and `icp-bureau review` show it; `with_record` adds the record's XML.
boost::json::object FilingJson(const Filing& filing, bool with_record);

// The body of :return, decoded strictly: unknown keys refused at their path, every problem
// at once (rule "bureau.review.*"). Returns the reasons and the reviewer ("" if not given).
struct ReturnBody {
  std::vector<Reason> reasons;
  std::string reviewer;
};
Result<ReturnBody> DecodeReturnBody(std::string_view body);

// One reason from the command line: "JGDM[@PATH]:TEXT" (e.g. "1002@websites[0].name:名称不符").
Result<Reason> ParseReasonArgument(std::string_view text);

}  // namespace icp::bureau_sim
