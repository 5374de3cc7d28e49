#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace icp {

// Who an account is to the platform (DESIGN.md "Who uses it").
enum class Role {
  kCustomer,  // files for itself
  kReviewer,  // 审核专员: works the review queue
  kAdmin,     // the provider's operator
};

std::string_view RoleName(Role role);   // "customer", "reviewer", "admin"
std::string_view RoleLabel(Role role);  // "客户", "审核专员", "管理员"
std::optional<Role> RoleFromName(std::string_view name);

// How much personal data an output may show (PIPL art. 51; GB/T 35273 §6.2 de-identified
// display). Certificate numbers and mobile numbers are personal data; outputs mask them
// unless the reader is entitled to the full value.
enum class Disclosure { kMasked, kFull };

// Reviewers and admins handle filings and see them in full; a customer sees its own data in
// full (it typed it) and anyone else's masked.
Disclosure DisclosureFor(Role role, bool own_data);

// Every mask counts characters (code points), never bytes: a star stands for one character,
// Chinese or not, and a character is never cut in half. At least one character is hidden.
//
// "440308199901101512" -> "440***********1512"; numbers under 10 characters keep the first
// and last ("G1234567" -> "G******7").
std::string MaskCertificateNumber(std::string_view number);
// "13800138000" -> "138****8000".
std::string MaskMobile(std::string_view mobile);
// "zhangsan@example.com" -> "z***@example.com", "张三@example.com" -> "张***@example.com".
std::string MaskEmail(std::string_view email);
// A person's name keeps its first character (the surname) and, from three characters on, its
// last: "张三" -> "张*", "王小明" -> "王*明", "欧阳小明" -> "欧**明".
std::string MaskName(std::string_view name);
// An address keeps its first six characters (province and city) and hides the rest:
// "广东省深圳市南山区科技园路1号" -> "广东省深圳市*********"; a shorter one keeps its first half.
std::string MaskAddress(std::string_view address);

// The value as `disclosure` allows, with `mask` applied when masked.
inline std::string Disclose(std::string_view value, Disclosure disclosure,
                            std::string (*mask)(std::string_view)) {
  return disclosure == Disclosure::kFull ? std::string(value) : mask(value);
}

}  // namespace icp
