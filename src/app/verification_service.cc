#include "app/verification_service.h"

#include <algorithm>

#include "app/audit_details.h"
#include "app/material_service.h"
#include "base/check.h"

namespace icp {
namespace {

constexpr std::string_view kShanghai = "31";
constexpr std::size_t kMaxEvidence = 256;

}  // namespace

std::vector<FieldViolation> AppCodeRefusals(const Application& app) {
  std::vector<FieldViolation> out;
  if (app.subject.province.code() != kShanghai) {
    out.push_back({"subject.province", "verification.app-province",
                   "The bureau App verification is for Shanghai filings only.",
                   "备案 App 核验仅适用于上海地区的备案。"});
    return out;
  }
  if (app.subject.type == SubjectType::kIndividual) {
    if (app.subject.certificate.type() != CertificateType::kResidentId) {
      out.push_back({"subject.certificate", "verification.app-certificate",
                     "A personal filer can use the App only with a resident identity card.",
                     "个人客户提交的证件为身份证时才可使用备案 App 核验。"});
    }
    return out;
  }
  for (std::size_t i = 0; i < app.websites.size(); ++i) {
    const Certificate& c = app.websites[i].principal.certificate;
    const std::string field = "websites[" + std::to_string(i) + "].principal.certificate";
    if (c.type() != CertificateType::kResidentId) {
      out.push_back({field, "verification.app-certificate",
                     "The App needs every website leader to use a resident identity card.",
                     "网站负责人的证件须为身份证才可使用备案 App 核验。"});
    } else if (c != app.websites[0].principal.certificate) {
      out.push_back({field, "verification.app-one-leader",
                     "A unit can use the App only when all its websites have one website leader.",
                     "企业客户提交的多个网站负责人须为同一人才可使用备案 App 核验。"});
    }
  }
  return out;
}

Result<VerificationRecord> VerificationService::Submit(const Caller& caller,
                                                       const VerificationSubmission& s) {
  std::vector<FieldViolation> problems;
  std::string evidence = s.evidence;
  if (s.method == VerificationMethod::kCurtainPhoto) {
    const FileLimit* limit = limits_.For("curtain_photo");
    ICP_CHECK(limit != nullptr) << "the limits name curtain_photo";
    Result<std::optional<FileFacts>> facts = InspectFile(sniffer_, *limit, s.photo, problems);
    if (!facts) return std::unexpected(facts.error());
  } else if (evidence.empty() || evidence.size() > kMaxEvidence ||
             std::ranges::any_of(evidence,
                                 [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    problems.push_back({"evidence", "verification.evidence",
                        "evidence (the video session's reference or the App's code) needs 1 to "
                        "256 characters without control characters.",
                        "核验凭据（视频核验编号或 App 验证码）须为 1 至 256 个字符。"});
  }
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<ApplicationRecord> record = ReadableApplication(**uow, caller, s.application);
  if (!record) return std::unexpected(record.error());
  if (record->account != caller.account) {
    return NotFound("application " + std::to_string(s.application.value()) + " does not exist");
  }
  if (record->lifecycle.state() != ApplicationState::kVerification) {
    return Refusal(ErrorCode::kFailedPrecondition, "", "verification.state",
                   "Identity verification is sent after the provider's first review passes.",
                   "初审通过后才能提交身份核验。");
  }
  if (s.method == VerificationMethod::kAppCode) {
    std::vector<FieldViolation> app = AppCodeRefusals(record->application);
    if (!app.empty()) {
      Error e = InvalidFields(std::move(app)).error();
      e.code = ErrorCode::kFailedPrecondition;
      return std::unexpected(std::move(e));
    }
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
  if (s.method == VerificationMethod::kCurtainPhoto) {
    Result<std::string> sha256 = blobs_.Put(s.photo);
    if (!sha256) return std::unexpected(sha256.error());
    evidence = *sha256;
  }
  const auto now = clock_.Now();
  VerificationRecord v{VerificationId(),
                       s.application,
                       s.method,
                       evidence,
                       VerificationState::kPending,
                       "",
                       caller.account,
                       now};
  Result<VerificationId> id = (*uow)->verifications().Insert(v);
  if (!id) return std::unexpected(id.error());
  v.id = *id;
  AuditDetails details;
  details.Add("verification", v.id.value()).Add("method", VerificationMethodName(v.method));
  if (Result<void> a = (*uow)->audit().Append(
          {now, AccountActor(caller.account.value()), "verification.submit",
           "application:" + std::to_string(s.application.value()), details.str()});
      !a) {
    return std::unexpected(a.error());
  }
  if (Result<void> c = (*uow)->Commit(); !c) return std::unexpected(c.error());
  return v;
}

Result<std::vector<VerificationRecord>> VerificationService::List(const Caller& caller,
                                                                  ApplicationId application) {
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  Result<ApplicationRecord> record = ReadableApplication(**read, caller, application);
  if (!record) return std::unexpected(record.error());
  return (*read)->verifications().List(application);
}

Result<VerificationRecord> VerificationService::Review(const Caller& caller, VerificationId id,
                                                       bool passed, std::string_view reason) {
  if (caller.role == Role::kCustomer) {
    return Refusal(ErrorCode::kPermissionDenied, "", "auth.role",
                   "Only reviewers review identity verifications.",
                   "只有审核专员可以审核身份核验。");
  }
  if (!passed && reason.empty()) {
    return InvalidValue("verification.reason", "A failed verification needs its reason.",
                        "核验不通过时须填写原因。");
  }
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  const auto now = clock_.Now();
  const VerificationState state = passed ? VerificationState::kPassed : VerificationState::kFailed;
  if (Result<void> r = (*uow)->verifications().Review(id, state, reason, caller.account, now); !r) {
    return std::unexpected(r.error());
  }
  Result<VerificationRecord> v = (*uow)->verifications().Get(id);
  if (!v) return std::unexpected(v.error());
  AuditDetails details;
  details.Add("verification", id.value()).Add("result", VerificationStateName(state));
  if (Result<void> a = (*uow)->audit().Append(
          {now, AccountActor(caller.account.value()), "verification.review",
           "application:" + std::to_string(v->application.value()), details.str()});
      !a) {
    return std::unexpected(a.error());
  }
  if (Result<void> c = (*uow)->Commit(); !c) return std::unexpected(c.error());
  return v;
}

Result<bool> VerificationService::IsComplete(ApplicationId application) {
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<std::vector<VerificationRecord>> all = (*uow)->verifications().List(application);
  if (!all) return std::unexpected(all.error());
  return std::ranges::any_of(
      *all, [](const VerificationRecord& v) { return v.state == VerificationState::kPassed; });
}

}  // namespace icp
