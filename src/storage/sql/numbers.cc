// Filing numbers in portable SQL: issued once, kept forever, stored in canonical form.
#include "ports/storage_errors.h"
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {
namespace {

constexpr std::string_view kIssueNumber =
    "INSERT INTO filing_numbers (number, subject_id, website_id, issued_at, cancelled_at) "
    "VALUES ($1, $2, $3, $4, NULL)";
constexpr std::string_view kCancelNumber =
    "UPDATE filing_numbers SET cancelled_at = $2 WHERE number = $1 AND cancelled_at IS NULL";
constexpr std::string_view kFindNumber =
    "SELECT number, subject_id, website_id, issued_at, cancelled_at FROM filing_numbers "
    "WHERE number = $1";

}  // namespace

Result<void> FilingNumberRegistry::Issue(const IssuedNumber& n) {
  const Value p[] = {n.number.canonical(), std::int64_t{n.subject.value()}, OptionalInt(n.website),
                     Time(n.issued_at)};
  Result<Rows> r = s_.Run(kIssueNumber, p);
  if (!r) {
    if (ConstraintOf(r.error()) == "filing_numbers.number") {
      return s_.Refuse(storage_errors::NumberIssuedOnce(n.number.canonical()));
    }
    return std::unexpected(r.error());
  }
  return {};
}

Result<void> FilingNumberRegistry::Cancel(const FilingNumber& number, std::chrono::sys_seconds at) {
  const Value p[] = {number.canonical(), Time(at)};
  Result<Rows> r = s_.Run(kCancelNumber, p);
  if (!r) return std::unexpected(r.error());
  if (r->affected == 1) return {};
  Result<std::optional<IssuedNumber>> found = Find(number);
  if (!found) return std::unexpected(found.error());
  if (!found->has_value()) {
    return NotFound("filing number " + number.canonical() + " was never issued");
  }
  return s_.Refuse(storage_errors::NumberCancelled(number.canonical()));
}

Result<std::optional<IssuedNumber>> FilingNumberRegistry::Find(const FilingNumber& number) {
  const Value key = number.canonical();
  Result<Rows> r = s_.Run(kFindNumber, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return std::optional<IssuedNumber>();
  const Row& row = r->rows[0];
  Result<std::optional<FilingNumber>> stored = NumberAt(row, 0);
  if (!stored) return std::unexpected(stored.error());
  IssuedNumber issued{**stored, SubjectId(row.Int(1)), OptionalIdAt<WebsiteId>(row, 2),
                      TimeAt(row, 3), OptionalTimeAt(row, 4)};
  if (Result<void> ok = row.Check(); !ok) return Corrupt("filing number", ok.error());
  return std::optional<IssuedNumber>(std::move(issued));
}

}  // namespace icp::sql
