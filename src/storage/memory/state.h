#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ports/account_repository.h"
#include "ports/application_repository.h"
#include "ports/audit_log.h"
#include "ports/bureau_link.h"
#include "ports/filing_number_registry.h"
#include "ports/gate_repository.h"
#include "ports/material_repository.h"
#include "ports/notification_repository.h"
#include "ports/outbox.h"
#include "ports/resource_repository.h"
#include "ports/session_repository.h"
#include "ports/subject_repository.h"
#include "ports/transfer_repository.h"
#include "storage/common/audit_chain.h"

namespace icp::memory {

// A resource as the resources table holds it: its own fields, and the load balancer it is
// bound behind. Backends are rows of their own, so a server dropped from a load balancer
// stays in the inventory as a resource of its account.
struct ResourceRow {
  Resource resource;  // backends always empty here; Get() nests them again
  std::optional<std::string> parent;
};

struct OutboxRow {
  OutboxMessage message;
  int attempts = 0;
  std::optional<std::string> lease_owner;
  std::optional<std::chrono::sys_seconds> lease_until;
  std::optional<std::chrono::sys_seconds> delivered_at;
  std::optional<std::chrono::sys_seconds> dead_at;  // a dead letter; never with delivered_at
  std::string last_error;
};

// A session or API key with the secret it was made for (the SQL stores keep its keyed hash).
struct SessionRow {
  SessionRecord record;
  std::string token;
};
struct ApiKeyRow {
  ApiKeyRecord record;
  std::string secret;
};

// The bureau link (ports/bureau_link.h), as its tables hold it.
struct BureauLinkRow {
  BureauLinkState state;
  std::int64_t last_record_key = 0;
};
struct BureauSubjectIdsRow {
  std::int64_t isp_id = 0;
  BureauIds ids;
};

// The last id handed out per table. Part of the state, so a rollback returns the ids it
// took, as SQLite's AUTOINCREMENT counter does.
struct Sequences {
  std::int64_t accounts = 0;
  std::int64_t subjects = 0;
  std::int64_t websites = 0;
  std::int64_t applications = 0;
  std::int64_t materials = 0;
  std::int64_t verifications = 0;
  std::int64_t transfers = 0;
  std::int64_t outbox = 0;
  std::int64_t sessions = 0;
  std::int64_t api_keys = 0;
  std::int64_t notifications = 0;
};

// Every table of the store except the audit log. A unit of work changes its own copy and
// the commit replaces the database's copy with it. Keyed like the SQL tables, so that map
// order is the ORDER BY of the SQL store.
struct State {
  Sequences sequences;
  std::map<std::int64_t, Account> accounts;
  std::map<std::int64_t, SessionRow> sessions;
  std::map<std::int64_t, ApiKeyRow> api_keys;
  std::map<std::string, ThrottleState> login_throttle;
  std::map<std::int64_t, SubjectRecord> subjects;
  // subjects.identity_key: the certificate key each subject was first recorded with.
  std::map<std::int64_t, std::string> subject_identity;
  std::map<std::int64_t, WebsiteRecord> websites;
  std::map<std::string, IssuedNumber> numbers;
  std::map<std::int64_t, ApplicationRecord> applications;
  std::map<std::int64_t, MaterialRecord> materials;
  std::map<std::string, ResourceRow> resources;
  std::map<std::string, AuthorizationCode> authorization_codes;
  std::map<std::int64_t, VerificationRecord> verifications;
  std::map<std::int64_t, TransferRecord> transfers;
  // subjects.transferred_by: the approved transfer that last moved each subject.
  std::map<std::int64_t, std::optional<TransferId>> subject_transferred_by;
  std::map<std::int64_t, OutboxRow> outbox;
  std::map<std::string, std::chrono::sys_seconds> inbox;
  std::vector<ReviewNote> review_notes;  // in id order
  std::map<std::pair<std::int64_t, std::string>, IdempotencyRecord> idempotency;
  // gate_list_entries, keyed (list, domain) like its primary key.
  std::map<std::pair<GateList, std::string>, GateListEntry> gate_lists;
  // gate_changes: appended at commit for every domain whose answer the commit changed
  // (NoteGateChanges), as the SQL stores' triggers append for every write that may.
  std::vector<GateChange> gate_changes;
  // The bureau link: per account, the files sent (by name, in the order kept), the
  // downloads processed, and the bureau's ids per subject on record.
  std::map<std::int64_t, BureauLinkRow> bureau_links;
  std::vector<SentFile> bureau_files;
  std::map<std::pair<std::int64_t, std::string>, ProcessedDownload> bureau_downloads;
  std::vector<ParkedDownload> bureau_parked;  // in parking order
  std::map<std::int64_t, BureauSubjectIdsRow> bureau_subject_ids;
  std::vector<BureauReason> bureau_reasons;  // in id order
  std::map<std::int64_t, StoredNotification> notifications;
};

// Appends to `after.gate_changes` a change for every domain whose gate answer (filed
// number, lists) differs between `before` and `after`. Called at commit.
void NoteGateChanges(const State& before, State& after);

// The committed audit log and its recorded head. Kept apart from State: it is append-only
// and only grows at commit, so units of work read it in place instead of copying it.
struct Journal {
  std::vector<StoredAuditEntry> entries;  // entries[i].seq == i + 1
  std::int64_t head_seq = 0;
  std::string head_hash{audit_chain::kGenesis};
};

}  // namespace icp::memory
