#pragma once

#include <optional>
#include <string>

#include "base/result.h"
#include "ports/ids.h"

namespace icp {

// Where a notification goes: the account holder's name and contacts, read when the message is
// delivered (never put in the outbox, which holds no personal data).
struct Recipient {
  std::string display_name;
  std::optional<std::string> email;   // a checked address (domain/email.h), if the account has one
  std::optional<std::string> mobile;  // a mainland mobile number, if bound
};

// The contacts of accounts. exe/ implements it over the AccountRepository.
class RecipientDirectory {
 public:
  virtual ~RecipientDirectory() = default;

  // kNotFound when no account has this id; kUnavailable when the store cannot answer now.
  virtual Result<Recipient> Find(AccountId account) = 0;
};

}  // namespace icp
