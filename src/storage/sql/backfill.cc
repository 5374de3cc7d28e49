// Data steps that SQL alone cannot do (migration 0012's `backfills`): today the unit names
// of subjects on record before migration 0011.
#include "storage/sql/backfill.h"

#include "codec/application_json.h"
#include "domain/certificate.h"
#include "storage/sql/values.h"

namespace icp::sql {
namespace {

constexpr std::string_view kDone = "SELECT finished_at FROM backfills WHERE name = $1";
constexpr std::string_view kMarkDone =
    "INSERT INTO backfills (name, finished_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
constexpr std::string_view kUnnamed =
    "SELECT id, body, content_hash FROM subjects WHERE unit_name IS NULL AND id > $1 "
    "ORDER BY id LIMIT $2";
constexpr std::string_view kFill =
    "UPDATE subjects SET unit_name = $2 WHERE id = $1 AND unit_name IS NULL AND "
    "content_hash = $3";

// One batch in its own transaction: the subjects after `after`; sets `after` to the last
// one seen and `finished` once none is left (or the backfill had finished before).
Result<void> Batch(Connection& c, const PiiVault& vault, std::int64_t now, std::size_t batch,
                   std::int64_t& after, bool& finished, BackfillStatus& status) {
  if (Result<void> begun = c.Begin(); !begun) return begun;
  auto fail = [&c](Error e) -> Result<void> {
    (void)c.Rollback();
    return std::unexpected(std::move(e));
  };
  const Value name = Text(kUnitNameBackfill);
  Result<Rows> done = c.Query(kDone, std::span(&name, 1));
  if (!done) return fail(done.error());
  if (!done->rows.empty()) {
    finished = true;
    return c.Rollback();
  }
  status.ran = true;
  const Value page[] = {after, static_cast<std::int64_t>(batch)};
  Result<Rows> rows = c.Query(kUnnamed, page);
  if (!rows) return fail(rows.error());
  for (const Row& row : rows->rows) {
    after = row.Int(0);
    ++status.scanned;
    const std::string content_hash = row.Text(2);
    Result<std::string> document =
        vault.Open(row.Text(1), SealContext("subject", after, content_hash));
    Result<Subject> subject =
        document ? codec::DecodeSubject(*document, kReadBack) : std::unexpected(document.error());
    if (!subject || !row.Check()) {
      ++status.unreadable;
      continue;
    }
    if (IsIndividual(subject->type)) continue;  // a person's name is never kept in plain
    const Value fill[] = {after, subject->name, content_hash};
    Result<Rows> filled = c.Query(kFill, fill);
    if (!filled) return fail(filled.error());
    status.filled += filled->affected;
  }
  if (rows->rows.size() < batch) {
    const Value mark[] = {name, now};
    if (Result<Rows> marked = c.Query(kMarkDone, mark); !marked) return fail(marked.error());
    finished = true;
  }
  return c.Commit();
}

}  // namespace

Result<BackfillStatus> BackfillUnitNames(Connection& c, const PiiVault& vault, std::int64_t now,
                                         std::size_t batch) {
  BackfillStatus status{std::string(kUnitNameBackfill)};
  std::int64_t after = 0;
  bool finished = false;
  while (!finished) {
    if (Result<void> ok = Batch(c, vault, now, batch, after, finished, status); !ok) {
      return std::unexpected(ok.error());
    }
  }
  return status;
}

}  // namespace icp::sql
