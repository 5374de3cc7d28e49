#pragma once

#include <chrono>
#include <string>

#include "base/result.h"
#include "ports/notification_channels.h"

namespace icp::notify {

struct WebhookOptions {
  std::string url{};  // http:// or https://, the provider's SMS gateway
  std::chrono::milliseconds timeout{10'000};
};

// Sends text messages through an HTTP gateway: POST `url` with the JSON body
// {"mobile", "text", "idempotency_key"} and the key again as the Idempotency-Key header, so
// a gateway that records keys sends a retried message once. A 2xx answer is delivered;
// 408, 429 and 5xx are kUnavailable (try later); any other answer kFailedPrecondition naming
// the status; no answer within the timeout kDeadlineExceeded.
class WebhookSmsSender final : public SmsSender {
 public:
  // kInvalidArgument (rule "notify.webhook-url") unless the URL is http:// or https://.
  static Result<WebhookSmsSender> Create(WebhookOptions options);

  Result<void> Send(const SmsMessage& message) override;

 private:
  explicit WebhookSmsSender(WebhookOptions options) : options_(std::move(options)) {}

  WebhookOptions options_;
};

}  // namespace icp::notify
