#pragma once

#include <optional>
#include <vector>

#include "base/error.h"
#include "domain/application.h"
#include "ports/account_repository.h"

namespace icp {

// What an account verifiably is, for the checks of a filing against it.
struct AccountIdentity {
  std::optional<VerifiedRealName> real_name;
  std::optional<MobileNumber> bound_mobile;
};

// Seed 000's checks of a filing's subject against the filing account (pure):
// - realname.subject-name (field "subject.name"): the subject's name is the account's
//   verified real name (compared after folding full-width forms and trimming spaces);
// - realname.mobile (field "subject.principal.mobile"): for a personal filer, contact 1 of
//   the subject's principal is the account's bound mobile.
// An account without a real name or a bound mobile fails the check that needs it. Every
// violation at once; none when both hold.
std::vector<FieldViolation> CheckAgainstAccount(const Subject& subject,
                                                const AccountIdentity& account);

}  // namespace icp
