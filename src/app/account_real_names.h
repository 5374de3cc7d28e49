#pragma once

#include "ports/database.h"
#include "ports/real_name_lookup.h"

namespace icp {

// Accounts' real-name verification as the store keeps it (Account::real_name, set by an
// admin): an organisation's verified real name is kEnterprise, a person's kPersonal, none
// kNone.
class AccountRealNames final : public RealNameLookup {
 public:
  Result<AccountVerification> VerificationOf(UnitOfWork& uow, AccountId account) override;
};

// The same mapping for an account already read.
AccountVerification VerificationOfAccount(const Account& account);

}  // namespace icp
