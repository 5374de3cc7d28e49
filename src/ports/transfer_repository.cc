#include "ports/transfer_repository.h"

#include "base/enum_table.h"

namespace icp {
namespace {

constexpr EnumTable<TransferState, 5> kStates({{
    {TransferState::kPending, "pending", "待处理"},
    {TransferState::kApproved, "approved", "已同意"},
    {TransferState::kRejected, "rejected", "已驳回"},
    {TransferState::kWithdrawn, "withdrawn", "已撤回"},
    {TransferState::kObjected, "objected", "原账号提出异议，已终止"},
}});

constexpr EnumTable<TransferEvidenceKind, 3> kKinds({{
    {TransferEvidenceKind::kTransferLetter, "transfer_letter", "备案转移申请函"},
    {TransferEvidenceKind::kIdentityDocument, "identity_document", "经办人身份证件"},
    {TransferEvidenceKind::kSubjectCertificate, "subject_certificate", "主体证件"},
}});

constexpr TransferEvidenceKind kAllKinds[] = {TransferEvidenceKind::kTransferLetter,
                                              TransferEvidenceKind::kIdentityDocument,
                                              TransferEvidenceKind::kSubjectCertificate};

}  // namespace

std::string_view TransferStateName(TransferState s) { return kStates.Name(s); }
std::string_view TransferStateLabel(TransferState s) { return kStates.Label(s); }
std::optional<TransferState> TransferStateFromName(std::string_view name) {
  return kStates.FromName(name);
}

std::span<const TransferEvidenceKind> AllTransferEvidenceKinds() { return kAllKinds; }
std::string_view TransferEvidenceKindName(TransferEvidenceKind k) { return kKinds.Name(k); }
std::string_view TransferEvidenceKindLabel(TransferEvidenceKind k) { return kKinds.Label(k); }
std::optional<TransferEvidenceKind> TransferEvidenceKindFromName(std::string_view name) {
  return kKinds.FromName(name);
}

}  // namespace icp

namespace icp::transfer_errors {

std::unexpected<Error> PendingForSubject() {
  return Refusal(ErrorCode::kAlreadyExists, "subject", "transfer.pending-for-subject",
                 "this subject already has a transfer request waiting for a decision",
                 "该主体已有待处理的备案转移申请");
}

std::unexpected<Error> Decided(std::int64_t id) {
  return Refusal(ErrorCode::kFailedPrecondition, "", "transfer.decided",
                 "transfer " + std::to_string(id) + " was decided already",
                 "该备案转移申请已处理，不能再次处理");
}

std::unexpected<Error> OpenApplication() {
  return Refusal(ErrorCode::kFailedPrecondition, "subject", "transfer.open-application",
                 "the subject has an application in progress: it can be transferred once that "
                 "application is finished or abandoned",
                 "该主体有进行中的备案申请，须待其完成或放弃后才能转移");
}

}  // namespace icp::transfer_errors
