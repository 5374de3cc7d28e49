#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.h"

namespace icp::bureau_sim {

// Where the bureau's messages to people go: the SMS codes of verification (短信核验), the filing
// password mailed to a subject's leader at approval, a recovered password (seed 004). The
// stand-in keeps them in its store, where tests (and `--test-hooks`) read them instead of a
// phone or a mailbox.
class MessageSink {
 public:
  virtual ~MessageSink() = default;

  // channel: "sms" (to: a mobile number) or "email" (to: an address).
  virtual Result<void> Deliver(std::string_view channel, std::string_view to, std::string_view text,
                               std::int64_t now) = 0;
};

}  // namespace icp::bureau_sim
