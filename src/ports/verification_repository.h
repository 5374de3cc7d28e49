#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "ports/ids.h"

namespace icp {

// How the website leader's identity was verified after the provider's first review
// (FACTS.md §4.3).
enum class VerificationMethod {
  kCurtainPhoto,  // 幕布照片: a photo in front of the provider's curtain (a blob)
  kVideo,         // video verification with the provider: the session's reference
  kAppCode,       // Shanghai's bureau App (shbeian): the picture code it shows (seed 002)
};

std::string_view VerificationMethodName(VerificationMethod m);  // "curtain_photo", ...
std::optional<VerificationMethod> VerificationMethodFromName(std::string_view name);

enum class VerificationState { kPending, kPassed, kFailed };

std::string_view VerificationStateName(VerificationState s);  // "pending", "passed", "failed"
std::optional<VerificationState> VerificationStateFromName(std::string_view name);

// One verification a customer sent for an application, and its review.
struct VerificationRecord {
  VerificationId id;
  ApplicationId application;
  VerificationMethod method = VerificationMethod::kCurtainPhoto;
  // The photo's blob name (SHA-256 hex), the video session's reference, or the App's code.
  std::string evidence;
  VerificationState state = VerificationState::kPending;
  std::string reason;  // why it failed (required then); may note something when it passed
  AccountId submitted_by;
  std::chrono::sys_seconds submitted_at{};
  std::optional<AccountId> reviewed_by = std::nullopt;
  std::optional<std::chrono::sys_seconds> reviewed_at = std::nullopt;

  friend bool operator==(const VerificationRecord&, const VerificationRecord&) = default;
};

// The verifications of applications. Kept forever; each is reviewed once.
class VerificationReader {
 public:
  virtual ~VerificationReader() = default;

  virtual Result<VerificationRecord> Get(VerificationId id) = 0;  // kNotFound
  // In id order.
  virtual Result<std::vector<VerificationRecord>> List(ApplicationId application) = 0;
};

// With the writes, for a unit of work (ports/database.h); a read transaction has the reader.
class VerificationRepository : public VerificationReader {
 public:
  // Ignores id, stores it pending. kFailedPrecondition if the application or the account
  // does not exist (foreign keys) or the record breaks the schema (a curtain photo's evidence
  // is a blob name).
  virtual Result<VerificationId> Insert(const VerificationRecord& record) = 0;
  // Moves a pending verification to kPassed or kFailed (compare and set). kAborted (rule
  // "verification.reviewed") when it was reviewed already, kNotFound when there is none.
  // REQUIRES: state is not kPending; a failure has a reason.
  virtual Result<void> Review(VerificationId id, VerificationState state, std::string_view reason,
                              AccountId reviewer, std::chrono::sys_seconds at) = 0;
};

}  // namespace icp
