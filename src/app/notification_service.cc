#include "app/notification_service.h"

#include <string>

namespace icp {
namespace {

Result<void> RequireCustomer(const Caller& caller) {
  if (caller.role == Role::kCustomer) return {};
  return Refusal(ErrorCode::kPermissionDenied, "", "auth.role",
                 "notifications are a customer account's", "仅客户账号有站内消息");
}

}  // namespace

Result<NotificationPage> NotificationService::List(const Caller& caller,
                                                   std::optional<NotificationId> before,
                                                   std::size_t limit) {
  if (Result<void> ok = RequireCustomer(caller); !ok) return std::unexpected(ok.error());
  if (limit < 1 || limit > kMaxNotificationPage) {
    return Refusal(ErrorCode::kInvalidArgument, "limit", "request.limit",
                   "limit is a number from 1 to " + std::to_string(kMaxNotificationPage),
                   "limit 应为 1 到 " + std::to_string(kMaxNotificationPage) + " 的整数");
  }
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  return (*read)->notifications().List(caller.account, before, limit);
}

Result<std::int64_t> NotificationService::UnreadCount(const Caller& caller) {
  if (Result<void> ok = RequireCustomer(caller); !ok) return std::unexpected(ok.error());
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  return (*read)->notifications().UnreadCount(caller.account);
}

Result<StoredNotification> NotificationService::MarkRead(const Caller& caller, NotificationId id) {
  if (Result<void> ok = RequireCustomer(caller); !ok) return std::unexpected(ok.error());
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<StoredNotification> n = (*uow)->notifications().MarkRead(caller.account, id, clock_.Now());
  if (!n) return n;
  if (Result<void> done = (*uow)->Commit(); !done) return std::unexpected(done.error());
  return n;
}

Result<std::int64_t> NotificationService::MarkAllRead(const Caller& caller) {
  if (Result<void> ok = RequireCustomer(caller); !ok) return std::unexpected(ok.error());
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<std::int64_t> marked = (*uow)->notifications().MarkAllRead(caller.account, clock_.Now());
  if (!marked) return marked;
  if (Result<void> done = (*uow)->Commit(); !done) return std::unexpected(done.error());
  return marked;
}

}  // namespace icp
