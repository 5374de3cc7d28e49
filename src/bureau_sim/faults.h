#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>

#include "base/result.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "miit/soap.h"

namespace icp::bureau_sim {

// Faults `icp-bureau serve` injects around its SOAP endpoints, for the tests of a client
// (issue 12: a gateway must survive them). All off by default.
struct FaultOptions {
  // The share of SOAP calls answered with a server Fault (HTTP 500) without being processed.
  double error_rate = 0;
  // The share of SOAP calls processed whose answer is dropped: the connection closes without
  // a byte. The client cannot tell whether its upload was taken (the hard case).
  double drop_rate = 0;
  // How long each SOAP call waits before it is processed.
  std::int64_t latency_ms = 0;
  // The share of acknowledged download files delivered once more by a later isp_download
  // (a bureau's at-least-once delivery; the client must process by file name, once).
  double duplicate_download_rate = 0;
  // The decisions come from a generator seeded with this: the same calls in the same order
  // meet the same faults.
  std::uint64_t seed = 1;

  bool any() const {
    return error_rate > 0 || drop_rate > 0 || latency_ms > 0 || duplicate_download_rate > 0;
  }
};

// kInvalidArgument naming each option out of range (rule "faults.option"): rates in [0, 1],
// error_rate + drop_rate <= 1, latency in [0, 20000] ms (the server answers 503 after 30 s).
Result<void> CheckFaultOptions(const FaultOptions& options);

// What the injector decided for one call.
enum class Fault { kNone, kError, kDrop };

// Applies FaultOptions to the calls of one SOAP endpoint. Thread-safe: the decisions are
// drawn under a mutex in the order calls arrive.
class FaultInjector {
 public:
  explicit FaultInjector(FaultOptions options);

  // Answers one SOAP call through `inner` (the endpoint's own handler) with the faults
  // applied: the latency first, then an error instead of the call, or the call with its
  // answer dropped; an isp_download may deliver an acknowledged file again in place of the
  // inner answer (whose file is then left waiting for the next call).
  http::Response Handle(const http::Request& request, const http::Handler& inner);

  // How many calls met each fault so far (tests, the log at shutdown).
  std::int64_t errors() const;
  std::int64_t drops() const;
  std::int64_t duplicates() const;

 private:
  Fault Decide();
  // The inner answer of an isp_download or an isp_downloadack, with a duplicate delivered or
  // remembered.
  http::Response Duplicates(const miit::SoapRequest& call, http::Response answer);

  const FaultOptions options_;
  mutable std::mutex mutex_;
  std::mt19937_64 engine_;
  std::int64_t errors_ = 0;
  std::int64_t drops_ = 0;
  std::int64_t duplicates_ = 0;
  // Per ispId: the file the last isp_download delivered, and the acknowledged file to
  // deliver again.
  std::map<std::int64_t, miit::FileInfo> last_delivered_;
  std::map<std::int64_t, miit::FileInfo> again_;
  std::set<std::pair<std::int64_t, std::string>> duplicated_;  // each file is drawn for once
};

// A copy of `routes` whose SOAP calls (POST to an endpoint of BUREAU-PROTOCOL.md §1.2) go
// through `faults`; every other route (the WSDL, the portal) is copied as it is.
http::Router WithFaults(const http::Router& routes, FaultInjector& faults);

}  // namespace icp::bureau_sim
