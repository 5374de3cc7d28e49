#include "app/account_real_names.h"

namespace icp {

AccountVerification VerificationOfAccount(const Account& account) {
  if (!account.real_name) return AccountVerification::kNone;
  return account.real_name->value.kind() == RealNameKind::kOrganisation
             ? AccountVerification::kEnterprise
             : AccountVerification::kPersonal;
}

Result<AccountVerification> AccountRealNames::VerificationOf(UnitOfWork& uow, AccountId account) {
  Result<Account> found = uow.accounts().Get(account);
  if (!found) return std::unexpected(found.error());
  return VerificationOfAccount(*found);
}

}  // namespace icp
