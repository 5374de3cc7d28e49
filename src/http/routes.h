#pragma once

#include "app/auth_service.h"
#include "http/application_handlers.h"
#include "http/console_api_handlers.h"
#include "http/gate_handlers.h"
#include "http/health_handlers.h"
#include "http/material_handlers.h"
#include "http/metrics.h"
#include "http/record_handlers.h"
#include "http/router.h"
#include "http/session_authenticator.h"
#include "http/transfer_handlers.h"

namespace icp::http {

// What the handlers are bound to. Borrowed: everything here outlives the router.
struct Services {
  Readiness readiness;
  const Metrics& metrics;
  // Accounts, sessions and API keys; without it (tests of other routes) their routes are
  // left out.
  AuthService* auth = nullptr;
  CookieSettings cookie = {};
  // The API's use cases. Null in tests of the health routes only: the API's routes are in
  // the table all the same (the spec test walks it) and answer 503 without them.
  ApplicationApi* applications = nullptr;
  // Materials, identity verification, resources and authorization codes. Null in tests of
  // other routes: the routes are in the table all the same and answer 503 without them.
  MaterialApi* materials = nullptr;
  // Transfers of a subject between accounts (备案转移). Null in tests of other routes: the
  // routes are in the table all the same and answer 503 without them.
  TransferApi* transfers = nullptr;
  // Filed records: their import and the customer's view. Null in tests of other routes (the
  // routes answer 503).
  RecordApi* records = nullptr;
  // The access gate (issue 10): the in-memory index of what this provider may serve. Null in
  // tests of other routes (the route answers 503).
  const Gate* gate = nullptr;
  // The public query over this provider's records, and the operator's reads (audit, outbox,
  // rules). Null in tests of other routes (the routes answer 503).
  PublicRecordService* public_records = nullptr;
  OperatorApi* operators = nullptr;
  // The customer's notifications (站内消息). Null in tests of other routes (the routes answer
  // 503).
  NotificationService* notifications = nullptr;
  // The body limit of the upload routes (ServeSettings::max_upload_bytes).
  std::size_t max_upload_bytes = std::size_t{16} << 20;
};

// The one route table of icpd (STYLE.md §4.3): every method, path and handler, in one place.
Router BuildRouter(const Services& services);

}  // namespace icp::http
