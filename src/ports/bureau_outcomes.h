#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "domain/application.h"
#include "domain/filing_number.h"
#include "ports/bureau_link.h"
#include "ports/database.h"
#include "ports/gate_repository.h"
#include "ports/ids.h"

namespace icp {

// What the bureau said about one application, in the platform's words (BUREAU-PROTOCOL §7.3):
// the gateway (bureau/) reads the wire and says this; the use case that records it
// (app/BureauOutcomeService) moves the lifecycle, keeps the reasons and the filed record, and
// tells the customer, in the gateway's unit of work.
struct BureauOutcome {
  enum class Kind {
    kSent,              // the bureau took the upload (msg_code 0): kSentToBureau
    kSmsVerified,       // 9012: MIIT's SMS check passed
    kSmsTimedOut,       // 9013: returned to the provider after 24 h
    kSmsFailed,         // 9014: returned after the sixth wrong entry
    kReturned,          // class R or C, Shjg 0, 1002: back to the customer with reasons
    kRefused,           // only class P: the provider's fault, back to ready for bureau
    kApproved,          // 1001 / Shjg 1: approved; numbers and ids come with BASJ
    kCancellationDone,  // ZXSJ: a cancel_* done
  };
  Kind kind = Kind::kSent;
  ApplicationId application;
  std::string file_name;  // the file that said it (upload or download)
  // kSent: the bureau has no SMS step (v3.0-strict): kSmsVerified is applied with it.
  bool no_sms_step = false;
  bool conflict = false;  // kReturned: a class C code among the reasons
  std::vector<BureauReason>
      reasons;  // kReturned, kRefused (application and at set by the recorder)
  // kApproved: the filed record's numbers and ids as BASJ gave them (absent when the
  // approval came before its BASJ: the record is completed when BASJ comes).
  std::optional<BureauIds> filed;
};

class BureauOutcomeRecorder {
 public:
  virtual ~BureauOutcomeRecorder() = default;

  // Records `outcome` in `uow` (the caller commits); an approval also brings the records on
  // file up to date (changes rewritten, cancellations cancelled). An outcome applied already
  // (its moves are the application's last: a file sent again, ZXSJ after the approving BAJG)
  // changes nothing and succeeds. An outcome the application's state cannot take otherwise (a
  // result seen after a later one, an approval for a withdrawn application) is
  // kFailedPrecondition (rule "lifecycle.transition"), and so is an approval whose record is
  // missing (rule "bureau.record-missing"): the caller reports them, nothing is written.
  // kAlreadyExists when an approved change would give a website a domain another active
  // website holds ("website.domain-taken") or a subject another's certificate; kNotFound for
  // an unknown application.
  virtual Result<void> Record(UnitOfWork& uow, const BureauOutcome& outcome,
                              std::chrono::sys_seconds now) = 0;
  // BASJ for a subject the provider has on record, or completes an approval: stores the
  // filed record's numbers and the bureau's ids. kNotFound when no application or subject on
  // record matches.
  virtual Result<void> RecordFiled(UnitOfWork& uow, std::int64_t isp_id,
                                   std::optional<ApplicationId> application, const BureauIds& ids,
                                   std::chrono::sys_seconds now) = 0;
  // The bureau's lists in a downloaded file (HMDLB, FFJRHMD, WBAWZLB) for the access gate,
  // in `uow` (the caller commits): the file is applied and acknowledged as one.
  virtual Result<GateListReport> RecordLists(UnitOfWork& uow, const GateListUpdate& update,
                                             std::chrono::sys_seconds now) = 0;
};

}  // namespace icp
