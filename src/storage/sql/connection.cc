#include "storage/sql/connection.h"

#include <charconv>

namespace icp::sql {

namespace {
const std::string kEmpty;
}  // namespace

const std::string& Row::Text(std::size_t i) const {
  const std::optional<std::string>& cell = cells_.at(i);
  return cell ? *cell : kEmpty;
}

std::optional<std::int64_t> Row::OptionalInt(std::size_t i) const {
  const std::optional<std::string>& cell = cells_.at(i);
  if (!cell) return std::nullopt;
  std::int64_t value = 0;
  const char* end = cell->data() + cell->size();
  auto [ptr, ec] = std::from_chars(cell->data(), end, value);
  if (ec != std::errc() || ptr != end) {
    if (!malformed_) malformed_ = i;
    return 0;
  }
  return value;
}

Result<void> Row::Check() const {
  if (!malformed_) return {};
  const std::string what = "column " + std::to_string(*malformed_) + " of a stored row";
  Error e{ErrorCode::kInternal,
          what + " does not read back: it is not an integer",
          {{"", "storage.corrupt", what + " does not read back", "存储的数据无法读取"}}};
  return std::unexpected(std::move(e));
}

std::string_view ConstraintOf(const Error& e) {
  if (e.violations.size() != 1 || !e.violations[0].field.empty()) return {};
  if (e.code != ErrorCode::kAlreadyExists && e.code != ErrorCode::kFailedPrecondition) return {};
  return e.violations[0].rule;
}

Error ConstraintError(ErrorCode code, std::string constraint, std::string message) {
  Error e{code, message, {}};
  e.violations.push_back({"", std::move(constraint), std::move(message), ""});
  return e;
}

std::int64_t Row::Int(std::size_t i) const { return OptionalInt(i).value_or(0); }

std::expected<std::vector<Rows>, BatchFailure> Connection::Batch(
    std::span<const Statement> statements) {
  std::vector<Rows> out;
  out.reserve(statements.size());
  for (std::size_t i = 0; i < statements.size(); ++i) {
    Result<Rows> r = Query(statements[i].text, statements[i].params);
    if (!r) return std::unexpected(BatchFailure{i, std::move(r.error())});
    out.push_back(std::move(*r));
  }
  return out;
}

std::expected<void, BatchFailure> Connection::CommitAfter(std::span<const Statement> statements) {
  if (auto ran = Batch(statements); !ran) return std::unexpected(std::move(ran.error()));
  if (Result<void> c = Commit(); !c) {
    return std::unexpected(BatchFailure{statements.size(), std::move(c.error())});
  }
  return {};
}

}  // namespace icp::sql
