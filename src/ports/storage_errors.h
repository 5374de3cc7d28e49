#pragma once

#include <string>
#include <string_view>

#include "base/error.h"

namespace icp::storage_errors {

// The conflicts every store reports the same way, so that callers and the contract suite
// key on one rule id whichever engine found them.
std::unexpected<Error> SubjectHasOpenApplication();
// FACTS §4.5: one application in progress per account.
std::unexpected<Error> AccountHasOpenApplication();
// An application about no subject on record names the certificate of an active subject:
// it must name that subject (it is a new website, change or cancellation of it).
std::unexpected<Error> ApplicationMustNameSubjectOnRecord();
// A change of a record on file (its content, certificate or cancellation) that names no new
// application about it in changed_by.
std::unexpected<Error> RecordChangeNeedsApplication();
// An update that would change what a record is (its id, identity, or a website's subject).
std::unexpected<Error> RecordIdentityFixed();
// A new website, change or cancellation that names no subject on record.
std::unexpected<Error> ApplicationTypeNeedsSubject();
// A subject or website carries a number that was not issued to it.
std::unexpected<Error> NumberNotIssuedToRecord();
std::unexpected<Error> DomainHasOpenApplication(std::string_view domain, std::string field);
std::unexpected<Error> DomainTaken(std::string_view domain, std::string field);
std::unexpected<Error> SubjectOnRecord();
std::unexpected<Error> NumberIssuedOnce(std::string_view number);
std::unexpected<Error> NumberCancelled(std::string_view number);
std::unexpected<Error> StaleRevision(std::string_view what, std::int64_t id);
std::unexpected<Error> HistoryAppendOnly(std::int64_t id);
std::unexpected<Error> LoginTaken(std::string_view login);
std::unexpected<Error> CodeStateChanged(std::string_view code);
std::unexpected<Error> CodeUsed(std::string_view code);
std::unexpected<Error> AccessFilingChangesNoData();
std::unexpected<Error> LeaseLost(std::int64_t id);
std::unexpected<Error> OutboxNotDead(std::int64_t id);
// No notification of this account has this id (another account's is not found either).
std::unexpected<Error> NotificationNotFound(std::int64_t id);
// A notification about an application of another account (or of no account on record).
std::unexpected<Error> NotificationOwner();
std::unexpected<Error> SessionTokenTaken();
// A revoked session or API key never changes again (it cannot be touched or revoked twice).
std::unexpected<Error> SessionRevoked(std::int64_t id);
std::unexpected<Error> ApiKeyTaken();
std::unexpected<Error> ApiKeyRevoked(std::int64_t id);
// A domain of the bureau's lists not in A-label form (rule "gate.list-domain").
std::unexpected<Error> GateListDomain(std::string_view domain);

}  // namespace icp::storage_errors
