#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/result.h"
#include "domain/personal_data.h"
#include "ports/ids.h"

namespace icp {

struct Account {
  AccountId id;
  std::string login;  // unique, compared as stored
  Role role = Role::kCustomer;
  std::string display_name;
  std::string password_hash;  // argon2id string; never the password
  std::chrono::sys_seconds created_at{};

  friend bool operator==(const Account&, const Account&) = default;
};

// Accounts of the provider's customers and staff.
class AccountRepository {
 public:
  virtual ~AccountRepository() = default;

  // Ignores account.id; kAlreadyExists (rule "account.login-taken") if the login is taken.
  virtual Result<AccountId> Insert(const Account& account) = 0;
  virtual Result<Account> Get(AccountId id) = 0;                    // kNotFound
  virtual Result<Account> FindByLogin(std::string_view login) = 0;  // kNotFound
};

}  // namespace icp
