#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "domain/certificate.h"

namespace icp {

// 实名认证: who an account verifiably is, set by an admin (standing in for the cloud's
// real-name service). A person is named by a personal certificate (居民身份证, 护照, ...), an
// organisation by an organisation certificate (营业执照, ...).
enum class RealNameKind { kPerson, kOrganisation };

std::string_view RealNameKindName(RealNameKind kind);  // "person", "organisation"
std::optional<RealNameKind> RealNameKindFromName(std::string_view name);

class RealName {
 public:
  // Trims the name (ASCII and full-width spaces). kInvalidArgument listing every problem:
  // rule realname.name (empty or over 128 characters, field "name") and realname.certificate
  // (a certificate of the wrong kind for `kind`, field "certificate.type").
  static Result<RealName> Make(RealNameKind kind, std::string_view name, Certificate certificate);

  RealNameKind kind() const { return kind_; }
  const std::string& name() const { return name_; }
  const Certificate& certificate() const { return certificate_; }

  friend bool operator==(const RealName&, const RealName&) = default;

 private:
  RealName(RealNameKind kind, std::string name, Certificate certificate)
      : kind_(kind), name_(std::move(name)), certificate_(std::move(certificate)) {}

  RealNameKind kind_;
  std::string name_;
  Certificate certificate_;
};

}  // namespace icp
