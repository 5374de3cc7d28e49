#include "ports/verification_repository.h"

#include "base/enum_table.h"

namespace icp {
namespace {

constexpr EnumTable<VerificationMethod, 3> kMethods({{
    {VerificationMethod::kCurtainPhoto, "curtain_photo", "幕布照片"},
    {VerificationMethod::kVideo, "video", "视频核验"},
    {VerificationMethod::kAppCode, "app_code", "上海备案 App 核验码"},
}});

constexpr EnumTable<VerificationState, 3> kStates({{
    {VerificationState::kPending, "pending", "待审核"},
    {VerificationState::kPassed, "passed", "核验通过"},
    {VerificationState::kFailed, "failed", "核验未通过"},
}});

}  // namespace

std::string_view VerificationMethodName(VerificationMethod m) { return kMethods.Name(m); }
std::optional<VerificationMethod> VerificationMethodFromName(std::string_view name) {
  return kMethods.FromName(name);
}
std::string_view VerificationStateName(VerificationState s) { return kStates.Name(s); }
std::optional<VerificationState> VerificationStateFromName(std::string_view name) {
  return kStates.FromName(name);
}

}  // namespace icp
