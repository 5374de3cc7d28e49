#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace icp {

// One thing someone did. `details` is JSON text written by the caller with personal data
// already masked: the audit log is read by people who may not see it.
struct AuditEntry {
  std::chrono::sys_seconds at{};
  std::string actor;   // "account:12", "system:sweeper"
  std::string action;  // "application.submit"
  std::string entity;  // "application:42"
  std::string details;

  friend bool operator==(const AuditEntry&, const AuditEntry&) = default;
};

// An entry as stored: numbered from 1 without gaps, and chained. `hash` is HMAC-SHA256,
// under a key kept outside the database, over prev_hash and the entry's fields
// (storage/common/audit_chain.h), hex; the first entry's prev_hash is 64 zeros.
struct StoredAuditEntry {
  std::int64_t seq = 0;
  AuditEntry entry;
  std::string prev_hash;
  std::string hash;
};

struct AuditVerification {
  std::int64_t entries = 0;                  // entries checked
  std::optional<std::int64_t> first_broken;  // seq of the first entry that does not verify
  std::string reason;                        // why it does not
  std::string head_hash;                     // the last entry's hash when the chain is whole

  bool ok() const { return !first_broken.has_value(); }
};

// The append-only, tamper-evident audit log as a unit of work sees it. Entries appended in
// a unit of work are chained and written when it commits, together with the change they
// describe; the database refuses UPDATE and DELETE on them, and any entry that does not
// link to the head.
class AuditLog {
 public:
  virtual ~AuditLog() = default;

  virtual Result<void> Append(AuditEntry entry) = 0;
  // Up to `limit` stored entries with seq > after, in order.
  virtual Result<std::vector<StoredAuditEntry>> Read(std::int64_t after, std::size_t limit) = 0;
};

// The audit log in a read snapshot (Database::BeginRead): every call sees the log as it was
// at one moment, whatever commits meanwhile.
class AuditLogReader {
 public:
  virtual ~AuditLogReader() = default;

  // Up to `limit` stored entries with seq > after, in order.
  virtual Result<std::vector<StoredAuditEntry>> Read(std::int64_t after, std::size_t limit) = 0;
  // Walks the whole chain: every keyed hash recomputed, every link and number checked, and
  // the recorded head compared with the last entry (a deleted tail shows). Names the first
  // broken entry. An entry written by someone without the audit key does not verify.
  virtual Result<AuditVerification> Verify() = 0;
};

}  // namespace icp
