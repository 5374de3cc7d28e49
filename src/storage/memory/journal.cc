// The audit log in memory.
#include <algorithm>
#include <string>
#include <utility>

#include "ports/storage_errors.h"
#include "storage/common/audit_chain.h"
#include "storage/common/personal_data_guard.h"
#include "storage/memory/repositories.h"

namespace icp::memory {

// ---- audit log ----

namespace {

Result<std::vector<StoredAuditEntry>> Page(const Journal& journal, std::int64_t after,
                                           std::size_t limit) {
  const std::vector<StoredAuditEntry>& entries = journal.entries;
  // entries[i] has seq i + 1, so the first entry after `after` is at index `after`.
  const std::size_t first =
      std::min(static_cast<std::size_t>(std::max<std::int64_t>(after, 0)), entries.size());
  const std::size_t last = first + std::min(limit, entries.size() - first);
  return std::vector<StoredAuditEntry>(entries.begin() + static_cast<std::ptrdiff_t>(first),
                                       entries.begin() + static_cast<std::ptrdiff_t>(last));
}

}  // namespace

Result<void> AuditLog::Append(AuditEntry entry) {
  return s_.Write([&]() -> Result<void> {
    if (Result<void> ok = RefuseUnmaskedPersonalData(entry); !ok) return ok;
    pending_.push_back(std::move(entry));
    return {};
  });
}

void AuditLog::Flush(Journal& journal, const audit_chain::Key& key) {
  for (AuditEntry& entry : pending_) {
    const std::int64_t seq = journal.head_seq + 1;
    std::string hash = audit_chain::Hash(key, journal.head_hash, seq, entry);
    journal.entries.push_back({seq, std::move(entry), journal.head_hash, hash});
    journal.head_seq = seq;
    journal.head_hash = std::move(hash);
  }
  pending_.clear();
}

Result<std::vector<StoredAuditEntry>> AuditLog::Read(std::int64_t after, std::size_t limit) {
  return s_.Read([&] { return Page(s_.journal(), after, limit); });
}

Result<std::vector<StoredAuditEntry>> AuditLogReader::Read(std::int64_t after, std::size_t limit) {
  return Page(snapshot_, after, limit);
}

Result<AuditVerification> AuditLogReader::Verify() {
  audit_chain::Verifier verifier(key_);
  for (const StoredAuditEntry& entry : snapshot_.entries) {
    if (!verifier.Add(entry)) break;
  }
  return verifier.Finish(snapshot_.head_seq, snapshot_.head_hash);
}

}  // namespace icp::memory
