#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

#include "app/caller.h"
#include "base/result.h"
#include "domain/application.h"
#include "domain/filing_number.h"
#include "ports/clock.h"
#include "ports/database.h"

namespace icp {

// A filed website as a provider brings it from its previous system.
struct WebsiteImport {
  FilingNumber number;  // 网站备案号: the subject's number + "-N"
  Website website;
};

// A filed subject as a provider brings it, with the account it is filed in.
struct SubjectImport {
  AccountId account;
  FilingNumber number;  // 主体备案号, issued in the subject's province
  Subject subject;
  std::vector<WebsiteImport> websites;
};

enum class ImportOutcome {
  kCreated,    // stored by this import
  kUnchanged,  // the same record was on record already (an import run twice)
};
std::string_view ImportOutcomeName(ImportOutcome outcome);  // "created", "unchanged"

struct WebsiteImported {
  WebsiteId id;
  FilingNumber number;
  ImportOutcome outcome = ImportOutcome::kCreated;
};

struct SubjectImported {
  SubjectId id;
  FilingNumber number;
  ImportOutcome outcome = ImportOutcome::kCreated;
  std::vector<WebsiteImported> websites;
};

// What an import did, in the order of the import.
struct RecordImportReport {
  std::vector<SubjectImported> subjects;
  std::size_t created = 0;    // records (subjects and websites) stored
  std::size_t unchanged = 0;  // records that were on record already
};

// A subject on record with its websites, as its account (or staff) reads it.
struct SubjectOnRecord {
  SubjectRecord record;
  std::vector<WebsiteRecord> websites;
};

// The filed records of an account (subjects, websites, their numbers): imported by an
// operator from the provider's previous system, read by their account. Changes, cancellations
// and access filings act on them through applications (app/application_service.h).
class RecordService {
 public:
  RecordService(Database& db, Clock& clock) : db_(db), clock_(clock) {}

  // Stores every subject and website of `imports` with its number, in one unit of work with
  // one audit entry ("record.import", actor the admin) per record stored: all or nothing.
  // A record identical to one on record (same account, number and content) is reported
  // unchanged and not stored again. Admins only (kPermissionDenied, rule auth.role).
  // Every problem at once, at its path ("subjects[i].websites[j].number"):
  //  - kInvalidArgument: a number that does not fit (filing-number.not-subject, .province,
  //    .not-website, .not-under-subject, .placeholder), a certificate, number or domain given
  //    twice (record-import.duplicate), an unknown or non-customer account
  //    (record-import.account);
  //  - kAlreadyExists when nothing else is wrong: a certificate on record in another shape or
  //    account (subject.already-on-record), a domain held by another website
  //    (website.domain-taken), a number issued to another record (filing-number.issued-once),
  //    a subject, or a website of it under the same number, on record with other content
  //    (record-import.differs).
  Result<RecordImportReport> Import(const Caller& caller,
                                    const std::vector<SubjectImport>& imports);

  // The caller's subjects on record, by id, each with its websites (cancelled ones included).
  Result<std::vector<SubjectOnRecord>> ListMine(const Caller& caller);
  // One subject with its websites; kNotFound (rule subject.not-found) when there is none or
  // it is another account's and the caller is a customer.
  Result<SubjectOnRecord> Get(const Caller& caller, SubjectId id);

 private:
  Database& db_;
  Clock& clock_;
};

}  // namespace icp
