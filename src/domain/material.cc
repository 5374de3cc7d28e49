#include "domain/material.h"

#include "base/enum_table.h"

namespace icp {
namespace {

constexpr EnumTable<MaterialKind, 18> kKinds({{
    {MaterialKind::kIdentityDocument, "identity_document", "证件正反面"},
    {MaterialKind::kSubjectCertificate, "subject_certificate", "主办单位证件"},
    {MaterialKind::kDomainCertificate, "domain_certificate", "域名证书"},
    {MaterialKind::kVerificationForm, "verification_form", "网站备案信息真实性核验单"},
    {MaterialKind::kHandwrittenCommitment, "handwritten_commitment", "核验单手写承诺"},
    {MaterialKind::kCommitmentLetter, "commitment_letter", "互联网信息服务备案承诺书"},
    {MaterialKind::kSubjectLeaderAuthorization, "subject_leader_authorization", "主体负责人授权书"},
    {MaterialKind::kWebsiteLeaderAuthorization, "website_leader_authorization", "网站负责人授权书"},
    {MaterialKind::kResidenceProof, "residence_proof", "居住证明（居住证/暂住证等）"},
    {MaterialKind::kGuardianConsent, "guardian_consent", "监护人证件及同意书"},
    {MaterialKind::kEmploymentProof, "employment_proof", "工作或收入证明"},
    {MaterialKind::kWebsitePlan, "website_plan", "网站建设方案书"},
    {MaterialKind::kPartyBuildingConfirmation, "party_building_confirmation", "党建确认函"},
    {MaterialKind::kEstablishmentProof, "establishment_proof", "编办证明"},
    {MaterialKind::kChangeProof, "change_proof", "变更证明"},
    {MaterialKind::kHandheldIdPhoto, "handheld_id_photo", "手持证件照片"},
    {MaterialKind::kPreApprovalDocument, "pre_approval_document", "前置审批文件"},
    {MaterialKind::kRenameLetter, "rename_letter", "主体更名函"},
}});

}  // namespace

std::span<const MaterialKind> AllMaterialKinds() { return kKinds.All(); }
std::string_view MaterialKindName(MaterialKind kind) { return kKinds.Name(kind); }
std::string_view MaterialKindLabel(MaterialKind kind) { return kKinds.Label(kind); }
std::optional<MaterialKind> MaterialKindFromName(std::string_view name) {
  return kKinds.FromName(name);
}

}  // namespace icp
