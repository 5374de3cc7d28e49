// Identity verification records in portable SQL: kept forever, each reviewed once
// (migrations/0006_materials.sql holds both rules against any writer).
#include "ports/storage_errors.h"
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {

namespace {
constexpr std::string_view kInsertVerification =
    "INSERT INTO verifications (application_id, method, evidence, state, reason, submitted_by, "
    "submitted_at) VALUES ($1, $2, $3, 'pending', '', $4, $5) RETURNING id";
constexpr std::string_view kVerificationColumns =
    "SELECT id, application_id, method, evidence, state, reason, submitted_by, submitted_at, "
    "reviewed_by, reviewed_at FROM verifications ";
constexpr std::string_view kReviewVerification =
    "UPDATE verifications SET state = $2, reason = $3, reviewed_by = $4, reviewed_at = $5 "
    "WHERE id = $1 AND state = 'pending'";

std::unexpected<Error> Reviewed(std::int64_t id) {
  Error e{ErrorCode::kAborted,
          "verification " + std::to_string(id) + " was reviewed already",
          {{"", "verification.reviewed", "This verification was reviewed already.",
            "该核验记录已审核。"}}};
  return std::unexpected(std::move(e));
}

Result<std::vector<VerificationRecord>> Select(Session& s, std::string_view where,
                                               const Value& key) {
  Result<Rows> r =
      s.Run(std::string(kVerificationColumns) + std::string(where), std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  std::vector<VerificationRecord> out;
  for (const Row& row : r->rows) {
    std::optional<VerificationMethod> method = VerificationMethodFromName(row.Text(2));
    std::optional<VerificationState> state = VerificationStateFromName(row.Text(4));
    if (!method || !state) return Internal("verification " + row.Text(0) + " does not read back");
    VerificationRecord v{VerificationId(row.Int(0)),
                         ApplicationId(row.Int(1)),
                         *method,
                         row.Text(3),
                         *state,
                         row.Text(5),
                         AccountId(row.Int(6)),
                         TimeAt(row, 7),
                         std::nullopt,
                         OptionalTimeAt(row, 9)};
    if (!row.IsNull(8)) v.reviewed_by = AccountId(row.Int(8));
    if (Result<void> ok = row.Check(); !ok)
      return Corrupt("verification " + row.Text(0), ok.error());
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

Result<VerificationId> VerificationRepository::Insert(const VerificationRecord& v) {
  const Value p[] = {std::int64_t{v.application.value()}, Text(VerificationMethodName(v.method)),
                     v.evidence, std::int64_t{v.submitted_by.value()}, Time(v.submitted_at)};
  Result<Rows> r = s_.Run(kInsertVerification, p);
  if (!r) return std::unexpected(r.error());
  return VerificationId(r->rows.at(0).Int(0));
}

Result<VerificationRecord> VerificationRepository::Get(VerificationId id) {
  Result<std::vector<VerificationRecord>> r = Select(s_, "WHERE id = $1", std::int64_t{id.value()});
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Missing("verification", id.value());
  return std::move(r->front());
}

Result<std::vector<VerificationRecord>> VerificationRepository::List(ApplicationId application) {
  return Select(s_, "WHERE application_id = $1 ORDER BY id", std::int64_t{application.value()});
}

Result<void> VerificationRepository::Review(VerificationId id, VerificationState state,
                                            std::string_view reason, AccountId reviewer,
                                            std::chrono::sys_seconds at) {
  const Value p[] = {std::int64_t{id.value()}, Text(VerificationStateName(state)), Text(reason),
                     std::int64_t{reviewer.value()}, Time(at)};
  Result<Rows> r = s_.Run(kReviewVerification, p);
  if (!r) {
    if (ConstraintOf(r.error()) == "verification.reviewed") return s_.Refuse(Reviewed(id.value()));
    return std::unexpected(r.error());
  }
  if (r->affected == 1) return {};
  if (Result<VerificationRecord> found = Get(id); !found) return std::unexpected(found.error());
  return s_.Refuse(Reviewed(id.value()));
}

}  // namespace icp::sql
