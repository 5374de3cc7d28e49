#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "base/result.h"
#include "ports/ids.h"

namespace icp {

// A request sent with an Idempotency-Key header, as remembered: reserved while the first
// request runs, then the answer it got.
struct IdempotencyRecord {
  AccountId account;
  std::string key;           // the header's value, 1-255 characters
  std::string request_hash;  // SHA-256 hex of method, path and body
  bool done = false;
  int status = 0;        // the answer's status (done only)
  std::string response;  // the answer's headers and body as JSON text (done only)
  std::chrono::sys_seconds created_at{};

  friend bool operator==(const IdempotencyRecord&, const IdempotencyRecord&) = default;
};

// Keys of retried requests, per account. A finished answer is final (the database refuses
// to change it, rule "idempotency.final").
class IdempotencyStore {
 public:
  virtual ~IdempotencyStore() = default;

  virtual Result<std::optional<IdempotencyRecord>> Find(AccountId account,
                                                        const std::string& key) = 0;
  // Reserves the key for a request about to run: false (nothing changed) when the account
  // already has it.
  virtual Result<bool> Reserve(const IdempotencyRecord& pending) = 0;
  // Takes over a pending reservation older than `stale_before` (a process that died while
  // the request ran): true if this caller now holds it, created_at moved to `now`.
  virtual Result<bool> TakeOver(AccountId account, const std::string& key,
                                std::chrono::sys_seconds stale_before,
                                std::chrono::sys_seconds now) = 0;
  // Records the answer: pending -> done. REQUIRES: status 200-499.
  virtual Result<void> Complete(AccountId account, const std::string& key, int status,
                                const std::string& response) = 0;
  // Drops a pending reservation (the request failed in a way a retry should run again).
  virtual Result<void> Release(AccountId account, const std::string& key) = 0;
  // Forgets every key made before `created_before`, pending or done (a key is kept for 24
  // hours, docs/api.md); how many.
  virtual Result<std::int64_t> Purge(std::chrono::sys_seconds created_before) = 0;
};

}  // namespace icp
