#pragma once

#include <chrono>

#include "bureau/gateway.h"

namespace icp::bureau {

// The gateway's SOAP transport over libcurl: one POST per call, text/xml in GBK-declared
// envelopes (the envelope itself is ASCII: payloads travel in base64). A timeout is
// kDeadlineExceeded, a failed or dropped connection kUnavailable; any HTTP status comes back
// as the body (a SOAP Fault arrives with 500 and is read as one).
class CurlTransport final : public SoapTransport {
 public:
  explicit CurlTransport(std::chrono::seconds timeout = std::chrono::seconds(30))
      : timeout_(timeout) {}

  Result<std::string> Post(const std::string& url, std::string_view action,
                           std::string_view envelope) override;

 private:
  std::chrono::seconds timeout_;
};

}  // namespace icp::bureau
