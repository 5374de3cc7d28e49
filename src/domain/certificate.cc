#include "domain/certificate.h"

#include <array>

#include "base/enum_table.h"
#include "base/strings.h"
#include "domain/credit_code.h"
#include "domain/hk_macao_permit.h"
#include "domain/organization_code.h"
#include "domain/passport.h"
#include "domain/resident_id.h"
#include "domain/taiwan_permit.h"

namespace icp {
namespace {

constexpr EnumTable<SubjectType, 18> kSubjects({{
    {SubjectType::kDefense, "defense", "国防机构"},
    {SubjectType::kGovernment, "government", "政府机关"},
    {SubjectType::kPublicInstitution, "public_institution", "事业单位"},
    {SubjectType::kEnterprise, "enterprise", "企业"},
    {SubjectType::kIndividual, "individual", "个人"},
    {SubjectType::kSocialOrganization, "social_organization", "社会团体"},
    {SubjectType::kPrivateNonEnterprise, "private_non_enterprise", "民办非企业单位"},
    {SubjectType::kFoundation, "foundation", "基金会"},
    {SubjectType::kLawFirm, "law_firm", "律师执业机构"},
    {SubjectType::kForeignCulturalCenter, "foreign_cultural_center", "外国在华文化中心"},
    {SubjectType::kMassOrganization, "mass_organization", "群众性团体组织"},
    {SubjectType::kJudicialExpertise, "judicial_expertise", "司法鉴定机构"},
    {SubjectType::kReligious, "religious", "宗教团体"},
    {SubjectType::kForeignInstitution, "foreign_institution", "境外机构"},
    {SubjectType::kMedical, "medical", "医疗机构"},
    {SubjectType::kNotary, "notary", "公证机构"},
    {SubjectType::kCollectiveEconomy, "collective_economy", "集体经济"},
    {SubjectType::kArbitration, "arbitration", "仲裁机构"},
}});

enum class Validator {
  kResidentId,
  kPassport,
  kTaiwanPermit,
  kHkMacaoPermit,
  kCreditCode,
  kBusinessLicence,
  kOrganizationCode,
  kFreeText
};

using enum SubjectType;

struct CertificateRow {
  CertificateType type;
  std::string_view name;
  std::string_view label;
  Validator validator;
  std::array<SubjectType, 6> subjects;  // who may use it; unused slots repeat the first
};

// FACTS.md §7.2 (subject certificates, grouping inferred from the MIIT form) and §7.3
// (leader certificates). Persons' certificates are for kIndividual.
constexpr std::array<CertificateRow, 20> kCertificates = {{
    {CertificateType::kResidentId,
     "resident_id",
     "居民身份证",
     Validator::kResidentId,
     {kIndividual, kIndividual, kIndividual, kIndividual, kIndividual, kIndividual}},
    {CertificateType::kPassport,
     "passport",
     "护照",
     Validator::kPassport,
     {kIndividual, kIndividual, kIndividual, kIndividual, kIndividual, kIndividual}},
    {CertificateType::kTaiwanPermit,
     "taiwan_permit",
     "台湾居民来往大陆通行证",
     Validator::kTaiwanPermit,
     {kIndividual, kIndividual, kIndividual, kIndividual, kIndividual, kIndividual}},
    {CertificateType::kHongKongMacaoPermit,
     "hk_macao_permit",
     "港澳居民来往内地通行证",
     Validator::kHkMacaoPermit,
     {kIndividual, kIndividual, kIndividual, kIndividual, kIndividual, kIndividual}},
    {CertificateType::kForeignPermanentResidentId,
     "foreign_permanent_resident_id",
     "外国人永久居留身份证",
     Validator::kResidentId,
     {kIndividual, kIndividual, kIndividual, kIndividual, kIndividual, kIndividual}},
    {CertificateType::kHongKongMacaoResidencePermit,
     "hk_macao_residence_permit",
     "港澳居民居住证",
     Validator::kResidentId,
     {kIndividual, kIndividual, kIndividual, kIndividual, kIndividual, kIndividual}},
    {CertificateType::kTaiwanResidencePermit,
     "taiwan_residence_permit",
     "台湾居民居住证",
     Validator::kResidentId,
     {kIndividual, kIndividual, kIndividual, kIndividual, kIndividual, kIndividual}},
    {CertificateType::kBusinessLicence,
     "business_licence",
     "营业执照",
     Validator::kBusinessLicence,
     {kEnterprise, kEnterprise, kEnterprise, kEnterprise, kEnterprise, kEnterprise}},
    {CertificateType::kCreditCodeCertificate,
     "credit_code_certificate",
     "统一社会信用代码证书",
     Validator::kCreditCode,
     {kGovernment, kPublicInstitution, kMassOrganization, kGovernment, kGovernment, kGovernment}},
    {CertificateType::kOrganizationCode,
     "organization_code",
     "组织机构代码证",
     Validator::kOrganizationCode,
     {kEnterprise, kGovernment, kPublicInstitution, kSocialOrganization, kFoundation, kLawFirm}},
    {CertificateType::kInstitutionLegalPerson,
     "institution_legal_person",
     "事业单位法人证书",
     Validator::kCreditCode,
     {kPublicInstitution, kPublicInstitution, kPublicInstitution, kPublicInstitution,
      kPublicInstitution, kPublicInstitution}},
    {CertificateType::kSocialOrganizationRegistration,
     "social_organization_registration",
     "社会团体法人登记证书",
     Validator::kCreditCode,
     {kSocialOrganization, kSocialOrganization, kSocialOrganization, kSocialOrganization,
      kSocialOrganization, kSocialOrganization}},
    {CertificateType::kPrivateNonEnterpriseRegistration,
     "private_non_enterprise_registration",
     "民办非企业单位登记证书",
     Validator::kCreditCode,
     {kPrivateNonEnterprise, kPrivateNonEnterprise, kPrivateNonEnterprise, kPrivateNonEnterprise,
      kPrivateNonEnterprise, kPrivateNonEnterprise}},
    {CertificateType::kFoundationRegistration,
     "foundation_registration",
     "基金会法人登记证书",
     Validator::kCreditCode,
     {kFoundation, kFoundation, kFoundation, kFoundation, kFoundation, kFoundation}},
    {CertificateType::kLawFirmLicence,
     "law_firm_licence",
     "律师事务所执业许可证",
     Validator::kCreditCode,
     {kLawFirm, kLawFirm, kLawFirm, kLawFirm, kLawFirm, kLawFirm}},
    {CertificateType::kReligiousVenueRegistration,
     "religious_venue_registration",
     "宗教活动场所登记证",
     Validator::kCreditCode,
     {kReligious, kReligious, kReligious, kReligious, kReligious, kReligious}},
    {CertificateType::kMedicalLicence,
     "medical_licence",
     "医疗机构执业许可证",
     Validator::kFreeText,
     {kMedical, kMedical, kMedical, kMedical, kMedical, kMedical}},
    {CertificateType::kForeignEnterpriseRepresentative,
     "foreign_enterprise_representative",
     "外国企业常驻代表机构登记证",
     Validator::kCreditCode,
     {kEnterprise, kEnterprise, kEnterprise, kEnterprise, kEnterprise, kEnterprise}},
    {CertificateType::kMilitaryCode,
     "military_code",
     "部队代号",
     Validator::kFreeText,
     {kDefense, kDefense, kDefense, kDefense, kDefense, kDefense}},
    {CertificateType::kOtherOrganization,
     "other_organization",
     "其他单位证件",
     Validator::kFreeText,
     {kForeignCulturalCenter, kJudicialExpertise, kForeignInstitution, kNotary, kCollectiveEconomy,
      kArbitration}},
}};

const CertificateRow& RowOf(CertificateType type) {
  for (const CertificateRow& r : kCertificates) {
    if (r.type == type) return r;
  }
  return kCertificates[0];
}

}  // namespace

std::span<const SubjectType> AllSubjectTypes() { return kSubjects.All(); }
std::string_view SubjectTypeName(SubjectType type) { return kSubjects.Name(type); }
std::string_view SubjectTypeLabel(SubjectType type) { return kSubjects.Label(type); }
std::optional<SubjectType> SubjectTypeFromName(std::string_view name) {
  return kSubjects.FromName(name);
}

std::string_view CertificateTypeName(CertificateType type) { return RowOf(type).name; }
std::string_view CertificateTypeLabel(CertificateType type) { return RowOf(type).label; }
std::optional<CertificateType> CertificateTypeFromName(std::string_view name) {
  for (const CertificateRow& r : kCertificates) {
    if (r.name == name) return r.type;
  }
  return std::nullopt;
}

std::vector<std::string_view> CertificateTypeNames() {
  std::vector<std::string_view> out;
  for (const CertificateRow& r : kCertificates) out.push_back(r.name);
  return out;
}

bool IsPersonalCertificate(CertificateType type) {
  return RowOf(type).subjects[0] == SubjectType::kIndividual;
}

bool SubjectMayUse(SubjectType subject, CertificateType certificate) {
  for (SubjectType s : RowOf(certificate).subjects) {
    if (s == subject) return true;
  }
  return false;
}

Result<Certificate> Certificate::Parse(CertificateType type, std::string_view number, Date today) {
  auto fail = [](const Error& e) { return std::unexpected(e.AtField("number")); };
  Certificate cert(type, "");
  switch (RowOf(type).validator) {
    case Validator::kResidentId: {
      Result<ResidentId> id = ResidentId::Parse(number, today);
      if (!id) return fail(id.error());
      const bool kind_ok =
          (type == CertificateType::kResidentId && id->kind() == ResidentIdKind::kResidentId) ||
          (type == CertificateType::kForeignPermanentResidentId &&
           id->kind() == ResidentIdKind::kForeignPermanentResident) ||
          (type == CertificateType::kHongKongMacaoResidencePermit &&
           (id->kind() == ResidentIdKind::kHongKongResidencePermit ||
            id->kind() == ResidentIdKind::kMacaoResidencePermit)) ||
          (type == CertificateType::kTaiwanResidencePermit &&
           id->kind() == ResidentIdKind::kTaiwanResidencePermit);
      if (!kind_ok) {
        return fail(InvalidValue("certificate.kind-mismatch",
                                 "the number is a valid " +
                                     std::string(ResidentIdKindName(id->kind())) +
                                     " number, not a " + std::string(CertificateTypeName(type)),
                                 "号码属于" + std::string(ResidentIdKindLabel(id->kind())) +
                                     "，与所选证件类型（" +
                                     std::string(CertificateTypeLabel(type)) + "）不符")
                        .error());
      }
      cert.number_ = id->str();
      cert.birth_date_ = id->birth_date();
      cert.region_province_ = id->region_code().substr(0, 2);
      return cert;
    }
    case Validator::kPassport: {
      Result<Passport> p = Passport::Parse(number);
      if (!p) return fail(p.error());
      cert.number_ = p->str();
      return cert;
    }
    case Validator::kTaiwanPermit: {
      Result<TaiwanPermit> p = TaiwanPermit::Parse(number);
      if (!p) return fail(p.error());
      cert.number_ = p->str();
      return cert;
    }
    case Validator::kHkMacaoPermit: {
      Result<HongKongMacaoPermit> p = HongKongMacaoPermit::Parse(number);
      if (!p) return fail(p.error());
      cert.number_ = p->str();
      return cert;
    }
    case Validator::kBusinessLicence: {
      // Pre-2015 licences carry a 15-digit registration number (注册号) whose check
      // algorithm is not documented (FACTS.md §13): accept its shape only.
      std::string folded = FoldWidthRemoveSpaces(number);
      if (folded.size() == 15 && IsAsciiDigits(folded)) {
        cert.number_ = folded;
        return cert;
      }
      [[fallthrough]];
    }
    case Validator::kCreditCode: {
      Result<CreditCode> c = CreditCode::Parse(number);
      if (!c) return fail(c.error());
      cert.number_ = c->str();
      cert.region_province_ = std::string(c->region().substr(0, 2));
      return cert;
    }
    case Validator::kOrganizationCode: {
      Result<OrganizationCode> c = OrganizationCode::Parse(number);
      if (!c) return fail(c.error());
      cert.number_ = c->str();
      return cert;
    }
    case Validator::kFreeText: {
      if (!IsValidUtf8(number)) {
        return fail(InvalidValue("certificate.encoding", "the certificate number is not UTF-8 text",
                                 "证件号码含有无法识别的字符")
                        .error());
      }
      std::string folded = FoldWidthAndTrim(number);
      if (folded.empty() || folded.size() > 64) {
        return fail(InvalidValue("certificate.length",
                                 "the certificate number must have 1 to 64 characters",
                                 "证件号码长度应为 1 至 64 个字符")
                        .error());
      }
      cert.number_ = std::move(folded);
      return cert;
    }
  }
  return cert;
}

}  // namespace icp
