#include "base/error.h"

#include <utility>

namespace icp {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case ErrorCode::kNotFound:
      return "NOT_FOUND";
    case ErrorCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case ErrorCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case ErrorCode::kAborted:
      return "ABORTED";
    case ErrorCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case ErrorCode::kUnauthenticated:
      return "UNAUTHENTICATED";
    case ErrorCode::kUnavailable:
      return "UNAVAILABLE";
    case ErrorCode::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case ErrorCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case ErrorCode::kInternal:
      return "INTERNAL";
  }
  return "INTERNAL";
}

Error Error::AtField(std::string_view path) const {
  Error out = *this;
  for (FieldViolation& v : out.violations) {
    if (v.field.empty()) {
      v.field = std::string(path);
    } else if (!path.empty()) {
      v.field = std::string(path) + "." + v.field;
    }
  }
  if (out.violations.empty() && !path.empty()) {
    out.violations.push_back({std::string(path), "", message, ""});
  }
  return out;
}

std::string_view Error::rule() const {
  return violations.empty() ? std::string_view() : std::string_view(violations.front().rule);
}

namespace {

std::unexpected<Error> Make(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message), {}});
}

}  // namespace

std::unexpected<Error> InvalidArgument(std::string m) {
  return Make(ErrorCode::kInvalidArgument, std::move(m));
}
std::unexpected<Error> NotFound(std::string m) { return Make(ErrorCode::kNotFound, std::move(m)); }
std::unexpected<Error> AlreadyExists(std::string m) {
  return Make(ErrorCode::kAlreadyExists, std::move(m));
}
std::unexpected<Error> FailedPrecondition(std::string m) {
  return Make(ErrorCode::kFailedPrecondition, std::move(m));
}
std::unexpected<Error> Aborted(std::string m) { return Make(ErrorCode::kAborted, std::move(m)); }
std::unexpected<Error> PermissionDenied(std::string m) {
  return Make(ErrorCode::kPermissionDenied, std::move(m));
}
std::unexpected<Error> Unauthenticated(std::string m) {
  return Make(ErrorCode::kUnauthenticated, std::move(m));
}
std::unexpected<Error> Unavailable(std::string m) {
  return Make(ErrorCode::kUnavailable, std::move(m));
}
std::unexpected<Error> DeadlineExceeded(std::string m) {
  return Make(ErrorCode::kDeadlineExceeded, std::move(m));
}
std::unexpected<Error> Internal(std::string m) { return Make(ErrorCode::kInternal, std::move(m)); }
std::unexpected<Error> ResourceExhausted(std::string m, std::chrono::seconds retry_after) {
  Error e{ErrorCode::kResourceExhausted, std::move(m), {}};
  e.retry_after = retry_after;
  return std::unexpected<Error>(std::move(e));
}

std::unexpected<Error> Refusal(ErrorCode code, std::string field, std::string rule,
                               std::string message, std::string message_zh) {
  Error e{code, message, {}};
  e.violations.push_back(
      {std::move(field), std::move(rule), std::move(message), std::move(message_zh)});
  return std::unexpected<Error>(std::move(e));
}

std::unexpected<Error> InvalidValue(std::string rule, std::string message, std::string message_zh) {
  return Refusal(ErrorCode::kInvalidArgument, "", std::move(rule), std::move(message),
                 std::move(message_zh));
}

std::unexpected<Error> InvalidFields(std::vector<FieldViolation> violations) {
  std::string message;
  if (violations.size() == 1) {
    message = violations.front().message;
  } else {
    message = std::to_string(violations.size()) + " problems: ";
    for (std::size_t i = 0; i < violations.size(); ++i) {
      if (i > 0) message += "; ";
      if (!violations[i].field.empty()) message += violations[i].field + ": ";
      message += violations[i].message;
    }
  }
  return std::unexpected<Error>(
      Error{ErrorCode::kInvalidArgument, std::move(message), std::move(violations)});
}

}  // namespace icp
