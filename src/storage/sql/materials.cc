// Material metadata in portable SQL (the files live in the blob store). The certificate
// number a material shows is sealed, bound to its application and file.
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {

namespace {
constexpr std::string_view kInsertMaterial =
    "INSERT INTO materials (application_id, kind, owner, file_name, content_type, size, sha256, "
    "uploaded_at, certificate_number) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
constexpr std::string_view kMaterialColumns =
    "SELECT id, application_id, kind, owner, file_name, content_type, size, sha256, uploaded_at, "
    "certificate_number FROM materials ";
constexpr std::string_view kRemoveMaterial = "DELETE FROM materials WHERE id = $1";
constexpr std::string_view kSealKind = "material-certificate";

std::string Sealed(std::int64_t application, std::string_view sha256) {
  return SealContext(kSealKind, application, sha256);
}

Result<std::vector<MaterialRecord>> Select(Session& s, std::string_view where, const Value& key) {
  Result<Rows> r = s.Run(std::string(kMaterialColumns) + std::string(where), std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  std::vector<MaterialRecord> out;
  for (const Row& row : r->rows) {
    std::optional<MaterialKind> kind = MaterialKindFromName(row.Text(2));
    if (!kind) return Internal("material " + row.Text(0) + " has an unknown kind " + row.Text(2));
    MaterialRecord m{MaterialId(row.Int(0)),
                     ApplicationId(row.Int(1)),
                     *kind,
                     row.Text(3),
                     row.Text(4),
                     row.Text(5),
                     row.Int(6),
                     row.Text(7),
                     TimeAt(row, 8),
                     std::nullopt};
    if (std::optional<std::string> sealed = row.OptionalText(9)) {
      Result<std::string> number = s.vault.Open(*sealed, Sealed(row.Int(1), m.sha256));
      if (!number) return Corrupt("material " + row.Text(0), number.error());
      m.certificate_number = std::move(*number);
    }
    if (Result<void> ok = row.Check(); !ok) return Corrupt("material " + row.Text(0), ok.error());
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

Result<MaterialId> MaterialRepository::Insert(const MaterialRecord& m) {
  const Value p[] = {
      std::int64_t{m.application.value()},
      Text(MaterialKindName(m.kind)),
      m.owner,
      m.file_name,
      m.content_type,
      m.size,
      m.sha256,
      Time(m.uploaded_at),
      m.certificate_number
          ? Value(s_.vault.Seal(*m.certificate_number, Sealed(m.application.value(), m.sha256)))
          : Null()};
  Result<Rows> r = s_.Run(kInsertMaterial, p);
  if (!r) return std::unexpected(r.error());
  return MaterialId(r->rows.at(0).Int(0));
}

Result<MaterialRecord> MaterialRepository::Get(MaterialId id) {
  Result<std::vector<MaterialRecord>> r = Select(s_, "WHERE id = $1", std::int64_t{id.value()});
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Missing("material", id.value());
  return std::move(r->front());
}

Result<std::vector<MaterialRecord>> MaterialRepository::List(ApplicationId application) {
  return Select(s_, "WHERE application_id = $1 ORDER BY id", std::int64_t{application.value()});
}

Result<void> MaterialRepository::Remove(MaterialId id) {
  const Value key = std::int64_t{id.value()};
  Result<Rows> r = s_.Run(kRemoveMaterial, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  if (r->affected == 0) return Missing("material", id.value());
  return {};
}

}  // namespace icp::sql
