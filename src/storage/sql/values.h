#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "base/date.h"
#include "base/result.h"
#include "domain/certificate.h"
#include "domain/filing_number.h"
#include "storage/sql/connection.h"

namespace icp::sql {

// Small conversions between domain values and statement parameters or cells.

inline Value Time(std::chrono::sys_seconds t) { return std::int64_t{t.time_since_epoch().count()}; }
inline Value Flag(bool b) { return std::int64_t{b ? 1 : 0}; }
inline Value Text(std::string_view s) { return std::string(s); }
inline Value Null() { return std::monostate{}; }

template <class T>
Value OptionalInt(const std::optional<T>& id) {
  return id ? Value(std::int64_t{id->value()}) : Null();
}
inline Value OptionalTime(const std::optional<std::chrono::sys_seconds>& t) {
  return t ? Time(*t) : Null();
}
inline Value OptionalText(const std::optional<std::string>& s) { return s ? Value(*s) : Null(); }

inline std::chrono::sys_seconds TimeAt(const Row& row, std::size_t i) {
  return std::chrono::sys_seconds(std::chrono::seconds(row.Int(i)));
}
inline std::optional<std::chrono::sys_seconds> OptionalTimeAt(const Row& row, std::size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  return TimeAt(row, i);
}

// Stored documents were validated against the clock when written; on reading them back only
// their form is checked, so the birth-date bound is a date no certificate reaches.
inline constexpr Date kReadBack{std::chrono::year(2200), std::chrono::January, std::chrono::day(1)};

// kInternal for stored data that does not read back (rule "storage.corrupt").
std::unexpected<Error> Corrupt(const std::string& what, const Error& cause);

// kNotFound: "<what> <key> does not exist".
std::unexpected<Error> Missing(std::string_view what, std::int64_t key);
std::unexpected<Error> Missing(std::string_view what, std::string_view key);

// The associated data a sealed document is bound to: its kind, its row and, for records on
// file, its content hash. A sealed body moved to another row, or left behind when the
// content hash changes, does not open.
std::string SealContext(std::string_view kind, std::int64_t id, std::string_view content_hash = {});

// A filing number as stored: always the canonical form (蜀 for 川, 陇 for 甘).
std::optional<std::string> NumberText(const std::optional<FilingNumber>& n);
// The number in cell i, or storage.corrupt when it does not parse.
Result<std::optional<FilingNumber>> NumberAt(const Row& row, std::size_t i);

template <class IdType>
std::optional<IdType> OptionalIdAt(const Row& row, std::size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  return IdType(row.Int(i));
}

}  // namespace icp::sql
