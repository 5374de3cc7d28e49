#pragma once

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <string>

#include "base/result.h"

namespace icp::notify {

// libcurl, held the way every sender here uses it: one easy handle per call, no signals
// (threads), a total timeout. curl_global_init runs once, on first use.
class CurlEasy {
 public:
  // kInternal when libcurl cannot start.
  static Result<CurlEasy> Create(std::chrono::milliseconds timeout);

  CURL* get() const { return handle_.get(); }

  // Runs the transfer. kDeadlineExceeded for a timeout; kUnavailable when the server cannot
  // be reached or the connection broke; kFailedPrecondition for what libcurl refuses (a bad
  // URL, a login refused). `what` names the call in the message.
  Result<void> Perform(std::string_view what);
  // The last response code (HTTP status, SMTP reply code).
  long ResponseCode() const;

 private:
  struct Cleanup {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
  };
  explicit CurlEasy(CURL* handle) : handle_(handle) {}

  std::unique_ptr<CURL, Cleanup> handle_;
  std::string error_buffer_ = std::string(CURL_ERROR_SIZE, '\0');
};

}  // namespace icp::notify
