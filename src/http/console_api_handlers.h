#pragma once

#include "app/notification_service.h"
#include "app/operator_service.h"
#include "app/public_records.h"
#include "http/request.h"
#include "http/response.h"

namespace icp::http {

// The routes the console's public query and operator pages use (docs/api.md, docs/console.md).

// GET /v1/public/records?domain=D | number=N | unit_name=U [&limit=1..20&cursor=C] (no
// sign-in): the filed websites on this provider's records that match, as MIIT's query shows
// them (a person's name masked). 200 {"by", "items": [...], "next_cursor"}; 400 naming the
// parameter (exactly one of domain, number, unit_name; rules domain.*, filing-number.*,
// public-query.*, request.*). Cache-Control: public, max-age=60.
Response QueryPublicRecords(const Request& request, PublicRecordService& service);

// What the operator routes are bound to. Borrowed.
struct OperatorApi {
  OperatorService& operators;
};

// GET /v1/admin/audit?after_seq=&limit=&cursor= (admin): entries oldest first.
Response ListAudit(const Request& request, OperatorApi& api);
// GET /v1/admin/audit/verification (admin): the chain walked, whole or its first broken entry.
Response VerifyAudit(const Request& request, OperatorApi& api);
// GET /v1/admin/outbox?state=dead|undelivered&limit=&cursor= (admin): messages and counts.
Response ListOutbox(const Request& request, OperatorApi& api);
// POST /v1/admin/outbox/{id}:retry (admin): a dead letter made pending again; 404, 409.
Response RetryOutboxMessage(const Request& request, OperatorApi& api);
// GET /v1/admin/rules (admin): every province's rules version and check count, and the
// reference data with sources and versions.
Response ListRules(const Request& request, OperatorApi& api);
// GET /v1/admin/rules/{province} (admin): the checks in force with sources and dates.
Response GetProvinceRules(const Request& request, OperatorApi& api);

// The customer's notifications (站内消息; Access::kCustomer). Another account's notification
// is 404, like one that does not exist.
// GET /v1/notifications?limit=1..100&cursor=C: newest first, {"items", "next_cursor"}.
Response ListNotifications(const Request& request, NotificationService& service);
// GET /v1/notifications/unread-count: {"unread": n}.
Response CountUnreadNotifications(const Request& request, NotificationService& service);
// POST /v1/notifications/{id}:read: the notification, read (once: a second time changes
// nothing); 404 (notification.not-found).
Response MarkNotificationRead(const Request& request, NotificationService& service);
// POST /v1/notifications:read-all: {"marked": n}, every unread one read now.
Response MarkAllNotificationsRead(const Request& request, NotificationService& service);

}  // namespace icp::http
