#pragma once

#include "base/result.h"
#include "domain/resource_eligibility.h"
#include "ports/ids.h"

namespace icp {

class UnitOfWork;

// The real-name verification (实名认证) of an account, as the accounts part keeps it: the
// authorization-code rules depend on it (only enterprise-verified accounts lend servers,
// FACTS.md §8.1).
class RealNameLookup {
 public:
  virtual ~RealNameLookup() = default;

  // kNone for an account without a verified real name; kNotFound if there is no account.
  virtual Result<AccountVerification> VerificationOf(UnitOfWork& uow, AccountId account) = 0;
};

}  // namespace icp
