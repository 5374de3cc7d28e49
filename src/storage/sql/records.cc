#include "storage/sql/records.h"

#include "ports/storage_errors.h"
#include "storage/sql/values.h"

namespace icp::sql {

std::unexpected<Error> NotUpdated(Session& s, std::string_view revision_query,
                                  std::string_view what, std::int64_t id) {
  const Value key = id;
  Result<Rows> r = s.Run(revision_query, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Missing(what, id);
  return s.Refuse(storage_errors::StaleRevision(what, id));
}

std::unexpected<Error> RecordWriteError(Session& s, const Error& e) {
  const std::string_view constraint = ConstraintOf(e);
  if (constraint == "access-filing.changes-no-data") {
    return s.Refuse(storage_errors::AccessFilingChangesNoData());
  }
  if (constraint == "record.identity-fixed") {
    return s.Refuse(storage_errors::RecordIdentityFixed());
  }
  if (constraint == "record.change-needs-application") {
    return s.Refuse(storage_errors::RecordChangeNeedsApplication());
  }
  if (constraint == "subjects.number" || constraint == "websites.number") {
    return s.Refuse(storage_errors::NumberNotIssuedToRecord());
  }
  return std::unexpected(e);
}

Result<bool> IndexedForDocument(Session& s, std::string_view count_statement, std::int64_t id,
                                const std::string& content_hash) {
  const Value p[] = {id, content_hash};
  Result<Rows> r = s.Run(count_statement, p);
  if (!r) return std::unexpected(r.error());
  return r->rows.at(0).Int(0) > 0;
}

}  // namespace icp::sql
