// The libcurl adapter of the gateway's SoapTransport: the only file of bureau/ that includes
// curl.
#include "bureau/curl_transport.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <string>

namespace icp::bureau {
namespace {

std::size_t Collect(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

}  // namespace

Result<std::string> CurlTransport::Post(const std::string& url, std::string_view action,
                                        std::string_view envelope) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Unavailable("libcurl could not start a request");
  curl_slist* list = nullptr;
  list = curl_slist_append(list, "Content-Type: text/xml; charset=utf-8");
  list = curl_slist_append(list, ("SOAPAction: \"" + std::string(action) + "\"").c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list, curl_slist_free_all);
  std::string body;
  const std::string payload(envelope);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(timeout_.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return DeadlineExceeded("the bureau did not answer " + url + " in time");
  }
  if (rc != CURLE_OK) {
    return Unavailable("the bureau at " + url + " could not be reached: " + curl_easy_strerror(rc));
  }
  return body;
}

}  // namespace icp::bureau
