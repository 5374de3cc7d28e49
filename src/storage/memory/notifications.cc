// The customers' notifications in memory, with the rules of the SQL schema
// (storage/sqlite/migrations/0012_notifications.sql).
#include <algorithm>

#include "ports/storage_errors.h"
#include "storage/memory/repositories.h"

namespace icp::memory {
namespace {

// Characters, as SQL's length() counts them in UTF-8 text.
std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(std::ranges::count_if(
      s, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A CHECK of the SQL schema on a text's length in characters.
Result<void> Length(const std::string& text, std::size_t max, std::string_view constraint) {
  const std::size_t n = CodePoints(text);
  return Require(n >= 1 && n <= max, constraint);
}

}  // namespace

Result<NotificationPage> NotificationRepository::List(AccountId account,
                                                      std::optional<NotificationId> before,
                                                      std::size_t limit) {
  return s_.Read([&]() -> Result<NotificationPage> {
    NotificationPage page;
    const auto& rows = s_.state().notifications;
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
      const StoredNotification& n = it->second;
      if (n.account != account || (before && n.id.value() >= before->value())) continue;
      if (page.items.size() == limit) {
        page.next = page.items.back().id;
        break;
      }
      page.items.push_back(n);
    }
    return page;
  });
}

Result<std::int64_t> NotificationRepository::UnreadCount(AccountId account) {
  return s_.Read([&]() -> Result<std::int64_t> {
    const auto& rows = s_.state().notifications;
    return std::count_if(rows.begin(), rows.end(), [&](const auto& row) {
      return row.second.account == account && !row.second.read_at;
    });
  });
}

Result<bool> NotificationRepository::Add(const StoredNotification& n) {
  return s_.Write([&]() -> Result<bool> {
    State& st = s_.state();
    for (const auto& [id, row] : st.notifications) {
      if (row.idempotency_key == n.idempotency_key) return false;
    }
    Result<void> ok = Length(n.idempotency_key, 255, "notifications_key");
    if (ok) ok = Length(n.template_id, 100, "notifications_template");
    if (ok) ok = Length(n.title, 200, "notifications_title");
    if (ok) ok = Length(n.body, 2000, "notifications_body");
    if (ok) ok = ForeignKey(st.accounts, n.account, "account");
    if (!ok) return std::unexpected(ok.error());
    if (n.application) {
      auto app = st.applications.find(n.application->value());
      if (app == st.applications.end() || app->second.account != n.account) {
        return storage_errors::NotificationOwner();
      }
    }
    StoredNotification row = n;
    row.id = NotificationId(++st.sequences.notifications);
    row.read_at.reset();
    st.notifications.emplace(row.id.value(), std::move(row));
    return true;
  });
}

Result<StoredNotification> NotificationRepository::MarkRead(AccountId account, NotificationId id,
                                                            std::chrono::sys_seconds at) {
  return s_.Write([&]() -> Result<StoredNotification> {
    auto it = s_.state().notifications.find(id.value());
    if (it == s_.state().notifications.end() || it->second.account != account) {
      return storage_errors::NotificationNotFound(id.value());
    }
    StoredNotification& n = it->second;
    if (!n.read_at) n.read_at = std::max(n.created_at, at);
    return n;
  });
}

Result<std::int64_t> NotificationRepository::MarkAllRead(AccountId account,
                                                         std::chrono::sys_seconds at) {
  return s_.Write([&]() -> Result<std::int64_t> {
    std::int64_t marked = 0;
    for (auto& [id, n] : s_.state().notifications) {
      if (n.account != account || n.read_at) continue;
      n.read_at = std::max(n.created_at, at);
      ++marked;
    }
    return marked;
  });
}

}  // namespace icp::memory
