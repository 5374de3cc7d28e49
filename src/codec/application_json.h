#pragma once

#include <boost/json/value.hpp>

#include "base/date.h"
#include "base/result.h"
#include "domain/application.h"
#include "rules/evaluate.h"

namespace icp::codec {

// The application document of docs/application-json.md <-> domain::Application.
// Shared by icpctl (precheck, rule cases) and the HTTP API, so both accept exactly one shape.

// Every malformed field is reported at once: kInvalidArgument whose violations carry the
// field path ("websites[0].principal.mobile") and the value type's rule ("mobile.segment").
// `today` bounds birth dates in certificate numbers.
Result<Application> ApplicationFromJson(const boost::json::value& document, Date today);

// The `facts` object beside an application (rule cases, precheck): {"filed_websites": 3}.
Result<EvaluationFacts> FactsFromJson(const boost::json::value& facts);

// Violations as the API and the CLI print them.
boost::json::value ViolationsToJson(const std::vector<Violation>& violations);

}  // namespace icp::codec
