#pragma once

#include <cstddef>
#include <cstdint>

#include "base/result.h"
#include "ports/database.h"
#include "storage/common/pii_vault.h"
#include "storage/sql/connection.h"

namespace icp::sql {

// The name the unit-name backfill is recorded under in `backfills` (migration 0012).
inline constexpr std::string_view kUnitNameBackfill = "subjects.unit_name";

// Fills subjects.unit_name (migration 0011) for the units on record before 0011, whose name
// is only in the sealed document: each subject with unit_name NULL is opened with `vault`
// and, when it is a unit, given its name. Batches of `batch` subjects by id, each in its own
// transaction on `c`; the update is `WHERE unit_name IS NULL AND content_hash = <the hash of
// the document read>`, so a subject changed meanwhile (its writer set the name) or filled by
// another backfill is left alone, and the trigger subjects_unit_name_follows_content (which
// lets a NULL be filled) is honoured. When no subject is left, `backfills` records
// kUnitNameBackfill and later runs do nothing (ran = false). A body that does not open is
// counted as unreadable and left NULL (a reader of it answers storage.corrupt anyway).
Result<BackfillStatus> BackfillUnitNames(Connection& c, const PiiVault& vault, std::int64_t now,
                                         std::size_t batch = 500);

}  // namespace icp::sql
