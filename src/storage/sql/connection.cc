#include "storage/sql/connection.h"

#include <charconv>

#include "base/check.h"

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
  ICP_CHECK(ec == std::errc() && ptr == end) << "column " << i << " is not an integer: " << *cell;
  return value;
}

std::int64_t Row::Int(std::size_t i) const { return OptionalInt(i).value_or(0); }

}  // namespace icp::sql
