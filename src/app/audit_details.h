#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace icp {

// The `details` of an audit entry: a flat JSON object written field by field. Only values
// that are not personal data go in (AuditEntry: the log is read by people who may not see it).
class AuditDetails {
 public:
  AuditDetails& Add(std::string_view key, std::string_view value);
  AuditDetails& Add(std::string_view key, std::int64_t value);
  AuditDetails& Add(std::string_view key, bool value);
  std::string str() const { return body_.empty() ? "{}" : "{" + body_ + "}"; }

 private:
  void Key(std::string_view key);
  std::string body_;
};

// "account:12": how an account appears as an audit actor.
std::string AccountActor(std::int64_t account);

}  // namespace icp
