#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "domain/application.h"
#include "ports/ids.h"

namespace icp {

// The gateway's memory of its link to the bureau (BUREAU-PROTOCOL §1.7, §2, §5.3; docs/
// storage.md "The bureau link"), per bureau account (its ispId): where the numbered uploads
// stand, every file sent, which download files were processed, and the bureau's ids of the
// records on file.

// One account's upload position. `last_accepted` is the last dataSequence the bureau took
// (msg_code 0); the sequence of the next file is last_accepted + 1.
struct BureauLinkState {
  std::int64_t isp_id = 0;
  std::int32_t last_accepted = 0;
  std::optional<std::string> holder;  // the uploader holding the account, while its lease runs
  std::optional<std::chrono::sys_seconds> lease_until;

  friend bool operator==(const BureauLinkState&, const BureauLinkState&) = default;
};

// Where a sent file is. A kept file waits for the bureau's msg_code 0 (sent or not yet: an
// unclear outcome leaves it kept); accepted is final; refused means the bureau will never take
// these bytes (msg_code 6-11, 16-18), and its number goes to the next file.
enum class SentFileState { kKept, kAccepted, kRefused };

std::string_view SentFileStateName(SentFileState state);  // "kept", "accepted", "refused"
std::optional<SentFileState> SentFileStateFromName(std::string_view name);

// An upload file as it went on the wire, kept so a resend is byte for byte the first
// (§1.6: keep uploaded files three months), with the application it carries and the keys the
// bureau's results name it by (§5.3: the fresh Isp* ids, and the bureau ids a change or a
// cancellation refers to).
struct SentFile {
  std::int64_t isp_id = 0;
  std::int32_t sequence = 0;  // dataSequence
  std::string file_name;      // the zip entry's name, unique per account (5001 names it)
  std::string beian_info;     // the base64 payload as sent
  std::string beian_info_hash;
  int encrypt_algorithm = 0;  // 0 none, 1 AES
  ApplicationId application;
  std::vector<std::int64_t> record_keys;  // Bs / Jlid values that mean this application
  SentFileState state = SentFileState::kKept;
  std::chrono::sys_seconds kept_at{};
  std::optional<std::chrono::sys_seconds> finished_at;  // accepted or refused

  friend bool operator==(const SentFile&, const SentFile&) = default;
};

// A download file processed (or kept for another part of the platform: the blacklists),
// recorded in the unit of work that applied it, so a file seen again is acknowledged without
// a second effect (§2 isp_download: at-least-once).
struct ProcessedDownload {
  std::int64_t isp_id = 0;
  std::string file_name;        // return_FileName
  std::string kind;             // "BAJG", "BASJ", "ZXSJ", "HMDLB", ... (the parts it held)
  std::string beian_info_hash;  // as received
  std::string content;          // the file's XML text, kept
  std::chrono::sys_seconds processed_at{};

  friend bool operator==(const ProcessedDownload&, const ProcessedDownload&) = default;
};

// A download file the gateway could not apply for a reason tied to the file rather than to the
// moment (it does not verify or decode, or applying it fails on what it says): kept as it came,
// with why, and acknowledged so the files behind it flow; an operator fixes the cause (a key, a
// record, the code) and replays it (`icpctl bureau replay`), which applies it in one unit of
// work that also marks it replayed. A parked file is written once; only replayed_at changes,
// once, and only in the unit of work that records the file processed
// (migrations/0010_bureau_parked.sql).
struct ParkedDownload {
  std::int64_t isp_id = 0;
  std::string file_name;  // return_FileName
  // The fileInfos as received (miit::WirePayload's fields), so a replay decodes the same bytes.
  std::string beian_info;
  std::string beian_info_hash;
  std::int64_t encrypt_algorithm = 0;
  std::int64_t hash_algorithm = 0;
  std::int64_t compression_format = 0;
  std::string rule;    // the error's rule id ("miit.hash.mismatch"), or its code's name
  std::string reason;  // the error's message: what an operator reads first
  std::chrono::sys_seconds parked_at{};
  std::optional<std::chrono::sys_seconds> replayed_at;

  friend bool operator==(const ParkedDownload&, const ParkedDownload&) = default;
};

// Why the bureau returned or refused an application (BUREAU-PROTOCOL §7.3): a result code's
// text (Dmms) or the reviewer's opinion (Shyj), on the field it concerns when the gateway could
// tell (else "" for the whole application). A conflict (class C) is the customer's to settle
// offline (with the other provider, or by cancelling the other filing), not by editing.
struct BureauReason {
  ApplicationId application;
  std::string file_name;  // the download file that said it
  std::int64_t code = 0;  // Jgdm; 0 for a reviewer's opinion
  std::string field;      // "websites[0].domains[0]", or ""
  std::string message;    // as the bureau wrote it (Chinese)
  bool conflict = false;
  std::chrono::sys_seconds at{};

  friend bool operator==(const BureauReason&, const BureauReason&) = default;
};

// The refusals every store reports alike.
std::unexpected<Error> BureauLeaseLost(std::int64_t isp_id);             // kAborted
std::unexpected<Error> BureauSequenceRefused(std::string why);           // kFailedPrecondition
std::unexpected<Error> BureauFileNameTaken(std::string_view file_name);  // kAlreadyExists
std::unexpected<Error> BureauSubjectIdTaken(std::int64_t bureau_id);     // kAlreadyExists
// kNotFound: no file of that name was parked for the account.
std::unexpected<Error> BureauParkedNotFound(std::int64_t isp_id, std::string_view file_name);
// kFailedPrecondition (rule "bureau.parked-replayed"): the parked file was replayed before.
std::unexpected<Error> BureauParkedReplayed(std::string_view file_name);
// kFailedPrecondition (rule "bureau.parked-unprocessed"): a parked file is marked replayed only
// in the unit of work that records it processed.
std::unexpected<Error> BureauParkedUnprocessed(std::string_view file_name);

class BureauLinkReader {
 public:
  virtual ~BureauLinkReader() = default;

  // The account's position; kNotFound before its first lease.
  virtual Result<BureauLinkState> State(std::int64_t isp_id) = 0;
  // The file by its sequence, the one not refused; nullopt when none.
  virtual Result<std::optional<SentFile>> FileBySequence(std::int64_t isp_id,
                                                         std::int32_t sequence) = 0;
  virtual Result<std::optional<SentFile>> FileByName(std::int64_t isp_id,
                                                     std::string_view file_name) = 0;
  // Kept files (not accepted, not refused), in sequence order.
  virtual Result<std::vector<SentFile>> Unaccepted(std::int64_t isp_id) = 0;
  // The latest file (by sequence, refused ones included) that carries `key` among its
  // record keys; nullopt when none.
  virtual Result<std::optional<SentFile>> FileByRecordKey(std::int64_t isp_id,
                                                          std::int64_t key) = 0;
  virtual Result<std::optional<ProcessedDownload>> Download(std::int64_t isp_id,
                                                            std::string_view file_name) = 0;
  // The account's parked files, oldest first; with `pending_only`, those not replayed yet.
  virtual Result<std::vector<ParkedDownload>> Parked(std::int64_t isp_id, bool pending_only) = 0;
  virtual Result<std::optional<ParkedDownload>> ParkedFile(std::int64_t isp_id,
                                                           std::string_view file_name) = 0;
  // The bureau's ids of a subject on record, as the gateway last learned them.
  virtual Result<std::optional<BureauIds>> SubjectIds(SubjectId subject) = 0;
  // Every reason the bureau gave for the application, oldest first.
  virtual Result<std::vector<BureauReason>> Reasons(ApplicationId application) = 0;
  // The subject on record the bureau knows by `bureau_subject_id` (Ztid), if any.
  virtual Result<std::optional<SubjectId>> SubjectByBureauId(std::int64_t isp_id,
                                                             std::int64_t bureau_subject_id) = 0;
};

// With the writes, for a unit of work. Every write that needs the lease answers kAborted (rule
// "bureau.lease-lost") when `holder` does not hold it, and changes nothing.
class BureauLink : public BureauLinkReader {
 public:
  // Takes the account's upload lease for `holder` until `until` when it is free, expired or
  // already its own (creating the account's row at sequence 0): true when taken. The row is
  // locked for the rest of the unit of work (FOR UPDATE on PostgreSQL; SQLite's write lock),
  // so two uploaders never both believe they hold it.
  virtual Result<bool> Lease(std::int64_t isp_id, std::string_view holder,
                             std::chrono::sys_seconds now, std::chrono::sys_seconds until) = 0;
  virtual Result<void> Release(std::int64_t isp_id, std::string_view holder) = 0;
  // A fresh Isp* id for this account (§4.0): never given twice.
  virtual Result<std::int64_t> NextRecordKey(std::int64_t isp_id, std::string_view holder) = 0;
  // Keeps `file` (state kept) under the lease. Its sequence must be the next after the last
  // accepted with no other kept file (kFailedPrecondition, rule "bureau.sequence"); a file
  // name used before is kAlreadyExists (rule "bureau.file-name").
  virtual Result<void> Keep(const SentFile& file, std::string_view holder) = 0;
  // The kept file `sequence` was accepted: it becomes the last accepted. Only the next
  // sequence can be (kFailedPrecondition, rule "bureau.sequence").
  virtual Result<void> Accept(std::int64_t isp_id, std::int32_t sequence,
                              std::chrono::sys_seconds at, std::string_view holder) = 0;
  // The kept file `sequence` will never be taken: refused, its number free again.
  virtual Result<void> Refuse(std::int64_t isp_id, std::int32_t sequence,
                              std::chrono::sys_seconds at, std::string_view holder) = 0;
  // Records a processed download: false when that file name was recorded before (nothing
  // changed), true when recorded now.
  virtual Result<bool> RecordDownload(const ProcessedDownload& download) = 0;
  // Parks a file (replayed_at must be unset): false when that file name was parked before
  // (nothing changed: the bureau sent it again), true when parked now. kInvalidArgument (rule
  // "bureau.parked") for one without a name or a reason.
  virtual Result<bool> Park(const ParkedDownload& download) = 0;
  // Marks the parked file replayed at `at`: BureauParkedNotFound, BureauParkedReplayed, or
  // BureauParkedUnprocessed when the file is not recorded processed (RecordDownload) in this
  // unit of work or before.
  virtual Result<void> MarkReplayed(std::int64_t isp_id, std::string_view file_name,
                                    std::chrono::sys_seconds at) = 0;
  // Appends a reason (append-only; kInvalidArgument, rule "bureau.reason", for one without a
  // message).
  virtual Result<void> AddReason(const BureauReason& reason) = 0;
  // Sets the bureau's ids of a subject on record (replacing earlier ones). kAlreadyExists
  // (rule "bureau.subject-id") when another subject has that Ztid.
  virtual Result<void> SetSubjectIds(SubjectId subject, std::int64_t isp_id,
                                     const BureauIds& ids) = 0;
};

}  // namespace icp
