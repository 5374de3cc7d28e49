#include "http/responses.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include <fmt/format.h>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>

#include "base/strings.h"

namespace icp::http {
namespace {

std::string_view TitleFor(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return status >= 500 ? "Internal Server Error" : "Bad Request";
  }
}

// "NOT_FOUND" -> "not-found": the last part of the problem type URI.
std::string TypeSlug(ErrorCode code) {
  std::string slug(ErrorCodeName(code));
  for (char& c : slug) c = c == '_' ? '-' : static_cast<char>(c - 'A' + 'a');
  return slug;
}

}  // namespace

// clang-format off
int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:    return 400;
    case ErrorCode::kUnauthenticated:    return 401;
    case ErrorCode::kPermissionDenied:   return 403;
    case ErrorCode::kNotFound:           return 404;
    case ErrorCode::kAlreadyExists:      return 409;
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kAborted:            return 409;
    case ErrorCode::kUnavailable:        return 503;
    case ErrorCode::kDeadlineExceeded:   return 504;
    case ErrorCode::kResourceExhausted:  return 429;
    case ErrorCode::kInternal:           return 500;
  }
  return 500;
}
// clang-format on

Response ProblemResponse(const Request& request, const Error& error, int status) {
  if (status == 0) status = HttpStatusFor(error.code);
  boost::json::array violations;
  for (const FieldViolation& v : error.violations) {
    violations.push_back(boost::json::object{{"field", v.field},
                                             {"rule", v.rule},
                                             {"message", v.message},
                                             {"message_zh", v.message_zh}});
  }
  // An internal error's message may describe the inside of the server; the log has it.
  const std::string detail = error.code == ErrorCode::kInternal
                                 ? "internal error; the request id finds it in the server log"
                                 : error.message;
  boost::json::object body{{"type", "urn:beian:problem:" + TypeSlug(error.code)},
                           {"title", TitleFor(status)},
                           {"status", status},
                           {"code", ErrorCodeName(error.code)},
                           {"detail", detail},
                           {"violations", std::move(violations)},
                           {"request_id", request.request_id}};
  Response response =
      TextResponse(boost::json::serialize(body), "application/problem+json", status);
  if (error.retry_after) {
    // RFC 9110 §10.2.3: whole seconds; never 0, so that a client waiting on it moves on.
    response.Set("Retry-After",
                 std::to_string(std::max<std::int64_t>(1, error.retry_after->count())));
  }
  return response;
}

Response JsonResponse(const boost::json::value& value, int status) {
  return TextResponse(boost::json::serialize(value), "application/json", status);
}

Response TextResponse(std::string body, std::string content_type, int status) {
  Response response;
  response.status = status;
  response.Set("Content-Type", std::move(content_type));
  response.body = std::move(body);
  return response;
}

Result<boost::json::value> ParseJsonBody(const Request& request) {
  const std::string_view type = request.header("content-type").value_or("");
  std::string media(TrimAsciiSpaces(type.substr(0, type.find(';'))));
  for (char& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (media != "application/json") {
    return InvalidFields({{"body", "request.content-type",
                           fmt::format("the body must be sent as application/json, not '{}'",
                                       media.empty() ? "(none)" : media),
                           "请求体须为 application/json"}});
  }
  boost::system::error_code ec;
  boost::json::parser parser;
  const std::size_t used = parser.write(request.body, ec);
  if (ec) {
    return InvalidFields({{"body", "request.json",
                           fmt::format("the body is not JSON: {} at byte {}", ec.message(), used),
                           "请求体不是有效的 JSON"}});
  }
  return parser.release();
}

}  // namespace icp::http
