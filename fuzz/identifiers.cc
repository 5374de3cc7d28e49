// Every identifier's Parse (src/domain/): the first byte picks the parser, the rest is its
// text. Beyond not crashing, a value that parses is canonical: its text parses again to the
// same value.

#include <chrono>
#include <string>

#include "domain/certificate.h"
#include "domain/credit_code.h"
#include "domain/domain_name.h"
#include "domain/email.h"
#include "domain/filing_number.h"
#include "domain/gate_host.h"
#include "domain/hk_macao_permit.h"
#include "domain/hong_kong_identity_card.h"
#include "domain/mobile_number.h"
#include "domain/organization_code.h"
#include "domain/passport.h"
#include "domain/resident_id.h"
#include "domain/taiwan_national_id.h"
#include "domain/taiwan_permit.h"
#include "fuzz/fuzz.h"

namespace {

using icp::fuzz::Require;

constexpr icp::Date kToday{std::chrono::year(2026), std::chrono::month(11), std::chrono::day(29)};

// Parses `text`; a value that parses parses again from its own str() to the same str().
template <typename T, typename ParseFn>
void Canonical(std::string_view text, ParseFn parse, const char* name) {
  auto first = parse(text);
  if (!first) {
    Require(!first.error().message.empty(), name);
    return;
  }
  const std::string canonical = first->str();
  auto again = parse(canonical);
  Require(again.has_value() && again->str() == canonical, name);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text = icp::fuzz::Text(data + 1, size - 1);
  switch (data[0] % 15) {
    case 0:
      Canonical<icp::ResidentId>(
          text, [](std::string_view t) { return icp::ResidentId::Parse(t, kToday); },
          "resident id");
      break;
    case 1:
      Canonical<icp::CreditCode>(text, icp::CreditCode::Parse, "credit code");
      break;
    case 2:
      Canonical<icp::OrganizationCode>(text, icp::OrganizationCode::Parse, "organization code");
      break;
    case 3: {
      auto d = icp::DomainName::Parse(text);
      if (!d) break;
      auto ascii = icp::DomainName::Parse(d->ascii());
      auto unicode = icp::DomainName::Parse(d->unicode());
      Require(ascii && ascii->ascii() == d->ascii() && unicode && unicode->ascii() == d->ascii(),
              "domain name: A-label and U-label forms parse to the same name");
      Require(d->ascii().ends_with(d->registrable_ascii()), "domain name: registrable suffix");
      break;
    }
    case 4: {
      auto n = icp::FilingNumber::Parse(text);
      if (!n) break;
      auto again = icp::FilingNumber::Parse(n->str());
      Require(again && again->str() == n->str(), "filing number");
      auto canonical = icp::FilingNumber::Parse(n->canonical());
      Require(canonical && canonical->str() == n->str(), "filing number: canonical form");
      break;
    }
    case 5:
      Canonical<icp::MobileNumber>(
          text, [](std::string_view t) { return icp::MobileNumber::Parse(t); }, "mobile number");
      break;
    case 6:
      Canonical<icp::Email>(text, icp::Email::Parse, "email");
      break;
    case 7:
      Canonical<icp::Passport>(text, icp::Passport::Parse, "passport");
      break;
    case 8:
      Canonical<icp::HongKongIdentityCard>(text, icp::HongKongIdentityCard::Parse,
                                           "hong kong identity card");
      break;
    case 9:
      Canonical<icp::HongKongMacaoPermit>(text, icp::HongKongMacaoPermit::Parse,
                                          "hong kong and macao permit");
      break;
    case 10:
      Canonical<icp::TaiwanNationalId>(text, icp::TaiwanNationalId::Parse, "taiwan national id");
      break;
    case 11:
      Canonical<icp::TaiwanPermit>(text, icp::TaiwanPermit::Parse, "taiwan permit");
      break;
    case 12: {
      (void)icp::ParseGateHost(text);
      break;
    }
    case 13: {
      if (text.empty()) break;
      const auto names = icp::CertificateTypeNames();
      const auto type =
          icp::CertificateTypeFromName(names[static_cast<unsigned char>(text[0]) % names.size()]);
      Require(type.has_value(), "certificate type names");
      auto c = icp::Certificate::Parse(*type, text.substr(1), kToday);
      if (!c) break;
      auto again = icp::Certificate::Parse(*type, c->number(), kToday);
      Require(again && again->number() == c->number(), "certificate number");
      break;
    }
    case 14: {
      auto segments = icp::MobileSegments::Parse(text);
      (void)segments;
      break;
    }
  }
  return 0;
}
