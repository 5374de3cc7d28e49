// Transfers of a subject between accounts in portable SQL. One pending transfer per subject
// is a partial unique index; a transfer leaves pending once, and a subject changes account
// only through the latest approved transfer of it (migrations/0007_transfers.sql holds both
// against any writer).
#include "ports/storage_errors.h"
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {
namespace {

constexpr std::string_view kInsertTransfer =
    "INSERT INTO transfers (subject_id, from_account, to_account, reason, state, created_at, "
    "objection_until, decision_reason, revision) "
    "VALUES ($1, $2, $3, $4, 'pending', $5, $6, '', 1) RETURNING id";
constexpr std::string_view kInsertEvidence =
    "INSERT INTO transfer_evidence (transfer_id, position, kind, file_name, sha256, "
    "content_type, size) VALUES ($1, $2, $3, $4, $5, $6, $7)";
constexpr std::string_view kTransferColumns =
    "SELECT id, subject_id, from_account, to_account, reason, state, created_at, "
    "objection_until, decided_by, decided_at, decision_reason, revision FROM transfers ";
constexpr std::string_view kEvidenceOf =
    "SELECT position, kind, file_name, sha256, content_type, size FROM transfer_evidence "
    "WHERE transfer_id = $1 ORDER BY position";
constexpr std::string_view kDecide =
    "UPDATE transfers SET state = $3, decided_by = $4, decided_at = $5, decision_reason = $6, "
    "revision = revision + 1 WHERE id = $1 AND revision = $2 AND state = 'pending' "
    "RETURNING revision";
constexpr std::string_view kStateOf = "SELECT state FROM transfers WHERE id = $1";
constexpr std::string_view kMoveSubject =
    "UPDATE subjects SET account_id = $4, transferred_by = $1, revision = revision + 1 "
    "WHERE id = $2 AND revision = $3 AND account_id = $5 RETURNING revision";

std::unexpected<Error> MovesSubject() {
  return Refusal(ErrorCode::kFailedPrecondition, "subject", "transfer.moves-subject",
                 "a subject changes account only through the latest approved transfer of it",
                 "主体只能经已同意的备案转移申请变更账号");
}

// Errors of a write to transfers or subjects, by the constraint they name.
std::unexpected<Error> TransferWriteError(Session& s, const Error& e, std::int64_t id) {
  const std::string_view constraint = ConstraintOf(e);
  if (constraint == "transfers.subject_id") return s.Refuse(transfer_errors::PendingForSubject());
  if (constraint == "transfer.decided") return s.Refuse(transfer_errors::Decided(id));
  if (constraint == "transfer.open-application") {
    return s.Refuse(transfer_errors::OpenApplication());
  }
  if (constraint == "transfer.moves-subject") return s.Refuse(MovesSubject());
  return std::unexpected(e);
}

Result<std::vector<TransferEvidence>> EvidenceOf(Session& s, std::int64_t id) {
  const Value key = id;
  Result<Rows> r = s.Run(kEvidenceOf, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  std::vector<TransferEvidence> out;
  for (const Row& row : r->rows) {
    std::optional<TransferEvidenceKind> kind = TransferEvidenceKindFromName(row.Text(1));
    if (!kind)
      return Internal("evidence of transfer " + std::to_string(id) + " does not read back");
    out.push_back({*kind, row.Text(2), row.Text(3), row.Text(4), row.Int(5)});
    if (Result<void> ok = row.Check(); !ok) {
      return Corrupt("evidence of transfer " + std::to_string(id), ok.error());
    }
  }
  return out;
}

Result<std::vector<TransferRecord>> Select(Session& s, const std::string& where,
                                           std::span<const Value> params) {
  Result<Rows> r = s.Run(std::string(kTransferColumns) + where, params);
  if (!r) return std::unexpected(r.error());
  std::vector<TransferRecord> out;
  for (const Row& row : r->rows) {
    std::optional<TransferState> state = TransferStateFromName(row.Text(5));
    if (!state) return Internal("transfer " + row.Text(0) + " does not read back");
    TransferRecord t{TransferId(row.Int(0)),
                     SubjectId(row.Int(1)),
                     AccountId(row.Int(2)),
                     AccountId(row.Int(3)),
                     row.Text(4),
                     {},
                     *state,
                     TimeAt(row, 6),
                     TimeAt(row, 7),
                     OptionalIdAt<AccountId>(row, 8),
                     OptionalTimeAt(row, 9),
                     row.Text(10),
                     row.Int(11)};
    if (Result<void> ok = row.Check(); !ok) return Corrupt("transfer " + row.Text(0), ok.error());
    out.push_back(std::move(t));
  }
  for (TransferRecord& t : out) {
    Result<std::vector<TransferEvidence>> evidence = EvidenceOf(s, t.id.value());
    if (!evidence) return std::unexpected(evidence.error());
    t.evidence = std::move(*evidence);
  }
  return out;
}

}  // namespace

Result<TransferId> TransferRepository::Insert(const TransferRecord& t) {
  const Value p[] = {std::int64_t{t.subject.value()},
                     std::int64_t{t.from_account.value()},
                     std::int64_t{t.to_account.value()},
                     t.reason,
                     Time(t.created_at),
                     Time(t.objection_until)};
  Result<Rows> r = s_.Run(kInsertTransfer, p);
  if (!r) return TransferWriteError(s_, r.error(), 0);
  const std::int64_t id = r->rows.at(0).Int(0);
  std::int64_t position = 0;
  for (const TransferEvidence& e : t.evidence) {
    const Value q[] = {id,          position++, Text(TransferEvidenceKindName(e.kind)),
                       e.file_name, e.sha256,   e.content_type,
                       e.size};
    if (Result<Rows> w = s_.Run(kInsertEvidence, q); !w) {
      return TransferWriteError(s_, w.error(), id);
    }
  }
  return TransferId(id);
}

Result<TransferRecord> TransferRepository::Get(TransferId id) {
  const Value key = std::int64_t{id.value()};
  Result<std::vector<TransferRecord>> r = Select(s_, "WHERE id = $1", std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Missing("transfer", id.value());
  return std::move(r->front());
}

Result<std::vector<TransferRecord>> TransferRepository::List(const TransferQuery& q) {
  std::vector<Value> p;
  p.reserve(4);
  const auto param = [&p](const Value& v) {
    p.push_back(v);
    return "$" + std::to_string(p.size());
  };
  std::string where = "WHERE id > " + param(std::int64_t{q.after.value()});
  if (q.to_account) where += " AND to_account = " + param(std::int64_t{q.to_account->value()});
  if (q.state) where += " AND state = " + param(Text(TransferStateName(*q.state)));
  where += " ORDER BY id LIMIT " + param(static_cast<std::int64_t>(q.limit));
  return Select(s_, where, p);
}

Result<std::int64_t> TransferRepository::Decide(TransferId id, std::int64_t revision,
                                                TransferState to, AccountId by,
                                                std::chrono::sys_seconds at,
                                                std::string_view reason) {
  const Value p[] = {std::int64_t{id.value()}, revision, Text(TransferStateName(to)),
                     std::int64_t{by.value()}, Time(at), Text(reason)};
  Result<Rows> r = s_.Run(kDecide, p);
  if (!r) return TransferWriteError(s_, r.error(), id.value());
  if (!r->empty()) return r->rows[0].Int(0);
  const Value key = std::int64_t{id.value()};
  Result<Rows> now = s_.Run(kStateOf, std::span(&key, 1));
  if (!now) return std::unexpected(now.error());
  if (now->empty()) return Missing("transfer", id.value());
  if (now->rows[0].Text(0) != "pending") return s_.Refuse(transfer_errors::Decided(id.value()));
  return s_.Refuse(storage_errors::StaleRevision("transfer", id.value()));
}

Result<std::int64_t> TransferRepository::MoveSubject(TransferId id, std::int64_t subject_revision) {
  Result<TransferRecord> t = Get(id);
  if (!t) return std::unexpected(t.error());
  const Value p[] = {std::int64_t{id.value()}, std::int64_t{t->subject.value()}, subject_revision,
                     std::int64_t{t->to_account.value()}, std::int64_t{t->from_account.value()}};
  Result<Rows> r = s_.Run(kMoveSubject, p);
  if (!r) return TransferWriteError(s_, r.error(), id.value());
  if (r->empty()) return s_.Refuse(storage_errors::StaleRevision("subject", t->subject.value()));
  return r->rows[0].Int(0);
}

}  // namespace icp::sql
