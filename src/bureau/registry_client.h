#pragma once

#include "bureau/gateway.h"
#include "miit/code_tables.h"
#include "ports/bureau_registry.h"

namespace icp::bureau {

// The BureauRegistry port over the bureau's status services (BUREAU-PROTOCOL §2:
// /BeianStatusWebService/queryBeianStatus and /verifyBamm), as the gateway's account and
// through its SoapTransport. Every failure to get an answer (transport error, a SOAP Fault, a
// msg_code other than 0, or 22 for the password) is kUnavailable (rule "bureau.unavailable")
// naming what happened, so a caller can answer from local data and say the bureau was not
// asked.
class RegistryClient final : public BureauRegistry {
 public:
  // Borrowed: `transport` outlives the client.
  RegistryClient(GatewaySettings settings, SoapTransport& transport,
                 const miit::CodeTables& tables = miit::CodeTables::Builtin())
      : settings_(std::move(settings)), transport_(transport), tables_(tables) {}

  Result<RegistryStatus> StatusOfDomain(const DomainName& domain) override;
  Result<std::optional<RegistryStatus>> StatusOfCertificate(
      SubjectType type, const Certificate& certificate) override;
  // The password travels as typed (§2 leaves plaintext or MD5 open; a bureau taking either
  // takes this).
  Result<PasswordVerdict> VerifyPassword(const FilingNumber& number,
                                         std::string_view password) override;

 private:
  Result<RegistryStatus> Query(std::int64_t condition_type, std::string condition);

  GatewaySettings settings_;
  SoapTransport& transport_;
  const miit::CodeTables& tables_;
};

// The queryConditionType of a subject's certificate (§2: 1..11, the certificate's Zjlx),
// nullopt for a certificate V3.0 cannot query (a later code, or none in the table).
std::optional<std::int64_t> QueryConditionTypeOf(const miit::CodeTables& tables, SubjectType type,
                                                 CertificateType certificate);

}  // namespace icp::bureau
