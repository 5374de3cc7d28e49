#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "bureau_sim/message_sink.h"
#include "bureau_sim/registry.h"
#include "bureau_sim/sms_verifier.h"
#include "bureau_sim/store.h"
#include "miit/messages.h"
#include "ports/password_hasher.h"

namespace icp::bureau_sim {

// Which protocol the stand-in speaks (BUREAU-PROTOCOL.md §7.4): the default with Beian's
// marked extensions (9001 accepted, SMS verification 9011-9014, field-level reasons as JSON in
// Jg_xx/Bz, an only access cancelled into an empty shell), or V3.0 exactly ("v3.0-strict": none
// of those, beian-ext code values refused with 5001, the only access kept with 1025).
enum class Protocol { kExtended, kStrict };

enum class AutoReview { kOff, kApprove, kReturn };

struct PipelineOptions {
  Protocol protocol = Protocol::kExtended;
  AutoReview auto_review = AutoReview::kOff;
  std::int64_t review_delay_seconds = 0;  // how long a filing waits in review (automatic mode)
  std::size_t batch = 200;                // filings per step of one tick
};

// What one tick did.
struct TickReport {
  int checked = 0;   // filings out of intake
  int verified = 0;  // SMS verifications that ended
  int decided = 0;   // decisions applied (approved or returned)
  // Filings whose step failed in the store this pass ("filing N: message"): each is left where
  // it was, to be tried again at the next pass, and the filings after it go on.
  std::vector<std::string> failed;

  friend bool operator==(const TickReport&, const TickReport&) = default;
};

// The bureau's decisions on filings (BUREAU-PROTOCOL.md §3.2, §5.1, §5.3, §7.3-§7.4). Each
// accepted upload record is a filing in intake; Tick() moves every filing as far as it can:
//   intake      the bureau's own checks: the file's data rules, the registry (conflicts with
//               filed subjects and domains, unknown or cancelled records, pending
//               cancellations), the filing password (ICPmm), the province, the blacklists.
//               A failure returns it (BAJG with the codes); else 9001 and, for the types FACTS
//               §4.4 names, SMS verification (9011) through the SmsVerifier; else review.
//   sms_pending the verifier's outcome: 9012 then review, 9013 / 9014 returned.
//   review      a reviewer's decision (Decide, the API, `icp-bureau review`) or the automatic
//               mode's once the delay has passed; applying an approval checks the registry
//               again, issues numbers, writes the registry and queues BAJG (1001, Shjg=1) with
//               BASJ (every id), or ZXSJ for a cancellation, and mails a first filing's
//               password to the subject leader; a return queues BAJG with the reasons.
// Each filing moves in its own transaction, so a crash between ticks loses nothing and a
// tick run twice does nothing twice. The verifier and the sink are called outside any
// transaction.
class Pipeline {
 public:
  // `sms` may be null: no verification is made (9001, then review).
  Pipeline(Store& store, PasswordHasher& hasher, TokenSource& tokens, MessageSink& sink,
           SmsVerifier* sms, PipelineOptions options)
      : store_(store),
        hasher_(hasher),
        tokens_(tokens),
        sink_(sink),
        sms_(sms),
        options_(options) {}

  Result<TickReport> Tick(std::int64_t now);

  // A reviewer's decision on a filing in review, recorded and applied at once; the filing as
  // it ends. kFailedPrecondition (rule "bureau.filing.state") for a filing not in review or
  // decided; kNotFound; kInvalidArgument for a return without reasons.
  Result<Filing> Decide(std::int64_t id, bool approve, std::span<const Reason> reasons,
                        std::string_view reviewer, std::int64_t now);

  const PipelineOptions& options() const { return options_; }

 private:
  Result<bool> Check(const Filing& filing, std::int64_t now);
  Result<bool> Poll(const Filing& filing, std::int64_t now);
  Result<void> Apply(std::int64_t id, std::int64_t now);
  Result<std::vector<SmsRecipient>> Recipients(const Filing& filing);

  Store& store_;
  PasswordHasher& hasher_;
  TokenSource& tokens_;
  MessageSink& sink_;
  SmsVerifier* sms_;
  PipelineOptions options_;
  std::mutex mutex_;  // one tick or decision at a time (the serve thread and the API's)
};

// The record of one filing as a file of its own, and back.
Result<miit::IcpUpload> DecodeRecord(std::string_view record);

// The registry's checks of one record (every problem, as reasons with Beian's field paths),
// in `registry`'s transaction. `filing` is the filing's id and provider; `upload` its record.
Result<std::vector<Reason>> CheckRecord(Registry& registry, PasswordHasher& hasher,
                                        Protocol protocol, const Filing& filing,
                                        const miit::IcpUpload& upload);

// The number prefix of a province (GB/T 2260 XX0000; FACTS.md §7.8): "京" for 110000; empty
// for a code that is not a province.
std::string_view ProvincePrefix(std::int64_t province);
// The province of a number's prefix ("京ICP备..." -> 110000); nullopt when it has none.
std::optional<std::int64_t> ProvinceOfNumber(std::string_view number);
// <prefix>ICP备<year><serial, 6 digits>号.
std::string SubjectNumber(std::int64_t province, std::int64_t year, std::int64_t serial);
// The year of `seconds` in China's time (UTC+8).
std::int64_t ChinaYear(std::int64_t seconds);

}  // namespace icp::bureau_sim
