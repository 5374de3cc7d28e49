#pragma once

#include <string_view>
#include <vector>

#include "base/result.h"
#include "domain/resource.h"

namespace icp::codec {

// The cloud inventory an operator imports (icpctl resources import, POST
// /v1/admin/resources:import; docs/resources.md). Both formats are strict: every bad row is
// named with its line (CSV) or index (JSON) and field, and nothing is returned unless every
// row is good, so an import stores all of the file or none of it.
//
// CSV (RFC 4180, UTF-8, a header line naming these columns in this order):
//   id,account,kind,region,mainland,billing,trial,purchased_count,purchased_unit,expires_at,
//   public_ip,parent
// kind: cvm | lighthouse | serverless_pack | clb; mainland, trial: true | false;
// billing: prepaid | pay_as_you_go; purchased_unit: months | days; expires_at: empty or
// RFC 3339 ("2027-03-01T00:00:00+08:00"); public_ip: empty or an IPv4 / IPv6 address;
// parent: empty, or the id of a clb row of the same account in the file, which the server is
// bound behind. Fields are at "line[N].column" (N counts from 1, the header included).
Result<std::vector<Resource>> ParseResourcesCsv(std::string_view text);

// JSON: {"resources": [{"id", "account", "kind", "region", "mainland", "billing", "trial",
// "purchased": {"count", "unit"}, "expires_at", "public_ip", "backends": [...]}]}: the same
// fields, a load balancer's servers nested in "backends". Fields are at
// "resources[i].field".
Result<std::vector<Resource>> ParseResourcesJson(std::string_view text);

// An instant in RFC 3339 form with seconds and an offset ("Z" or "+08:00").
// kInvalidArgument (rule "time.rfc3339") otherwise.
Result<std::chrono::sys_seconds> ParseRfc3339(std::string_view text);

}  // namespace icp::codec
