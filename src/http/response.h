#pragma once

#include <string>
#include <utility>
#include <vector>

namespace icp::http {

// One HTTP response as handlers build it; the server writes it. Headers keep the order they
// were set in; Set() replaces a header of the same name (compared without case).
struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set by a handler that must not answer: the server closes the connection without writing
  // anything (icp-bureau's fault injection drops responses, BUREAU-PROTOCOL.md's hard case of
  // a call processed whose answer never arrives).
  bool drop_connection = false;

  // Replaces any header named `name` (case-insensitive) with one value.
  void Set(std::string name, std::string value);
  // The value of header `name` (case-insensitive), or "" when absent.
  std::string Get(std::string_view name) const;
  bool Has(std::string_view name) const;
};

}  // namespace icp::http
