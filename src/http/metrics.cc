#include "http/metrics.h"

#include <fmt/format.h>

namespace icp::http {
namespace {

// A label value with backslash, quote and newline escaped, as the text format requires.
std::string Label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::Observe(std::string_view route, std::string_view method, int status,
                      std::chrono::duration<double> latency) {
  const std::string key(route.empty() ? "(unmatched)" : route);
  std::lock_guard lock(mutex_);
  ++requests_[{key, std::string(method), status}];
  Histogram& h = latency_[key];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (latency.count() <= kBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += latency.count();
}

std::string Metrics::RenderPrometheus() const {
  std::lock_guard lock(mutex_);
  std::string out =
      "# HELP icp_http_requests_total HTTP requests answered, by route, method and status.\n"
      "# TYPE icp_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [route, method, status] = key;
    out += fmt::format("icp_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                       Label(route), Label(method), status, n);
  }
  out +=
      "# HELP icp_http_request_duration_seconds Time from a whole request received to its "
      "response ready, by route.\n"
      "# TYPE icp_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      out += fmt::format("icp_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                         Label(route), kBuckets[i], cumulative);
    }
    out += fmt::format("icp_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                       Label(route), h.count);
    out += fmt::format("icp_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", Label(route),
                       h.sum);
    out += fmt::format("icp_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", Label(route),
                       h.count);
  }
  for (const auto& [name, gauge] : gauges_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", name, gauge.first, name, name,
                       gauge.second);
  }
  return out;
}

void Metrics::SetGauge(std::string_view name, std::string_view help, double value) {
  std::lock_guard lock(mutex_);
  gauges_.insert_or_assign(std::string(name), std::pair(std::string(help), value));
}

}  // namespace icp::http
