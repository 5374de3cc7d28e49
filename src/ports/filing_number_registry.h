#pragma once

#include <chrono>
#include <optional>

#include "base/result.h"
#include "domain/filing_number.h"
#include "ports/ids.h"

namespace icp {

struct IssuedNumber {
  FilingNumber number;
  SubjectId subject;
  std::optional<WebsiteId> website;  // set for a website number (…-1)
  std::chrono::sys_seconds issued_at{};
  std::optional<std::chrono::sys_seconds> cancelled_at;

  friend bool operator==(const IssuedNumber&, const IssuedNumber&) = default;
};

// Every filing number this provider recorded, kept forever: a number is issued once, and a
// cancelled number never returns (DESIGN.md invariants). Rows are never deleted and a
// cancellation is never undone; the database refuses both.
class FilingNumberRegistry {
 public:
  virtual ~FilingNumberRegistry() = default;

  // kAlreadyExists (rule "filing-number.issued-once") if the number was ever recorded,
  // cancelled or not.
  virtual Result<void> Issue(const IssuedNumber& issued) = 0;
  // kNotFound if never issued; kFailedPrecondition (rule "filing-number.cancelled") if it
  // was cancelled already.
  virtual Result<void> Cancel(const FilingNumber& number, std::chrono::sys_seconds at) = 0;
  virtual Result<std::optional<IssuedNumber>> Find(const FilingNumber& number) = 0;
};

}  // namespace icp
