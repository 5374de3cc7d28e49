#include "http/router.h"

#include <algorithm>
#include <optional>
#include <utility>

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

// A parameter segment: "{name}", or "{name}:verb" for a custom method on the object named
// (Google AIP-136: POST /v1/applications/{id}:submit). Returns the name and the ":verb"
// suffix ("" for none); nullopt for a literal segment.
std::optional<std::pair<std::string_view, std::string_view>> Parameter(std::string_view segment) {
  if (segment.size() < 3 || segment.front() != '{') return std::nullopt;
  const std::size_t close = segment.find('}');
  if (close == std::string_view::npos || close < 2) return std::nullopt;
  const std::string_view suffix = segment.substr(close + 1);
  if (!suffix.empty() && (suffix.size() < 2 || suffix.front() != ':' ||
                          suffix.find_first_of("{}:", 1) != std::string_view::npos)) {
    return std::nullopt;
  }
  return std::pair{segment.substr(1, close - 1), suffix};
}

// Fills `params` and answers true when `path` fits `pattern`.
bool Fits(std::string_view pattern, std::string_view path,
          std::map<std::string, std::string>& params) {
  const std::vector<std::string_view> want = Segments(pattern);
  const std::vector<std::string_view> have = Segments(path);
  if (want.size() != have.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (const auto parameter = Parameter(want[i])) {
      const auto [name, verb] = *parameter;
      // A value never holds ':', so "{id}" does not swallow "12:submit".
      std::string_view value = have[i];
      if (!verb.empty()) {
        if (!value.ends_with(verb)) return false;
        value.remove_suffix(verb.size());
      }
      if (value.empty() || value.find(':') != std::string_view::npos) return false;
      params.emplace(std::string(name), std::string(value));
    } else if (want[i] != have[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view AccessName(Access access) {
  switch (access) {
    case Access::kPublic:
      return "public";
    case Access::kSignedIn:
      return "signed_in";
    case Access::kCustomer:
      return "customer";
    case Access::kStaff:
      return "staff";
    case Access::kAdmin:
      return "admin";
  }
  return "public";
}

bool Allows(Access access, Role role) {
  switch (access) {
    case Access::kPublic:
    case Access::kSignedIn:
      return true;
    case Access::kCustomer:
      return role == Role::kCustomer;
    case Access::kStaff:
      return role == Role::kReviewer || role == Role::kAdmin;
    case Access::kAdmin:
      return role == Role::kAdmin;
  }
  return false;
}

void Router::Add(std::string method, std::string pattern, Access access, Handler handler) {
  ICP_CHECK(pattern.starts_with('/')) << "route pattern " << pattern << " must start with /";
  for (std::string_view segment : Segments(pattern)) {
    const bool braces = segment.find_first_of("{}") != std::string_view::npos;
    ICP_CHECK(!braces || Parameter(segment).has_value())
        << "route pattern " << pattern << ": a parameter is a whole segment {name}, or {name}:verb";
  }
  ICP_CHECK(std::ranges::none_of(
      routes_, [&](const Route& r) { return r.method == method && r.pattern == pattern; }))
      << "route " << method << " " << pattern << " is added twice";
  ICP_CHECK(handler != nullptr) << "route " << method << " " << pattern << " has no handler";
  routes_.push_back({std::move(method), std::move(pattern), access, std::move(handler)});
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
