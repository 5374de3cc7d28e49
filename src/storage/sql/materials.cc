// Material metadata in portable SQL (the files live in the blob store).
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {

namespace {
constexpr std::string_view kInsertMaterial =
    "INSERT INTO materials (application_id, kind, owner, file_name, content_type, size, sha256, "
    "uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
constexpr std::string_view kListMaterials =
    "SELECT id, application_id, kind, owner, file_name, content_type, size, sha256, uploaded_at "
    "FROM materials WHERE application_id = $1 ORDER BY id";
constexpr std::string_view kRemoveMaterial = "DELETE FROM materials WHERE id = $1";
}  // namespace

Result<MaterialId> MaterialRepository::Insert(const MaterialRecord& m) {
  const Value p[] = {std::int64_t{m.application.value()},
                     Text(MaterialKindName(m.kind)),
                     m.owner,
                     m.file_name,
                     m.content_type,
                     m.size,
                     m.sha256,
                     Time(m.uploaded_at)};
  Result<Rows> r = s_.Run(kInsertMaterial, p);
  if (!r) return std::unexpected(r.error());
  return MaterialId(r->rows.at(0).Int(0));
}

Result<std::vector<MaterialRecord>> MaterialRepository::List(ApplicationId application) {
  const Value key = std::int64_t{application.value()};
  Result<Rows> r = s_.Run(kListMaterials, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  std::vector<MaterialRecord> out;
  for (const Row& row : r->rows) {
    std::optional<MaterialKind> kind = MaterialKindFromName(row.Text(2));
    if (!kind) return Internal("material " + row.Text(0) + " has an unknown kind " + row.Text(2));
    out.push_back({MaterialId(row.Int(0)), ApplicationId(row.Int(1)), *kind, row.Text(3),
                   row.Text(4), row.Text(5), row.Int(6), row.Text(7), TimeAt(row, 8)});
    if (Result<void> ok = row.Check(); !ok) return Corrupt("material " + row.Text(0), ok.error());
  }
  return out;
}

Result<void> MaterialRepository::Remove(MaterialId id) {
  const Value key = std::int64_t{id.value()};
  Result<Rows> r = s_.Run(kRemoveMaterial, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  if (r->affected == 0) return Missing("material", id.value());
  return {};
}

}  // namespace icp::sql
