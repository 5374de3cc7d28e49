#include "http/dispatcher.h"

#include <exception>
#include <random>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "base/error.h"
#include "http/responses.h"

namespace icp::http {
namespace {

// The page policy for an API that serves JSON and static pages: nothing is loaded from
// anywhere, and no one may frame it. A handler whose page needs more sets its own policy
// (the docs page: http/api_docs_handlers.h), which then applies to that response alone.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'";

bool UsableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// 128 random bits in hex. Not a secret, only unique: a per-thread generator seeded once.
std::string NewRequestId() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return fmt::format("{:016x}{:016x}", generator(), generator());
}

Response NotFoundProblem(const Request& request) {
  return ProblemResponse(request,
                         NotFound("no route for path " + std::string(request.path())).error());
}

Response MethodNotAllowed(const Request& request, const std::vector<std::string>& allowed) {
  std::string allow;
  for (const std::string& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  Error error =
      InvalidFields({{"method", "route.method",
                      fmt::format("{} {} is not served; the path takes {}", request.method,
                                  request.path(), allow),
                      fmt::format("该路径不支持 {} 方法，可用：{}", request.method, allow)}})
          .error();
  Response response = ProblemResponse(request, error, 405);
  response.Set("Allow", allow);
  return response;
}

bool IsSafeMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

// Compares in time that depends only on the lengths, so a CSRF token cannot be guessed
// byte by byte from response times.
bool SameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

Result<Caller> Dispatcher::Authorize(const Request& request, Access access) const {
  Result<std::optional<Authentication>> found =
      authenticator_ != nullptr ? authenticator_->Authenticate(request)
                                : Result<std::optional<Authentication>>(std::nullopt);
  if (!found) return std::unexpected(found.error());
  if (!found->has_value()) {
    return std::unexpected(Refusal(ErrorCode::kUnauthenticated, "", "auth.required",
                                   "sign in, or send an API key as a bearer token",
                                   "请先登录，或以 Bearer 方式提供 API 密钥")
                               .error());
  }
  const Authentication& auth = **found;
  if (auth.by_session && !IsSafeMethod(request.method)) {
    const std::string_view sent = request.header("x-csrf-token").value_or("");
    if (sent.empty() || auth.csrf_token.empty() || !SameSecret(sent, auth.csrf_token)) {
      return Refusal(
          ErrorCode::kPermissionDenied, "", "auth.csrf",
          "a signed-in console request that changes something needs the session's X-CSRF-Token",
          "请求缺少或带有错误的 CSRF 令牌（X-CSRF-Token），请刷新页面后重试");
    }
  }
  if (!Allows(access, auth.caller.role)) {
    return std::unexpected(
        Refusal(ErrorCode::kPermissionDenied, "", "auth.role",
                fmt::format("this route is for {} accounts; you are signed in as {}",
                            AccessName(access), RoleName(auth.caller.role)),
                fmt::format("当前账号（{}）无权执行此操作", RoleLabel(auth.caller.role)))
            .error());
  }
  return auth.caller;
}

void Dispatcher::Admit(Request& request) const {
  const std::string_view sent = request.header("x-request-id").value_or("");
  request.request_id = UsableRequestId(sent) ? std::string(sent) : NewRequestId();
  if (console_ != nullptr && ConsoleSite::Takes(request.path())) {
    request.route = "/console/*";
    return;
  }
  RouteMatch match = router_.Match(request.method, request.path());
  if (match.route != nullptr) {
    request.route = match.route->pattern;
    request.hot = match.route->hot;
  }
}

Response Dispatcher::Handle(Request request) const {
  if (console_ != nullptr && ConsoleSite::Takes(request.path())) {
    request.route = "/console/*";
    return Seal(request, console_->Serve(request));
  }
  RouteMatch match = router_.Match(request.method, request.path());
  if (match.route == nullptr) {
    return Seal(request, match.allowed.empty() ? NotFoundProblem(request)
                                               : MethodNotAllowed(request, match.allowed));
  }
  request.route = match.route->pattern;
  request.params = std::move(match.params);
  if (match.route->access != Access::kPublic) {
    Result<Caller> caller = Authorize(request, match.route->access);
    if (!caller) {
      Response refusal = ProblemResponse(request, caller.error());
      if (caller.error().code == ErrorCode::kUnauthenticated) {
        refusal.Set("WWW-Authenticate", "Bearer realm=\"beian\"");
      }
      return Seal(request, std::move(refusal));
    }
    request.caller = *caller;
  }
  Response response;
  try {
    response = match.route->handler(request);
  } catch (const std::exception& e) {
    // A handler that throws has a bug (STYLE.md §3.2): answer 500, keep the cause in the log.
    spdlog::error("handler threw: request_id={} route={} what={}", request.request_id,
                  request.route, e.what());
    response = ProblemResponse(request, Internal(e.what()).error());
  }
  return Seal(request, std::move(response));
}

Response Dispatcher::Seal(const Request& request, Response response) {
  response.Set("X-Request-Id", request.request_id);
  if (!response.Has("Content-Security-Policy")) {
    response.Set("Content-Security-Policy", std::string(kContentSecurityPolicy));
  }
  response.Set("X-Content-Type-Options", "nosniff");
  response.Set("X-Frame-Options", "DENY");
  response.Set("Referrer-Policy", "no-referrer");
  if (!response.Has("Cache-Control")) response.Set("Cache-Control", "no-store");
  return response;
}

void Dispatcher::Record(const Request& request, const Response& response) const {
  const std::chrono::duration<double> latency =
      std::chrono::steady_clock::now() - request.received_at;
  metrics_.Observe(request.route, request.method, response.status, latency);
  // A hot route's requests are the edge's traffic: counted above, logged one by one only
  // when debugging (a line each would be most of the log, and most of the route's cost).
  if (request.hot && !spdlog::should_log(spdlog::level::debug)) return;
  boost::json::object line{{"event", "access"},
                           {"method", request.method},
                           {"path", request.path()},
                           {"route", request.route},
                           {"status", response.status},
                           {"duration_ms", latency.count() * 1000},
                           {"bytes", response.body.size()},
                           {"request_id", request.request_id}};
  spdlog::log(request.hot ? spdlog::level::debug : spdlog::level::info,
              boost::json::serialize(line));
}

Response Dispatcher::Dispatch(Request request) const {
  Admit(request);
  Response response = Handle(request);
  Record(request, response);
  return response;
}

std::size_t Dispatcher::BodyLimit(std::string_view method, std::string_view target,
                                  std::size_t fallback) const {
  return router_.BodyLimit(method, target.substr(0, target.find('?')), fallback);
}

}  // namespace icp::http
