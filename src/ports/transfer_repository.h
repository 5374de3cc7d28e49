#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "ports/ids.h"

namespace icp {

// Where a transfer of a subject between accounts (备案转移, seeds 001/003) stands. A transfer
// is born pending and leaves pending once, to one of the four final states; a final transfer
// never changes again (the schema holds this against any writer: docs/storage.md).
enum class TransferState {
  kPending,    // requested; the old account may object until objection_until
  kApproved,   // an admin approved it: the subject moved to the requesting account
  kRejected,   // an admin rejected it, with a reason
  kWithdrawn,  // the requesting account withdrew it
  kObjected,   // the old account objected within the window: it stops here
};

std::string_view TransferStateName(TransferState s);   // "pending", "approved", ...
std::string_view TransferStateLabel(TransferState s);  // "待处理", "已同意", ...
std::optional<TransferState> TransferStateFromName(std::string_view name);

// What a piece of evidence is. The letter and the identity document are required.
enum class TransferEvidenceKind {
  kTransferLetter,      // 备案转移申请函, with the unit's seal (or the person's signature)
  kIdentityDocument,    // 经办人身份证件: the ID of the person who asks
  kSubjectCertificate,  // 主体证件 (营业执照 ...), when the letter alone does not show it
};

std::span<const TransferEvidenceKind> AllTransferEvidenceKinds();
// "transfer_letter", "identity_document", "subject_certificate": also the names of their
// upload limits (data/reference/material_limits.json).
std::string_view TransferEvidenceKindName(TransferEvidenceKind k);
std::string_view TransferEvidenceKindLabel(TransferEvidenceKind k);  // "备案转移申请函", ...
std::optional<TransferEvidenceKind> TransferEvidenceKindFromName(std::string_view name);

// One uploaded file of a transfer request: its bytes are in the blob store under `sha256`.
struct TransferEvidence {
  TransferEvidenceKind kind = TransferEvidenceKind::kTransferLetter;
  std::string file_name;     // as the customer named it
  std::string sha256;        // the blob's name: 64 lower-case hex digits
  std::string content_type;  // decided from the bytes: image/jpeg, image/png, application/pdf
  std::int64_t size = 0;

  friend bool operator==(const TransferEvidence&, const TransferEvidence&) = default;
};

// A request to move a subject on record (and so its websites, which hang off it) from the
// account it is under to the account that asks.
struct TransferRecord {
  TransferId id;
  SubjectId subject;
  AccountId from_account;                  // the account the subject was under when asked
  AccountId to_account;                    // the account that asks
  std::string reason;                      // why, in the customer's words
  std::vector<TransferEvidence> evidence;  // in upload order; kept with the request
  TransferState state = TransferState::kPending;
  std::chrono::sys_seconds created_at{};
  std::chrono::sys_seconds objection_until{};  // the old account may object until then
  // Who moved it out of pending (an admin, the old account objecting, the requester
  // withdrawing), when, and why (required but for a withdrawal).
  std::optional<AccountId> decided_by = std::nullopt;
  std::optional<std::chrono::sys_seconds> decided_at = std::nullopt;
  std::string decision_reason;
  std::int64_t revision = 0;  // 1 while pending, 2 once final

  friend bool operator==(const TransferRecord&, const TransferRecord&) = default;
};

struct TransferQuery {
  std::optional<AccountId> to_account{};  // requested by this account
  std::optional<TransferState> state{};
  TransferId after{};  // keyset paging by id (the order of requests): ids greater than this
  std::size_t limit = 50;
};

// The transfers. Kept forever; each leaves pending once. Every call runs inside the unit of
// work (or read transaction) that handed out the repository.
class TransferReader {
 public:
  virtual ~TransferReader() = default;

  virtual Result<TransferRecord> Get(TransferId id) = 0;  // kNotFound
  // By id, at most query.limit.
  virtual Result<std::vector<TransferRecord>> List(const TransferQuery& query) = 0;
};

// With the writes, for a unit of work (ports/database.h); a read transaction has the reader.
class TransferRepository : public TransferReader {
 public:
  // Stores `record` pending at revision 1 with its evidence (ignores id, state, decision and
  // revision). kAlreadyExists (rule "transfer.pending-for-subject", field "subject") when the
  // subject has a pending transfer already: one at a time, held by a partial unique index.
  // kFailedPrecondition when the subject or an account does not exist or the record breaks
  // the schema (no evidence, from == to, a blob name that is not one).
  virtual Result<TransferId> Insert(const TransferRecord& record) = 0;
  // Moves a pending transfer seen at `revision` to `to` (not kPending) and returns the new
  // revision. kFailedPrecondition (rule "transfer.decided") when it left pending already;
  // kAborted (rule "storage.revision") when it changed since `revision`; kNotFound.
  // REQUIRES: to != kPending; a reason unless to == kWithdrawn.
  virtual Result<std::int64_t> Decide(TransferId id, std::int64_t revision, TransferState to,
                                      AccountId by, std::chrono::sys_seconds at,
                                      std::string_view reason) = 0;
  // The one way a subject changes account: moves the subject of the approved transfer `id`
  // from its from_account to its to_account if the subject is at `subject_revision` and
  // under from_account, and returns the subject's new revision. kAborted (rule
  // "storage.revision") otherwise. The schema refuses any other move of a subject (rule
  // "transfer.moves-subject": no approved transfer, an older one, or an open application
  // about the subject, rule "transfer.open-application").
  virtual Result<std::int64_t> MoveSubject(TransferId id, std::int64_t subject_revision) = 0;
};

}  // namespace icp

namespace icp::transfer_errors {

// The refusals every store reports the same way (the contract suite keys on them).
// kAlreadyExists, rule "transfer.pending-for-subject", field "subject".
std::unexpected<Error> PendingForSubject();
// kFailedPrecondition, rule "transfer.decided": the transfer left pending already.
std::unexpected<Error> Decided(std::int64_t id);
// kFailedPrecondition, rule "transfer.open-application": an application about the subject is
// open, so it cannot move now.
std::unexpected<Error> OpenApplication();

}  // namespace icp::transfer_errors
