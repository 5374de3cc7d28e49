#include "http/metrics.h"

#include <gtest/gtest.h>

namespace icp::http {
namespace {

using std::chrono::duration;

TEST(Metrics, CountsRequestsByRouteMethodAndStatus) {
  Metrics metrics;
  metrics.Observe("/healthz", "GET", 200, duration<double>(0.0005));
  metrics.Observe("/healthz", "GET", 200, duration<double>(0.0005));
  metrics.Observe("", "GET", 404, duration<double>(0.0005));
  const std::string text = metrics.RenderPrometheus();
  EXPECT_NE(text.find("# TYPE icp_http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(
      text.find("icp_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 2\n"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find("icp_http_requests_total{route=\"(unmatched)\",method=\"GET\",status=\"404\"} 1\n"),
      std::string::npos)
      << text;
}

TEST(Metrics, RendersTheLatestValueOfAGauge) {
  Metrics m;
  m.SetGauge("icp_sweeper_lag_seconds", "How late the sweeper acted.", 3);
  m.SetGauge("icp_sweeper_lag_seconds", "How late the sweeper acted.", 42);
  const std::string text = m.RenderPrometheus();
  EXPECT_NE(text.find("# HELP icp_sweeper_lag_seconds How late the sweeper acted.\n"
                      "# TYPE icp_sweeper_lag_seconds gauge\n"
                      "icp_sweeper_lag_seconds 42\n"),
            std::string::npos)
      << text;
}

TEST(Metrics, KeepsCumulativeLatencyBuckets) {
  Metrics metrics;
  metrics.Observe("/r", "GET", 200, duration<double>(0.0005));  // le 0.001
  metrics.Observe("/r", "GET", 200, duration<double>(0.03));    // le 0.05
  metrics.Observe("/r", "GET", 200, duration<double>(60));      // only +Inf
  const std::string text = metrics.RenderPrometheus();
  auto has = [&](std::string_view line) { return text.find(line) != std::string::npos; };
  EXPECT_TRUE(has("icp_http_request_duration_seconds_bucket{route=\"/r\",le=\"0.001\"} 1\n"))
      << text;
  EXPECT_TRUE(has("icp_http_request_duration_seconds_bucket{route=\"/r\",le=\"0.025\"} 1\n"));
  EXPECT_TRUE(has("icp_http_request_duration_seconds_bucket{route=\"/r\",le=\"0.05\"} 2\n"));
  EXPECT_TRUE(has("icp_http_request_duration_seconds_bucket{route=\"/r\",le=\"5\"} 2\n"));
  EXPECT_TRUE(has("icp_http_request_duration_seconds_bucket{route=\"/r\",le=\"+Inf\"} 3\n"));
  EXPECT_TRUE(has("icp_http_request_duration_seconds_count{route=\"/r\"} 3\n"));
}

TEST(Metrics, EscapesLabelValues) {
  Metrics metrics;
  metrics.Observe("/a\"b\\c\nd", "GET", 200, duration<double>(0));
  EXPECT_NE(metrics.RenderPrometheus().find("route=\"/a\\\"b\\\\c\\nd\""), std::string::npos);
}

}  // namespace
}  // namespace icp::http
