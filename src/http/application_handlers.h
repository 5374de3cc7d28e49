#pragma once

#include "app/application_service.h"
#include "app/review_service.h"
#include "http/request.h"
#include "http/response.h"
#include "ports/clock.h"
#include "ports/database.h"

namespace icp::http {

// What the application and review routes are bound to.
struct ApplicationApi {
  ApplicationService& applications;
  ReviewService& reviews;
  Database& db;  // Idempotency-Key answers
  Clock& clock;
};

// POST /v1/type-checks: the application document in; the resolved type, every conflict with
// its fix, and the materials checklist out (验证备案类型).
Response CheckType(const Request& request, ApplicationApi& api);
// POST /v1/applications (Idempotency-Key): 201 with the application, Location and ETag.
Response CreateApplication(const Request& request, ApplicationApi& api);
// GET /v1/applications?state=&province=&type=&cursor=&limit=
Response ListApplications(const Request& request, ApplicationApi& api);
// GET /v1/applications/{id}: the document, state, deadline, history and review notes; ETag.
Response GetApplication(const Request& request, ApplicationApi& api);
// PUT /v1/applications/{id} (If-Match): a new document for an editable application.
Response EditApplication(const Request& request, ApplicationApi& api);
// POST /v1/applications/{id}:submit (If-Match): 200 with the warnings, or 400 listing every
// rule the application breaks.
Response SubmitApplication(const Request& request, ApplicationApi& api);
// POST /v1/applications/{id}:withdraw and :abandon (If-Match) with {"confirm": true}.
Response WithdrawApplication(const Request& request, ApplicationApi& api);
Response AbandonApplication(const Request& request, ApplicationApi& api);

// GET /v1/review/queue?state=&province=&type=&due_before=&cursor=&limit= (staff)
Response ReviewQueue(const Request& request, ApplicationApi& api);
// POST /v1/applications/{id}:claim, :contact {"outcome"}, :return {"reasons"}, :pass (staff,
// If-Match).
Response ClaimApplication(const Request& request, ApplicationApi& api);
Response RecordContact(const Request& request, ApplicationApi& api);
Response ReturnApplication(const Request& request, ApplicationApi& api);
Response PassApplication(const Request& request, ApplicationApi& api);

}  // namespace icp::http
