// The audit log in portable SQL.
#include <algorithm>

#include "ports/storage_errors.h"
#include "storage/common/audit_chain.h"
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

}  // namespace icp::sql
