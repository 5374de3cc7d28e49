#include "domain/application_type.h"

#include "base/enum_table.h"

namespace icp {
namespace {

constexpr EnumTable<ApplicationType, 11> kTypes({{
    {ApplicationType::kFirstFiling, "first_filing", "首次备案"},
    {ApplicationType::kNewWebsite, "new_website", "新增网站（原备案在本接入商）"},
    {ApplicationType::kNewWebsiteFiledElsewhere, "new_website_filed_elsewhere",
     "新增网站（原备案不在本接入商）"},
    {ApplicationType::kNewAccess, "new_access", "新增接入"},
    {ApplicationType::kContinueAccess, "continue_access", "继续接入"},
    {ApplicationType::kChangeSubject, "change_subject", "变更主体"},
    {ApplicationType::kChangeWebsite, "change_website", "变更网站"},
    {ApplicationType::kChangeAccess, "change_access", "变更接入"},
    {ApplicationType::kCancelSubject, "cancel_subject", "注销主体"},
    {ApplicationType::kCancelWebsite, "cancel_website", "注销网站"},
    {ApplicationType::kCancelAccess, "cancel_access", "取消接入"},
}});

}  // namespace

std::span<const ApplicationType> AllApplicationTypes() { return kTypes.All(); }
std::string_view ApplicationTypeName(ApplicationType type) { return kTypes.Name(type); }
std::string_view ApplicationTypeLabel(ApplicationType type) { return kTypes.Label(type); }
std::optional<ApplicationType> ApplicationTypeFromName(std::string_view name) {
  return kTypes.FromName(name);
}

bool IsAccessFiling(ApplicationType t) {
  return t == ApplicationType::kNewAccess || t == ApplicationType::kContinueAccess;
}

bool IsChangeFiling(ApplicationType t) {
  return t == ApplicationType::kChangeSubject || t == ApplicationType::kChangeWebsite ||
         t == ApplicationType::kChangeAccess;
}

bool IsCancellation(ApplicationType t) {
  return t == ApplicationType::kCancelSubject || t == ApplicationType::kCancelWebsite ||
         t == ApplicationType::kCancelAccess;
}

bool AddsWebsite(ApplicationType t) {
  return t == ApplicationType::kFirstFiling || t == ApplicationType::kNewWebsite ||
         t == ApplicationType::kNewWebsiteFiledElsewhere || IsAccessFiling(t);
}

}  // namespace icp
