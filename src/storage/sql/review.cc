// The review journal and the idempotency keys in portable SQL (migrations 0004 on SQLite,
// 0005 on PostgreSQL).
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {

namespace {
constexpr std::string_view kAppendNote =
    "INSERT INTO review_notes (application_id, round, kind, field, rule, message, suggestion, "
    "outcome, author_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
constexpr std::string_view kListNotes =
    "SELECT application_id, round, kind, field, rule, message, suggestion, outcome, author_id, "
    "at FROM review_notes WHERE application_id = $1 ORDER BY id";

constexpr std::string_view kFindKey =
    "SELECT account_id, key, request_hash, state, status, response, created_at "
    "FROM idempotency_keys WHERE account_id = $1 AND key = $2";
constexpr std::string_view kReserveSqlite =
    "INSERT INTO idempotency_keys (account_id, key, request_hash, state, status, response, "
    "created_at) SELECT $1, $2, $3, 'pending', 0, '', $4 "
    "WHERE NOT EXISTS (SELECT 1 FROM idempotency_keys WHERE account_id = $1 AND key = $2)";
constexpr std::string_view kReservePostgres =
    "INSERT INTO idempotency_keys (account_id, key, request_hash, state, status, response, "
    "created_at) VALUES ($1, $2, $3, 'pending', 0, '', $4) "
    "ON CONFLICT (account_id, key) DO NOTHING";
constexpr std::string_view kTakeOver =
    "UPDATE idempotency_keys SET created_at = $4 "
    "WHERE account_id = $1 AND key = $2 AND state = 'pending' AND created_at < $3";
constexpr std::string_view kComplete =
    "UPDATE idempotency_keys SET state = 'done', status = $3, response = $4 "
    "WHERE account_id = $1 AND key = $2 AND state = 'pending'";
constexpr std::string_view kPurge = "DELETE FROM idempotency_keys WHERE created_at < $1";
constexpr std::string_view kRelease =
    "DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2 AND state = 'pending'";

std::string_view OutcomeName(const std::optional<ContactOutcome>& o) {
  if (!o) return "";
  return *o == ContactOutcome::kReached ? "reached" : "missed";
}

}  // namespace

Result<void> ReviewJournal::Append(const ReviewNote& n) {
  const Value p[] = {std::int64_t{n.application.value()},
                     std::int64_t{n.round},
                     Text(ReviewNoteKindName(n.kind)),
                     n.field,
                     n.rule,
                     n.message,
                     n.suggestion,
                     Text(OutcomeName(n.contact)),
                     OptionalInt(n.author),
                     Time(n.at)};
  Result<Rows> r = s_.Run(kAppendNote, p);
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<std::vector<ReviewNote>> ReviewJournal::List(ApplicationId application) {
  const Value key = std::int64_t{application.value()};
  Result<Rows> r = s_.Run(kListNotes, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  std::vector<ReviewNote> out;
  for (const Row& row : r->rows) {
    ReviewNote n;
    n.application = ApplicationId(row.Int(0));
    n.round = static_cast<int>(row.Int(1));
    std::optional<ReviewNoteKind> kind = ReviewNoteKindFromName(row.Text(2));
    if (!kind) return Internal("review note of application " + row.Text(0) + ": unknown kind");
    n.kind = *kind;
    n.field = row.Text(3);
    n.rule = row.Text(4);
    n.message = row.Text(5);
    n.suggestion = row.Text(6);
    const std::string outcome = row.Text(7);
    if (outcome == "reached") n.contact = ContactOutcome::kReached;
    if (outcome == "missed") n.contact = ContactOutcome::kMissed;
    if (!row.IsNull(8)) n.author = AccountId(row.Int(8));
    n.at = TimeAt(row, 9);
    if (Result<void> ok = row.Check(); !ok) return Corrupt("review note", ok.error());
    out.push_back(std::move(n));
  }
  return out;
}

Result<std::optional<IdempotencyRecord>> IdempotencyStore::Find(AccountId account,
                                                                const std::string& key) {
  const Value p[] = {std::int64_t{account.value()}, key};
  Result<Rows> r = s_.Run(kFindKey, p);
  if (!r) return std::unexpected(r.error());
  if (r->rows.empty()) return std::optional<IdempotencyRecord>();
  const Row& row = r->rows.front();
  IdempotencyRecord out{
      AccountId(row.Int(0)),        row.Text(1), row.Text(2),   row.Text(3) == "done",
      static_cast<int>(row.Int(4)), row.Text(5), TimeAt(row, 6)};
  if (Result<void> ok = row.Check(); !ok) return Corrupt("idempotency key", ok.error());
  return std::optional<IdempotencyRecord>(std::move(out));
}

Result<bool> IdempotencyStore::Reserve(const IdempotencyRecord& pending) {
  const Value p[] = {std::int64_t{pending.account.value()}, pending.key, pending.request_hash,
                     Time(pending.created_at)};
  Result<Rows> r = s_.Run(s_.Pick(kReserveSqlite, kReservePostgres), p);
  if (!r) return std::unexpected(r.error());
  return r->affected == 1;
}

Result<bool> IdempotencyStore::TakeOver(AccountId account, const std::string& key,
                                        std::chrono::sys_seconds stale_before,
                                        std::chrono::sys_seconds now) {
  const Value p[] = {std::int64_t{account.value()}, key, Time(stale_before), Time(now)};
  Result<Rows> r = s_.Run(kTakeOver, p);
  if (!r) return std::unexpected(r.error());
  return r->affected == 1;
}

Result<void> IdempotencyStore::Complete(AccountId account, const std::string& key, int status,
                                        const std::string& response) {
  const Value p[] = {std::int64_t{account.value()}, key, std::int64_t{status}, response};
  Result<Rows> r = s_.Run(kComplete, p);
  if (!r) return std::unexpected(r.error());
  if (r->affected == 0) return Missing("pending idempotency key", key);
  return {};
}

Result<void> IdempotencyStore::Release(AccountId account, const std::string& key) {
  const Value p[] = {std::int64_t{account.value()}, key};
  Result<Rows> r = s_.Run(kRelease, p);
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<std::int64_t> IdempotencyStore::Purge(std::chrono::sys_seconds created_before) {
  const Value p[] = {Time(created_before)};
  Result<Rows> r = s_.Run(kPurge, p);
  if (!r) return std::unexpected(r.error());
  return r->affected;
}

}  // namespace icp::sql
