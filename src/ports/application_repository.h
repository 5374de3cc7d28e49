#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/result.h"
#include "domain/application.h"
#include "domain/application_lifecycle.h"
#include "ports/ids.h"

namespace icp {

// An application as the store keeps it: the document, where it is in its lifecycle, and
// the revision that makes concurrent updates safe.
struct ApplicationRecord {
  ApplicationId id;
  AccountId account;
  std::optional<SubjectId> subject;  // the subject on record it concerns, if any
  Application application;
  ApplicationLifecycle lifecycle;
  std::int64_t revision = 0;
  std::chrono::sys_seconds created_at{};
  std::chrono::sys_seconds updated_at{};
};

// Where a page of a list by due time starts: after the application `id` due at `due`
// (applications without a deadline sort last, as if due at kNoDeadline).
struct DueCursor {
  std::chrono::sys_seconds due{};
  ApplicationId id;

  friend bool operator==(const DueCursor&, const DueCursor&) = default;
};
inline constexpr std::chrono::sys_seconds kNoDeadline{std::chrono::seconds(253'402'300'799)};

struct ApplicationQuery {
  std::optional<AccountId> account{};
  std::vector<ApplicationState> states{};  // any of these; empty for all
  std::optional<Province> province{};
  std::optional<ApplicationType> type{};
  std::optional<std::chrono::sys_seconds> due_before{};  // deadline due at or before
  ApplicationId after{};  // keyset paging by id: ids greater than this
  // The review queue's order: by deadline due time, then id, after this cursor. When set,
  // `after` is ignored.
  std::optional<DueCursor> by_due_after{};
  std::size_t limit = 50;
};

// Applications and their history. "Open" means not in a terminal state. The database holds
// one open application per subject (certificate) and one per domain, whoever submits.
class ApplicationReader {
 public:
  virtual ~ApplicationReader() = default;

  virtual Result<ApplicationRecord> Get(ApplicationId id) = 0;
  // In id order after query.after (or in due order after query.by_due_after), at most
  // query.limit.
  virtual Result<std::vector<ApplicationRecord>> List(const ApplicationQuery& query) = 0;
  // Open applications whose deadline or second call falls at or before `now`, oldest first
  // (not reminders, which fall due before the deadline: DeadlineSweeper pages through List).
  virtual Result<std::vector<ApplicationId>> ListDue(std::chrono::sys_seconds now,
                                                     std::size_t limit) = 0;
  virtual Result<std::optional<ApplicationId>> FindOpenBySubject(const Certificate& c) = 0;
  virtual Result<std::optional<ApplicationId>> FindOpenByDomain(const DomainName& domain) = 0;
};

// With the writes, for a unit of work (ports/database.h); a read transaction has the reader.
class ApplicationRepository : public ApplicationReader {
 public:
  // Ignores id and revision (stored at 1). kAlreadyExists when the subject (rule
  // "application.open-for-subject", field "subject.certificate") or one of the domains (rule
  // "application.open-for-domain", field "websites[i].domains[j]") has an open application.
  virtual Result<ApplicationId> Insert(const ApplicationRecord& record) = 0;
  // Stores `record` if the stored revision is record.revision; returns the new revision.
  // kAborted (rule "storage.revision") when someone changed it first. The history is
  // append-only: moves already stored must come back unchanged (else kFailedPrecondition,
  // rule "application.history-append-only"). Reaching a terminal state frees the subject and
  // the domains; the open-application conflicts of Insert apply to changed domains too.
  virtual Result<std::int64_t> Update(const ApplicationRecord& record) = 0;
};

}  // namespace icp
