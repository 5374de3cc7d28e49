#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/caller.h"
#include "base/result.h"
#include "domain/certificate.h"
#include "domain/filing_number.h"
#include "domain/material_limits.h"
#include "ports/blob_store.h"
#include "ports/clock.h"
#include "ports/content_sniffer.h"
#include "ports/database.h"

namespace icp {

// One file sent with a transfer request.
struct TransferEvidenceUpload {
  std::string kind;       // a TransferEvidenceKindName: "transfer_letter", ...
  std::string file_name;  // as the customer named it
  std::string bytes;
};

// What a customer sends to ask for a subject: the subject on record, named by its 主体备案号
// or by its certificate (exactly one), why, and the evidence.
struct TransferRequest {
  std::optional<FilingNumber> subject_number;
  std::optional<Certificate> certificate;
  std::string reason;
  std::vector<TransferEvidenceUpload> evidence;
};

// A transfer with the number of the subject it is about (for people: ids mean nothing).
struct TransferView {
  TransferRecord record;
  std::optional<FilingNumber> subject_number;
};

struct TransferPage {
  std::vector<TransferView> items;
  std::optional<TransferId> next;  // where the next page starts; nullopt: this was the last
};

struct TransferOptions {
  // How long the old account may object after the request (and so how long an admin waits
  // before approving). Seven days, as support desks give the old holder a week.
  std::chrono::seconds objection_window = std::chrono::hours(24 * 7);
  std::size_t max_reason_chars = 2000;
};

// 备案转移 (seeds 001/003, FACTS.md §3.3): a customer whose subject is on record under an
// account it can no longer use (a colleague's, who left) asks for it to be moved to its own
// account, with evidence; the old account is told and may object within the window; an admin
// decides. Approval moves the subject, and so its websites, in one unit of work with its audit
// entries and notifications to both accounts. Every call runs in one unit of work.
//
// Who sees what: the requester and the old account read the transfer (anyone else kNotFound);
// only the requester and staff read the evidence; staff list every transfer.
class TransferService {
 public:
  TransferService(Database& db, BlobStore& blobs, ContentSniffer& sniffer,
                  const MaterialLimits& limits, Clock& clock, TransferOptions options = {})
      : db_(db),
        blobs_(blobs),
        sniffer_(sniffer),
        limits_(limits),
        clock_(clock),
        options_(options) {}

  // Customers. kInvalidArgument listing every problem of the request (rules
  // transfer.subject (none or both named), transfer.reason, transfer.evidence-kind,
  // transfer.evidence-missing, material.file-name, material.type, material.too-large, ... at
  // "evidence[i].…"); kNotFound (rule transfer.subject-unknown) when no subject on record has
  // the number or certificate, or the number is a website's; kFailedPrecondition: rule
  // transfer.real-name (the caller's verified real name is not the subject's name, or it has
  // none), transfer.subject-cancelled, transfer.same-account, transfer.open-application;
  // kAlreadyExists (rule transfer.pending-for-subject) when the subject has a pending one.
  // `before_commit`, when given, runs in the unit of work that records the request, with the
  // view the commit stores, just before the commit: what must commit with the request or not
  // at all (the HTTP layer keeps the answer of the request's Idempotency-Key there); its error
  // rolls the request back.
  using BeforeCommit = std::function<Result<void>(UnitOfWork&, const TransferView&)>;
  Result<TransferView> Request(const Caller& caller, const TransferRequest& request,
                               const BeforeCommit& before_commit = {});

  // Customers list the transfers they asked for; staff every transfer, optionally only those
  // in `state`. Oldest first (by id), `limit` per page from `after`.
  Result<TransferPage> List(const Caller& caller, std::optional<TransferState> state,
                            TransferId after, std::size_t limit);
  Result<TransferView> Get(const Caller& caller, TransferId id);
  // The bytes of evidence `index` of a transfer, for the requester and staff; kNotFound
  // otherwise.
  Result<std::pair<TransferEvidence, std::string>> Evidence(const Caller& caller, TransferId id,
                                                            std::size_t index);

  // The requester withdraws a pending transfer. Irreversible: `confirmed` must be true
  // (kFailedPrecondition, rule transfer.confirm). kFailedPrecondition (rule transfer.decided)
  // when it is not pending; kAborted (rule storage.revision) when `revision` is stale.
  Result<TransferView> Withdraw(const Caller& caller, TransferId id, std::int64_t revision,
                                bool confirmed);
  // The old account objects within the window, with a reason: the transfer stops there.
  // kFailedPrecondition (rule transfer.objection-closed) once the window has passed.
  Result<TransferView> Object(const Caller& caller, TransferId id, std::int64_t revision,
                              std::string_view reason);
  // Admins. Approval moves the subject to the requester after checking again what the
  // request checked (the subject still under the old account and not cancelled, no open
  // application about it, the requester's real name), once the objection window has closed
  // (rule transfer.objection-window); the subject's revision is checked when it moves.
  // Both need a reason (rule transfer.decision-reason).
  Result<TransferView> Approve(const Caller& caller, TransferId id, std::int64_t revision,
                               std::string_view reason);
  Result<TransferView> Reject(const Caller& caller, TransferId id, std::int64_t revision,
                              std::string_view reason);

 private:
  Result<TransferView> Decide(const Caller& caller, TransferId id, std::int64_t revision,
                              TransferState to, std::string_view reason);

  Database& db_;
  BlobStore& blobs_;
  ContentSniffer& sniffer_;
  const MaterialLimits& limits_;
  Clock& clock_;
  TransferOptions options_;
};

}  // namespace icp
