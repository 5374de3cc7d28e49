#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "base/result.h"

namespace icp::bureau_sim {

// MIIT's SMS verification (短信核验, FACTS.md §4.4; BUREAU-PROTOCOL.md §7.4.1, a Beian
// extension off in v3.0-strict) as the bureau's filing pipeline sees it. The pipeline decides
// who must verify for a filing's type (§4.4's table) and starts the verification once; the
// verifier sends a 6-digit code to each distinct mobile, takes the entries (mobile + code + the
// last six characters of the leader's certificate number) on the portal stand-in, and reports
// the outcome. Codes live 24 h; the sixth wrong entry fails the whole verification.
struct SmsRecipient {
  std::string role;  // where the leader is in the upload, e.g. "Zt_xx/Fzr", "Wz_xx[0]/Wz_Fzr"
  std::string name;
  std::string mobile;              // 联系方式1's mobile: the only one that gets a code
  std::string certificate_number;  // its last six characters are asked on the portal

  friend bool operator==(const SmsRecipient&, const SmsRecipient&) = default;
};

enum class SmsState {
  kPending,   // codes sent, not every mobile verified yet
  kVerified,  // every distinct mobile verified (9012)
  kTimedOut,  // the window (24 h) passed first (9013)
  kFailed,    // the sixth wrong entry (9014)
};

class SmsVerifier {
 public:
  virtual ~SmsVerifier() = default;

  // Starts the verification of filing `filing_id` (the registry's id of the pending filing) for
  // `recipients` at `now`. Starting one already started changes nothing (a resent upload, a
  // pipeline step run twice). kInvalidArgument (rule "sms.recipients") for no recipient or one
  // without a mobile.
  virtual Result<void> Start(std::int64_t filing_id, std::span<const SmsRecipient> recipients,
                             std::int64_t now) = 0;

  // Where the verification of `filing_id` stands at `now` (a pending one past its window is
  // kTimedOut). kNotFound for a filing never started.
  virtual Result<SmsState> StateOf(std::int64_t filing_id, std::int64_t now) = 0;
};

}  // namespace icp::bureau_sim
