#include "ports/review_journal.h"

#include <array>
#include <utility>

namespace icp {
namespace {

constexpr std::array<std::pair<ReviewNoteKind, std::string_view>, 6> kNames = {{
    {ReviewNoteKind::kRuleWarning, "rule_warning"},
    {ReviewNoteKind::kReturnReason, "return_reason"},
    {ReviewNoteKind::kContact, "contact"},
    {ReviewNoteKind::kClaim, "claim"},
    {ReviewNoteKind::kPass, "pass"},
    {ReviewNoteKind::kVerification, "verification"},
}};

}  // namespace

std::string_view ReviewNoteKindName(ReviewNoteKind kind) {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "rule_warning";
}

std::optional<ReviewNoteKind> ReviewNoteKindFromName(std::string_view name) {
  for (const auto& [k, n] : kNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

}  // namespace icp
