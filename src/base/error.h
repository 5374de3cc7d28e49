#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace icp {

// Canonical error codes, Abseil's subset (STYLE.md §3.2). Choose the most specific one.
enum class ErrorCode {
  kInvalidArgument,     // the input is malformed or breaks a rule, whatever the state
  kNotFound,            // the thing asked for does not exist
  kAlreadyExists,       // creating something that exists
  kFailedPrecondition,  // the system is not in the state the action needs
  kAborted,             // a concurrent change won; retry the whole operation
  kPermissionDenied,    // the caller is known but may not do this
  kUnauthenticated,     // the caller is not known
  kUnavailable,         // try the same call again later
  kDeadlineExceeded,    // the call ran out of time
  kResourceExhausted,   // too many attempts: wait retry_after, then try again
  kInternal,            // a bug or a broken invariant; never the caller's fault
};

// "INVALID_ARGUMENT", "NOT_FOUND", ...: the form used on the wire and in logs.
std::string_view ErrorCodeName(ErrorCode code);

// One thing wrong with one field. `field` is a path into the document
// ("subject.principal.mobile"), empty when the whole value is meant; `rule` is a stable id
// ("resident-id.checksum", "44.principal-id-local") that tests and the console key on.
struct FieldViolation {
  std::string field;
  std::string rule;
  std::string message;     // English, one sentence
  std::string message_zh;  // 简体中文, one sentence; may be empty

  friend bool operator==(const FieldViolation&, const FieldViolation&) = default;
};

// An expected failure: a code, a message for people, and every field violation found.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::vector<FieldViolation> violations;
  // For kResourceExhausted: how long the caller must wait before trying again (HTTP
  // Retry-After).
  std::optional<std::chrono::seconds> retry_after = std::nullopt;

  // The same error with `path` put in front of every violation's field:
  // AtField("subject.credit_code") turns "" into "subject.credit_code" and "x" into
  // "subject.credit_code.x".
  Error AtField(std::string_view path) const;

  // The first violation's rule id, or "" when there is none.
  std::string_view rule() const;
};

// Constructors for the canonical codes. They return std::unexpected so that
// `return NotFound("...");` works in any function returning Result<T>.
std::unexpected<Error> InvalidArgument(std::string message);
std::unexpected<Error> NotFound(std::string message);
std::unexpected<Error> AlreadyExists(std::string message);
std::unexpected<Error> FailedPrecondition(std::string message);
std::unexpected<Error> Aborted(std::string message);
std::unexpected<Error> PermissionDenied(std::string message);
std::unexpected<Error> Unauthenticated(std::string message);
std::unexpected<Error> Unavailable(std::string message);
std::unexpected<Error> DeadlineExceeded(std::string message);
// kResourceExhausted with the wait before the next attempt may succeed.
std::unexpected<Error> ResourceExhausted(std::string message, std::chrono::seconds retry_after);
std::unexpected<Error> Internal(std::string message);

// `code` with one violation: `field` (may be empty) breaks `rule`. The refusal of a use case
// that is about one thing: a state, a role, a missing confirmation.
std::unexpected<Error> Refusal(ErrorCode code, std::string field, std::string rule,
                               std::string message, std::string message_zh = {});

// kInvalidArgument for one value that breaks `rule`: the usual failure of a Parse().
std::unexpected<Error> InvalidValue(std::string rule, std::string message,
                                    std::string message_zh = {});

// kInvalidArgument listing every violation; the message joins them all (field: message; ...).
std::unexpected<Error> InvalidFields(std::vector<FieldViolation> violations);

}  // namespace icp
