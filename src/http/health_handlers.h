#pragma once

#include <functional>

#include "base/result.h"
#include "http/metrics.h"
#include "http/request.h"
#include "http/response.h"
#include "ports/database.h"

namespace icp::http {

// What /readyz asks of the store. `database` is borrowed; `schema_current` answers whether
// every migration this binary knows is applied (exe/ builds it: the store's schema is
// storage's business, not http's).
struct Readiness {
  Database& database;
  std::function<Result<void>()> schema_current;
};

// GET /healthz: 200 {"status":"up"} whenever the process can answer at all.
Response Healthz(const Request& request);

// GET /readyz: 200 {"status":"ready"} when a read transaction begins and ends on the store
// and its schema is current; otherwise a 503 problem with one violation per failing check
// (field "store" or "schema", with the store's rule id).
Response Readyz(const Request& request, const Readiness& readiness);

// GET /metrics: the Prometheus text exposition of `metrics`.
Response MetricsPage(const Request& request, const Metrics& metrics);

// GET /: a small Chinese page naming the platform and linking the API docs page (/v1/docs)
// and the API description (/v1/openapi.json); a placeholder until the console lands.
Response IndexPage(const Request& request);

}  // namespace icp::http
