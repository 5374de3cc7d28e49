#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "app/caller.h"
#include "base/result.h"
#include "ports/clock.h"
#include "ports/database.h"
#include "ports/notification_repository.h"

namespace icp {

// The customer's notifications in the console (站内消息, docs/console.md): the same messages
// the SMS and the e-mail carry, kept by EnqueueNotification. A customer reads and marks only
// its own: another account's notification is kNotFound (rule notification.not-found), as
// if it did not exist. Staff have none: kPermissionDenied (rule auth.role).
class NotificationService {
 public:
  // Borrowed; they outlive the service.
  NotificationService(Database& db, Clock& clock) : db_(db), clock_(clock) {}

  // Newest first, ids below `before` (all when none), 1..kMaxNotificationPage a page
  // (kInvalidArgument, rule request.limit, field "limit"), in one read snapshot.
  Result<NotificationPage> List(const Caller& caller, std::optional<NotificationId> before,
                                std::size_t limit);
  Result<std::int64_t> UnreadCount(const Caller& caller);
  // Read now (or when it was first read: a second mark changes nothing).
  Result<StoredNotification> MarkRead(const Caller& caller, NotificationId id);
  // Every unread one read now; how many.
  Result<std::int64_t> MarkAllRead(const Caller& caller);

 private:
  Database& db_;
  Clock& clock_;
};

}  // namespace icp
