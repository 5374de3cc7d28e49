#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace icp {

// The kinds of filing application (备案订单类型), FACTS.md §3.1 and DESIGN.md's glossary.
enum class ApplicationType {
  kFirstFiling,               // 首次备案: neither subject nor domain has been filed
  kNewWebsite,                // 新增网站（原备案在本接入商）
  kNewWebsiteFiledElsewhere,  // 新增网站（原备案不在本接入商）
  kNewAccess,       // 新增接入 (无主体新增接入): subject and website filed elsewhere
  kContinueAccess,  // 继续接入 (有主体新增接入): subject filed here, website elsewhere
  kChangeSubject,   // 变更主体
  kChangeWebsite,   // 变更网站
  kChangeAccess,    // 变更接入
  kCancelSubject,   // 注销主体
  kCancelWebsite,   // 注销网站
  kCancelAccess,    // 取消接入
};

// Every type, in the order above.
std::span<const ApplicationType> AllApplicationTypes();

// "first_filing", "new_website", "new_website_filed_elsewhere", "new_access",
// "continue_access", "change_subject", "change_website", "change_access", "cancel_subject",
// "cancel_website", "cancel_access": the names used in JSON, rules data and the CLI.
std::string_view ApplicationTypeName(ApplicationType type);
std::optional<ApplicationType> ApplicationTypeFromName(std::string_view name);

// "首次备案", "新增网站（原备案在本接入商）", ...
std::string_view ApplicationTypeLabel(ApplicationType type);

// Groups the rules and the lifecycle care about.
bool IsAccessFiling(ApplicationType type);  // kNewAccess, kContinueAccess
bool IsChangeFiling(ApplicationType type);  // kChangeSubject, kChangeWebsite, kChangeAccess
bool IsCancellation(ApplicationType type);  // kCancelSubject, kCancelWebsite, kCancelAccess
bool AddsWebsite(ApplicationType type);     // first filing, new website (both), access

}  // namespace icp
