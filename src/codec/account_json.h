#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "domain/email.h"
#include "domain/mobile_number.h"
#include "domain/real_name.h"

namespace icp::codec {

// An account's personal data as one JSON document, which the SQL stores keep sealed:
// {"email", "mobile", "real_name": {"kind", "name", "certificate": {"type", "number"},
//  "verified_at"}}, each member present only when set.
struct AccountPersonal {
  std::optional<Email> email;
  std::optional<MobileNumber> mobile;
  std::optional<RealName> real_name;
  std::optional<std::chrono::sys_seconds> real_name_verified_at;

  bool empty() const { return !email && !mobile && !real_name && !real_name_verified_at; }
};

std::string EncodeAccountPersonal(const AccountPersonal& personal);
// kInvalidArgument naming the member that does not read back.
Result<AccountPersonal> DecodeAccountPersonal(std::string_view text);

}  // namespace icp::codec
