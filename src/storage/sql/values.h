#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "base/date.h"
#include "base/result.h"
#include "domain/certificate.h"
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

}  // namespace icp::sql
