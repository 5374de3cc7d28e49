// The access gate's view in portable SQL: the gate_filed view, the bureau's lists and the
// change sequence of migrations/0009_gate.sql.
#include "ports/storage_errors.h"
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {
namespace {

// SQLite numbers changes with AUTOINCREMENT (one writer); PostgreSQL from gate_head.
constexpr std::string_view kLastChangeSqlite = "SELECT COALESCE(max(seq), 0) FROM gate_changes";
constexpr std::string_view kLastChangePostgres = "SELECT seq FROM gate_head WHERE id = 1";
constexpr std::string_view kChangesAfter =
    "SELECT seq, domain FROM gate_changes WHERE seq > $1 ORDER BY seq LIMIT $2";
constexpr std::string_view kListFiled =
    "SELECT domain, number FROM gate_filed WHERE domain > $1 ORDER BY domain LIMIT $2";
constexpr std::string_view kFindFiled = "SELECT domain, number FROM gate_filed WHERE domain = $1";
constexpr std::string_view kListEntries =
    "SELECT list, domain, source, listed_at FROM gate_list_entries ORDER BY list, domain";
constexpr std::string_view kFindEntries =
    "SELECT list, domain, source, listed_at FROM gate_list_entries WHERE domain = $1 "
    "ORDER BY list";
constexpr std::string_view kFindEntry =
    "SELECT source, listed_at FROM gate_list_entries WHERE list = $1 AND domain = $2";
constexpr std::string_view kInsertEntry =
    "INSERT INTO gate_list_entries (list, domain, source, listed_at) VALUES ($1, $2, $3, $4)";
constexpr std::string_view kUpdateEntry =
    "UPDATE gate_list_entries SET source = $3, listed_at = $4 WHERE list = $1 AND domain = $2";
constexpr std::string_view kDeleteEntry =
    "DELETE FROM gate_list_entries WHERE list = $1 AND domain = $2";

Result<std::vector<FiledDomain>> FiledRows(const Rows& rows) {
  std::vector<FiledDomain> out;
  out.reserve(rows.rows.size());
  for (const Row& row : rows.rows) {
    out.push_back({row.Text(0), row.Text(1)});
    if (Result<void> ok = row.Check(); !ok) return Corrupt("gate_filed", ok.error());
  }
  return out;
}

Result<std::vector<GateListEntry>> EntryRows(const Rows& rows) {
  std::vector<GateListEntry> out;
  out.reserve(rows.rows.size());
  for (const Row& row : rows.rows) {
    std::optional<GateList> list = GateListFromName(row.Text(0));
    if (!list) {
      return Corrupt("gate_list_entries", Internal("unknown list \"" + row.Text(0) + "\"").error());
    }
    out.push_back({*list, row.Text(1), row.Text(2), row.Int(3)});
    if (Result<void> ok = row.Check(); !ok) return Corrupt("gate_list_entries", ok.error());
  }
  return out;
}

}  // namespace

Result<std::int64_t> GateRepository::LastChange() {
  Result<Rows> r = s_.Run(s_.Pick(kLastChangeSqlite, kLastChangePostgres));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Corrupt("gate_head", Internal("the head row is missing").error());
  const std::int64_t seq = r->rows[0].Int(0);
  if (Result<void> ok = r->rows[0].Check(); !ok) return Corrupt("gate_changes", ok.error());
  return seq;
}

Result<std::vector<GateChange>> GateRepository::ChangesAfter(std::int64_t after,
                                                             std::size_t limit) {
  const Value p[] = {after, static_cast<std::int64_t>(limit)};
  Result<Rows> r = s_.Run(kChangesAfter, p);
  if (!r) return std::unexpected(r.error());
  std::vector<GateChange> out;
  out.reserve(r->rows.size());
  for (const Row& row : r->rows) {
    out.push_back({row.Int(0), row.Text(1)});
    if (Result<void> ok = row.Check(); !ok) return Corrupt("gate_changes", ok.error());
  }
  return out;
}

Result<std::vector<FiledDomain>> GateRepository::ListFiled(std::string_view after,
                                                           std::size_t limit) {
  const Value p[] = {Text(after), static_cast<std::int64_t>(limit)};
  Result<Rows> r = s_.Run(kListFiled, p);
  if (!r) return std::unexpected(r.error());
  return FiledRows(*r);
}

Result<std::optional<FiledDomain>> GateRepository::FindFiled(std::string_view domain) {
  const Value key = Text(domain);
  Result<Rows> r = s_.Run(kFindFiled, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  Result<std::vector<FiledDomain>> rows = FiledRows(*r);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<FiledDomain>();
  return std::optional<FiledDomain>(std::move(rows->front()));
}

Result<std::vector<GateListEntry>> GateRepository::ListEntries() {
  Result<Rows> r = s_.Run(kListEntries);
  if (!r) return std::unexpected(r.error());
  return EntryRows(*r);
}

Result<std::vector<GateListEntry>> GateRepository::FindEntries(std::string_view domain) {
  const Value key = Text(domain);
  Result<Rows> r = s_.Run(kFindEntries, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  return EntryRows(*r);
}

Result<bool> GateRepository::PutEntry(const GateListEntry& e) {
  const Value key[] = {Text(GateListName(e.list)), e.domain};
  Result<Rows> found = s_.Run(kFindEntry, key);
  if (!found) return std::unexpected(found.error());
  if (!found->empty() && found->rows[0].Text(0) == e.source &&
      found->rows[0].Int(1) == e.listed_at) {
    return false;
  }
  const Value p[] = {Text(GateListName(e.list)), e.domain, e.source, e.listed_at};
  Result<Rows> r = s_.Run(found->empty() ? kInsertEntry : kUpdateEntry, p);
  if (!r) {
    if (ConstraintOf(r.error()) == "gate.list-domain") {
      return s_.Refuse(storage_errors::GateListDomain(e.domain));
    }
    return std::unexpected(r.error());
  }
  return true;
}

Result<bool> GateRepository::RemoveEntry(GateList list, std::string_view domain) {
  const Value p[] = {Text(GateListName(list)), Text(domain)};
  Result<Rows> r = s_.Run(kDeleteEntry, p);
  if (!r) return std::unexpected(r.error());
  return r->affected > 0;
}

}  // namespace icp::sql
