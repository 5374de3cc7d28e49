#include "notify/webhook_sms_sender.h"

#include <boost/json.hpp>

#include "notify/curl_easy.h"

namespace icp::notify {
namespace {

std::size_t Discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

struct Headers {
  ~Headers() { curl_slist_free_all(list); }
  curl_slist* list = nullptr;
};

}  // namespace

Result<WebhookSmsSender> WebhookSmsSender::Create(WebhookOptions options) {
  if (!options.url.starts_with("http://") && !options.url.starts_with("https://")) {
    return InvalidValue("notify.webhook-url",
                        "the SMS webhook URL must start with http:// or https://");
  }
  return WebhookSmsSender(std::move(options));
}

Result<void> WebhookSmsSender::Send(const SmsMessage& message) {
  if (message.idempotency_key.find_first_of("\r\n") != std::string::npos) {
    return InvalidArgument("an idempotency key cannot hold a line break");
  }
  Result<CurlEasy> easy = CurlEasy::Create(options_.timeout);
  if (!easy) return std::unexpected(easy.error());
  const std::string body = boost::json::serialize(boost::json::object{
      {"mobile", message.mobile},
      {"text", message.text},
      {"idempotency_key", message.idempotency_key},
  });
  Headers headers;
  headers.list = curl_slist_append(headers.list, "Content-Type: application/json; charset=utf-8");
  headers.list =
      curl_slist_append(headers.list, ("Idempotency-Key: " + message.idempotency_key).c_str());
  CURL* c = easy->get();
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Discard);
  if (Result<void> done = easy->Perform("SMS webhook"); !done) return done;
  const long status = easy->ResponseCode();
  if (status >= 200 && status < 300) return {};
  const std::string what = "SMS webhook answered HTTP " + std::to_string(status);
  if (status == 408 || status == 429 || status >= 500) return Unavailable(what);
  return FailedPrecondition(what + ": the gateway refuses the message");
}

}  // namespace icp::notify
