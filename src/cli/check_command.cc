#include "cli/check_command.h"

#include <boost/json.hpp>

#include <array>
#include <functional>
#include <ostream>

#include "base/result.h"
#include "base/strings.h"
#include "domain/credit_code.h"
#include "domain/domain_name.h"
#include "domain/email.h"
#include "domain/filing_number.h"
#include "domain/hk_macao_permit.h"
#include "domain/hong_kong_identity_card.h"
#include "domain/mobile_number.h"
#include "domain/organization_code.h"
#include "domain/passport.h"
#include "domain/resident_id.h"
#include "domain/taiwan_national_id.h"
#include "domain/taiwan_permit.h"

namespace icp::cli {
namespace {

namespace json = boost::json;

// What a valid value encodes, in the order it is printed. "value" is always first.
using Description = json::object;
using Describer = std::function<Result<Description>(std::string_view, Date)>;

json::value OrNull(std::string_view s) { return s.empty() ? json::value(nullptr) : json::value(s); }

Result<Description> DescribeResidentId(std::string_view text, Date today) {
  Result<ResidentId> id = ResidentId::Parse(text, today);
  if (!id) return std::unexpected(id.error());
  Description d;
  d["value"] = id->str();
  d["kind"] = ResidentIdKindName(id->kind());
  d["kind_label"] = ResidentIdKindLabel(id->kind());
  d["birth_date"] = FormatIsoDate(id->birth_date());
  d["sex"] = id->sex() == Sex::kMale ? "male" : "female";
  d["age"] = id->AgeOn(today);
  d["region_code"] = id->region_code();
  d["region_name"] = OrNull(id->region_name());
  if (!id->nationality_code().empty()) d["nationality_code"] = id->nationality_code();
  d["legacy_15_digit"] = id->legacy_15();
  json::array notes;
  for (const std::string& n : id->notes()) notes.emplace_back(n);
  d["notes"] = std::move(notes);
  return d;
}

Result<Description> DescribeCreditCode(std::string_view text, Date) {
  Result<CreditCode> code = CreditCode::Parse(text);
  if (!code) return std::unexpected(code.error());
  Description d;
  d["value"] = code->str();
  d["registration_authority"] = std::string(1, code->registration_authority());
  d["registration_authority_name"] = code->registration_authority_name();
  d["entity_type"] = std::string(1, code->entity_type());
  d["entity_type_name"] = code->entity_type_name();
  d["region_code"] = code->region();
  d["region_name"] = OrNull(RegionTable::Builtin().FullNameIn(code->region(), 9999));
  std::optional<OrganizationCode> org = code->organization_code();
  d["organization_code"] = org ? json::value(org->display()) : json::value(nullptr);
  d["organization_code_valid"] = org.has_value();
  return d;
}

Result<Description> DescribeOrgCode(std::string_view text, Date) {
  Result<OrganizationCode> code = OrganizationCode::Parse(text);
  if (!code) return std::unexpected(code.error());
  Description d;
  d["value"] = code->str();
  d["display"] = code->display();
  return d;
}

Result<Description> DescribeHkMacao(std::string_view text, Date) {
  Result<HongKongMacaoPermit> p = HongKongMacaoPermit::Parse(text);
  if (!p) return std::unexpected(p.error());
  Description d;
  d["value"] = p->str();
  d["region"] = p->region() == HongKongMacaoPermit::Region::kHongKong ? "hong_kong" : "macao";
  d["sms_last_six"] = p->last_six();
  return d;
}

Result<Description> DescribeTaiwan(std::string_view text, Date) {
  Result<TaiwanPermit> p = TaiwanPermit::Parse(text);
  if (!p) return std::unexpected(p.error());
  Description d;
  d["value"] = p->str();
  d["form"] = p->legacy_booklet() ? "booklet" : "card";
  return d;
}

Result<Description> DescribeHkIdCard(std::string_view text, Date) {
  Result<HongKongIdentityCard> c = HongKongIdentityCard::Parse(text);
  if (!c) return std::unexpected(c.error());
  Description d;
  d["value"] = c->str();
  d["note"] =
      "not a filing certificate: Hong Kong residents file with hk-macao-permit or a residence "
      "permit";
  return d;
}

Result<Description> DescribeTaiwanId(std::string_view text, Date) {
  Result<TaiwanNationalId> c = TaiwanNationalId::Parse(text);
  if (!c) return std::unexpected(c.error());
  Description d;
  d["value"] = c->str();
  d["note"] =
      "not a filing certificate: Taiwan residents file with taiwan-permit or a residence permit";
  return d;
}

Result<Description> DescribePassport(std::string_view text, Date) {
  Result<Passport> p = Passport::Parse(text);
  if (!p) return std::unexpected(p.error());
  Description d;
  d["value"] = p->str();
  d["kind"] = PassportKindName(p->kind());
  return d;
}

Result<Description> DescribeMobile(std::string_view text, Date) {
  Result<MobileNumber> m = MobileNumber::Parse(text);
  if (!m) return std::unexpected(m.error());
  Description d;
  d["value"] = m->str();
  d["carrier"] = m->carrier();
  d["segment_kind"] = MobileKindName(m->kind());
  d["sms_verifiable"] = m->sms_verifiable();
  return d;
}

Result<Description> DescribeEmail(std::string_view text, Date) {
  Result<Email> e = Email::Parse(text);
  if (!e) return std::unexpected(e.error());
  Description d;
  d["value"] = e->str();
  d["local_part"] = e->local_part();
  d["domain"] = e->domain();
  return d;
}

Result<Description> DescribeDomain(std::string_view text, Date) {
  Result<DomainName> name = DomainName::Parse(text);
  if (!name) return std::unexpected(name.error());
  Description d;
  d["value"] = name->ascii();
  d["ascii"] = name->ascii();
  d["unicode"] = name->unicode();
  d["registrable_domain"] = name->registrable_ascii();
  d["registrable_domain_unicode"] = name->registrable_unicode();
  d["public_suffix"] = name->public_suffix_ascii();
  d["is_registrable_domain"] = name->is_registrable();
  d["suffix_status"] = SuffixStatusName(name->suffix_status());
  const FilingSuffixes::Entry* entry = name->suffix_entry();
  d["suffix_rule"] = entry ? json::value(entry->suffix) : json::value(nullptr);
  d["suffix_source"] = entry ? json::value(entry->source) : json::value(nullptr);
  d["suffix_note"] = entry ? OrNull(entry->note) : json::value(nullptr);
  d["suffix_data_version"] = FilingSuffixes::Builtin().version();
  return d;
}

Result<Description> DescribeFilingNumber(std::string_view text, Date) {
  Result<FilingNumber> n = FilingNumber::Parse(text);
  if (!n) return std::unexpected(n.error());
  Description d;
  d["value"] = n->str();
  d["province_code"] = n->province().code();
  d["province"] = n->province().name();
  d["form"] = FilingFormName(n->form());
  d["serial"] = n->serial();
  d["subject_number"] = n->subject_number();
  d["service"] = FilingServiceName(n->service());
  d["service_index"] = n->service_index();
  d["legacy_prefix"] = n->legacy_prefix();
  d["placeholder"] = n->placeholder();
  return d;
}

struct Kind {
  std::string_view name;
  Describer describe;
};

const std::array<Kind, 12>& Kinds() {
  static const std::array<Kind, 12> kinds = {{
      {"resident-id", DescribeResidentId},
      {"credit-code", DescribeCreditCode},
      {"org-code", DescribeOrgCode},
      {"hk-macao-permit", DescribeHkMacao},
      {"taiwan-permit", DescribeTaiwan},
      {"passport", DescribePassport},
      {"mobile", DescribeMobile},
      {"email", DescribeEmail},
      {"domain", DescribeDomain},
      {"filing-number", DescribeFilingNumber},
      {"hk-id-card", DescribeHkIdCard},
      {"taiwan-id", DescribeTaiwanId},
  }};
  return kinds;
}

void PrintScalar(std::ostream& out, const json::value& v) {
  if (v.is_string()) {
    out << v.as_string().c_str();
  } else {
    out << json::serialize(v);
  }
}

void PrintHuman(std::ostream& out, std::string_view kind, const Description& d) {
  out << "valid " << kind << ": " << d.at("value").as_string().c_str() << "\n";
  for (const auto& [key, value] : d) {
    if (key == "value" || value.is_null()) continue;
    if (value.is_array()) {
      for (const json::value& item : value.as_array()) {
        out << "  " << std::string_view(key) << ": ";
        PrintScalar(out, item);
        out << "\n";
      }
      continue;
    }
    out << "  " << std::string_view(key) << ": ";
    PrintScalar(out, value);
    out << "\n";
  }
}

}  // namespace

std::span<const std::string_view> CheckKinds() {
  static const std::array<std::string_view, 12> names = [] {
    std::array<std::string_view, 12> n;
    for (std::size_t i = 0; i < n.size(); ++i) n[i] = Kinds()[i].name;
    return n;
  }();
  return names;
}

int RunCheck(const CheckRequest& request, Date today, std::ostream& out, std::ostream& err) {
  const Kind* kind = nullptr;
  for (const Kind& k : Kinds()) {
    if (k.name == request.kind) kind = &k;
  }
  if (kind == nullptr) {
    err << "icpctl check: unknown kind '" << request.kind << "'; one of:";
    for (std::string_view k : CheckKinds()) err << " " << k;
    err << "\n";
    return 2;
  }
  Result<Description> described = kind->describe(request.value, today);
  if (request.json) {
    json::object o;
    o["kind"] = kind->name;
    o["input"] = IsValidUtf8(request.value) ? json::value(request.value) : json::value(nullptr);
    o["valid"] = described.has_value();
    if (described) {
      for (const auto& [key, value] : *described) o[key] = value;
    } else {
      const Error& e = described.error();
      json::object error;
      error["code"] = ErrorCodeName(e.code);
      error["rule"] = e.rule();
      error["message"] = e.message;
      error["message_zh"] = e.violations.empty() ? "" : e.violations.front().message_zh;
      o["error"] = std::move(error);
    }
    out << json::serialize(o) << "\n";
  } else if (described) {
    PrintHuman(out, kind->name, *described);
  } else {
    const Error& e = described.error();
    out << "invalid " << kind->name << ": " << e.message << " [" << e.rule() << "]\n";
    if (!e.violations.empty() && !e.violations.front().message_zh.empty()) {
      out << "  " << e.violations.front().message_zh << "\n";
    }
  }
  return described ? 0 : 1;
}

}  // namespace icp::cli
