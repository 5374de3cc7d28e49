#include "http/request.h"

namespace icp::http {

std::string_view Request::path() const {
  std::string_view t = target;
  return t.substr(0, t.find_first_of("?#"));
}

std::optional<std::string_view> Request::header(std::string_view lower_case_name) const {
  auto it = headers.find(std::string(lower_case_name));
  if (it == headers.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::string_view Request::param(std::string_view name) const {
  auto it = params.find(std::string(name));
  return it == params.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace icp::http
