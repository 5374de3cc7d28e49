#include "bureau_sim/faults.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>
#include <utility>
#include <vector>

#include "miit/msg_code.h"

namespace icp::bureau_sim {
namespace {

bool IsRate(double r) { return r >= 0 && r <= 1; }

http::Response SoapAnswer(int status, std::string envelope) {
  http::Response response;
  response.status = status;
  response.Set("Content-Type", "text/xml; charset=utf-8");
  response.body = std::move(envelope);
  return response;
}

}  // namespace

Result<void> CheckFaultOptions(const FaultOptions& o) {
  std::vector<FieldViolation> problems;
  auto rate = [&](double value, const char* flag) {
    if (!IsRate(value)) {
      problems.push_back({flag, "faults.option", fmt::format("{} is a rate from 0 to 1", flag),
                          fmt::format("{} 须在0到1之间", flag)});
    }
  };
  rate(o.error_rate, "--fault-error-rate");
  rate(o.drop_rate, "--fault-drop-rate");
  rate(o.duplicate_download_rate, "--fault-duplicate-downloads");
  if (IsRate(o.error_rate) && IsRate(o.drop_rate) && o.error_rate + o.drop_rate > 1) {
    problems.push_back({"--fault-drop-rate", "faults.option",
                        "the error and drop rates add up to more than 1",
                        "错误率与丢弃率之和超过1"});
  }
  if (o.latency_ms < 0 || o.latency_ms > 20'000) {
    problems.push_back({"--fault-latency-ms", "faults.option",
                        "the latency is 0 to 20000 ms (under the server's 30 s handler limit)",
                        "延迟须在0到20000毫秒之间"});
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
  return {};
}

FaultInjector::FaultInjector(FaultOptions options) : options_(options), engine_(options.seed) {}

Fault FaultInjector::Decide() {
  std::lock_guard lock(mutex_);
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(engine_);
  if (u < options_.error_rate) {
    ++errors_;
    return Fault::kError;
  }
  if (u < options_.error_rate + options_.drop_rate) {
    ++drops_;
    return Fault::kDrop;
  }
  return Fault::kNone;
}

http::Response FaultInjector::Handle(const http::Request& request, const http::Handler& inner) {
  if (options_.latency_ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.latency_ms));
  }
  const Fault fault = Decide();
  if (fault == Fault::kError) {
    return SoapAnswer(500, miit::BuildFault("injected fault: the call was not processed", false));
  }
  http::Response answer = inner(request);
  if (options_.duplicate_download_rate > 0 && answer.status == 200) {
    if (Result<miit::SoapRequest> call = miit::ParseRequest(request.body); call) {
      answer = Duplicates(*call, std::move(answer));
    }
  }
  if (fault == Fault::kDrop) answer.drop_connection = true;
  return answer;
}

http::Response FaultInjector::Duplicates(const miit::SoapRequest& call, http::Response answer) {
  if (call.method != miit::Method::kDownload && call.method != miit::Method::kDownloadAck) {
    return answer;
  }
  Result<miit::MethodReturn> returned = miit::ParseResponse(call.method, answer.body);
  if (!returned) return answer;
  const std::int64_t code = returned->msg_code;
  std::lock_guard lock(mutex_);
  if (call.method == miit::Method::kDownloadAck) {
    // An acknowledgement taken: perhaps the file comes once more.
    const auto delivered = last_delivered_.find(call.isp_id);
    if (code == miit::MsgCodeNumber(miit::MsgCode::kSuccess) &&
        delivered != last_delivered_.end() && delivered->second.file_name == call.file_name) {
      // Once per file: the duplicate's own acknowledgement is not duplicated again.
      if (duplicated_.insert({call.isp_id, call.file_name}).second &&
          std::uniform_real_distribution<double>(0.0, 1.0)(engine_) <
              options_.duplicate_download_rate) {
        again_[call.isp_id] = delivered->second;
      }
      last_delivered_.erase(delivered);
    }
    return answer;
  }
  // isp_download, authenticated (1, 2 or 3): an acknowledged file to deliver again replaces
  // this answer; the file it held (if any) waits for the next call, as the queue keeps it.
  const bool authenticated = code == miit::MsgCodeNumber(miit::MsgCode::kAllDownloaded) ||
                             code == miit::MsgCodeNumber(miit::MsgCode::kNothingToDownload) ||
                             code == miit::MsgCodeNumber(miit::MsgCode::kCallAgain);
  if (!authenticated) return answer;
  const auto again = again_.find(call.isp_id);
  if (again == again_.end()) {
    if (returned->file_info) last_delivered_[call.isp_id] = *returned->file_info;
    return answer;
  }
  miit::MethodReturn duplicate = miit::MethodReturn::Of(
      returned->file_info ? miit::MsgCode::kCallAgain : miit::MsgCode::kAllDownloaded);
  duplicate.file_info = again->second;
  last_delivered_[call.isp_id] = again->second;
  again_.erase(again);
  ++duplicates_;
  return SoapAnswer(200, miit::BuildResponse(call.method, duplicate));
}

std::int64_t FaultInjector::errors() const {
  std::lock_guard lock(mutex_);
  return errors_;
}
std::int64_t FaultInjector::drops() const {
  std::lock_guard lock(mutex_);
  return drops_;
}
std::int64_t FaultInjector::duplicates() const {
  std::lock_guard lock(mutex_);
  return duplicates_;
}

http::Router WithFaults(const http::Router& routes, FaultInjector& faults) {
  http::Router out;
  for (const http::Route& route : routes.routes()) {
    const bool soap = route.method == "POST" && miit::EndpointFromPath(route.pattern).has_value();
    http::Handler handler = route.handler;
    if (soap) {
      handler = [&faults, inner = route.handler](const http::Request& r) {
        return faults.Handle(r, inner);
      };
    }
    out.Add(route.method, route.pattern, route.access, route.max_body_bytes, std::move(handler));
  }
  return out;
}

}  // namespace icp::bureau_sim
