#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace icp {

// The documents a filing may need (备案材料, FACTS.md §2.3). Which are needed for a given
// application is decided by the rules data (check kind "material_required").
enum class MaterialKind {
  kIdentityDocument,            // 证件正反面 (leader's ID, permit or passport)
  kSubjectCertificate,          // 单位证件 (营业执照 etc.)
  kDomainCertificate,           // 域名证书
  kVerificationForm,            // 网站备案信息真实性核验单
  kHandwrittenCommitment,       // 手写承诺 on the 核验单 (Guangdong personal)
  kCommitmentLetter,            // 互联网信息服务备案承诺书
  kSubjectLeaderAuthorization,  // 主体负责人授权书 / 法定代表人授权书
  kWebsiteLeaderAuthorization,  // 网站负责人授权书
  kResidenceProof,              // 居住证 / 暂住证 / proof of living, study or work
  kGuardianConsent,             // guardian's ID and consent for a minor
  kEmploymentProof,             // proof of employment or income (minors)
  kWebsitePlan,                 // 网站建设方案书
  kPartyBuildingConfirmation,   // 党建确认函 / 党政机关确认函
  kEstablishmentProof,          // 编办证明 (public institutions, government)
  kChangeProof,                 // 变更证明 (name or number changed, 三证合一)
  kHandheldIdPhoto,             // 手持证件照片
  kPreApprovalDocument,         // 前置审批文件
  kRenameLetter,                // 主体更名函
};

std::span<const MaterialKind> AllMaterialKinds();
std::string_view MaterialKindName(MaterialKind kind);   // "identity_document", ...
std::string_view MaterialKindLabel(MaterialKind kind);  // "证件正反面", ...
std::optional<MaterialKind> MaterialKindFromName(std::string_view name);

// One uploaded document: what it is, whose it is, and where the file is kept.
struct Material {
  MaterialKind kind = MaterialKind::kIdentityDocument;
  std::string owner;  // field path of what it documents: "subject", "websites[0].principal"
  std::string file;   // blob reference (content hash or upload id)

  friend bool operator==(const Material&, const Material&) = default;
};

}  // namespace icp
