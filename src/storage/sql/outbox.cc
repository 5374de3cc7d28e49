// The outbox and the inbox in portable SQL.
#include "storage/sql/outbox.h"

#include <algorithm>

#include "ports/storage_errors.h"
#include "storage/common/personal_data_guard.h"
#include "storage/sql/values.h"

namespace icp::sql {

namespace {

// A key already in the outbox adds nothing. On SQLite the existing row is looked for first:
// a BEFORE INSERT trigger refuses any insert that collides with a kept row (it would let
// INSERT OR REPLACE delete it), and it runs before ON CONFLICT could skip the row.
constexpr std::string_view kEnqueueSqlite =
    "INSERT INTO outbox (topic, idempotency_key, payload, available_at) "
    "SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE idempotency_key = $2)";
constexpr std::string_view kEnqueuePostgres =
    "INSERT INTO outbox (topic, idempotency_key, payload, available_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (idempotency_key) DO NOTHING";
// Leases due messages. PostgreSQL skips rows another dispatcher is claiming right now;
// SQLite has one writer at a time, so the plain form is already exclusive.
constexpr std::string_view kClaimSqlite =
    "UPDATE outbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 "
    "WHERE id IN (SELECT id FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL "
    "AND available_at <= $3 AND (lease_until IS NULL OR lease_until <= $3) "
    "ORDER BY id LIMIT $4) "
    "RETURNING id, topic, idempotency_key, payload, available_at, attempts";
constexpr std::string_view kClaimPostgres =
    "UPDATE outbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 "
    "WHERE id IN (SELECT id FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL "
    "AND available_at <= $3 AND (lease_until IS NULL OR lease_until <= $3) "
    "ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) "
    "RETURNING id, topic, idempotency_key, payload, available_at, attempts";
// Each statement that ends a lease matches only the holder's leased row ($1 id, $2 worker);
// the schema's CHECKs guarantee a leased row is neither delivered nor dead.
constexpr std::string_view kDelivered =
    "UPDATE outbox SET delivered_at = $3, lease_owner = NULL, lease_until = NULL "
    "WHERE id = $1 AND lease_owner = $2";
constexpr std::string_view kRelease =
    "UPDATE outbox SET available_at = $3, last_error = $4, lease_owner = NULL, "
    "lease_until = NULL WHERE id = $1 AND lease_owner = $2";
constexpr std::string_view kUnclaim =
    "UPDATE outbox SET attempts = attempts - 1, lease_owner = NULL, lease_until = NULL "
    "WHERE id = $1 AND lease_owner = $2";
constexpr std::string_view kDead =
    "UPDATE outbox SET dead_at = $3, last_error = $4, lease_owner = NULL, lease_until = NULL "
    "WHERE id = $1 AND lease_owner = $2";
constexpr std::string_view kRetry =
    "UPDATE outbox SET dead_at = NULL, attempts = 0, available_at = $2 "
    "WHERE id = $1 AND dead_at IS NOT NULL";
constexpr std::string_view kExists = "SELECT id FROM outbox WHERE id = $1";
constexpr std::string_view kListUndelivered =
    "SELECT id, topic, idempotency_key, payload, available_at, attempts, lease_owner, "
    "lease_until, dead_at, last_error FROM outbox "
    "WHERE delivered_at IS NULL AND id > $1 ORDER BY id LIMIT $2";
constexpr std::string_view kListDead =
    "SELECT id, topic, idempotency_key, payload, available_at, attempts, lease_owner, "
    "lease_until, dead_at, last_error FROM outbox "
    "WHERE dead_at IS NOT NULL AND id > $1 ORDER BY id LIMIT $2";
constexpr std::string_view kStats =
    "SELECT count(*) - count(delivered_at) - count(dead_at), count(delivered_at), count(dead_at) "
    "FROM outbox";
constexpr std::string_view kAcceptSqlite =
    "INSERT INTO inbox (idempotency_key, received_at) SELECT $1, $2 "
    "WHERE NOT EXISTS (SELECT 1 FROM inbox WHERE idempotency_key = $1)";
constexpr std::string_view kAcceptPostgres =
    "INSERT INTO inbox (idempotency_key, received_at) VALUES ($1, $2) "
    "ON CONFLICT (idempotency_key) DO NOTHING";

OutboxEntry EntryFrom(const Row& row) {
  OutboxEntry e;
  e.id = OutboxMessageId(row.Int(0));
  e.message = {row.Text(1), row.Text(2), row.Text(3), TimeAt(row, 4)};
  e.attempts = static_cast<int>(row.Int(5));
  e.lease_owner = row.OptionalText(6);
  e.lease_until = OptionalTimeAt(row, 7);
  e.finished_at = OptionalTimeAt(row, 8);
  e.state = e.finished_at ? OutboxState::kDead : OutboxState::kPending;
  e.last_error = row.Text(9);
  return e;
}

}  // namespace

Result<bool> Outbox::Enqueue(const OutboxMessage& m) {
  if (Result<void> ok = RefuseUnmaskedPersonalData(m); !ok) {
    return s_.Refuse(std::unexpected(ok.error()));
  }
  const Value p[] = {m.topic, m.idempotency_key, m.payload, Time(m.available_at)};
  Result<Rows> r = s_.Run(s_.Pick(kEnqueueSqlite, kEnqueuePostgres), p);
  if (!r) return std::unexpected(r.error());
  return r->affected == 1;
}

Result<std::vector<ClaimedMessage>> Outbox::Claim(std::string_view worker,
                                                  std::chrono::sys_seconds now,
                                                  std::chrono::sys_seconds lease_until,
                                                  std::size_t limit) {
  if (Result<void> ok = CheckClaim(worker, now, lease_until); !ok) {
    return std::unexpected(ok.error());
  }
  const Value p[] = {Text(worker), Time(lease_until), Time(now), static_cast<std::int64_t>(limit)};
  Result<Rows> r = s_.Run(s_.Pick(kClaimSqlite, kClaimPostgres), p);
  if (!r) return std::unexpected(r.error());
  std::vector<ClaimedMessage> out;
  for (const Row& row : r->rows) {
    out.push_back({OutboxMessageId(row.Int(0)),
                   {row.Text(1), row.Text(2), row.Text(3), TimeAt(row, 4)},
                   static_cast<int>(row.Int(5))});
    if (Result<void> ok = row.Check(); !ok) return Corrupt("outbox message", ok.error());
  }
  std::ranges::sort(out, {}, [](const ClaimedMessage& c) { return c.id; });
  return out;
}

Result<void> Outbox::EndLease(std::string_view statement, std::span<const Value> params,
                              OutboxMessageId id) {
  Result<Rows> r = s_.Run(statement, params);
  if (!r) return std::unexpected(r.error());
  if (r->affected != 1) return s_.Refuse(storage_errors::LeaseLost(id.value()));
  return {};
}

Result<void> Outbox::MarkDelivered(OutboxMessageId id, std::string_view worker,
                                   std::chrono::sys_seconds at) {
  const Value p[] = {std::int64_t{id.value()}, Text(worker), Time(at)};
  return EndLease(kDelivered, p, id);
}

Result<void> Outbox::Release(OutboxMessageId id, std::string_view worker,
                             std::chrono::sys_seconds retry_at, std::string_view error) {
  const Value p[] = {std::int64_t{id.value()}, Text(worker), Time(retry_at), Text(error)};
  return EndLease(kRelease, p, id);
}

Result<void> Outbox::Unclaim(OutboxMessageId id, std::string_view worker) {
  const Value p[] = {std::int64_t{id.value()}, Text(worker)};
  return EndLease(kUnclaim, p, id);
}

Result<void> Outbox::MarkDead(OutboxMessageId id, std::string_view worker,
                              std::chrono::sys_seconds at, std::string_view error) {
  const Value p[] = {std::int64_t{id.value()}, Text(worker), Time(at), Text(error)};
  return EndLease(kDead, p, id);
}

Result<std::vector<OutboxEntry>> Outbox::List(const OutboxQuery& query) {
  const Value p[] = {std::int64_t{query.after.value()}, static_cast<std::int64_t>(query.limit)};
  Result<Rows> r = s_.Run(query.dead_only ? kListDead : kListUndelivered, p);
  if (!r) return std::unexpected(r.error());
  std::vector<OutboxEntry> out;
  for (const Row& row : r->rows) {
    out.push_back(EntryFrom(row));
    if (Result<void> ok = row.Check(); !ok) return Corrupt("outbox message", ok.error());
  }
  return out;
}

Result<void> Outbox::Retry(OutboxMessageId id, std::chrono::sys_seconds now) {
  const Value p[] = {std::int64_t{id.value()}, Time(now)};
  Result<Rows> r = s_.Run(kRetry, p);
  if (!r) return std::unexpected(r.error());
  if (r->affected == 1) return {};
  const Value key[] = {std::int64_t{id.value()}};
  Result<Rows> found = s_.Run(kExists, key);
  if (!found) return std::unexpected(found.error());
  if (found->empty()) return NotFound("no outbox message " + std::to_string(id.value()));
  return s_.Refuse(storage_errors::OutboxNotDead(id.value()));
}

Result<OutboxStats> Outbox::Stats() {
  Result<Rows> r = s_.Run(kStats);
  if (!r) return std::unexpected(r.error());
  const Row& row = r->rows.at(0);
  return OutboxStats{row.Int(0), row.Int(1), row.Int(2)};
}

Result<bool> Inbox::Accept(std::string_view key, std::chrono::sys_seconds at) {
  const Value p[] = {Text(key), Time(at)};
  Result<Rows> r = s_.Run(s_.Pick(kAcceptSqlite, kAcceptPostgres), p);
  if (!r) return std::unexpected(r.error());
  return r->affected == 1;
}

}  // namespace icp::sql
