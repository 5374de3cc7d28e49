#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/caller.h"
#include "base/result.h"
#include "domain/province.h"
#include "ports/audit_log.h"
#include "ports/clock.h"
#include "ports/database.h"
#include "ports/outbox.h"
#include "rules/rule_set.h"

namespace icp {

// A page of the audit log, oldest first, and the seq the next page starts after.
struct AuditPage {
  std::vector<StoredAuditEntry> entries;
  std::optional<std::int64_t> next;
};

// A page of the outbox's messages not delivered yet (or only the dead letters), by id.
struct OutboxPage {
  std::vector<OutboxEntry> entries;
  std::optional<OutboxMessageId> next;
  OutboxStats stats;
};

// A file of reference data compiled into Beian (data/reference/README.md).
struct ReferenceFile {
  std::string file;     // "filing_suffixes.tsv"
  std::string what;     // what it holds
  std::string source;   // where it comes from
  std::string version;  // its "# version:" line, or the date it was copied
  std::size_t bytes = 0;
};

inline constexpr std::size_t kMaxOperatorPage = 200;

// What an operator reads and does in the console (docs/console.md, "/operator"): the audit log
// and its verification (icpctl audit verify), the outbox's dead letters and their retry
// (icpctl outbox), the rules in force and the reference data they use. Admins only: anyone
// else is kPermissionDenied (rule auth.role). Pages hold 1..kMaxOperatorPage entries
// (kInvalidArgument, rule request.limit, field "limit").
class OperatorService {
 public:
  // Borrowed; they outlive the service. `rules` is the set icpd started with.
  OperatorService(Database& db, std::shared_ptr<const RuleSet> rules, Clock& clock)
      : db_(db), rules_(std::move(rules)), clock_(clock) {}

  // Entries with seq > `after`, oldest first, at most `limit`, in one read snapshot.
  Result<AuditPage> ReadAudit(const Caller& caller, std::int64_t after, std::size_t limit);
  // Walks the whole chain (AuditLogReader::Verify): whole, or the first entry that is not.
  Result<AuditVerification> VerifyAudit(const Caller& caller);

  // Messages not delivered yet (or only the dead ones) with id > `after`, and the counts.
  Result<OutboxPage> ListOutbox(const Caller& caller, bool dead_only, OutboxMessageId after,
                                std::size_t limit);
  // Dead -> pending, available now with its attempts counted afresh, audited
  // ("outbox.retry" by the admin) in the same unit of work. kNotFound for no such message,
  // kFailedPrecondition (rule outbox.not-dead) for one that is not dead.
  Result<void> RetryDeadLetter(const Caller& caller, OutboxMessageId id);

  // The rules in force for `province`: national and province checks merged, with their
  // sources and the dates they take effect.
  Result<ProvinceRules> RulesInForce(const Caller& caller, Province province) const;
  // Every province with the version of its rules and how many checks it has.
  Result<std::vector<ProvinceRules>> AllRules(const Caller& caller) const;
  // The reference data compiled in, with sources and versions.
  Result<std::vector<ReferenceFile>> ReferenceData(const Caller& caller) const;

 private:
  Database& db_;
  std::shared_ptr<const RuleSet> rules_;
  Clock& clock_;
};

}  // namespace icp
