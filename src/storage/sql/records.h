#pragma once

// What the repositories of records on file (subjects, websites) share.

#include <cstdint>
#include <string_view>

#include "base/result.h"
#include "storage/sql/repositories.h"

namespace icp::sql {

// After an UPDATE … WHERE revision = $seen that matched no row: kAborted (rule
// "storage.revision") when the row moved on, kNotFound when there is no such row.
std::unexpected<Error> NotUpdated(Session& s, std::string_view revision_query,
                                  std::string_view what, std::int64_t id);

// The refusals of the guards every record on file has (an access filing changes no data, a
// number on a record is one issued to it), as the errors the API shows; the engine's error
// unchanged for any other.
std::unexpected<Error> RecordWriteError(Session& s, const Error& e);

}  // namespace icp::sql
