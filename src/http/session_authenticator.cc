#include "http/session_authenticator.h"

#include <fmt/format.h>

#include "base/strings.h"

namespace icp::http {
namespace {

std::string Attributes(const CookieSettings& settings) {
  return std::string("; Path=/; HttpOnly; SameSite=Strict") + (settings.secure ? "; Secure" : "");
}

std::unexpected<Error> BadAuthorization() {
  Error e{ErrorCode::kUnauthenticated, "the Authorization header must be 'Bearer <API key>'", {}};
  e.violations.push_back(
      {"", "auth.invalid", e.message, "Authorization 请求头须为 'Bearer <API 密钥>'"});
  return std::unexpected(std::move(e));
}

}  // namespace

std::string SessionCookie(const CookieSettings& settings, std::string_view token,
                          std::chrono::seconds max_age) {
  return fmt::format("{}={}{}; Max-Age={}", settings.name, token, Attributes(settings),
                     max_age.count());
}

std::string ClearedSessionCookie(const CookieSettings& settings) {
  return fmt::format("{}={}; Max-Age=0", settings.name, Attributes(settings));
}

std::optional<std::string> CookieValue(const Request& request, std::string_view name) {
  const std::optional<std::string_view> header = request.header("cookie");
  if (!header) return std::nullopt;
  for (std::string_view pair : Split(*header, ';')) {
    pair = TrimAsciiSpaces(pair);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || TrimAsciiSpaces(pair.substr(0, eq)) != name) continue;
    return std::string(TrimAsciiSpaces(pair.substr(eq + 1)));
  }
  return std::nullopt;
}

Result<std::optional<Authentication>> SessionAuthenticator::Authenticate(const Request& request) {
  if (const std::optional<std::string_view> header = request.header("authorization")) {
    const std::string_view value = TrimAsciiSpaces(*header);
    constexpr std::string_view kBearer = "Bearer ";
    if (value.size() <= kBearer.size() ||
        ToLowerAscii(value.substr(0, kBearer.size())) != "bearer ") {
      return BadAuthorization();
    }
    Result<Authenticated> who =
        auth_.AuthenticateApiKey(TrimAsciiSpaces(value.substr(kBearer.size())));
    if (!who) return std::unexpected(who.error());
    return std::optional<Authentication>(Authentication{who->caller, false, ""});
  }
  const std::optional<std::string> token = CookieValue(request, cookie_.name);
  if (!token || token->empty()) return std::optional<Authentication>();
  Result<Authenticated> who = auth_.AuthenticateSession(*token);
  if (!who) return std::unexpected(who.error());
  return std::optional<Authentication>(Authentication{who->caller, true, who->csrf_token});
}

}  // namespace icp::http
