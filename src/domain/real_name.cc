#include "domain/real_name.h"

#include <vector>

#include "base/strings.h"

namespace icp {

std::string_view RealNameKindName(RealNameKind kind) {
  return kind == RealNameKind::kPerson ? "person" : "organisation";
}

std::optional<RealNameKind> RealNameKindFromName(std::string_view name) {
  if (name == "person") return RealNameKind::kPerson;
  if (name == "organisation") return RealNameKind::kOrganisation;
  return std::nullopt;
}

Result<RealName> RealName::Make(RealNameKind kind, std::string_view name, Certificate certificate) {
  std::vector<FieldViolation> problems;
  std::string trimmed;
  if (!IsValidUtf8(name)) {
    problems.push_back({"name", "realname.name", "the name is not valid UTF-8",
                        "姓名或名称不是有效的 UTF-8 文本"});
  } else {
    trimmed = FoldWidthAndTrim(name);
    const std::size_t length = DecodeUtf8(trimmed)->size();
    if (length == 0 || length > 128) {
      problems.push_back({"name", "realname.name", "the real name must have 1 to 128 characters",
                          "实名姓名或名称须为 1 至 128 个字符"});
    }
  }
  if (IsPersonalCertificate(certificate.type()) != (kind == RealNameKind::kPerson)) {
    problems.push_back(
        {"certificate.type", "realname.certificate",
         kind == RealNameKind::kPerson
             ? "a person's real name needs a personal certificate, not " +
                   std::string(CertificateTypeName(certificate.type()))
             : "an organisation's real name needs an organisation certificate, not " +
                   std::string(CertificateTypeName(certificate.type())),
         kind == RealNameKind::kPerson ? "个人实名须使用个人证件" : "单位实名须使用单位证件"});
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
  return RealName(kind, std::move(trimmed), std::move(certificate));
}

}  // namespace icp
