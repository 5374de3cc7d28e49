#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/date.h"
#include "domain/application_type.h"
#include "domain/certificate.h"
#include "domain/domain_name.h"
#include "domain/email.h"
#include "domain/material.h"
#include "domain/mobile_number.h"
#include "domain/province.h"

namespace icp {

// The model of a filing application (FACTS.md §2): plain data whose every identifier is a
// validated value type, so an Application cannot hold a malformed number. What the rules
// of a province say about the combination is checked by rules/ (Evaluate), not here.

// A natural person responsible for a subject or a website (主体负责人 / 网站负责人).
struct Principal {
  std::string name;
  Certificate certificate;
  // Certificate validity end; nullopt for a long-term (长期) certificate.
  std::optional<Date> certificate_valid_until;
  MobileNumber mobile;                            // 联系方式1
  std::string phone2;                             // 联系方式2: mobile or landline, may be empty
  std::optional<MobileNumber> emergency_contact;  // 应急联系方式
  Email email;
  bool is_legal_representative = false;

  friend bool operator==(const Principal&, const Principal&) = default;
};

struct LegalRepresentative {
  std::string name;
  Certificate certificate;

  friend bool operator==(const LegalRepresentative&, const LegalRepresentative&) = default;
};

// 主体 / 主办单位.
struct Subject {
  SubjectType type = SubjectType::kIndividual;
  Certificate certificate;
  std::string name;
  Province province;        // 主办单位所属区域 (province)
  std::string region_code;  // six-digit GB/T 2260 code of the city/district, may be empty
  std::string certificate_address;
  std::string mailing_address;
  std::string investor;                                     // 投资人或主管单位
  std::optional<LegalRepresentative> legal_representative;  // units only
  Principal principal;
  std::string remark;

  friend bool operator==(const Subject&, const Subject&) = default;
};

// 前置审批: a licence some content needs before filing (FACTS.md §7.6).
struct PreApproval {
  std::string category;  // "news", "publishing", "drugs", "culture", "broadcasting", ...
  std::string number;

  friend bool operator==(const PreApproval&, const PreApproval&) = default;
};

// 网站. Since 2019 one domain per website (FACTS.md §5.1); the list stays a list because
// older records carry several.
struct Website {
  std::string name;
  std::vector<DomainName> domains;
  std::string home_url;
  std::vector<std::string> service_content;  // "other", "unit_portal", ... (FACTS.md §7.5)
  std::vector<std::string> languages;        // "zh-Hans", "en", ... (FACTS.md §7.7)
  std::vector<PreApproval> pre_approvals;
  Principal principal;
  std::string remark;
  std::vector<std::string> resources;  // ids of the cloud resources or authorization codes

  friend bool operator==(const Website&, const Website&) = default;
};

// The bureau's ids of a filed record, as BASJ gives them (BUREAU-PROTOCOL §5.1, §7.1): what
// a change, an access filing or a cancellation must name the record by. Ids are the bureau's
// own numbers (xs:long); 0 is never one.
struct BureauIds {
  // This provider's access to a website (接入).
  struct Access {
    std::int64_t id = 0;      // Jrid
    std::int64_t isp_id = 0;  // Ispid: the provider giving it (our ispId); 0 when unknown
    std::vector<std::pair<std::string, std::int64_t>> ip_ids;  // Ipid per dotted IP

    friend bool operator==(const Access&, const Access&) = default;
  };
  struct Website {
    std::int64_t id = 0;  // Wzid
    std::string number;   // Baxh of the website ("粤ICP备20000001号-1")
    std::vector<std::pair<std::string, std::int64_t>> domain_ids;  // Ymid per ASCII domain
    std::optional<Access> our_access;  // this provider's access, when it gives one

    friend bool operator==(const Website&, const Website&) = default;
  };
  std::optional<std::int64_t> subject_id;  // Ztid (absent for a subject filed elsewhere)
  std::string subject_number;              // Baxh of the subject
  // The filed websites, each matched to an application website by a common domain.
  std::vector<Website> websites;

  friend bool operator==(const BureauIds&, const BureauIds&) = default;
};

// What is on record at the bureau, for change and access filings.
struct FiledRecord {
  Subject subject;
  std::vector<Website> websites;
  // The bureau's ids of this record, once the gateway has them (from BASJ, or a resync);
  // absent for a record imported without them.
  std::optional<BureauIds> bureau;

  friend bool operator==(const FiledRecord&, const FiledRecord&) = default;
};

// 备案申请: one request of one type.
struct Application {
  std::optional<ApplicationType> type;  // unset until resolved (ResolveApplicationType)
  Subject subject;
  std::vector<Website> websites;
  std::vector<Material> materials;
  std::optional<FiledRecord> original;  // change / access filings: the record as filed
  // 备案密码 as the customer typed it at submit, for the upload's ICPmm (BUREAU-PROTOCOL §4.3,
  // §4.4, §4.6): set by ApplicationService::Submit once the bureau took it (isp_verifybamm).
  // Never part of the API's document (codec/application_json.h); the stores keep it only
  // inside the sealed document (storage/common/pii_vault.h), and nothing logs it.
  std::optional<std::string> filing_password = std::nullopt;

  bool HasMaterial(MaterialKind kind, std::string_view owner = {}) const;

  friend bool operator==(const Application&, const Application&) = default;
};

}  // namespace icp
