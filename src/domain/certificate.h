#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/result.h"

namespace icp {

// 主办单位性质: the nature of a subject, with the MIIT form codes (FACTS.md §7.1, "FORM").
enum class SubjectType {
  kDefense = 1,                 // 国防机构
  kGovernment = 2,              // 政府机关
  kPublicInstitution = 3,       // 事业单位
  kEnterprise = 4,              // 企业 (also 个体工商户)
  kIndividual = 5,              // 个人
  kSocialOrganization = 6,      // 社会团体
  kPrivateNonEnterprise = 9,    // 民办非企业单位
  kFoundation = 10,             // 基金会
  kLawFirm = 11,                // 律师执业机构
  kForeignCulturalCenter = 12,  // 外国在华文化中心
  kMassOrganization = 13,       // 群众性团体组织
  kJudicialExpertise = 14,      // 司法鉴定机构
  kReligious = 15,              // 宗教团体
  kForeignInstitution = 16,     // 境外机构
  kMedical = 17,                // 医疗机构
  kNotary = 18,                 // 公证机构
  kCollectiveEconomy = 19,      // 集体经济
  kArbitration = 20,            // 仲裁机构
};

std::span<const SubjectType> AllSubjectTypes();
std::string_view SubjectTypeName(SubjectType type);   // "enterprise", "individual", ...
std::string_view SubjectTypeLabel(SubjectType type);  // "企业", "个人", ...
std::optional<SubjectType> SubjectTypeFromName(std::string_view name);
inline bool IsIndividual(SubjectType type) { return type == SubjectType::kIndividual; }

// 证件类型: the certificate a subject or a principal is identified by (FACTS.md §7.2, §7.3).
// Numbers are validated with the value type the certificate carries.
enum class CertificateType {
  // People (subject of a personal filing, and every principal).
  kResidentId,                    // 居民身份证 -> ResidentId
  kPassport,                      // 护照 -> Passport
  kTaiwanPermit,                  // 台湾居民来往大陆通行证 -> TaiwanPermit
  kHongKongMacaoPermit,           // 港澳居民来往内地通行证 -> HongKongMacaoPermit
  kForeignPermanentResidentId,    // 外国人永久居留身份证 -> ResidentId (leading 9)
  kHongKongMacaoResidencePermit,  // 港澳居民居住证 -> ResidentId (810000 / 820000)
  kTaiwanResidencePermit,         // 台湾居民居住证 -> ResidentId (830000)
  // Organisations.
  kBusinessLicence,                 // 营业执照 -> CreditCode (or a 15-digit pre-2015 注册号)
  kCreditCodeCertificate,           // 统一社会信用代码证书 -> CreditCode
  kOrganizationCode,                // 组织机构代码证 -> OrganizationCode
  kInstitutionLegalPerson,          // 事业单位法人证书 -> CreditCode
  kSocialOrganizationRegistration,  // 社会团体法人登记证书 -> CreditCode
  kPrivateNonEnterpriseRegistration,  // 民办非企业单位登记证书 / 社会服务机构登记证书 -> CreditCode
  kFoundationRegistration,           // 基金会法人登记证书 -> CreditCode
  kLawFirmLicence,                   // 律师事务所执业许可证 -> CreditCode
  kReligiousVenueRegistration,       // 宗教活动场所登记证 -> CreditCode
  kMedicalLicence,                   // 医疗机构执业许可证 -> free text (登记号)
  kForeignEnterpriseRepresentative,  // 外国企业常驻代表机构登记证 -> CreditCode
  kMilitaryCode,                     // 部队代号 -> free text
  kOtherOrganization,                // any other organisation certificate -> free text
};

std::string_view CertificateTypeName(CertificateType type);   // "resident_id", ...
std::string_view CertificateTypeLabel(CertificateType type);  // "居民身份证", ...
std::optional<CertificateType> CertificateTypeFromName(std::string_view name);
// Every certificate type name, in the order above (for messages that list accepted values).
std::vector<std::string_view> CertificateTypeNames();
// True for the certificates a person holds (and a principal may use).
bool IsPersonalCertificate(CertificateType type);
// Whether `subject` may be identified by `certificate` (FACTS.md §7.2 mapping).
bool SubjectMayUse(SubjectType subject, CertificateType certificate);

// A certificate and its number, the number normalised and validated for its type.
class Certificate {
 public:
  // kInvalidArgument carrying the value type's rule ("resident-id.checksum", ...), with
  // field "number"; `today` bounds birth dates.
  static Result<Certificate> Parse(CertificateType type, std::string_view number, Date today);

  CertificateType type() const { return type_; }
  const std::string& number() const { return number_; }
  // For ID-style numbers: the birth date they encode.
  std::optional<Date> birth_date() const { return birth_date_; }
  // For ID-style numbers: the GB/T 2260 province code ("44"), else "".
  const std::string& region_province() const { return region_province_; }

  friend bool operator==(const Certificate& a, const Certificate& b) {
    return a.type_ == b.type_ && a.number_ == b.number_;
  }

 private:
  Certificate(CertificateType type, std::string number) : type_(type), number_(std::move(number)) {}

  CertificateType type_;
  std::string number_;
  std::optional<Date> birth_date_;
  std::string region_province_;
};

}  // namespace icp
