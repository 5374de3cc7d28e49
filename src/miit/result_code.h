#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/enum_table.h"

namespace icp::miit {

// The data-processing result codes (数据处理结果代码表, BUREAU-PROTOCOL.md §3.2): `Jgdm` in
// BAJG, one per problem found in one submitted record. The enumerator's value is the wire
// number. ICP codes 1001-1999 and the general 5001-5999 in full; of the IP (2xxx) and domain
// (3xxx) classes, which Beian does not send, only success and "other". 9001+ are Beian's
// marked extensions (§7.4), off in v3.0-strict.
enum class ResultCode : std::int64_t {
  kApproved = 1001,                    // 管局审核通过
  kRejected = 1002,                    // 管局审核拒绝
  kSponsorConflict = 1003,             // 网站主办者冲突
  kInvalidDomain = 1004,               // 无效域名
  kDomainConflict = 1005,              // 域名冲突
  kInvalidIp = 1006,                   // 无效IP
  kInvalidContact = 1007,              // 无效联系方式
  kInvalidCertificate = 1008,          // 无效证件
  kInvalidEmail = 1009,                // 无效邮箱
  kInvalidOfficePhone = 1010,          // 无效办公电话
  kInvalidMobile = 1011,               // 无效手机号码
  kInvalidMsn = 1012,                  // 无效MSN
  kInvalidQq = 1013,                   // 无效QQ
  kInvalidUnitNature = 1014,           // 无效主办单位性质
  kInvalidIdNumber = 1015,             // 无效身份证号码
  kNotInRegistry = 1016,               // 数据在备案信息库中不存在
  kChangeUnderReview = 1017,           // 备案变更中
  kWrongIcpPassword = 1018,            // ICP备案密码错误
  kWrongRegionCode = 1019,             // 省市县代码错误
  kWebsiteNameConflict = 1020,         // 网站名称冲突
  kHomePageConflict = 1021,            // 网站首页地址冲突
  kHomePageMalformed = 1022,           // 网站首页地址格式错误
  kIpNotInRegistry = 1023,             // IP数据不存在
  kIpConflict = 1024,                  // IP地址冲突
  kOnlyAccess = 1025,                  // 只有一个接入
  kBadCancellationReason = 1026,       // 注销理由代码错误
  kSubjectCancellationPending = 1027,  // 注销主体冲突
  kIcpUserNameWrong = 1028,            // ICP用户名错误
  kIdenticalAccess = 1029,             // 相同的接入
  kWebsiteCancellationPending = 1030,  // 注销网站冲突
  kOfficePhoneMissing = 1031,          // 办公电话不能为空
  kAccessCancellationPending = 1032,   // 已提出取消接入
  kInvalidPreApprovalType = 1033,      // 无效前置或专项审批内容类型
  kInvalidServiceContent = 1034,       // 无效网站服务内容
  kInvalidAccessMethod = 1035,         // 无效网站接入方式
  kInvalidServerLocation = 1036,       // 无效服务器放置地点
  kWebsiteAlreadyReported = 1037,      // 网站已经报备
  kAccessAlreadyReported = 1038,       // 接入已经报备
  kDomainAlreadyReported = 1039,       // 网站域名已经报备
  kAccessIpAlreadyReported = 1040,     // IP信息已经报备
  kHomePageWithoutDomain = 1041,       // 首页URL须含域名
  kSubjectBeingCancelled = 1042,       // 主体正在注销中
  kWebsiteBeingCancelled = 1043,       // 网站正在注销中
  kSubjectLeaderNameMissing = 1044,    // 主体负责人姓名不能为空
  kOwnProvinceOnly = 1045,             // 只能到所在省报备
  kSubjectProvinceChange = 1046,       // 不能改变主体所在省
  kOwnAccessOnly = 1047,               // 只能取消本接入商的接入
  kNotYourAccess = 1048,               // 不是您接入的备案
  kSubjectAlreadyCancelled = 1049,     // 主体已注销
  kWebsiteAlreadyCancelled = 1050,     // 网站已注销
  kTooManyChanges = 1051,              // 变更申请超过最大数
  kInOldSystem = 1052,                 // 原系统中正在受理
  kUnitDeleted = 1053,                 // 单位已经被删除
  kReportingUnitInvalid = 1054,        // 报备单位无效
  kVerificationFormMismatch = 1055,    // 不是该备案核验单
  kBadAttachmentFormat = 1056,         // 附件格式类型代码错误
  kBadAttachmentPurpose = 1057,        // 附件用途类型代码错误
  kSubjectNotFound = 1058,             // 主体信息不存在
  kWebsiteNotFound = 1059,             // 网站信息不存在
  kMaterialStored = 1060,              // 核验单信息成功入库
  kPurposeOwnerMismatch = 1061,        // 用途类型与报备标识不匹配
  kAccessIpMatches = 1062,             // ICP接入信息比对IP库信息成功
  kAccessIpDiffers = 1063,             // IP信息不一致
  kDomainBlacklisted = 1064,           // 域名在黑名单中
  kSubjectBlacklisted = 1065,          // 主体在黑名单中
  kBadLanguage = 1066,                 // 网站语言类别错误
  kSeveralWebsites = 1067,             // 对应多个网站
  kSeveralSummaries = 1068,            // 对应多个缩略信息
  kIcpOther = 1999,                    // 其他错误
  kIpSucceeded = 2998,                 // IP备案操作成功
  kIpOther = 2999,                     // IP其他错误
  kDomainSucceeded = 3998,             // 域名操作成功
  kDomainOther = 3999,                 // 域名其他错误
  kSchemaViolation = 5001,             // 数据文件格式不符合接口XSD规范
  kNoSuchAttribute = 5002,             // 该属性不存在
  kRequesterMismatch = 5003,           // 请求单位Id和报备单位Id不一致
  kWrongVersion = 5004,                // 接口版本错误
  kSiteNotYours = 5005,                // 网站不属于该企业
  kResultAlreadyReported = 5006,       // 处理结果已经上报
  kBadResultCode = 5007,               // 处理结果代码错误
  kIllegalCharacters = 5008,           // 存在非法字符
  kNoPermission = 5009,                // 无此业务权限
  kAttachmentNonconforming = 5010,     // 附件格式不符合规范
  kFunctionNotOpen = 5011,             // 该功能目前未开放
  kGeneralOther = 5999,                // 其他错误
  kAcceptedForReview = 9001,           // 已受理（Beian扩展）
  kSmsPending = 9011,                  // 短信核验中（Beian扩展）
  kSmsVerified = 9012,                 // 短信核验通过（Beian扩展）
  kSmsTimedOut = 9013,                 // 短信核验超时退回（Beian扩展）
  kSmsFailed = 9014,                   // 短信核验错误次数过多退回（Beian扩展）
  kVerificationRecorded = 9021,        // 核实结果已入库（Beian扩展: HSJG's answer）
  kHandlingRecorded = 9022,            // 处理结果已入库（Beian扩展: WBACLJG's answer）
};

// What a code means for the application (§3.2's class column; §7.3 maps it onto the
// lifecycle).
enum class ResultClass {
  kApproved,          // A: approved
  kReturned,          // R: returned, the customer fixes data
  kConflict,          // C: conflict with the registry or a blacklist
  kState,             // S: in progress elsewhere, wait, not now
  kUnknownReference,  // N: unknown or stale reference: resync
  kProvider,          // P: the provider's or the protocol's fault, not the customer's
  kInformational,     // I: informational success
};

inline constexpr EnumTable<ResultClass, 7> kResultClasses({{
    {ResultClass::kApproved, "approved", "审核通过"},
    {ResultClass::kReturned, "returned", "退回修改"},
    {ResultClass::kConflict, "conflict", "信息冲突"},
    {ResultClass::kState, "state", "状态不允许"},
    {ResultClass::kUnknownReference, "unknown_reference", "数据不存在"},
    {ResultClass::kProvider, "provider", "接入商或接口错误"},
    {ResultClass::kInformational, "informational", "处理成功"},
}});

struct ResultCodeInfo {
  ResultCode code;
  ResultClass cls;
  std::string_view name;   // "invalid_domain"
  std::string_view label;  // "无效域名": the spec's term
};

inline constexpr std::array<ResultCodeInfo, 92> kResultCodeInfo = {{
    {ResultCode::kApproved, ResultClass::kApproved, "approved", "管局审核通过"},
    {ResultCode::kRejected, ResultClass::kReturned, "rejected", "管局审核拒绝"},
    {ResultCode::kSponsorConflict, ResultClass::kConflict, "sponsor_conflict", "网站主办者冲突"},
    {ResultCode::kInvalidDomain, ResultClass::kReturned, "invalid_domain", "无效域名"},
    {ResultCode::kDomainConflict, ResultClass::kConflict, "domain_conflict", "域名冲突"},
    {ResultCode::kInvalidIp, ResultClass::kProvider, "invalid_ip", "无效IP"},
    {ResultCode::kInvalidContact, ResultClass::kReturned, "invalid_contact", "无效联系方式"},
    {ResultCode::kInvalidCertificate, ResultClass::kReturned, "invalid_certificate", "无效证件"},
    {ResultCode::kInvalidEmail, ResultClass::kReturned, "invalid_email", "无效邮箱"},
    {ResultCode::kInvalidOfficePhone, ResultClass::kReturned, "invalid_office_phone",
     "无效办公电话"},
    {ResultCode::kInvalidMobile, ResultClass::kReturned, "invalid_mobile", "无效手机号码"},
    {ResultCode::kInvalidMsn, ResultClass::kReturned, "invalid_msn", "无效MSN"},
    {ResultCode::kInvalidQq, ResultClass::kReturned, "invalid_qq", "无效QQ"},
    {ResultCode::kInvalidUnitNature, ResultClass::kReturned, "invalid_unit_nature",
     "无效主办单位性质"},
    {ResultCode::kInvalidIdNumber, ResultClass::kReturned, "invalid_id_number", "无效身份证号码"},
    {ResultCode::kNotInRegistry, ResultClass::kUnknownReference, "not_in_registry",
     "数据在备案信息库中不存在"},
    {ResultCode::kChangeUnderReview, ResultClass::kState, "change_under_review", "备案变更中"},
    {ResultCode::kWrongIcpPassword, ResultClass::kReturned, "wrong_icp_password",
     "ICP备案密码错误"},
    {ResultCode::kWrongRegionCode, ResultClass::kReturned, "wrong_region_code", "省市县代码错误"},
    {ResultCode::kWebsiteNameConflict, ResultClass::kConflict, "website_name_conflict",
     "网站名称冲突"},
    {ResultCode::kHomePageConflict, ResultClass::kConflict, "home_page_conflict",
     "网站首页地址冲突"},
    {ResultCode::kHomePageMalformed, ResultClass::kReturned, "home_page_malformed",
     "网站首页地址格式错误"},
    {ResultCode::kIpNotInRegistry, ResultClass::kUnknownReference, "ip_not_in_registry",
     "IP数据不存在"},
    {ResultCode::kIpConflict, ResultClass::kConflict, "ip_conflict", "IP地址冲突"},
    {ResultCode::kOnlyAccess, ResultClass::kState, "only_access", "只有一个接入"},
    {ResultCode::kBadCancellationReason, ResultClass::kProvider, "bad_cancellation_reason",
     "注销理由代码错误"},
    {ResultCode::kSubjectCancellationPending, ResultClass::kState, "subject_cancellation_pending",
     "注销主体冲突"},
    {ResultCode::kIcpUserNameWrong, ResultClass::kProvider, "icp_user_name_wrong", "ICP用户名错误"},
    {ResultCode::kIdenticalAccess, ResultClass::kConflict, "identical_access", "相同的接入"},
    {ResultCode::kWebsiteCancellationPending, ResultClass::kState, "website_cancellation_pending",
     "注销网站冲突"},
    {ResultCode::kOfficePhoneMissing, ResultClass::kReturned, "office_phone_missing",
     "办公电话不能为空"},
    {ResultCode::kAccessCancellationPending, ResultClass::kState, "access_cancellation_pending",
     "已提出取消接入"},
    {ResultCode::kInvalidPreApprovalType, ResultClass::kReturned, "invalid_pre_approval_type",
     "无效前置或专项审批内容类型"},
    {ResultCode::kInvalidServiceContent, ResultClass::kReturned, "invalid_service_content",
     "无效网站服务内容"},
    {ResultCode::kInvalidAccessMethod, ResultClass::kProvider, "invalid_access_method",
     "无效网站接入方式"},
    {ResultCode::kInvalidServerLocation, ResultClass::kProvider, "invalid_server_location",
     "无效服务器放置地点"},
    {ResultCode::kWebsiteAlreadyReported, ResultClass::kConflict, "website_already_reported",
     "网站已经报备"},
    {ResultCode::kAccessAlreadyReported, ResultClass::kConflict, "access_already_reported",
     "接入已经报备"},
    {ResultCode::kDomainAlreadyReported, ResultClass::kConflict, "domain_already_reported",
     "网站域名已经报备"},
    {ResultCode::kAccessIpAlreadyReported, ResultClass::kConflict, "access_ip_already_reported",
     "IP信息已经报备"},
    {ResultCode::kHomePageWithoutDomain, ResultClass::kReturned, "home_page_without_domain",
     "首页URL须含域名"},
    {ResultCode::kSubjectBeingCancelled, ResultClass::kState, "subject_being_cancelled",
     "主体正在注销中"},
    {ResultCode::kWebsiteBeingCancelled, ResultClass::kState, "website_being_cancelled",
     "网站正在注销中"},
    {ResultCode::kSubjectLeaderNameMissing, ResultClass::kReturned, "subject_leader_name_missing",
     "主体负责人姓名不能为空"},
    {ResultCode::kOwnProvinceOnly, ResultClass::kProvider, "own_province_only", "只能到所在省报备"},
    {ResultCode::kSubjectProvinceChange, ResultClass::kReturned, "subject_province_change",
     "不能改变主体所在省"},
    {ResultCode::kOwnAccessOnly, ResultClass::kProvider, "own_access_only",
     "只能取消本接入商的接入"},
    {ResultCode::kNotYourAccess, ResultClass::kProvider, "not_your_access", "不是您接入的备案"},
    {ResultCode::kSubjectAlreadyCancelled, ResultClass::kUnknownReference,
     "subject_already_cancelled", "主体已注销"},
    {ResultCode::kWebsiteAlreadyCancelled, ResultClass::kUnknownReference,
     "website_already_cancelled", "网站已注销"},
    {ResultCode::kTooManyChanges, ResultClass::kState, "too_many_changes", "变更申请超过最大数"},
    {ResultCode::kInOldSystem, ResultClass::kState, "in_old_system", "原系统中正在受理"},
    {ResultCode::kUnitDeleted, ResultClass::kProvider, "unit_deleted", "单位已经被删除"},
    {ResultCode::kReportingUnitInvalid, ResultClass::kProvider, "reporting_unit_invalid",
     "报备单位无效"},
    {ResultCode::kVerificationFormMismatch, ResultClass::kReturned, "verification_form_mismatch",
     "不是该备案核验单"},
    {ResultCode::kBadAttachmentFormat, ResultClass::kProvider, "bad_attachment_format",
     "附件格式类型代码错误"},
    {ResultCode::kBadAttachmentPurpose, ResultClass::kProvider, "bad_attachment_purpose",
     "附件用途类型代码错误"},
    {ResultCode::kSubjectNotFound, ResultClass::kUnknownReference, "subject_not_found",
     "主体信息不存在"},
    {ResultCode::kWebsiteNotFound, ResultClass::kUnknownReference, "website_not_found",
     "网站信息不存在"},
    {ResultCode::kMaterialStored, ResultClass::kInformational, "material_stored",
     "核验单信息成功入库"},
    {ResultCode::kPurposeOwnerMismatch, ResultClass::kProvider, "purpose_owner_mismatch",
     "用途类型与报备标识不匹配"},
    {ResultCode::kAccessIpMatches, ResultClass::kInformational, "access_ip_matches",
     "ICP接入信息比对IP库信息成功"},
    {ResultCode::kAccessIpDiffers, ResultClass::kProvider, "access_ip_differs", "IP信息不一致"},
    {ResultCode::kDomainBlacklisted, ResultClass::kConflict, "domain_blacklisted",
     "域名在黑名单中"},
    {ResultCode::kSubjectBlacklisted, ResultClass::kConflict, "subject_blacklisted",
     "主体在黑名单中"},
    {ResultCode::kBadLanguage, ResultClass::kProvider, "bad_language", "网站语言类别错误"},
    {ResultCode::kSeveralWebsites, ResultClass::kUnknownReference, "several_websites",
     "对应多个网站"},
    {ResultCode::kSeveralSummaries, ResultClass::kUnknownReference, "several_summaries",
     "对应多个缩略信息"},
    {ResultCode::kIcpOther, ResultClass::kProvider, "icp_other", "其他错误"},
    {ResultCode::kIpSucceeded, ResultClass::kInformational, "ip_succeeded", "IP备案操作成功"},
    {ResultCode::kIpOther, ResultClass::kProvider, "ip_other", "IP其他错误"},
    {ResultCode::kDomainSucceeded, ResultClass::kInformational, "domain_succeeded", "域名操作成功"},
    {ResultCode::kDomainOther, ResultClass::kProvider, "domain_other", "域名其他错误"},
    {ResultCode::kSchemaViolation, ResultClass::kProvider, "schema_violation",
     "数据文件格式不符合接口XSD规范"},
    {ResultCode::kNoSuchAttribute, ResultClass::kProvider, "no_such_attribute", "该属性不存在"},
    {ResultCode::kRequesterMismatch, ResultClass::kProvider, "requester_mismatch",
     "请求单位Id和报备单位Id不一致"},
    {ResultCode::kWrongVersion, ResultClass::kProvider, "wrong_version", "接口版本错误"},
    {ResultCode::kSiteNotYours, ResultClass::kProvider, "site_not_yours", "网站不属于该企业"},
    {ResultCode::kResultAlreadyReported, ResultClass::kState, "result_already_reported",
     "处理结果已经上报"},
    {ResultCode::kBadResultCode, ResultClass::kProvider, "bad_result_code", "处理结果代码错误"},
    {ResultCode::kIllegalCharacters, ResultClass::kReturned, "illegal_characters", "存在非法字符"},
    {ResultCode::kNoPermission, ResultClass::kProvider, "no_permission", "无此业务权限"},
    {ResultCode::kAttachmentNonconforming, ResultClass::kProvider, "attachment_nonconforming",
     "附件格式不符合规范"},
    {ResultCode::kFunctionNotOpen, ResultClass::kProvider, "function_not_open", "该功能目前未开放"},
    {ResultCode::kGeneralOther, ResultClass::kProvider, "general_other", "其他错误"},
    {ResultCode::kAcceptedForReview, ResultClass::kInformational, "accepted_for_review",
     "已受理（Beian扩展）"},
    {ResultCode::kSmsPending, ResultClass::kState, "sms_pending", "短信核验中（Beian扩展）"},
    {ResultCode::kSmsVerified, ResultClass::kInformational, "sms_verified",
     "短信核验通过（Beian扩展）"},
    {ResultCode::kSmsTimedOut, ResultClass::kReturned, "sms_timed_out",
     "短信核验超时退回（Beian扩展）"},
    {ResultCode::kSmsFailed, ResultClass::kReturned, "sms_failed",
     "短信核验错误次数过多退回（Beian扩展）"},
    {ResultCode::kVerificationRecorded, ResultClass::kInformational, "verification_recorded",
     "核实结果已入库（Beian扩展）"},
    {ResultCode::kHandlingRecorded, ResultClass::kInformational, "handling_recorded",
     "处理结果已入库（Beian扩展）"},
}};

// Names and Chinese texts of every code, as an EnumTable like every other enum.
inline constexpr EnumTable<ResultCode, 92> kResultCodes = [] {
  std::array<EnumEntry<ResultCode>, 92> entries{};
  for (std::size_t i = 0; i < kResultCodeInfo.size(); ++i) {
    entries[i] = {kResultCodeInfo[i].code, kResultCodeInfo[i].name, kResultCodeInfo[i].label};
  }
  return EnumTable<ResultCode, 92>(entries);
}();

inline std::int64_t ResultCodeNumber(ResultCode code) { return static_cast<std::int64_t>(code); }

// The code with wire number `number`; nullopt for a number not in the table.
std::optional<ResultCode> ResultCodeFromNumber(std::int64_t number);

// The class of a wire number. A number not in the table (the IP and domain codes Beian never
// causes, or one a bureau invented) is not ours to guess: kProvider, so an operator looks.
ResultClass ClassifyResult(std::int64_t number);

}  // namespace icp::miit
