// The customers' notifications in portable SQL (migrations/0012_notifications.sql): kept once
// per outbox key, read once, never deleted; the schema holds it whoever writes.
#include <limits>

#include "ports/storage_errors.h"
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {

namespace {

// SQLite: the trigger notifications_no_replace refuses a colliding insert before any ON
// CONFLICT clause is looked at, so a repeat is skipped by the WHERE.
constexpr std::string_view kAddSqlite =
    "INSERT INTO notifications (account_id, idempotency_key, template, application_id, title, "
    "body, created_at) SELECT $1, $2, $3, $4, $5, $6, $7 "
    "WHERE NOT EXISTS (SELECT 1 FROM notifications WHERE idempotency_key = $2)";
constexpr std::string_view kAddPostgres =
    "INSERT INTO notifications (account_id, idempotency_key, template, application_id, title, "
    "body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
    "ON CONFLICT (idempotency_key) DO NOTHING";
constexpr std::string_view kList =
    "SELECT id, account_id, idempotency_key, template, application_id, title, body, created_at, "
    "read_at FROM notifications WHERE account_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3";
constexpr std::string_view kUnread =
    "SELECT count(*) FROM notifications WHERE account_id = $1 AND read_at IS NULL";
constexpr std::string_view kGet =
    "SELECT id, account_id, idempotency_key, template, application_id, title, body, created_at, "
    "read_at FROM notifications WHERE id = $1 AND account_id = $2";
// A clock behind the one that wrote the notification still reads it at its creation, never
// before (CHECK notifications_read_after_created).
constexpr std::string_view kMarkReadSqlite =
    "UPDATE notifications SET read_at = max(created_at, $3) "
    "WHERE id = $1 AND account_id = $2 AND read_at IS NULL";
constexpr std::string_view kMarkReadPostgres =
    "UPDATE notifications SET read_at = GREATEST(created_at, $3) "
    "WHERE id = $1 AND account_id = $2 AND read_at IS NULL";
constexpr std::string_view kMarkAllSqlite =
    "UPDATE notifications SET read_at = max(created_at, $2) "
    "WHERE account_id = $1 AND read_at IS NULL";
constexpr std::string_view kMarkAllPostgres =
    "UPDATE notifications SET read_at = GREATEST(created_at, $2) "
    "WHERE account_id = $1 AND read_at IS NULL";

Result<StoredNotification> NotificationAt(const Row& row) {
  StoredNotification n;
  n.id = NotificationId(row.Int(0));
  n.account = AccountId(row.Int(1));
  n.idempotency_key = row.Text(2);
  n.template_id = row.Text(3);
  n.application = OptionalIdAt<ApplicationId>(row, 4);
  n.title = row.Text(5);
  n.body = row.Text(6);
  n.created_at = TimeAt(row, 7);
  n.read_at = OptionalTimeAt(row, 8);
  if (Result<void> ok = row.Check(); !ok) return Corrupt("notification", ok.error());
  return n;
}

}  // namespace

Result<bool> NotificationRepository::Add(const StoredNotification& n) {
  const Value p[] = {std::int64_t{n.account.value()},
                     n.idempotency_key,
                     n.template_id,
                     OptionalInt(n.application),
                     n.title,
                     n.body,
                     Time(n.created_at)};
  Result<Rows> r = s_.Run(s_.Pick(kAddSqlite, kAddPostgres), p);
  if (!r) {
    if (ConstraintOf(r.error()) == "notification.owner") {
      return s_.Refuse(storage_errors::NotificationOwner());
    }
    return std::unexpected(r.error());
  }
  return r->affected == 1;
}

Result<NotificationPage> NotificationRepository::List(AccountId account,
                                                      std::optional<NotificationId> before,
                                                      std::size_t limit) {
  const Value p[] = {
      std::int64_t{account.value()},
      before ? std::int64_t{before->value()} : std::numeric_limits<std::int64_t>::max(),
      static_cast<std::int64_t>(limit + 1)};
  Result<Rows> r = s_.Run(kList, p);
  if (!r) return std::unexpected(r.error());
  NotificationPage page;
  for (const Row& row : r->rows) {
    if (page.items.size() == limit) {
      page.next = page.items.back().id;
      break;
    }
    Result<StoredNotification> n = NotificationAt(row);
    if (!n) return std::unexpected(n.error());
    page.items.push_back(std::move(*n));
  }
  return page;
}

Result<std::int64_t> NotificationRepository::UnreadCount(AccountId account) {
  const Value key = std::int64_t{account.value()};
  Result<Rows> r = s_.Run(kUnread, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  return r->rows.at(0).Int(0);
}

Result<StoredNotification> NotificationRepository::MarkRead(AccountId account, NotificationId id,
                                                            std::chrono::sys_seconds at) {
  const Value p[] = {std::int64_t{id.value()}, std::int64_t{account.value()}, Time(at)};
  Result<Rows> marked = s_.Run(s_.Pick(kMarkReadSqlite, kMarkReadPostgres), p);
  if (!marked) return std::unexpected(marked.error());
  Result<Rows> r = s_.Run(kGet, std::span(p, 2));
  if (!r) return std::unexpected(r.error());
  if (r->rows.empty()) return storage_errors::NotificationNotFound(id.value());
  return NotificationAt(r->rows.front());
}

Result<std::int64_t> NotificationRepository::MarkAllRead(AccountId account,
                                                         std::chrono::sys_seconds at) {
  const Value p[] = {std::int64_t{account.value()}, Time(at)};
  Result<Rows> r = s_.Run(s_.Pick(kMarkAllSqlite, kMarkAllPostgres), p);
  if (!r) return std::unexpected(r.error());
  return r->affected;
}

}  // namespace icp::sql
