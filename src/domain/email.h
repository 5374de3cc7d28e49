#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace icp {

// An e-mail address as a principal gives it (负责人电子邮箱): an RFC 5321 dot-atom local
// part (ASCII) and a host name that passes the same checks as a filed domain, except that
// it need not sit under a public suffix. The domain is kept in A-label form.
class Email {
 public:
  // Accepts surrounding and full-width spaces, a full-width ＠. Case of the local part is
  // kept (it may matter to the receiving server); the domain is lower-cased.
  // kInvalidArgument: rules email.{empty, encoding, length, format, local-part} and the
  // email.domain.* rules of HostNameToAscii.
  static Result<Email> Parse(std::string_view text);

  const std::string& str() const { return value_; }
  std::string_view local_part() const { return std::string_view(value_).substr(0, at_); }
  std::string_view domain() const { return std::string_view(value_).substr(at_ + 1); }

  friend bool operator==(const Email&, const Email&) = default;

 private:
  Email(std::string value, std::size_t at) : value_(std::move(value)), at_(at) {}

  std::string value_;
  std::size_t at_;
};

}  // namespace icp
