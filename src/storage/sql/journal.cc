// The audit log in portable SQL.
#include <algorithm>
#include <charconv>

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
// The schema checks that the entry links to the head and then moves the head to it
// (audit_log_links_to_head, audit_log_moves_head), so the writer never updates the head.
constexpr std::string_view kAppendEntry =
    "INSERT INTO audit_log (seq, at, actor, action, entity, details, prev_hash, hash) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
constexpr std::string_view kReadEntries =
    "SELECT seq, at, actor, action, entity, details, prev_hash, hash FROM audit_log "
    "WHERE seq > $1 ORDER BY seq LIMIT $2";
constexpr std::size_t kVerifyPage = 1000;

// A stored integer, or kInternal (rule "storage.corrupt") naming the entry and column: a row
// written around the platform must not abort a reader.
Result<std::int64_t> IntAt(const Row& row, std::size_t i, std::string_view column) {
  const std::optional<std::string> cell = row.OptionalText(i);
  std::int64_t value = 0;
  const char* end = cell ? cell->data() + cell->size() : nullptr;
  if (cell && std::from_chars(cell->data(), end, value) == std::from_chars_result{end, {}}) {
    return value;
  }
  return Corrupt("audit_log entry " + row.Text(0),
                 Internal(std::string(column) + " is not an integer").error());
}

Result<StoredAuditEntry> EntryOf(const Row& row) {
  Result<std::int64_t> seq = IntAt(row, 0, "seq");
  if (!seq) return std::unexpected(seq.error());
  Result<std::int64_t> at = IntAt(row, 1, "at");
  if (!at) return std::unexpected(at.error());
  return StoredAuditEntry{*seq,
                          {std::chrono::sys_seconds(std::chrono::seconds(*at)), row.Text(2),
                           row.Text(3), row.Text(4), row.Text(5)},
                          row.Text(6),
                          row.Text(7)};
}

Result<Rows> Page(Session& s, std::int64_t after, std::size_t limit) {
  const Value p[] = {after, static_cast<std::int64_t>(limit)};
  return s.Run(kReadEntries, p);
}

Result<std::vector<StoredAuditEntry>> ReadEntries(Session& s, std::int64_t after,
                                                  std::size_t limit) {
  Result<Rows> r = Page(s, after, limit);
  if (!r) return std::unexpected(r.error());
  std::vector<StoredAuditEntry> out;
  for (const Row& row : r->rows) {
    Result<StoredAuditEntry> entry = EntryOf(row);
    if (!entry) return std::unexpected(entry.error());
    out.push_back(std::move(*entry));
  }
  return out;
}

}  // namespace

Result<void> AuditLog::Append(AuditEntry entry) {
  if (Result<void> ok = RefuseUnmaskedPersonalData(entry); !ok)
    return s_.Refuse(std::unexpected(ok.error()));
  pending_.push_back(std::move(entry));
  return {};
}

std::optional<AuditHeadCache::Head> AuditHeadCache::Get() const {
  std::lock_guard lock(mutex_);
  return head_;
}

void AuditHeadCache::Put(Head head) {
  std::lock_guard lock(mutex_);
  if (!head_ || head_->seq < head.seq) head_ = std::move(head);
}

void AuditHeadCache::Forget() {
  std::lock_guard lock(mutex_);
  head_.reset();
}

std::vector<Statement> AuditLog::ChainFrom(AuditHeadCache::Head head) {
  chained_.clear();
  std::int64_t seq = head.seq;
  std::string prev = std::move(head.hash);
  for (const AuditEntry& e : pending_) {
    ++seq;
    std::string hash = audit_chain::Hash(s_.vault.audit_key(), prev, seq, e);
    chained_.push_back({seq, Time(e.at), e.actor, e.action, e.entity, e.details, prev, hash});
    prev = std::move(hash);
  }
  std::vector<Statement> out;
  out.reserve(chained_.size());
  for (const std::vector<Value>& p : chained_) out.push_back({kAppendEntry, p});
  return out;
}

Result<std::vector<Statement>> AuditLog::Chain() {
  chained_.clear();
  if (pending_.empty()) return std::vector<Statement>();
  // The head row is locked last (FOR UPDATE on PostgreSQL; SQLite's write lock is held
  // since Begin), so concurrent writers queue here only for the head's read and the
  // INSERTs that go out with COMMIT.
  Result<Rows> head = s_.Run(s_.Pick(kHeadSqlite, kHeadPostgres));
  if (!head) return std::unexpected(head.error());
  if (head->empty()) return Internal("audit_head is missing; the schema is damaged");
  return ChainFrom({head->rows[0].Int(0), head->rows[0].Text(1)});
}

std::optional<AuditHeadCache::Head> AuditLog::Done() {
  pending_.clear();
  if (chained_.empty()) return std::nullopt;
  const std::vector<Value>& last = chained_.back();
  AuditHeadCache::Head head{std::get<std::int64_t>(last[0]), std::get<std::string>(last[7])};
  chained_.clear();
  return head;
}

Result<std::vector<StoredAuditEntry>> AuditLog::Read(std::int64_t after, std::size_t limit) {
  return ReadEntries(s_, after, limit);
}

Result<std::vector<StoredAuditEntry>> AuditLogReader::Read(std::int64_t after, std::size_t limit) {
  return ReadEntries(s_, after, limit);
}

// The head and every page come from the transaction's one snapshot, so an append that
// commits meanwhile is either wholly seen or not at all: never a false "broken".
Result<AuditVerification> AuditLogReader::Verify() {
  Result<Rows> head = s_.Run(kHeadShared);
  if (!head) return std::unexpected(head.error());
  if (head->empty()) return Internal("audit_head is missing; the schema is damaged");
  Result<std::int64_t> head_seq = IntAt(head->rows[0], 0, "audit_head.seq");
  if (!head_seq) return std::unexpected(head_seq.error());
  audit_chain::Verifier verifier(s_.vault.audit_key());
  for (std::int64_t after = 0;;) {
    Result<Rows> page = Page(s_, after, kVerifyPage);
    if (!page) return std::unexpected(page.error());
    if (page->empty()) break;
    for (const Row& row : page->rows) {
      // An entry that does not even read back was not written by the platform: broken.
      Result<StoredAuditEntry> entry = EntryOf(row);
      if (!entry) {
        verifier.Unreadable(entry.error().message);
        return verifier.Finish(*head_seq, head->rows[0].Text(1));
      }
      if (!verifier.Add(*entry)) return verifier.Finish(*head_seq, head->rows[0].Text(1));
      after = entry->seq;
    }
  }
  return verifier.Finish(*head_seq, head->rows[0].Text(1));
}

}  // namespace icp::sql
