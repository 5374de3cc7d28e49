// The libcurl adapter of cli/http_client.h: the only file of cli/ that includes curl.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "base/strings.h"
#include "cli/http_client.h"

namespace icp::cli {

std::string HttpReply::Header(std::string_view lower_case_name) const {
  auto it = headers.find(std::string(lower_case_name));
  return it == headers.end() ? "" : it->second;
}

namespace {

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* out) {
  std::string_view line(data, size * count);
  const std::size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(TrimAsciiSpaces(line.substr(0, colon)));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static_cast<std::multimap<std::string, std::string>*>(out)->emplace(
        std::move(name), std::string(TrimAsciiSpaces(line.substr(colon + 1))));
  }
  return size * count;
}

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  Result<HttpReply> Send(const HttpCall& call) override {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return Unavailable("libcurl could not start a request");
    HttpReply reply;
    curl_slist* list = nullptr;
    for (const auto& [name, value] : call.headers) {
      list = curl_slist_append(list, (name + ": " + value).c_str());
    }
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list, curl_slist_free_all);
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, call.url.c_str());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, call.method.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    if (!call.body.empty() || call.method == "POST" || call.method == "PUT") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, call.body.c_str());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &reply.headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    const CURLcode code = curl_easy_perform(c);
    if (code != CURLE_OK) {
      return Unavailable("no answer from " + call.url + ": " + curl_easy_strerror(code));
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    reply.status = static_cast<int>(status);
    return reply;
  }
};

}  // namespace

std::unique_ptr<HttpClient> NewCurlHttpClient() { return std::make_unique<CurlHttpClient>(); }

}  // namespace icp::cli
