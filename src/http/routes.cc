#include "http/routes.h"

#include "http/api_docs_handlers.h"
#include "http/auth_handlers.h"
#include "http/responses.h"

namespace icp::http {
namespace {

// Binds an API handler to its use cases; 503 when the router was built without them (tests
// of other routes), so every route stays in the table the spec test walks.
template <class Api, class F>
Handler Bind(Api* api, F handler) {
  return [api, handler](const Request& q) -> Response {
    if (api == nullptr) return ProblemResponse(q, Unavailable("the API is not wired").error());
    return handler(q, *api);
  };
}

}  // namespace

Router BuildRouter(const Services& s) {
  Router r;
  // clang-format off
  r.Add("GET", "/",        Access::kPublic, IndexPage);
  r.Add("GET", "/healthz", Access::kPublic, Healthz);
  r.Add("GET", "/readyz",  Access::kPublic, [&s](const Request& q) { return Readyz(q, s.readiness); });
  r.Add("GET", "/metrics", Access::kPublic, [&s](const Request& q) { return MetricsPage(q, s.metrics); });

  // The API description (api/openapi.yaml) and its docs page: http/api_docs_handlers.h.
  r.Add("GET", "/v1/openapi.json", Access::kPublic, OpenApiDescription);
  r.Add("GET", "/v1/docs",         Access::kPublic, DocsPage);
  r.Add("GET", "/v1/docs/{asset}", Access::kPublic, DocsAsset);

  // Applications (app/application_service.h) and the provider's review
  // (app/review_service.h): http/application_handlers.h.
  ApplicationApi* apps = s.applications;
  r.Add("POST", "/v1/type-checks",                 Access::kCustomer, Bind(apps, CheckType));
  r.Add("POST", "/v1/applications",                Access::kCustomer, Bind(apps, CreateApplication));
  r.Add("GET",  "/v1/applications",                Access::kSignedIn, Bind(apps, ListApplications));
  r.Add("GET",  "/v1/applications/{id}",           Access::kSignedIn, Bind(apps, GetApplication));
  r.Add("PUT",  "/v1/applications/{id}",           Access::kCustomer, Bind(apps, EditApplication));
  r.Add("POST", "/v1/applications/{id}:submit",    Access::kCustomer, Bind(apps, SubmitApplication));
  r.Add("POST", "/v1/applications/{id}:withdraw",  Access::kCustomer, Bind(apps, WithdrawApplication));
  r.Add("POST", "/v1/applications/{id}:abandon",   Access::kCustomer, Bind(apps, AbandonApplication));
  r.Add("GET",  "/v1/review/queue",                Access::kStaff,    Bind(apps, ReviewQueue));
  r.Add("POST", "/v1/applications/{id}:claim",     Access::kStaff,    Bind(apps, ClaimApplication));
  r.Add("POST", "/v1/applications/{id}:contact",   Access::kStaff,    Bind(apps, RecordContact));
  r.Add("POST", "/v1/applications/{id}:return",    Access::kStaff,    Bind(apps, ReturnApplication));
  r.Add("POST", "/v1/applications/{id}:pass",      Access::kStaff,    Bind(apps, PassApplication));
  // clang-format on

  // ---- auth (issue 9): accounts, sessions, API keys (http/auth_handlers.h).
  AuthService* auth = s.auth;
  const CookieSettings& c = s.cookie;
  // clang-format off
  r.Add("POST",   "/v1/sessions",                Access::kPublic,   Bind(auth, [&c](const Request& q, AuthService& a) { return SignIn(q, a, c); }));
  r.Add("DELETE", "/v1/sessions/current",        Access::kSignedIn, Bind(auth, [&c](const Request& q, AuthService& a) { return SignOut(q, a, c); }));
  r.Add("GET",    "/v1/me",                      Access::kSignedIn, Bind(auth, [&c](const Request& q, AuthService& a) { return Me(q, a, c); }));
  r.Add("POST",   "/v1/api-keys",                Access::kSignedIn, Bind(auth, CreateApiKey));
  r.Add("GET",    "/v1/api-keys",                Access::kSignedIn, Bind(auth, ListApiKeys));
  r.Add("DELETE", "/v1/api-keys/{id}",           Access::kSignedIn, Bind(auth, RevokeApiKey));
  r.Add("POST",   "/v1/accounts",                Access::kAdmin,    Bind(auth, CreateAccount));
  r.Add("GET",    "/v1/accounts",                Access::kAdmin,    Bind(auth, ListAccounts));
  r.Add("GET",    "/v1/accounts/{id}",           Access::kAdmin,    Bind(auth, GetAccount));
  r.Add("PUT",    "/v1/accounts/{id}/real-name", Access::kAdmin,    Bind(auth, SetRealName));
  r.Add("PUT",    "/v1/accounts/{id}/mobile",    Access::kAdmin,    Bind(auth, SetBoundMobile));
  r.Add("POST",   "/v1/accounts/{id}:disable",   Access::kAdmin,    Bind(auth, DisableAccount));

  // ---- materials, verification, resources, authorization codes (http/material_handlers.h,
  // docs/materials.md). The upload routes alone take bodies up to max_upload_bytes.
  MaterialApi* m = s.materials;
  const std::size_t upload = s.max_upload_bytes;
  r.Add("POST",   "/v1/applications/{id}/materials",        Access::kCustomer, upload, Bind(m, UploadMaterial));
  r.Add("GET",    "/v1/applications/{id}/materials",        Access::kSignedIn, Bind(m, ListMaterials));
  r.Add("GET",    "/v1/materials/{id}/content",             Access::kSignedIn, Bind(m, GetMaterialContent));
  r.Add("DELETE", "/v1/materials/{id}",                     Access::kCustomer, Bind(m, DeleteMaterial));
  r.Add("POST",   "/v1/applications/{id}/verifications",    Access::kCustomer, upload, Bind(m, SubmitVerification));
  r.Add("GET",    "/v1/applications/{id}/verifications",    Access::kSignedIn, Bind(m, ListVerifications));
  r.Add("POST",   "/v1/verifications/{id}:review",          Access::kStaff,    Bind(m, ReviewVerification));
  r.Add("POST",   "/v1/admin/resources:import",             Access::kAdmin,    Bind(m, ImportResources));
  r.Add("GET",    "/v1/resources",                          Access::kCustomer, Bind(m, ListResources));
  r.Add("POST",   "/v1/authorization-codes",                Access::kCustomer, Bind(m, CreateAuthorizationCode));
  r.Add("GET",    "/v1/authorization-codes",                Access::kCustomer, Bind(m, ListAuthorizationCodes));
  r.Add("POST",   "/v1/authorization-codes/{code}:revoke",  Access::kCustomer, Bind(m, RevokeAuthorizationCode));
  r.Add("POST",   "/v1/authorization-codes/{code}:redeem",  Access::kCustomer, Bind(m, RedeemAuthorizationCode));
  // clang-format on

  // ---- transfers (备案转移) of a subject between accounts (http/transfer_handlers.h,
  // docs/transfers.md). The request carries its evidence in base64: the upload body limit.
  TransferApi* t = s.transfers;
  // clang-format off
  r.Add("POST", "/v1/transfers",                               Access::kCustomer, upload, Bind(t, RequestTransfer));
  r.Add("GET",  "/v1/transfers",                               Access::kSignedIn, Bind(t, ListTransfers));
  r.Add("GET",  "/v1/transfers/{id}",                          Access::kSignedIn, Bind(t, GetTransfer));
  r.Add("GET",  "/v1/transfers/{id}/evidence/{index}/content", Access::kSignedIn, Bind(t, GetTransferEvidence));
  r.Add("POST", "/v1/transfers/{id}:withdraw",                 Access::kCustomer, Bind(t, WithdrawTransfer));
  r.Add("POST", "/v1/transfers/{id}:object",                   Access::kCustomer, Bind(t, ObjectToTransfer));
  r.Add("POST", "/v1/transfers/{id}:approve",                  Access::kAdmin,    Bind(t, ApproveTransfer));
  r.Add("POST", "/v1/transfers/{id}:reject",                   Access::kAdmin,    Bind(t, RejectTransfer));
  // clang-format on

  // ---- filed records (issue 9): the import of a provider's filed subjects and websites, and
  // what an account has on record (http/record_handlers.h, app/record_service.h). An import
  // is a file of thousands of records: it takes bodies up to max_upload_bytes.
  RecordApi* rec = s.records;
  // clang-format off
  r.Add("POST", "/v1/admin/records:import", Access::kAdmin,    s.max_upload_bytes, Bind(rec, ImportRecords));
  r.Add("GET",  "/v1/subjects",             Access::kSignedIn, Bind(rec, ListSubjects));
  r.Add("GET",  "/v1/subjects/{id}",        Access::kSignedIn, Bind(rec, GetSubject));
  // clang-format on

  // ---- the access gate (issue 10): may this provider serve a host? Public: what is filed
  // is public (MIIT's own query shows it). http/gate_handlers.h, app/gate.h.
  const Gate* gate = s.gate;
  r.AddHot("GET", "/v1/gate", [gate](const Request& q) -> Response {
    if (gate == nullptr) return ProblemResponse(q, Unavailable("the gate is not wired").error());
    return CheckGate(q, *gate);
  });

  // ---- the console's public query and operator pages (http/console_api_handlers.h):
  // 备案查询 over this provider's records (public, cacheable), and the admin's reads of the
  // audit log, the outbox's dead letters and the rules in force.
  PublicRecordService* pub = s.public_records;
  OperatorApi* ops = s.operators;
  // clang-format off
  r.Add("GET",  "/v1/public/records",             Access::kPublic, Bind(pub, QueryPublicRecords));
  r.Add("GET",  "/v1/admin/audit",                Access::kAdmin,  Bind(ops, ListAudit));
  r.Add("GET",  "/v1/admin/audit/verification",   Access::kAdmin,  Bind(ops, VerifyAudit));
  r.Add("GET",  "/v1/admin/outbox",               Access::kAdmin,  Bind(ops, ListOutbox));
  r.Add("POST", "/v1/admin/outbox/{id}:retry",    Access::kAdmin,  Bind(ops, RetryOutboxMessage));
  r.Add("GET",  "/v1/admin/rules",                Access::kAdmin,  Bind(ops, ListRules));
  r.Add("GET",  "/v1/admin/rules/{province}",     Access::kAdmin,  Bind(ops, GetProvinceRules));
  // clang-format on

  // ---- the customer's notifications (站内消息): the messages the SMS and e-mail carry, kept
  // for the console (app/notification_service.h).
  NotificationService* notes = s.notifications;
  // clang-format off
  r.Add("GET",  "/v1/notifications",              Access::kCustomer, Bind(notes, ListNotifications));
  r.Add("GET",  "/v1/notifications/unread-count", Access::kCustomer, Bind(notes, CountUnreadNotifications));
  r.Add("POST", "/v1/notifications/{id}:read",    Access::kCustomer, Bind(notes, MarkNotificationRead));
  r.Add("POST", "/v1/notifications:read-all",     Access::kCustomer, Bind(notes, MarkAllNotificationsRead));
  // clang-format on
  return r;
}

}  // namespace icp::http
