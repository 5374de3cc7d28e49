#include "notify/curl_easy.h"

#include <mutex>

namespace icp::notify {

Result<CurlEasy> CurlEasy::Create(std::chrono::milliseconds timeout) {
  static std::once_flag once;
  static CURLcode global = CURLE_OK;
  std::call_once(once, [] { global = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (global != CURLE_OK) {
    return Internal(std::string("libcurl does not start: ") + curl_easy_strerror(global));
  }
  CURL* handle = curl_easy_init();
  if (handle == nullptr) return Internal("libcurl: no easy handle");
  CurlEasy easy(handle);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  return easy;
}

Result<void> CurlEasy::Perform(std::string_view what) {
  // The buffer is set here, not in Create(): a moved CurlEasy's string has a new address.
  error_buffer_.assign(CURL_ERROR_SIZE, '\0');
  curl_easy_setopt(handle_.get(), CURLOPT_ERRORBUFFER, error_buffer_.data());
  const CURLcode code = curl_easy_perform(handle_.get());
  if (code == CURLE_OK) return {};
  std::string message = std::string(what) + ": " + curl_easy_strerror(code);
  if (error_buffer_[0] != '\0') message += " (" + std::string(error_buffer_.c_str()) + ")";
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return DeadlineExceeded(std::move(message));
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_LOGIN_DENIED:
      return FailedPrecondition(std::move(message));
    default:
      return Unavailable(std::move(message));
  }
}

long CurlEasy::ResponseCode() const {
  long code = 0;
  curl_easy_getinfo(handle_.get(), CURLINFO_RESPONSE_CODE, &code);
  return code;
}

}  // namespace icp::notify
