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

// Fills `params` and answers true when the segments of a path fit those of a pattern.
bool Fits(const std::vector<std::string>& want, const std::vector<std::string_view>& have,
          std::map<std::string, std::string>& params) {
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
  std::vector<std::string> segments;
  for (std::string_view segment : Segments(pattern)) segments.emplace_back(segment);
  segments_.push_back(std::move(segments));
  routes_.push_back({std::move(method), std::move(pattern), access, std::move(handler)});
}

void Router::Add(std::string method, std::string pattern, Access access, std::size_t max_body_bytes,
                 Handler handler) {
  Add(std::move(method), std::move(pattern), access, std::move(handler));
  routes_.back().max_body_bytes = max_body_bytes;
}

void Router::AddHot(std::string method, std::string pattern, Handler handler) {
  Add(std::move(method), std::move(pattern), Access::kPublic, std::move(handler));
  routes_.back().hot = true;
}

std::size_t Router::BodyLimit(std::string_view method, std::string_view path,
                              std::size_t fallback) const {
  const RouteMatch match = Match(method, path);
  if (match.route == nullptr || match.route->max_body_bytes == 0) return fallback;
  return match.route->max_body_bytes;
}

RouteMatch Router::Match(std::string_view method, std::string_view path) const {
  RouteMatch match;
  const std::vector<std::string_view> have = Segments(path);
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const Route& route = routes_[i];
    std::map<std::string, std::string> params;
    if (!Fits(segments_[i], have, params)) continue;
    match.allowed.push_back(route.method);
    if (match.route == nullptr && route.method == method) {
      match.route = &route;
      match.params = std::move(params);
    }
  }
  return match;
}

}  // namespace icp::http
