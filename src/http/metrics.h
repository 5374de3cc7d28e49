#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace icp::http {

// What /metrics reports about the HTTP server, in the Prometheus text format (0.0.4):
//   icp_http_requests_total{route,method,status}   counter
//   icp_http_request_duration_seconds{route}       histogram
// `route` is the matched pattern ("/v1/applications/{id}"), never the raw path, so the
// number of series stays bounded; requests no route took are counted under "(unmatched)".
// Thread-safe.
class Metrics {
 public:
  // The upper bounds of the latency buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   5};

  void Observe(std::string_view route, std::string_view method, int status,
               std::chrono::duration<double> latency);

  // Sets a gauge that other parts of the process report (icp_sweeper_lag_seconds): `name`
  // and `help` are fixed text of the caller's, rendered as they are.
  void SetGauge(std::string_view name, std::string_view help, double value);

  std::string RenderPrometheus() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // non-cumulative counts
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::map<std::string, std::pair<std::string, double>, std::less<>> gauges_;  // help, value
};

}  // namespace icp::http
