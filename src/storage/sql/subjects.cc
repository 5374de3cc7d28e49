// Subjects on record in portable SQL. "One active subject per certificate" is the unique
// column subjects.active_certificate_hash; the sealed document is bound to its row and its
// content hash (SealContext), and its identity_key never changes (migrations/0001_init.sql).
#include "codec/application_json.h"
#include "ports/storage_errors.h"
#include "storage/common/keys.h"
#include "storage/sql/records.h"
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {
namespace {

constexpr std::string_view kKind = "subject";
constexpr std::string_view kInsertSubject =
    "INSERT INTO subjects (account_id, identity_key, certificate_hash, active_certificate_hash, "
    "province, body, content_hash, number, cancelled, changed_by, revision, unit_name) "
    "VALUES ($1, $2, $2, $3, $4, '', $5, $6, $7, $8, 1, $9) RETURNING id";
constexpr std::string_view kSealSubject = "UPDATE subjects SET body = $2 WHERE id = $1";
constexpr std::string_view kUpdateSubject =
    "UPDATE subjects SET certificate_hash = $3, active_certificate_hash = $4, province = $5, "
    "body = $6, content_hash = $7, number = $8, cancelled = $9, changed_by = $10, "
    "unit_name = $11, revision = revision + 1 WHERE id = $1 AND revision = $2 "
    "RETURNING revision";
constexpr std::string_view kSubjectById =
    "SELECT id, account_id, body, number, cancelled, changed_by, revision, content_hash "
    "FROM subjects WHERE id = $1";
constexpr std::string_view kSubjectByCertificate =
    "SELECT id, account_id, body, number, cancelled, changed_by, revision, content_hash "
    "FROM subjects WHERE active_certificate_hash = $1";
constexpr std::string_view kSubjectsByAccount =
    "SELECT id, account_id, body, number, cancelled, changed_by, revision, content_hash "
    "FROM subjects WHERE account_id = $1 ORDER BY id";
// The filing_numbers row names the subject a number is issued to (its primary key is the
// number); the subject's own number must still be that number, and the subject active.
constexpr std::string_view kSubjectByNumber =
    "SELECT id, account_id, body, number, cancelled, changed_by, revision, content_hash "
    "FROM subjects WHERE id = (SELECT subject_id FROM filing_numbers WHERE number = $1 AND "
    "website_id IS NULL) AND number = $1 AND cancelled = 0";
// Index subjects_unit_name (migrations/0011_public_query.sql).
constexpr std::string_view kSubjectsByUnitName =
    "SELECT id, account_id, body, number, cancelled, changed_by, revision, content_hash "
    "FROM subjects WHERE unit_name = $1 AND cancelled = 0 AND id > $2 ORDER BY id LIMIT $3";
constexpr std::string_view kRevisionOfSubject = "SELECT revision FROM subjects WHERE id = $1";

struct SubjectColumns {
  std::string certificate_key;
  std::string document;
  std::string content_hash;
};

// The name the public query finds a unit by; a person's name is never kept in plain.
Value UnitNameOf(const SubjectRecord& r) {
  if (IsIndividual(r.subject.type)) return Null();
  return Text(r.subject.name);
}

SubjectColumns ColumnsOf(const Session& s, const SubjectRecord& r) {
  std::string document = codec::EncodeSubject(r.subject);
  std::string content_hash = s.vault.Hash(document, "subject-content");
  return {s.vault.Hash(keys::CertificateKey(r.subject.certificate), "certificate"),
          std::move(document), std::move(content_hash)};
}

// Errors of a write to subjects, by the constraint they name.
std::unexpected<Error> SubjectWriteError(Session& s, const Error& e) {
  const std::string_view constraint = ConstraintOf(e);
  if (constraint == "subjects.active_certificate_hash") {
    return s.Refuse(storage_errors::SubjectOnRecord());
  }
  return RecordWriteError(s, e);
}

}  // namespace

Result<SubjectId> SubjectRepository::Insert(const SubjectRecord& record) {
  const SubjectColumns c = ColumnsOf(s_, record);
  const Value p[] = {std::int64_t{record.account.value()},
                     c.certificate_key,
                     record.cancelled ? Null() : Value(c.certificate_key),
                     Text(record.subject.province.code()),
                     c.content_hash,
                     OptionalText(NumberText(record.number)),
                     Flag(record.cancelled),
                     OptionalInt(record.changed_by),
                     UnitNameOf(record)};
  Result<Rows> r = s_.Run(kInsertSubject, p);
  if (!r) return SubjectWriteError(s_, r.error());
  const SubjectId id(r->rows.at(0).Int(0));
  const Value seal[] = {std::int64_t{id.value()},
                        s_.vault.Seal(c.document, SealContext(kKind, id.value(), c.content_hash))};
  if (Result<Rows> sealed = s_.Run(kSealSubject, seal); !sealed) {
    return std::unexpected(sealed.error());
  }
  return id;
}

Result<std::vector<SubjectRecord>> SubjectRepository::Select(std::string_view statement,
                                                             const Value& key) {
  return Select(statement, std::span(&key, 1));
}

Result<std::vector<SubjectRecord>> SubjectRepository::Select(std::string_view statement,
                                                             std::span<const Value> params) {
  Result<Rows> r = s_.Run(statement, params);
  if (!r) return std::unexpected(r.error());
  std::vector<SubjectRecord> out;
  for (const Row& row : r->rows) {
    const std::string what = "subject " + row.Text(0);
    Result<std::string> document =
        s_.vault.Open(row.Text(2), SealContext(kKind, row.Int(0), row.Text(7)));
    if (!document) return Corrupt(what, document.error());
    Result<Subject> subject = codec::DecodeSubject(*document, kReadBack);
    if (!subject) return Corrupt(what, subject.error());
    Result<std::optional<FilingNumber>> number = NumberAt(row, 3);
    if (!number) return std::unexpected(number.error());
    out.push_back({SubjectId(row.Int(0)), AccountId(row.Int(1)), std::move(*subject), *number,
                   row.Int(4) == 1, OptionalIdAt<ApplicationId>(row, 5), row.Int(6)});
    if (Result<void> ok = row.Check(); !ok) return Corrupt(what, ok.error());
  }
  return out;
}

Result<SubjectRecord> SubjectRepository::Get(SubjectId id) {
  Result<std::vector<SubjectRecord>> r = Select(kSubjectById, std::int64_t{id.value()});
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Missing("subject", id.value());
  return std::move(r->front());
}

Result<std::optional<SubjectRecord>> SubjectRepository::FindByCertificate(const Certificate& c) {
  Result<std::vector<SubjectRecord>> r =
      Select(kSubjectByCertificate, s_.vault.Hash(keys::CertificateKey(c), "certificate"));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return std::optional<SubjectRecord>();
  return std::optional<SubjectRecord>(std::move(r->front()));
}

Result<std::int64_t> SubjectRepository::Update(const SubjectRecord& record) {
  const SubjectColumns c = ColumnsOf(s_, record);
  const Value p[] = {
      std::int64_t{record.id.value()},
      std::int64_t{record.revision},
      c.certificate_key,
      record.cancelled ? Null() : Value(c.certificate_key),
      Text(record.subject.province.code()),
      s_.vault.Seal(c.document, SealContext(kKind, record.id.value(), c.content_hash)),
      c.content_hash,
      OptionalText(NumberText(record.number)),
      Flag(record.cancelled),
      OptionalInt(record.changed_by),
      UnitNameOf(record)};
  Result<Rows> r = s_.Run(kUpdateSubject, p);
  if (!r) return SubjectWriteError(s_, r.error());
  if (r->empty()) return NotUpdated(s_, kRevisionOfSubject, "subject", record.id.value());
  return r->rows[0].Int(0);
}

Result<std::vector<SubjectRecord>> SubjectRepository::ListByAccount(AccountId account) {
  return Select(kSubjectsByAccount, std::int64_t{account.value()});
}

Result<std::optional<SubjectRecord>> SubjectRepository::FindByNumber(const FilingNumber& number) {
  Result<std::vector<SubjectRecord>> r = Select(kSubjectByNumber, Text(number.canonical()));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return std::optional<SubjectRecord>();
  return std::optional<SubjectRecord>(std::move(r->front()));
}

Result<std::vector<SubjectRecord>> SubjectRepository::ListByUnitName(std::string_view name,
                                                                     SubjectId after,
                                                                     std::size_t limit) {
  const Value p[] = {Text(std::string(name)), std::int64_t{after.value()},
                     static_cast<std::int64_t>(limit)};
  return Select(kSubjectsByUnitName, p);
}

}  // namespace icp::sql
