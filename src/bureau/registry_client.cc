#include "bureau/registry_client.h"

#include <fmt/format.h>

#include <string>
#include <utility>

#include "miit/msg_code.h"
#include "miit/soap.h"

namespace icp::bureau {
namespace {

constexpr std::int64_t kVerifyLimitReached =
    static_cast<std::int64_t>(miit::MsgCode::kPasswordTriesExceeded);  // 22 (§3.1)

std::unexpected<Error> Unavailable(std::string_view method, const std::string& why) {
  return Refusal(ErrorCode::kUnavailable, "", "bureau.unavailable",
                 fmt::format("the bureau could not be asked ({}): {}", method, why),
                 fmt::format("无法向管局查询（{}）：{}", method, why));
}

}  // namespace

std::optional<std::int64_t> QueryConditionTypeOf(const miit::CodeTables& tables, SubjectType type,
                                                 CertificateType certificate) {
  const std::string key =
      fmt::format("{}/{}", SubjectTypeName(type), CertificateTypeName(certificate));
  const miit::CodeTables::Row* row = tables.Find("certificate", key);
  if (row == nullptr || row->id < 1 || row->id > 11) return std::nullopt;
  return row->id;
}

Result<RegistryStatus> RegistryClient::Query(std::int64_t condition_type, std::string condition) {
  miit::SoapRequest request;
  request.method = miit::Method::kQueryBeianStatus;
  request.query_condition_type = condition_type;
  request.query_condition = std::move(condition);
  Result<miit::MethodReturn> r = CallBureau(settings_, transport_, std::move(request));
  if (!r) return Unavailable("isp_querybeianstatus", r.error().message);
  if (r->msg_code != 0) {
    return Unavailable("isp_querybeianstatus", fmt::format("msg_code {} {}", r->msg_code, r->msg));
  }
  if (!r->status_info) return Unavailable("isp_querybeianstatus", "the answer has no StatusInfo");
  const miit::StatusInfo& s = *r->status_info;
  RegistryStatus out;
  out.filed = s.filed == 0;  // the polarity trap: 0 is filed (§2)
  if (out.filed) {
    out.subject_number = s.subject_number.value_or("");
    out.website_name = s.website_name.value_or("");
    out.website_number = s.website_number.value_or("");
  }
  return out;
}

Result<RegistryStatus> RegistryClient::StatusOfDomain(const DomainName& domain) {
  return Query(0, domain.ascii());
}

Result<std::optional<RegistryStatus>> RegistryClient::StatusOfCertificate(
    SubjectType type, const Certificate& certificate) {
  std::optional<std::int64_t> condition = QueryConditionTypeOf(tables_, type, certificate.type());
  if (!condition) return std::optional<RegistryStatus>();
  Result<RegistryStatus> s = Query(*condition, certificate.number());
  if (!s) return std::unexpected(s.error());
  return std::optional<RegistryStatus>(std::move(*s));
}

Result<PasswordVerdict> RegistryClient::VerifyPassword(const FilingNumber& number,
                                                       std::string_view password) {
  miit::SoapRequest request;
  request.method = miit::Method::kVerifyBamm;
  request.baxh = number.str();
  request.bamm = std::string(password);
  Result<miit::MethodReturn> r = CallBureau(settings_, transport_, std::move(request));
  if (!r) return Unavailable("isp_verifybamm", r.error().message);
  if (r->msg_code == kVerifyLimitReached) return PasswordVerdict::kLocked;
  if (r->msg_code != 0) {
    return Unavailable("isp_verifybamm", fmt::format("msg_code {} {}", r->msg_code, r->msg));
  }
  if (!r->verify_result) return Unavailable("isp_verifybamm", "the answer has no VerifyRes");
  return *r->verify_result == 0 ? PasswordVerdict::kRight : PasswordVerdict::kWrong;
}

}  // namespace icp::bureau
