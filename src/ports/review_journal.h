#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "ports/ids.h"

namespace icp {

// What a note in an application's review journal records.
enum class ReviewNoteKind {
  kRuleWarning,   // a warning the rules gave at a submission (errors block it instead)
  kReturnReason,  // a reviewer returned it: the field, why, and what to do
  kContact,       // a call to the leader: reached or missed
  kClaim,         // a reviewer took it from the queue
  kPass,          // a reviewer passed it (to verification, or to the bureau)
  kVerification,  // identity verification found done by a reviewer
};

std::string_view ReviewNoteKindName(ReviewNoteKind kind);  // "rule_warning", "return_reason", ...
std::optional<ReviewNoteKind> ReviewNoteKindFromName(std::string_view name);

enum class ContactOutcome { kReached, kMissed };

// One note. `round` is the submission it belongs to (1 for the first submit, 2 after the
// first resubmission, ...), so the customer sees the reasons of the latest return and the
// history keeps every earlier one.
struct ReviewNote {
  ApplicationId application;
  int round = 1;
  ReviewNoteKind kind = ReviewNoteKind::kRuleWarning;
  std::string field;       // warning, return reason: the field path ("subject.name")
  std::string rule;        // warning: the rule id; return reason: an optional reason code
  std::string message;     // what the customer reads (Chinese)
  std::string suggestion;  // return reason: how to fix it
  std::optional<ContactOutcome> contact;  // kContact only
  std::optional<AccountId> author;        // the reviewer; none for a rule warning
  std::chrono::sys_seconds at{};

  friend bool operator==(const ReviewNote&, const ReviewNote&) = default;
};

// The review journal: append-only (the database refuses UPDATE and DELETE, rule
// "review-note.append-only"). A return reason without a field or a message, a contact note
// without its outcome, or a reviewer's note without its reviewer is refused
// (kInvalidArgument) by the store.
class ReviewJournalReader {
 public:
  virtual ~ReviewJournalReader() = default;

  // Every note of the application, oldest first.
  virtual Result<std::vector<ReviewNote>> List(ApplicationId application) = 0;
};

// With the writes, for a unit of work (ports/database.h); a read transaction has the reader.
class ReviewJournal : public ReviewJournalReader {
 public:
  virtual Result<void> Append(const ReviewNote& note) = 0;
};

}  // namespace icp
