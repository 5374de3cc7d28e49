#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "domain/email.h"
#include "domain/mobile_number.h"
#include "domain/personal_data.h"
#include "domain/real_name.h"
#include "ports/ids.h"

namespace icp {

// Whether an account may sign in. A disabled account keeps its data and its history; its
// sessions and API keys stop working.
enum class AccountStatus { kActive, kDisabled };

inline std::string_view AccountStatusName(AccountStatus status) {
  return status == AccountStatus::kActive ? "active" : "disabled";
}

// A real name as an admin verified it, and when.
struct VerifiedRealName {
  RealName value;
  std::chrono::sys_seconds verified_at{};

  friend bool operator==(const VerifiedRealName&, const VerifiedRealName&) = default;
};

struct Account {
  AccountId id;
  std::string login;  // unique, compared as stored
  Role role = Role::kCustomer;
  std::string display_name;
  std::string password_hash;  // argon2id string; never the password
  std::chrono::sys_seconds created_at{};
  // Since when the account is disabled; absent while it is active.
  std::optional<std::chrono::sys_seconds> disabled_at = std::nullopt;
  // Personal data (PIPL): the SQL stores keep these three sealed (storage/common/pii_vault.h).
  std::optional<Email> email = std::nullopt;
  std::optional<MobileNumber> mobile = std::nullopt;         // the bound mobile (绑定手机)
  std::optional<VerifiedRealName> real_name = std::nullopt;  // 实名认证, set by an admin

  AccountStatus status() const {
    return disabled_at ? AccountStatus::kDisabled : AccountStatus::kActive;
  }

  friend bool operator==(const Account&, const Account&) = default;
};

// Accounts of the provider's customers and staff.
class AccountReader {
 public:
  virtual ~AccountReader() = default;

  virtual Result<Account> Get(AccountId id) = 0;                    // kNotFound
  virtual Result<Account> FindByLogin(std::string_view login) = 0;  // kNotFound
  // Up to `limit` accounts with id > after, in id order (a page of a cursor list).
  virtual Result<std::vector<Account>> List(AccountId after, std::size_t limit) = 0;
};

// With the writes, for a unit of work (ports/database.h); a read transaction has the reader.
class AccountRepository : public AccountReader {
 public:
  // Ignores account.id; kAlreadyExists (rule "account.login-taken") if the login is taken.
  virtual Result<AccountId> Insert(const Account& account) = 0;
  // Stores every field of `account` but its id, login and created_at, which never change.
  // kNotFound if no account has this id.
  virtual Result<void> Update(const Account& account) = 0;
};

}  // namespace icp
