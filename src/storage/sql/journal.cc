// The audit log, the outbox and the inbox in portable SQL.
#include <algorithm>

#include "ports/storage_errors.h"
#include "storage/common/audit_chain.h"
#include "storage/common/personal_data_guard.h"
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {

namespace {

constexpr std::string_view kHeadSqlite = "SELECT seq, hash FROM audit_head WHERE id = 1";
constexpr std::string_view kHeadPostgres =
    "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE";
constexpr std::string_view kHeadShared = "SELECT seq, hash FROM audit_head WHERE id = 1";
constexpr std::string_view kAppendEntry =
    "INSERT INTO audit_log (seq, at, actor, action, entity, details, prev_hash, hash) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
constexpr std::string_view kMoveHead = "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1";
constexpr std::string_view kReadEntries =
    "SELECT seq, at, actor, action, entity, details, prev_hash, hash FROM audit_log "
    "WHERE seq > $1 ORDER BY seq LIMIT $2";

}  // namespace

Result<void> AuditLog::Append(AuditEntry entry) {
  if (Result<void> ok = RefuseUnmaskedPersonalData(entry); !ok)
    return s_.Refuse(std::unexpected(ok.error()));
  pending_.push_back(std::move(entry));
  return {};
}

Result<void> AuditLog::Flush() {
  if (pending_.empty()) return {};
  // The head row is locked last (FOR UPDATE on PostgreSQL; SQLite's write lock is held
  // since Begin), so concurrent writers queue here only for the few statements below.
  Result<Rows> head = s_.Run(s_.Pick(kHeadSqlite, kHeadPostgres));
  if (!head) return std::unexpected(head.error());
  if (head->empty()) return Internal("audit_head is missing; the schema is damaged");
  std::int64_t seq = head->rows[0].Int(0);
  std::string prev = head->rows[0].Text(1);
  for (const AuditEntry& e : pending_) {
    ++seq;
    std::string hash = audit_chain::Hash(prev, seq, e);
    const Value p[] = {seq, Time(e.at), e.actor, e.action, e.entity, e.details, prev, hash};
    if (Result<Rows> r = s_.Run(kAppendEntry, p); !r) return std::unexpected(r.error());
    prev = std::move(hash);
  }
  const Value p[] = {seq, prev};
  if (Result<Rows> r = s_.Run(kMoveHead, p); !r) return std::unexpected(r.error());
  pending_.clear();
  return {};
}

Result<std::vector<StoredAuditEntry>> AuditLog::Read(std::int64_t after, std::size_t limit) {
  const Value p[] = {after, static_cast<std::int64_t>(limit)};
  Result<Rows> r = s_.Run(kReadEntries, p);
  if (!r) return std::unexpected(r.error());
  std::vector<StoredAuditEntry> out;
  for (const Row& row : r->rows) {
    out.push_back({row.Int(0),
                   {TimeAt(row, 1), row.Text(2), row.Text(3), row.Text(4), row.Text(5)},
                   row.Text(6),
                   row.Text(7)});
  }
  return out;
}

Result<AuditVerification> AuditLog::Verify() {
  Result<Rows> head = s_.Run(kHeadShared);
  if (!head) return std::unexpected(head.error());
  if (head->empty()) return Internal("audit_head is missing; the schema is damaged");
  audit_chain::Verifier verifier;
  std::int64_t after = 0;
  for (;;) {
    Result<std::vector<StoredAuditEntry>> page = Read(after, 1000);
    if (!page) return std::unexpected(page.error());
    if (page->empty()) break;
    bool whole = true;
    for (const StoredAuditEntry& e : *page) {
      if (!(whole = verifier.Add(e))) break;
    }
    if (!whole) break;
    after = page->back().seq;
  }
  return verifier.Finish(head->rows[0].Int(0), head->rows[0].Text(1));
}

// ---- outbox ----

namespace {

constexpr std::string_view kEnqueue =
    "INSERT INTO outbox (topic, idempotency_key, payload, available_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (idempotency_key) DO NOTHING";
// Leases due messages. PostgreSQL skips rows another dispatcher is claiming right now;
// SQLite has one writer at a time, so the plain form is already exclusive.
constexpr std::string_view kClaimSqlite =
    "UPDATE outbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 "
    "WHERE id IN (SELECT id FROM outbox WHERE delivered_at IS NULL AND available_at <= $3 "
    "AND (lease_until IS NULL OR lease_until <= $3) ORDER BY id LIMIT $4) "
    "RETURNING id, topic, idempotency_key, payload, available_at, attempts";
constexpr std::string_view kClaimPostgres =
    "UPDATE outbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 "
    "WHERE id IN (SELECT id FROM outbox WHERE delivered_at IS NULL AND available_at <= $3 "
    "AND (lease_until IS NULL OR lease_until <= $3) ORDER BY id LIMIT $4 "
    "FOR UPDATE SKIP LOCKED) "
    "RETURNING id, topic, idempotency_key, payload, available_at, attempts";
constexpr std::string_view kDelivered =
    "UPDATE outbox SET delivered_at = $3, lease_owner = NULL, lease_until = NULL "
    "WHERE id = $1 AND lease_owner = $2 AND delivered_at IS NULL";
constexpr std::string_view kRelease =
    "UPDATE outbox SET available_at = $3, last_error = $4, lease_owner = NULL, "
    "lease_until = NULL WHERE id = $1 AND lease_owner = $2 AND delivered_at IS NULL";
constexpr std::string_view kStats =
    "SELECT count(*) - count(delivered_at), count(delivered_at) FROM outbox";
constexpr std::string_view kAccept =
    "INSERT INTO inbox (idempotency_key, received_at) VALUES ($1, $2) "
    "ON CONFLICT (idempotency_key) DO NOTHING";

}  // namespace

Result<bool> Outbox::Enqueue(const OutboxMessage& m) {
  if (Result<void> ok = RefuseUnmaskedPersonalData(m); !ok)
    return s_.Refuse(std::unexpected(ok.error()));
  const Value p[] = {m.topic, m.idempotency_key, m.payload, Time(m.available_at)};
  Result<Rows> r = s_.Run(kEnqueue, p);
  if (!r) return std::unexpected(r.error());
  return r->affected == 1;
}

Result<std::vector<ClaimedMessage>> Outbox::Claim(std::string_view worker,
                                                  std::chrono::sys_seconds now,
                                                  std::chrono::sys_seconds lease_until,
                                                  std::size_t limit) {
  const Value p[] = {Text(worker), Time(lease_until), Time(now), static_cast<std::int64_t>(limit)};
  Result<Rows> r = s_.Run(s_.Pick(kClaimSqlite, kClaimPostgres), p);
  if (!r) return std::unexpected(r.error());
  std::vector<ClaimedMessage> out;
  for (const Row& row : r->rows) {
    out.push_back({OutboxMessageId(row.Int(0)),
                   {row.Text(1), row.Text(2), row.Text(3), TimeAt(row, 4)},
                   static_cast<int>(row.Int(5))});
  }
  std::ranges::sort(out, {}, [](const ClaimedMessage& c) { return c.id; });
  return out;
}

Result<void> Outbox::MarkDelivered(OutboxMessageId id, std::string_view worker,
                                   std::chrono::sys_seconds at) {
  const Value p[] = {std::int64_t{id.value()}, Text(worker), Time(at)};
  Result<Rows> r = s_.Run(kDelivered, p);
  if (!r) return std::unexpected(r.error());
  if (r->affected != 1) return s_.Refuse(storage_errors::LeaseLost(id.value()));
  return {};
}

Result<void> Outbox::Release(OutboxMessageId id, std::string_view worker,
                             std::chrono::sys_seconds retry_at, std::string_view error) {
  const Value p[] = {std::int64_t{id.value()}, Text(worker), Time(retry_at), Text(error)};
  Result<Rows> r = s_.Run(kRelease, p);
  if (!r) return std::unexpected(r.error());
  if (r->affected != 1) return s_.Refuse(storage_errors::LeaseLost(id.value()));
  return {};
}

Result<OutboxStats> Outbox::Stats() {
  Result<Rows> r = s_.Run(kStats);
  if (!r) return std::unexpected(r.error());
  return OutboxStats{r->rows.at(0).Int(0), r->rows.at(0).Int(1)};
}

Result<bool> Inbox::Accept(std::string_view key, std::chrono::sys_seconds at) {
  const Value p[] = {Text(key), Time(at)};
  Result<Rows> r = s_.Run(kAccept, p);
  if (!r) return std::unexpected(r.error());
  return r->affected == 1;
}

}  // namespace icp::sql
