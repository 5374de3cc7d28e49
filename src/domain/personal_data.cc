#include "domain/personal_data.h"

#include <vector>

#include "base/enum_table.h"
#include "base/strings.h"

namespace icp {
namespace {

constexpr EnumTable<Role, 3> kRoles{{{
    {Role::kCustomer, "customer", "客户"},
    {Role::kReviewer, "reviewer", "审核专员"},
    {Role::kAdmin, "admin", "管理员"},
}}};

// Keeps `head` leading and `tail` trailing code points and stars the rest; at least one
// character is always hidden.
std::string KeepEnds(std::string_view text, std::size_t head, std::size_t tail) {
  std::optional<std::vector<char32_t>> cps = DecodeUtf8(text);
  if (!cps || cps->empty()) return std::string(text.empty() ? "" : "*");
  const std::size_t n = cps->size();
  if (head + tail >= n) {
    head = n > 2 ? 1 : 0;
    tail = n > 1 ? 1 : 0;
  }
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i < head || i >= n - tail) {
      AppendUtf8((*cps)[i], out);
    } else {
      out += '*';
    }
  }
  return out;
}

// The number of code points; bytes when `text` is not UTF-8.
std::size_t CodePoints(std::string_view text) {
  std::optional<std::vector<char32_t>> cps = DecodeUtf8(text);
  return cps ? cps->size() : text.size();
}

// The first character of `text` (all of its bytes); "*" when `text` is not UTF-8.
std::string FirstCodePoint(std::string_view text) {
  std::optional<std::vector<char32_t>> cps = DecodeUtf8(text);
  if (!cps || cps->empty()) return "*";
  std::string out;
  AppendUtf8(cps->front(), out);
  return out;
}

}  // namespace

std::string_view RoleName(Role role) { return kRoles.Name(role); }
std::string_view RoleLabel(Role role) { return kRoles.Label(role); }
std::optional<Role> RoleFromName(std::string_view name) { return kRoles.FromName(name); }

Disclosure DisclosureFor(Role role, bool own_data) {
  if (role == Role::kReviewer || role == Role::kAdmin || own_data) return Disclosure::kFull;
  return Disclosure::kMasked;
}

std::string MaskCertificateNumber(std::string_view number) {
  return CodePoints(number) >= 10 ? KeepEnds(number, 3, 4) : KeepEnds(number, 1, 1);
}

std::string MaskMobile(std::string_view mobile) { return KeepEnds(mobile, 3, 4); }

std::string MaskEmail(std::string_view email) {
  const std::size_t at = email.rfind('@');
  if (at == std::string_view::npos || at == 0) return KeepEnds(email, 1, 0);
  return FirstCodePoint(email) + "***" + std::string(email.substr(at));
}

std::string MaskName(std::string_view name) {
  return CodePoints(name) >= 3 ? KeepEnds(name, 1, 1) : KeepEnds(name, 1, 0);
}

std::string MaskAddress(std::string_view address) {
  const std::size_t n = CodePoints(address);
  return KeepEnds(address, n > 6 ? 6 : n / 2, 0);
}

}  // namespace icp
