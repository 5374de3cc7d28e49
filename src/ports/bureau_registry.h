#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "domain/application_type.h"
#include "domain/certificate.h"
#include "domain/domain_name.h"
#include "domain/filing_number.h"

namespace icp {

// What the national registry knows, asked of the bureau as it is asked (BUREAU-PROTOCOL §2:
// isp_querybeianstatus and isp_verifybamm). bureau::RegistryClient is the real one; tests
// fake it. Both calls go over the network: never call them inside a unit of work.

// isp_querybeianstatus's StatusInfo in the platform's words (Bazt 0 = filed).
struct RegistryStatus {
  bool filed = false;
  std::string subject_number;  // Ztbah, when filed
  std::string website_name;    // Wzmc, when filed and asked by domain
  std::string website_number;  // Wzbah, likewise

  friend bool operator==(const RegistryStatus&, const RegistryStatus&) = default;
};

// isp_verifybamm's answer: VerifyRes 0 right, 1 wrong; msg_code 22 when the number has had
// too many wrong passwords today (the bureau counts; the customer waits).
enum class PasswordVerdict { kRight, kWrong, kLocked };

class BureauRegistry {
 public:
  virtual ~BureauRegistry() = default;

  // The registry's record of `domain` (queryConditionType 0). kUnavailable when the bureau
  // cannot be reached or answers with a msg_code other than 0.
  virtual Result<RegistryStatus> StatusOfDomain(const DomainName& domain) = 0;
  // The registry's record of a subject by certificate (queryConditionType 1..11, the
  // certificate's Zjlx for `type`). nullopt when V3.0 has no query condition for this
  // certificate (later types: the bureau cannot be asked); kUnavailable as above.
  virtual Result<std::optional<RegistryStatus>> StatusOfCertificate(
      SubjectType type, const Certificate& certificate) = 0;
  // Checks the filing password (备案密码) of `number` (a subject's or a website's) as the
  // customer typed it. Each call counts at the bureau. kUnavailable as above.
  virtual Result<PasswordVerdict> VerifyPassword(const FilingNumber& number,
                                                 std::string_view password) = 0;
};

}  // namespace icp
