#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ports/audit_log.h"

namespace icp::audit_chain {

// The hash chain of the audit log, shared by every store so that a log copied from one
// engine verifies on another.
inline constexpr std::string_view kGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Hex SHA-256 over the length-prefixed fields: prev_hash, seq, at (Unix seconds), actor,
// action, entity, details. Length prefixes keep ("ab","c") and ("a","bc") apart.
std::string Hash(std::string_view prev_hash, std::int64_t seq, const AuditEntry& entry);

// Checks stored entries fed in seq order, then the recorded head.
class Verifier {
 public:
  // Returns false once a broken entry was found (stop reading).
  bool Add(const StoredAuditEntry& stored);
  // The head the store records (seq and hash of the last entry appended).
  AuditVerification Finish(std::int64_t head_seq, std::string_view head_hash);

 private:
  void Break(std::int64_t seq, std::string reason);

  AuditVerification result_;
  std::int64_t last_seq_ = 0;
  std::string last_hash_{kGenesis};
};

}  // namespace icp::audit_chain
