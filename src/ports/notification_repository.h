#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "ports/ids.h"

namespace icp {

// A notification as the customer reads it in the console (站内消息): the same text the SMS
// and the e-mail carry, written in the unit of work that puts the notification in the
// outbox, under the outbox message's idempotency key (docs/storage.md, "Notifications").
struct StoredNotification {
  NotificationId id;                         // assigned by the store; ignored by Add
  AccountId account;                         // the owner: only this account reads or marks it
  std::string idempotency_key;               // the outbox message's key: one notification per key
  std::string template_id;                   // "application.approved"
  std::optional<ApplicationId> application;  // an application of `account`, when about one
  std::string title;                         // 1..200 characters
  std::string body;                          // 1..2000 characters
  std::chrono::sys_seconds created_at{};
  std::optional<std::chrono::sys_seconds> read_at;  // set once, never cleared or moved

  friend bool operator==(const StoredNotification&, const StoredNotification&) = default;
};

inline constexpr std::size_t kMaxNotificationPage = 100;

// A page of an account's notifications, newest first; `next` is the id the next page starts
// below.
struct NotificationPage {
  std::vector<StoredNotification> items;
  std::optional<NotificationId> next;
};

// What the schema holds, whoever writes (migration 0012): the account exists, the
// application (if any) is one of that account's, the key, template, title and body have
// their lengths, read_at goes from NULL to a time no earlier than created_at once and never
// changes again, nothing else of a row ever changes, and no row is deleted. A write the
// schema refuses ends the unit of work.
class NotificationReader {
 public:
  virtual ~NotificationReader() = default;

  // The account's notifications with id < `before` (all when none), newest first, at most
  // `limit` (1..kMaxNotificationPage).
  virtual Result<NotificationPage> List(AccountId account, std::optional<NotificationId> before,
                                        std::size_t limit) = 0;
  // How many of the account's notifications are unread.
  virtual Result<std::int64_t> UnreadCount(AccountId account) = 0;
};

// With the writes, for a unit of work (ports/database.h).
class NotificationRepository : public NotificationReader {
 public:
  // Adds the notification; false (and nothing added) when one with its key is there already,
  // so a retried enqueue writes it once.
  virtual Result<bool> Add(const StoredNotification& notification) = 0;
  // Marks the account's notification read at `at`, unless it was read already (then it stays
  // as it was). kNotFound (rule "notification.not-found") when no notification of `account`
  // has this id: another account's is not found either.
  virtual Result<StoredNotification> MarkRead(AccountId account, NotificationId id,
                                              std::chrono::sys_seconds at) = 0;
  // Marks every unread notification of the account read at `at`; how many it marked.
  virtual Result<std::int64_t> MarkAllRead(AccountId account, std::chrono::sys_seconds at) = 0;
};

}  // namespace icp
