#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "bureau/application_messages.h"
#include "miit/digest.h"
#include "miit/messages.h"
#include "miit/soap.h"
#include "ports/blob_store.h"
#include "ports/bureau_estate.h"
#include "ports/bureau_outcomes.h"
#include "ports/clock.h"
#include "ports/database.h"

namespace icp::bureau {

// The gateway: icpd's client of the bureau's enterprise interface V3.0 (BUREAU-PROTOCOL.md;
// docs/bureau-protocol.md "The gateway"). Two passes, each run by a loop in icpd's background:
// UploadOnce sends applications ready for the bureau, one numbered file at a time per bureau
// account; DownloadOnce pulls result files, applies them and only then acknowledges them.

// One SOAP call over HTTP. The port the gateway reaches the bureau through (curl_transport.h
// is the real one; tests fake it).
class SoapTransport {
 public:
  virtual ~SoapTransport() = default;
  // POSTs `envelope` to `url` with SOAPAction `action`; the response body (a Fault too: it
  // comes with HTTP 500). kDeadlineExceeded on a timeout and kUnavailable when the connection
  // failed or dropped: for an upload, whether the bureau took it is then unclear.
  virtual Result<std::string> Post(const std::string& url, std::string_view action,
                                   std::string_view envelope) = 0;
};

struct GatewaySettings {
  std::string base_url;  // "http://127.0.0.1:8081": the bureau system, without a path
  std::int64_t isp_id = 0;
  std::string user_name;
  std::string password;
  std::optional<miit::AesKey> aes_key;  // upload with AES (encryptAlgorithm 1) when set
  bool strict = false;                  // the bureau speaks v3.0-strict: no SMS step (§7.4)
  std::string holder;                   // this process's identity, for the upload lease
  // The upload lease: taken for a pass and renewed with each file kept, so it need only
  // outlast one upload call (the transport's 30 s timeout) and the commits around it. A
  // process killed mid-pass holds the account this long at most before another takes over.
  std::chrono::seconds lease{45};
  // The waits before calling again when a call failed for the moment's trouble (IsTransient:
  // a Fault, a lost connection, a timeout): one more call after each. Every method but
  // isp_upload is safe to repeat (a download is sent until acknowledged, an acknowledgement
  // twice is one); an upload whose answer was lost is settled by the next pass instead.
  std::vector<std::chrono::milliseconds> retry_waits{std::chrono::milliseconds(100),
                                                     std::chrono::milliseconds(200),
                                                     std::chrono::milliseconds(400)};
};

// One call of the bureau's interface as `settings`' account (§1.3: a fresh randVal and its
// pwdHash), to the method's endpoint (§1.2) under settings.base_url; the <return> document.
// A transient failure of a method other than isp_upload is tried again after each of
// settings.retry_waits; the last failure as it came (kUnavailable, kDeadlineExceeded).
Result<miit::MethodReturn> CallBureau(const GatewaySettings& settings, SoapTransport& transport,
                                      miit::SoapRequest request);

// What a pass did, for the log and the tests.
struct PassReport {
  int uploaded = 0;          // files the bureau took (msg_code 0)
  int resent = 0;            // kept files sent again (after an unclear outcome or a gap)
  int downloaded = 0;        // files processed
  int acknowledged = 0;      // files acknowledged (processed now or before)
  int applied = 0;           // outcomes recorded on applications
  int subjects_adopted = 0;  // estate records written on record (BASJ/SJTB)
  int websites_adopted = 0;
  int unchanged = 0;    // estate subjects and websites found on record as the bureau has them
  int ids_updated = 0;  // subjects on record whose bureau ids were learned or changed
  int parked = 0;       // files that could not be applied: parked and acknowledged
  int replayed = 0;     // parked files applied by a replay
  std::vector<std::string> problems;  // what an operator should look at
};

// Adds `more` to `total`: counts summed, problems appended.
void Add(PassReport& total, const PassReport& more);

// Whether a download file's failure is the moment's rather than the file's: the store busy,
// unreachable or a race lost (kUnavailable, kAborted, kDeadlineExceeded, kResourceExhausted).
// Such a file is left unacknowledged and comes again; any other failure parks it.
bool IsTransient(const Error& e);

class Gateway {
 public:
  // Every reference is borrowed and outlives the gateway. With `estate`, filed records
  // (BASJ, SJTB) that belong to no application of ours are adopted: written on record
  // (docs/bureau-protocol.md "Adoption"); without, they only give their ids to subjects on
  // record.
  Gateway(GatewaySettings settings, Database& db, BlobStore& blobs, SoapTransport& transport,
          BureauOutcomeRecorder& recorder, Clock& clock, BureauEstateRecorder* estate = nullptr);

  // Takes the account's upload lease, then: resolves a kept file left by an unclear outcome
  // (isp_querypreviousupload; resent byte for byte when the bureau does not have it), and
  // sends applications in ready_for_bureau one file at a time, each built with ToUpload,
  // numbered and kept in one unit of work before it is sent. Stops at the first refusal it
  // cannot settle now (kept for the next pass). kUnavailable when another process holds the
  // lease, or the bureau cannot be reached.
  Result<PassReport> UploadOnce();

  // Pulls files until the bureau has none: each is verified (the payload pipeline and our
  // schema), processed in one unit of work (results, records, cancellations; lists kept for
  // the access gate) with the customer told through the outbox, and then acknowledged. A file
  // processed before is acknowledged without effect. A file that fails for a reason of its own
  // (IsTransient false: it does not verify or decode, or applying it fails) is parked with its
  // reason, its effects rolled back, and acknowledged, so the files behind it are not held up;
  // a transient failure ends the pass with the file unacknowledged.
  Result<PassReport> DownloadOnce();

  // Applies the parked file `file_name` as a download would, in one unit of work that also
  // marks it replayed: after an operator fixed what stopped it (a key, a record, the code).
  // A file processed meanwhile (the bureau sent it again) is only marked. BureauParkedNotFound,
  // BureauParkedReplayed, or the file's own error when it still cannot be applied (it stays
  // parked, unchanged).
  Result<PassReport> Replay(std::string_view file_name);

 private:
  Result<miit::MethodReturn> Call(miit::SoapRequest request);
  Result<void> SettleKept(PassReport& report);
  Result<bool> SendNext(PassReport& report);
  // Sends `file` (kept, or accepted when the bureau asks for it again) and settles what the
  // answer says, in units of work of its own: whether the bureau took it. An error leaves it
  // kept for the next pass.
  Result<bool> SendKept(const SentFile& file, PassReport& report, bool resend);
  Result<MessageContext> ContextFor(UnitOfWork& uow, const ApplicationRecord& record);
  // For an access filing or a new website of a subject filed through other providers only,
  // with no ids on record: the numbers the registry gives (isp_querybeianstatus); nullopt for
  // other types or a record the registry does not have.
  Result<std::optional<BureauIds>> RegistryIdsFor(const ApplicationRecord& record);
  // Verifies and applies one download file in one unit of work; with `replay`, the unit of
  // work also marks the parked file replayed. `report` is written only when it commits.
  Result<void> Process(const miit::FileInfo& file, PassReport& report, bool replay);
  // Keeps `file` in the parked files with `why`, in a unit of work of its own: false when it was
  // parked before.
  Result<bool> Park(const miit::FileInfo& file, const Error& why);

  GatewaySettings settings_;
  Database& db_;
  BlobStore& blobs_;
  SoapTransport& transport_;
  BureauOutcomeRecorder& recorder_;
  Clock& clock_;
  BureauEstateRecorder* estate_;
};

// The outcomes a BAJG holds, per application (§7.3 as a function): `resolve_record` names the
// application a record's key stands for (Bs, or the uploaded file's name in Dmms for 5001),
// `resolve_decision` the one a reviewer's decision names (Jlid). Records for no application of
// ours, and S-class ones, give nothing. Reasons carry the field the code points to (the
// extension's Bz JSON when present, else the code's candidate path, else "").
std::vector<BureauOutcome> OutcomesOf(
    const miit::FilingResults& results, std::string_view file_name,
    const std::function<std::optional<ApplicationId>(const miit::RecordResult&)>& resolve_record,
    const std::function<std::optional<ApplicationId>(const miit::ReviewDecision&)>&
        resolve_decision);

// The field a result code concerns, as a path of the application document ("" when the code
// names no one field): 1004 -> "websites[0].domains[0]", 1015 -> "subject.principal.certificate
// .number", ... A V3.0 bureau gives no field (§7.3): this is the gateway's best candidate.
std::string CandidateField(std::int64_t code);

// The bureau's record keys for our own Isp* ids start here, so that a key never equals one of
// the bureau's ids a change or cancellation refers to (both travel as Bs / Jlid).
inline constexpr std::int64_t kIspIdBase = 1'000'000'000'000;

// The record key of a record an upload names by its number rather than an id (XZWZ for a
// subject filed through other providers names it by Ztbah, XZJR may name the website by
// Wzbah): the bureau's answers carry that number back as Bs (§5.3), and a key is an integer.
// A 62-bit digest of the number as sent, at or above 2^62: never one of our Isp* keys
// (kIspIdBase + a count) nor a bureau id the gateway names records by.
std::int64_t NumberKey(std::string_view number);

// The record key a Bs (Jg_xx/Bs, §5.3) stands for: the integer it holds (an Isp* id or a
// bureau id), or NumberKey of the number it names.
std::int64_t KeyOfBs(std::string_view bs);

}  // namespace icp::bureau
