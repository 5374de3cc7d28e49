#include "storage/sql/values.h"

namespace icp::sql {

std::unexpected<Error> Corrupt(const std::string& what, const Error& cause) {
  Error e{ErrorCode::kInternal,
          what + " does not read back: " + cause.message,
          {{"", "storage.corrupt", what + " does not read back", "存储的数据无法读取"}}};
  return std::unexpected(std::move(e));
}

std::unexpected<Error> Missing(std::string_view what, std::int64_t key) {
  return NotFound(std::string(what) + " " + std::to_string(key) + " does not exist");
}

std::unexpected<Error> Missing(std::string_view what, std::string_view key) {
  return NotFound(std::string(what) + " " + std::string(key) + " does not exist");
}

std::string SealContext(std::string_view kind, std::int64_t id, std::string_view content_hash) {
  std::string context(kind);
  context += ':';
  context += std::to_string(id);
  if (!content_hash.empty()) {
    context += ':';
    context += content_hash;
  }
  return context;
}

std::optional<std::string> NumberText(const std::optional<FilingNumber>& n) {
  if (!n) return std::nullopt;
  return n->canonical();
}

Result<std::optional<FilingNumber>> NumberAt(const Row& row, std::size_t i) {
  if (row.IsNull(i)) return std::optional<FilingNumber>();
  Result<FilingNumber> n = FilingNumber::Parse(row.Text(i));
  if (!n) return Corrupt("filing number " + row.Text(i), n.error());
  return std::optional<FilingNumber>(*n);
}

}  // namespace icp::sql
