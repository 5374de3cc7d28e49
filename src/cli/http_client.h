#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace icp::cli {

// What icpctl sends to icpd and gets back. Header names of a reply are lower case; a
// header sent several times (Set-Cookie) keeps every value.
struct HttpCall {
  std::string method;  // "GET", "POST", ...
  std::string url;     // "http://127.0.0.1:8080/v1/sessions"
  std::map<std::string, std::string> headers;
  std::string body;
};

struct HttpReply {
  int status = 0;
  std::multimap<std::string, std::string> headers;
  std::string body;

  // The first value of `lower_case_name`, or "".
  std::string Header(std::string_view lower_case_name) const;
};

// The client icpctl talks to icpd through (cli/curl_http_client.cc; a fake in tests).
class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // kUnavailable naming the URL and why when no reply came (refused, timed out, bad URL).
  virtual Result<HttpReply> Send(const HttpCall& call) = 0;
};

// libcurl, with a 30 s timeout; follows no redirects (a redirect would carry credentials).
std::unique_ptr<HttpClient> NewCurlHttpClient();

}  // namespace icp::cli
