#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "ports/audit_log.h"

namespace icp::audit_chain {

// The keyed hash chain of the audit log, shared by every store so that a log copied from one
// engine verifies on another (docs/storage.md "The audit log").
inline constexpr std::string_view kGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The chain's HMAC-SHA256 key. It lives outside the database (derived from the PII master
// key, PiiVault::audit_key()), so whoever can write the database but lacks the key file
// cannot forge entries that verify.
using Key = std::array<unsigned char, 32>;

// A fresh random key: for a store that lives and dies with its process (memory::Database).
Key RandomKey();

// Hex HMAC-SHA256 under `key` over the length-prefixed fields: prev_hash, seq, at (Unix
// seconds), actor, action, entity, details. Each field is an 8-byte big-endian length and
// its UTF-8 bytes, so ("ab","c") and ("a","bc") differ.
std::string Hash(const Key& key, std::string_view prev_hash, std::int64_t seq,
                 const AuditEntry& entry);

// Checks stored entries fed in seq order, then the recorded head. The caller reads both from
// one consistent snapshot, or a concurrent append looks like a broken chain.
class Verifier {
 public:
  explicit Verifier(const Key& key) : key_(key) {}

  // Returns false once a broken entry was found (stop reading).
  bool Add(const StoredAuditEntry& stored);
  // The next entry is stored but does not read back (`why`): the chain breaks there.
  void Unreadable(std::string why);
  // The head the store records (seq and hash of the last entry appended).
  AuditVerification Finish(std::int64_t head_seq, std::string_view head_hash);

 private:
  void Break(std::int64_t seq, std::string reason);

  Key key_;
  AuditVerification result_;
  std::int64_t last_seq_ = 0;
  std::string last_hash_{kGenesis};
};

}  // namespace icp::audit_chain
