#include "http/router.h"

#include <algorithm>

#include "base/check.h"

namespace icp::http {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.starts_with('/')) path.remove_prefix(1);
  while (true) {
    const std::size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Fills `params` and answers true when `path` fits `pattern`.
bool Fits(std::string_view pattern, std::string_view path,
          std::map<std::string, std::string>& params) {
  const std::vector<std::string_view> want = Segments(pattern);
  const std::vector<std::string_view> have = Segments(path);
  if (want.size() != have.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (IsParameter(want[i])) {
      if (have[i].empty()) return false;
      params.emplace(std::string(want[i].substr(1, want[i].size() - 2)), std::string(have[i]));
    } else if (want[i] != have[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler) {
  ICP_CHECK(pattern.starts_with('/')) << "route pattern " << pattern << " must start with /";
  for (std::string_view segment : Segments(pattern)) {
    const bool braces = segment.find_first_of("{}") != std::string_view::npos;
    ICP_CHECK(!braces || IsParameter(segment))
        << "route pattern " << pattern << ": a parameter is a whole segment {name}";
  }
  ICP_CHECK(std::ranges::none_of(
      routes_, [&](const Route& r) { return r.method == method && r.pattern == pattern; }))
      << "route " << method << " " << pattern << " is added twice";
  ICP_CHECK(handler != nullptr) << "route " << method << " " << pattern << " has no handler";
  routes_.push_back({std::move(method), std::move(pattern), std::move(handler)});
}

RouteMatch Router::Match(std::string_view method, std::string_view path) const {
  RouteMatch match;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> params;
    if (!Fits(route.pattern, path, params)) continue;
    match.allowed.push_back(route.method);
    if (match.route == nullptr && route.method == method) {
      match.route = &route;
      match.params = std::move(params);
    }
  }
  return match;
}

}  // namespace icp::http
