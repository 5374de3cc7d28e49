#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "app/caller.h"

namespace icp::http {

// One HTTP request as handlers see it: the server (http/server.cc) builds it from the wire,
// tests build it by hand. Header names are kept in lower case, so `header("x-request-id")`
// finds "X-Request-Id".
struct Request {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // as sent: "/v1/applications?cursor=abc"
  std::map<std::string, std::string> headers;  // lower-case name -> value
  std::string body;

  // Set by the dispatcher before the handler runs.
  std::string request_id;                     // X-Request-Id, sent or generated
  std::string route;                          // the matched pattern: "/v1/applications/{id}"
  std::map<std::string, std::string> params;  // {id} -> "app_01..."
  // The route is a hot one (Router::AddHot): the server runs its handler on the network
  // thread, and the access log counts it without a line of its own.
  bool hot = false;
  // The client's IP address as the server's socket saw it ("127.0.0.1"); "" in tests that
  // build requests by hand. The sign-in throttle counts failures per address.
  std::string remote_address;
  // Who is calling: set for every route that is not public, before its handler runs.
  std::optional<Caller> caller;
  // When the server had the whole request; the access log and the latency histogram count
  // from here.
  std::chrono::steady_clock::time_point received_at = std::chrono::steady_clock::now();

  // The path without the query string.
  std::string_view path() const;
  // The value of header `lower_case_name`, if sent.
  std::optional<std::string_view> header(std::string_view lower_case_name) const;
  // The value of route parameter `name`; "" when the route has none by that name.
  std::string_view param(std::string_view name) const;
};

}  // namespace icp::http
