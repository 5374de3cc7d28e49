#include "codec/application_json.h"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <span>

#include "base/strings.h"
#include "codec/json_reader.h"

namespace icp::codec {
namespace {

namespace json = boost::json;

// The application document's reader: the strict JsonReader plus the day that bounds birth
// dates in certificate numbers.
class Walker : public JsonReader {
 public:
  explicit Walker(Date today) : today_(today) {}
  Date today() const { return today_; }

 private:
  Date today_;
};

std::optional<Certificate> ReadCertificate(Walker& w, const json::object& parent,
                                           const std::string& path) {
  const json::object* o = w.Object(parent.if_contains("certificate"), path, true);
  if (o == nullptr) return std::nullopt;
  w.OnlyKeys(*o, path, {"type", "number"});
  std::optional<std::string> type_name = w.Text(*o, "type", path + ".type", true);
  std::optional<std::string> number = w.Text(*o, "number", path + ".number", true);
  std::optional<CertificateType> type = w.Name(
      type_name, path + ".type", "certificate.type",
      type_name ? CertificateTypeFromName(*type_name) : std::nullopt, CertificateTypeNames());
  if (!type || !number) return std::nullopt;
  Result<Certificate> cert = Certificate::Parse(*type, *number, w.today());
  if (!cert) {
    w.Problem(path, cert.error());
    return std::nullopt;
  }
  return *cert;
}

std::optional<Principal> ReadPrincipal(Walker& w, const json::value* v, const std::string& path) {
  const json::object* o = w.Object(v, path, true);
  if (o == nullptr) return std::nullopt;
  w.OnlyKeys(*o, path,
             {"name", "certificate", "certificate_valid_until", "mobile", "phone2",
              "emergency_contact", "email", "is_legal_representative"});
  std::optional<std::string> name = w.Text(*o, "name", path + ".name", true);
  std::optional<Certificate> cert = ReadCertificate(w, *o, path + ".certificate");
  std::optional<Date> valid_until;
  bool valid_until_ok = true;
  if (const json::value* d = o->if_contains("certificate_valid_until");
      d != nullptr && !d->is_null() && !d->is_string()) {
    w.TypeError(path + ".certificate_valid_until", "a date YYYY-MM-DD or null",
                " YYYY-MM-DD 格式的日期或 null");
    valid_until_ok = false;
  } else if (d != nullptr && d->is_string()) {
    Result<Date> parsed = ParseIsoDate(d->as_string());
    if (!parsed) {
      valid_until_ok = false;
      w.Problem(path + ".certificate_valid_until", "document.date",
                "certificate_valid_until is a date YYYY-MM-DD, or null for a long-term certificate",
                "证件有效期应为 YYYY-MM-DD 格式的日期，长期证件填 null");
    } else {
      valid_until = *parsed;
    }
  }
  std::optional<MobileNumber> mobile;
  if (std::optional<std::string> m = w.Text(*o, "mobile", path + ".mobile", true)) {
    Result<MobileNumber> parsed = MobileNumber::Parse(*m);
    if (!parsed) {
      w.Problem(path + ".mobile", parsed.error());
    } else {
      mobile = *parsed;
    }
  }
  std::optional<MobileNumber> emergency;
  bool emergency_ok = true;
  if (std::optional<std::string> m =
          w.Text(*o, "emergency_contact", path + ".emergency_contact", false);
      m && !FoldWidthAndTrim(*m).empty()) {
    Result<MobileNumber> parsed = MobileNumber::Parse(*m);
    if (!parsed) {
      w.Problem(path + ".emergency_contact", parsed.error());
      emergency_ok = false;
    } else {
      emergency = *parsed;
    }
  }
  std::optional<Email> email;
  if (std::optional<std::string> e = w.Text(*o, "email", path + ".email", true)) {
    Result<Email> parsed = Email::Parse(*e);
    if (!parsed) {
      w.Problem(path + ".email", parsed.error());
    } else {
      email = *parsed;
    }
  }
  std::optional<std::string> phone2 = w.Text(*o, "phone2", path + ".phone2", false);
  std::optional<bool> legal_rep =
      w.Bool(*o, "is_legal_representative", path + ".is_legal_representative", false);
  if (!name || !cert || !mobile || !email || !phone2 || !emergency_ok || !valid_until_ok ||
      !legal_rep) {
    return std::nullopt;
  }
  return Principal{*name, *cert, valid_until, *mobile, *phone2, emergency, *email, *legal_rep};
}

std::optional<Subject> ReadSubject(Walker& w, const json::value* v, const std::string& path,
                                   std::optional<Province> province) {
  const json::object* o = w.Object(v, path, true);
  if (o == nullptr) return std::nullopt;
  w.OnlyKeys(*o, path,
             {"type", "name", "certificate", "principal", "legal_representative", "region_code",
              "certificate_address", "mailing_address", "investor", "remark"});
  std::optional<std::string> t = w.Text(*o, "type", path + ".type", true);
  std::optional<SubjectType> type =
      w.Name(t, path + ".type", "subject.type", t ? SubjectTypeFromName(*t) : std::nullopt,
             NamesOf(AllSubjectTypes(), SubjectTypeName));
  std::optional<std::string> name = w.Text(*o, "name", path + ".name", true);
  std::optional<Certificate> cert = ReadCertificate(w, *o, path + ".certificate");
  std::optional<Principal> principal =
      ReadPrincipal(w, o->if_contains("principal"), path + ".principal");
  std::optional<LegalRepresentative> legal_rep;
  bool legal_rep_ok = true;
  if (const json::object* lr =
          w.Object(o->if_contains("legal_representative"), path + ".legal_representative", false)) {
    w.OnlyKeys(*lr, path + ".legal_representative", {"name", "certificate"});
    std::optional<std::string> lr_name =
        w.Text(*lr, "name", path + ".legal_representative.name", true);
    std::optional<Certificate> lr_cert =
        ReadCertificate(w, *lr, path + ".legal_representative.certificate");
    legal_rep_ok = lr_name && lr_cert;
    if (legal_rep_ok) legal_rep = LegalRepresentative{*lr_name, *lr_cert};
  }
  std::optional<std::string> region = w.Text(*o, "region_code", path + ".region_code", false);
  if (region && !region->empty() && (region->size() != 6 || !IsAsciiDigits(*region))) {
    w.Problem(path + ".region_code", "subject.region-code",
              "region_code is a six-digit GB/T 2260 code", "所属区域应为 6 位行政区划代码");
    region.reset();
  }
  std::optional<std::string> cert_address =
      w.Text(*o, "certificate_address", path + ".certificate_address", false);
  std::optional<std::string> mailing =
      w.Text(*o, "mailing_address", path + ".mailing_address", false);
  std::optional<std::string> investor = w.Text(*o, "investor", path + ".investor", false);
  std::optional<std::string> remark = w.Text(*o, "remark", path + ".remark", false);
  if (!type || !name || !cert || !principal || !legal_rep_ok || !region || !cert_address ||
      !mailing || !investor || !remark || !province) {
    return std::nullopt;
  }
  return Subject{*type,    *cert,     *name,     *province,  *region, *cert_address,
                 *mailing, *investor, legal_rep, *principal, *remark};
}

std::optional<Website> ReadWebsite(Walker& w, const json::value& v, const std::string& path) {
  const json::object* o = w.Object(&v, path, true);
  if (o == nullptr) return std::nullopt;
  w.OnlyKeys(*o, path,
             {"name", "domains", "home_url", "service_content", "languages", "pre_approvals",
              "principal", "remark", "resources"});
  std::optional<std::string> name = w.Text(*o, "name", path + ".name", true);
  std::vector<DomainName> domains;
  bool domains_ok = true;
  const json::array* list = w.Array(*o, "domains", path + ".domains");
  if (list == nullptr || list->empty()) {
    w.Problem(path + ".domains", "document.required", "a website lists its domain",
              "请填写网站域名");
    domains_ok = false;
  } else {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string item = path + ".domains[" + std::to_string(i) + "]";
      if (!(*list)[i].is_string()) {
        w.Problem(item, "document.type", item + " must be text", item + " 应为文本");
        domains_ok = false;
        continue;
      }
      Result<DomainName> d = DomainName::Parse((*list)[i].as_string());
      if (!d) {
        w.Problem(item, d.error());
        domains_ok = false;
      } else {
        domains.push_back(*d);
      }
    }
  }
  std::optional<Principal> principal =
      ReadPrincipal(w, o->if_contains("principal"), path + ".principal");
  std::optional<std::string> home = w.Text(*o, "home_url", path + ".home_url", false);
  std::optional<std::string> remark = w.Text(*o, "remark", path + ".remark", false);
  std::vector<PreApproval> approvals;
  if (const json::array* a = w.Array(*o, "pre_approvals", path + ".pre_approvals")) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      const std::string item = path + ".pre_approvals[" + std::to_string(i) + "]";
      if (const json::object* pa = w.Object(&(*a)[i], item, true)) {
        w.OnlyKeys(*pa, item, {"category", "number"});
        std::optional<std::string> category = w.Text(*pa, "category", item + ".category", true);
        std::optional<std::string> number = w.Text(*pa, "number", item + ".number", false);
        if (category && number) approvals.push_back({*category, *number});
      }
    }
  }
  std::vector<std::string> content = w.Texts(*o, "service_content", path + ".service_content");
  std::vector<std::string> languages = w.Texts(*o, "languages", path + ".languages");
  std::vector<std::string> resources = w.Texts(*o, "resources", path + ".resources");
  if (!name || !domains_ok || !principal || !home || !remark) return std::nullopt;
  return Website{*name,
                 std::move(domains),
                 *home,
                 std::move(content),
                 std::move(languages),
                 std::move(approvals),
                 *principal,
                 *remark,
                 std::move(resources)};
}

std::optional<std::vector<Website>> ReadWebsites(Walker& w, const json::object& o,
                                                 const std::string& path) {
  const json::array* list = w.Array(o, "websites", path);
  std::vector<Website> out;
  bool ok = true;
  if (list == nullptr) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::optional<Website> site = ReadWebsite(w, (*list)[i], path + "[" + std::to_string(i) + "]");
    ok = ok && site.has_value();
    if (site) out.push_back(std::move(*site));
  }
  if (!ok) return std::nullopt;
  return out;
}

// Whether `owner` names something the application has: "subject", "subject.principal",
// "websites[N]" or "websites[N].principal" with N < `websites`.
bool OwnerExists(std::string_view owner, std::size_t websites) {
  if (owner == "subject" || owner == "subject.principal") return true;
  if (!owner.starts_with("websites[")) return false;
  owner.remove_prefix(9);
  const std::size_t close = owner.find(']');
  if (close == std::string_view::npos || close == 0 || close > 6) return false;
  const std::string_view index = owner.substr(0, close);
  const std::string_view rest = owner.substr(close + 1);
  if (!IsAsciiDigits(index) || (index.size() > 1 && index[0] == '0')) return false;
  if (!rest.empty() && rest != ".principal") return false;
  return std::stoul(std::string(index)) < websites;
}

// `websites`: how many websites the document lists, whether or not each one parsed.
std::vector<Material> ReadMaterials(Walker& w, const json::object& o, std::size_t websites) {
  std::vector<Material> out;
  const json::array* list = w.Array(o, "materials", "materials");
  if (list == nullptr) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string path = "materials[" + std::to_string(i) + "]";
    const json::object* m = w.Object(&(*list)[i], path, true);
    if (m == nullptr) continue;
    w.OnlyKeys(*m, path, {"kind", "owner", "file"});
    std::optional<std::string> kind = w.Text(*m, "kind", path + ".kind", true);
    std::optional<std::string> owner = w.Text(*m, "owner", path + ".owner", true);
    std::optional<std::string> file = w.Text(*m, "file", path + ".file", false);
    std::optional<MaterialKind> k = w.Name(kind, path + ".kind", "material.kind",
                                           kind ? MaterialKindFromName(*kind) : std::nullopt,
                                           NamesOf(AllMaterialKinds(), MaterialKindName));
    if (owner && !OwnerExists(*owner, websites)) {
      // A material for nothing the application has would be silently ignored by every check.
      std::string accepted = "subject, subject.principal";
      if (websites > 0) {
        const std::string last = std::to_string(websites - 1);
        accepted += ", websites[0] … websites[" + last + "] or websites[0].principal … websites[" +
                    last + "].principal";
      }
      w.Problem(path + ".owner", "material.owner",
                Quote(*owner) +
                    " names no principal or website of this application; accepted: " + accepted,
                Quote(*owner) + " 不是本订单的主体、网站或负责人，可选：" + accepted);
      continue;
    }
    if (!k || !owner || !file) continue;
    out.push_back({*k, *owner, *file});
  }
  return out;
}

std::size_t ListedWebsites(const json::object& o) {
  const json::value* v = o.if_contains("websites");
  return v != nullptr && v->is_array() ? v->as_array().size() : 0;
}

std::optional<Province> ReadProvince(Walker& w, const json::object& o, const std::string& path) {
  std::optional<std::string> text = w.Text(o, "province", path, true);
  if (!text) return std::nullopt;
  for (auto parse : {Province::FromCode, Province::FromName, Province::FromPrefix}) {
    if (Result<Province> p = parse(*text)) return *p;
  }
  std::vector<std::string> codes;
  for (const Province& p : Province::All()) codes.push_back(std::string(p.code()));
  w.Problem(path, "province.code",
            Quote(*text) +
                " is not a mainland province; give its code, its 6-digit code, its name or its "
                "one-character prefix (44, 440000, 广东 or 粤); codes: " +
                JoinNames(codes, " or "),
            Quote(*text) +
                " 不是大陆省份，可填省份代码、6 位代码、名称或简称（如 44、440000、广东、粤）");
  return std::nullopt;
}

// Runs `read` with a Walker of `today` and hands its problems to `reader`.
template <class F>
auto ReadWith(JsonReader& reader, Date today, F read) {
  Walker w(today);
  auto out = read(w);
  for (FieldViolation& v : w.problems()) reader.problems().push_back(std::move(v));
  return out;
}

constexpr std::int64_t kMaxBureauId = 9'223'372'036'854'775'807;

// [{"<name_key>": text, "id": n}, ...] at o[key]: a bureau id per domain or per IP.
std::vector<std::pair<std::string, std::int64_t>> ReadIdPairs(Walker& w, const json::object& o,
                                                              std::string_view key,
                                                              const std::string& path,
                                                              std::string_view name_key) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  const json::array* a = w.Array(o, key, path);
  if (a == nullptr) return out;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    const json::object* e = w.Object(&(*a)[i], at, true);
    if (e == nullptr) continue;
    w.OnlyKeys(*e, at, {name_key, "id"});
    std::optional<std::string> name = w.Text(*e, name_key, at + "." + std::string(name_key), true);
    std::optional<std::optional<std::int64_t>> id = w.Int(*e, "id", at + ".id", 1, kMaxBureauId);
    if (id && !*id)
      w.Problem(at + ".id", "document.required", "a bureau id is required", "缺少管局编号");
    if (name && id && *id) out.emplace_back(*name, **id);
  }
  return out;
}

// original.bureau: the bureau's ids of the filed record (domain/application.h BureauIds).
std::optional<BureauIds> ReadBureauIds(Walker& w, const json::value* v, const std::string& path,
                                       bool required) {
  const json::object* o = w.Object(v, path, required);
  if (o == nullptr) return std::nullopt;
  w.OnlyKeys(*o, path, {"subject_id", "subject_number", "websites"});
  BureauIds ids;
  if (auto id = w.Int(*o, "subject_id", path + ".subject_id", 1, kMaxBureauId); id)
    ids.subject_id = *id;
  ids.subject_number = w.Text(*o, "subject_number", path + ".subject_number", false).value_or("");
  if (const json::array* sites = w.Array(*o, "websites", path + ".websites")) {
    for (std::size_t i = 0; i < sites->size(); ++i) {
      const std::string at = path + ".websites[" + std::to_string(i) + "]";
      const json::object* s = w.Object(&(*sites)[i], at, true);
      if (s == nullptr) continue;
      w.OnlyKeys(*s, at, {"id", "number", "domains", "access"});
      BureauIds::Website site;
      std::optional<std::optional<std::int64_t>> id = w.Int(*s, "id", at + ".id", 1, kMaxBureauId);
      if (id && !*id)
        w.Problem(at + ".id", "document.required", "a bureau id is required", "缺少管局编号");
      if (id && *id) site.id = **id;
      site.number = w.Text(*s, "number", at + ".number", false).value_or("");
      site.domain_ids = ReadIdPairs(w, *s, "domains", at + ".domains", "domain");
      if (const json::object* a = w.Object(s->if_contains("access"), at + ".access", false)) {
        w.OnlyKeys(*a, at + ".access", {"id", "isp_id", "ips"});
        BureauIds::Access access;
        auto jrid = w.Int(*a, "id", at + ".access.id", 1, kMaxBureauId);
        if (jrid && !*jrid) {
          w.Problem(at + ".access.id", "document.required", "a bureau id is required",
                    "缺少管局编号");
        }
        if (jrid && *jrid) access.id = **jrid;
        if (auto isp = w.Int(*a, "isp_id", at + ".access.isp_id", 1, kMaxBureauId); isp && *isp) {
          access.isp_id = **isp;
        }
        access.ip_ids = ReadIdPairs(w, *a, "ips", at + ".access.ips", "ip");
        site.our_access = std::move(access);
      }
      ids.websites.push_back(std::move(site));
    }
  }
  return ids;
}

json::value IdPairsToJson(const std::vector<std::pair<std::string, std::int64_t>>& pairs,
                          std::string_view name_key) {
  json::array a;
  for (const auto& [name, id] : pairs) a.push_back(json::object{{name_key, name}, {"id", id}});
  return a;
}

json::value BureauIdsToJson(const BureauIds& ids) {
  json::array sites;
  for (const BureauIds::Website& s : ids.websites) {
    json::object site{{"id", s.id},
                      {"number", s.number},
                      {"domains", IdPairsToJson(s.domain_ids, "domain")},
                      {"access", nullptr}};
    if (s.our_access) {
      site["access"] =
          json::object{{"id", s.our_access->id},
                       {"isp_id", s.our_access->isp_id == 0 ? json::value(nullptr)
                                                            : json::value(s.our_access->isp_id)},
                       {"ips", IdPairsToJson(s.our_access->ip_ids, "ip")}};
    }
    sites.push_back(std::move(site));
  }
  return json::object{{"subject_id", ids.subject_id ? json::value(*ids.subject_id) : nullptr},
                      {"subject_number", ids.subject_number},
                      {"websites", std::move(sites)}};
}

}  // namespace

std::optional<Province> ReadProvinceAt(JsonReader& reader, const json::object& parent,
                                       const std::string& path) {
  return ReadWith(reader, Date{}, [&](Walker& w) { return ReadProvince(w, parent, path); });
}

std::optional<Subject> ReadSubjectAt(JsonReader& reader, const json::value* value,
                                     const std::string& path, std::optional<Province> province,
                                     Date today) {
  return ReadWith(reader, today, [&](Walker& w) { return ReadSubject(w, value, path, province); });
}

std::optional<Website> ReadWebsiteAt(JsonReader& reader, const json::value& value,
                                     const std::string& path, Date today) {
  return ReadWith(reader, today, [&](Walker& w) { return ReadWebsite(w, value, path); });
}

Result<Application> ApplicationFromJson(const json::value& document, Date today) {
  Walker w(today);
  const json::object* root = w.Object(&document, "application", true);
  if (root == nullptr) return InvalidFields(std::move(w.problems()));
  w.OnlyKeys(*root, "", {"type", "province", "subject", "websites", "materials", "original"});
  std::optional<ApplicationType> type;
  if (std::optional<std::string> t = w.Text(*root, "type", "type", false); t && !t->empty()) {
    type = w.Name(t, "type", "application.type", ApplicationTypeFromName(*t),
                  NamesOf(AllApplicationTypes(), ApplicationTypeName));
  }
  std::optional<Province> province = ReadProvince(w, *root, "province");
  std::optional<Subject> subject =
      ReadSubject(w, root->if_contains("subject"), "subject", province);
  std::optional<std::vector<Website>> websites = ReadWebsites(w, *root, "websites");
  std::vector<Material> materials = ReadMaterials(w, *root, ListedWebsites(*root));
  std::optional<FiledRecord> original;
  if (const json::object* o = w.Object(root->if_contains("original"), "original", false)) {
    w.OnlyKeys(*o, "original", {"province", "subject", "websites", "bureau"});
    std::optional<Province> original_province = province;
    if (o->contains("province")) original_province = ReadProvince(w, *o, "original.province");
    std::optional<Subject> s =
        ReadSubject(w, o->if_contains("subject"), "original.subject", original_province);
    std::optional<std::vector<Website>> sites = ReadWebsites(w, *o, "original.websites");
    std::optional<BureauIds> ids =
        ReadBureauIds(w, o->if_contains("bureau"), "original.bureau", false);
    if (s && sites) original = FiledRecord{*s, *sites, std::move(ids)};
  }
  if (!w.problems().empty() || !subject || !websites) return InvalidFields(std::move(w.problems()));
  return Application{type, std::move(*subject), std::move(*websites), std::move(materials),
                     std::move(original)};
}

namespace {

// Every key the `facts` object may hold: the evaluation facts and the type facts share it.
constexpr std::string_view kFactsKeys[] = {"filed_websites",
                                           "resources",
                                           "authorization_codes",
                                           "accounts",
                                           "subject",
                                           "subject_open_application",
                                           "only_website_cancelled",
                                           "chosen",
                                           "websites"};

// One inventory resource: {"id", "account", "kind", "region", "mainland", "billing", "trial",
// "purchased_months" | "purchased_days", "expires_on" (YYYY-MM-DD, 00:00 China time),
// "public_ip", "backends": [...]}.
std::optional<Resource> ReadResource(Walker& w, const json::value& v, const std::string& path) {
  const json::object* o = w.Object(&v, path, true);
  if (o == nullptr) return std::nullopt;
  w.OnlyKeys(*o, path,
             {"id", "account", "kind", "region", "mainland", "billing", "trial", "purchased_months",
              "purchased_days", "expires_on", "public_ip", "backends"});
  Resource r;
  std::optional<std::string> id = w.Text(*o, "id", path + ".id", true);
  std::optional<std::string> account = w.Text(*o, "account", path + ".account", false);
  std::optional<std::string> kind_name = w.Text(*o, "kind", path + ".kind", true);
  std::optional<ResourceKind> kind =
      w.Name(kind_name, path + ".kind", "facts.resource-kind",
             kind_name ? ResourceKindFromName(*kind_name) : std::nullopt,
             std::vector<std::string_view>{"cvm", "lighthouse", "serverless_pack", "clb"});
  std::optional<std::string> region = w.Text(*o, "region", path + ".region", false);
  std::optional<bool> mainland = w.Bool(*o, "mainland", path + ".mainland", false);
  std::optional<std::string> billing_name = w.Text(*o, "billing", path + ".billing", true);
  std::optional<BillingMode> billing =
      w.Name(billing_name, path + ".billing", "facts.resource-billing",
             billing_name ? BillingModeFromName(*billing_name) : std::nullopt,
             std::vector<std::string_view>{"prepaid", "pay_as_you_go"});
  std::optional<bool> trial = w.Bool(*o, "trial", path + ".trial", false);
  auto months = w.Int(*o, "purchased_months", path + ".purchased_months", 0, 1200);
  auto days = w.Int(*o, "purchased_days", path + ".purchased_days", 0, 36500);
  if (months && days && *months && *days) {
    w.Problem(path + ".purchased_days", "facts.resource-term",
              "give purchased_months or purchased_days, not both",
              "购买时长只能填写月数或天数之一");
  }
  std::optional<std::string> expires = w.Text(*o, "expires_on", path + ".expires_on", false);
  if (expires && !expires->empty()) {
    Result<Date> date = ParseIsoDate(*expires);
    if (!date) {
      w.Problem(path + ".expires_on", "document.date", "must be a date YYYY-MM-DD",
                "应为 YYYY-MM-DD 格式的日期");
      expires.reset();
    } else {
      r.expires_at = std::chrono::sys_seconds(std::chrono::sys_days(*date)) - std::chrono::hours(8);
    }
  }
  std::optional<std::string> ip = w.Text(*o, "public_ip", path + ".public_ip", false);
  bool backends_ok = true;
  if (const json::array* b = w.Array(*o, "backends", path + ".backends")) {
    for (std::size_t i = 0; i < b->size(); ++i) {
      std::optional<Resource> backend =
          ReadResource(w, (*b)[i], path + ".backends[" + std::to_string(i) + "]");
      backends_ok = backends_ok && backend.has_value();
      if (backend) r.backends.push_back(std::move(*backend));
    }
  }
  if (!id || !account || !kind || !region || !mainland || !billing || !trial || !months || !days ||
      !expires || !ip || !backends_ok) {
    return std::nullopt;
  }
  r.id = *id;
  r.account = *account;
  r.kind = *kind;
  r.region = Region{*region, *mainland};
  r.billing = *billing;
  r.trial = *trial;
  if (*months) r.purchased = Term{static_cast<int>(**months), TermUnit::kMonths};
  if (*days) r.purchased = Term{static_cast<int>(**days), TermUnit::kDays};
  if (!ip->empty()) r.public_ip = *ip;
  return r;
}

std::optional<AuthorizationCode> ReadCode(Walker& w, const json::value& v,
                                          const std::string& path) {
  const json::object* o = w.Object(&v, path, true);
  if (o == nullptr) return std::nullopt;
  w.OnlyKeys(*o, path, {"code", "server_id", "ip", "state", "generated_by"});
  std::optional<std::string> code = w.Text(*o, "code", path + ".code", true);
  std::optional<std::string> server = w.Text(*o, "server_id", path + ".server_id", true);
  std::optional<std::string> ip = w.Text(*o, "ip", path + ".ip", false);
  std::optional<std::string> state_name = w.Text(*o, "state", path + ".state", true);
  std::optional<AuthorizationCodeState> state =
      w.Name(state_name, path + ".state", "facts.authorization-code-state",
             state_name ? AuthorizationCodeStateFromName(*state_name) : std::nullopt,
             std::vector<std::string_view>{"unused", "used", "invalid"});
  std::optional<std::string> by = w.Text(*o, "generated_by", path + ".generated_by", true);
  if (!code || !server || !ip || !state || !by) return std::nullopt;
  return AuthorizationCode{*code, *server, *ip, *state, *by};
}

// {"id": "acct-1", "verification": "enterprise"}: how an account that owns resources is
// verified (the owner of a code's server must be an enterprise account, FACTS.md §8.1).
void ReadAccount(Walker& w, const json::value& v, const std::string& path,
                 std::map<std::string, AccountVerification>& out) {
  const json::object* o = w.Object(&v, path, true);
  if (o == nullptr) return;
  w.OnlyKeys(*o, path, {"id", "verification"});
  std::optional<std::string> id = w.Text(*o, "id", path + ".id", true);
  std::optional<std::string> name = w.Text(*o, "verification", path + ".verification", true);
  std::optional<AccountVerification> verification =
      w.Name(name, path + ".verification", "facts.account-verification",
             name ? AccountVerificationFromName(*name) : std::nullopt,
             std::vector<std::string_view>{"none", "personal", "enterprise"});
  if (!id || !verification) return;
  if (!out.emplace(*id, *verification).second) {
    w.Problem(path + ".id", "facts.account-duplicate",
              "the account " + Quote(*id) + " is listed twice", "账号 " + Quote(*id) + " 重复");
  }
}

template <class T, class Read>
std::vector<T> ReadList(Walker& w, const json::object& o, std::string_view key,
                        const std::string& path, Read read) {
  std::vector<T> out;
  if (const json::array* list = w.Array(o, key, path)) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      if (std::optional<T> item = read((*list)[i], path + "[" + std::to_string(i) + "]")) {
        out.push_back(std::move(*item));
      }
    }
  }
  return out;
}

}  // namespace

Result<EvaluationFacts> FactsFromJson(const json::value& facts) {
  EvaluationFacts out;
  if (facts.is_null()) return out;
  Walker w(Date{});
  const json::object* o = w.Object(&facts, "facts", true);
  if (o == nullptr) return InvalidFields(std::move(w.problems()));
  w.OnlyKeys(*o, "facts", std::span<const std::string_view>(kFactsKeys));
  if (auto n = w.Int(*o, "filed_websites", "facts.filed_websites", 0, 100000); n && *n) {
    out.filed_websites = static_cast<int>(**n);
  }
  out.inventory_known = o->contains("resources") || o->contains("authorization_codes");
  out.resources = ReadList<Resource>(
      w, *o, "resources", "facts.resources",
      [&w](const json::value& v, const std::string& path) { return ReadResource(w, v, path); });
  out.authorization_codes = ReadList<AuthorizationCode>(
      w, *o, "authorization_codes", "facts.authorization_codes",
      [&w](const json::value& v, const std::string& path) { return ReadCode(w, v, path); });
  if (const json::array* list = w.Array(*o, "accounts", "facts.accounts")) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      ReadAccount(w, (*list)[i], "facts.accounts[" + std::to_string(i) + "]",
                  out.account_verifications);
    }
  }
  if (!w.problems().empty()) return InvalidFields(std::move(w.problems()));
  return out;
}

namespace {

template <typename T, std::size_t N>
std::optional<T> Lookup(const std::pair<std::string_view, T> (&table)[N], std::string_view name) {
  for (const auto& [n, v] : table) {
    if (n == name) return v;
  }
  return std::nullopt;
}

template <typename T, std::size_t N>
std::vector<std::string_view> Names(const std::pair<std::string_view, T> (&table)[N]) {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : table) out.push_back(n);
  return out;
}

constexpr std::pair<std::string_view, SubjectStanding> kSubjectStandings[] = {
    {"not_filed", SubjectStanding::kNotFiled},
    {"filed_here", SubjectStanding::kFiledHere},
    {"filed_here_other_account", SubjectStanding::kFiledHereOtherAccount},
    {"filed_elsewhere_only", SubjectStanding::kFiledElsewhereOnly},
    {"empty_shell", SubjectStanding::kEmptyShell},
    {"cancelled", SubjectStanding::kCancelled},
};
constexpr std::pair<std::string_view, DomainStanding> kDomainStandings[] = {
    {"not_filed", DomainStanding::kNotFiled},
    {"filed_under_subject_here", DomainStanding::kFiledUnderSubjectHere},
    {"filed_under_subject_elsewhere", DomainStanding::kFiledUnderSubjectElsewhere},
    {"filed_under_other_subject", DomainStanding::kFiledUnderOtherSubject},
};
constexpr std::pair<std::string_view, OpenApplication> kOpenApplications[] = {
    {"none", OpenApplication::kNone},
    {"here", OpenApplication::kHere},
    {"here_other_account", OpenApplication::kHereOtherAccount},
    {"elsewhere", OpenApplication::kElsewhere},
};

}  // namespace

Result<ApplicationTypeFacts> TypeFactsFromJson(const json::value& facts) {
  ApplicationTypeFacts out;
  if (facts.is_null()) return out;
  Walker w(Date{});
  const json::object* o = w.Object(&facts, "facts", true);
  if (o == nullptr) return InvalidFields(std::move(w.problems()));
  w.OnlyKeys(*o, "facts", std::span<const std::string_view>(kFactsKeys));
  auto name = [&w](const json::object& obj, std::string_view key, const std::string& path,
                   const auto& table, auto& slot) {
    std::optional<std::string> text = w.Text(obj, key, path, false);
    if (!text || text->empty()) return;
    if (auto found = w.Name(text, path, "facts.value", Lookup(table, *text), Names(table))) {
      slot = *found;
    }
  };
  name(*o, "subject", "facts.subject", kSubjectStandings, out.subject);
  name(*o, "subject_open_application", "facts.subject_open_application", kOpenApplications,
       out.subject_open_application);
  if (std::optional<bool> b =
          w.Bool(*o, "only_website_cancelled", "facts.only_website_cancelled", false)) {
    out.only_website_cancelled = *b;
  }
  if (std::optional<std::string> c = w.Text(*o, "chosen", "facts.chosen", false);
      c && !c->empty()) {
    out.chosen = w.Name(c, "facts.chosen", "facts.value", ApplicationTypeFromName(*c),
                        NamesOf(AllApplicationTypes(), ApplicationTypeName));
  }
  if (const json::array* sites = w.Array(*o, "websites", "facts.websites")) {
    for (std::size_t i = 0; i < sites->size(); ++i) {
      const std::string site_path = "facts.websites[" + std::to_string(i) + "]";
      WebsiteFacts site;
      if (const json::object* so = w.Object(&(*sites)[i], site_path, true)) {
        w.OnlyKeys(*so, site_path, {"domains"});
        if (const json::array* domains = w.Array(*so, "domains", site_path + ".domains")) {
          for (std::size_t j = 0; j < domains->size(); ++j) {
            const std::string path = site_path + ".domains[" + std::to_string(j) + "]";
            DomainFacts d;
            if (const json::object* dobj = w.Object(&(*domains)[j], path, true)) {
              w.OnlyKeys(*dobj, path, {"standing", "open_application"});
              name(*dobj, "standing", path + ".standing", kDomainStandings, d.standing);
              name(*dobj, "open_application", path + ".open_application", kOpenApplications,
                   d.open_application);
            }
            site.domains.push_back(d);
          }
        }
      }
      out.websites.push_back(std::move(site));
    }
  }
  if (!w.problems().empty()) return InvalidFields(std::move(w.problems()));
  return out;
}

json::value ViolationsToJson(const std::vector<Violation>& violations) {
  json::array out;
  for (const Violation& v : violations) {
    out.push_back(json::object{{"rule", v.rule},
                               {"field", v.field},
                               {"severity", SeverityName(v.severity)},
                               {"message", v.message},
                               {"message_zh", v.message_zh},
                               {"source", v.source}});
  }
  return out;
}

namespace {

json::value CertificateToJson(const Certificate& c, Disclosure d) {
  return json::object{{"type", CertificateTypeName(c.type())},
                      {"number", Disclose(c.number(), d, MaskCertificateNumber)}};
}

json::value PrincipalToJson(const Principal& p, Disclosure d) {
  json::object o{{"name", p.name},
                 {"certificate", CertificateToJson(p.certificate, d)},
                 {"certificate_valid_until", nullptr},
                 {"mobile", Disclose(p.mobile.str(), d, MaskMobile)},
                 {"phone2", p.phone2.empty() ? "" : Disclose(p.phone2, d, MaskMobile)},
                 {"emergency_contact", nullptr},
                 {"email", Disclose(p.email.str(), d, MaskEmail)},
                 {"is_legal_representative", p.is_legal_representative}};
  if (p.certificate_valid_until)
    o["certificate_valid_until"] = FormatIsoDate(*p.certificate_valid_until);
  if (p.emergency_contact)
    o["emergency_contact"] = Disclose(p.emergency_contact->str(), d, MaskMobile);
  return o;
}

json::array TextsToJson(const std::vector<std::string>& texts) {
  json::array out;
  for (const std::string& t : texts) out.emplace_back(t);
  return out;
}

json::array WebsitesToJson(const std::vector<Website>& websites, Disclosure d) {
  json::array out;
  for (const Website& w : websites) out.push_back(WebsiteToJson(w, d));
  return out;
}

// Parses `text` and hands the root object to `read`; the problems it reports become one
// kInvalidArgument, like ApplicationFromJson's.
Result<json::value> ParseDocument(std::string_view text) {
  boost::system::error_code ec;
  json::value document = json::parse(text, ec);
  if (ec)
    return InvalidValue("document.json", "not a JSON document: " + ec.message(), "不是 JSON 文档");
  return document;
}

template <class T, class Read>
Result<T> DecodeWith(std::string_view text, Date today, Read read) {
  Result<json::value> parsed = ParseDocument(text);
  if (!parsed) return std::unexpected(parsed.error());
  const json::value& document = *parsed;
  Walker w(today);
  const json::object* root = w.Object(&document, "document", true);
  std::optional<T> value;
  if (root != nullptr) value = read(w, *root);
  if (!w.problems().empty() || !value) return InvalidFields(std::move(w.problems()));
  return std::move(*value);
}

}  // namespace

json::value SubjectToJson(const Subject& s, Disclosure d) {
  json::object o{{"type", SubjectTypeName(s.type)},
                 {"name", s.name},
                 {"certificate", CertificateToJson(s.certificate, d)},
                 {"region_code", s.region_code},
                 {"certificate_address", s.certificate_address},
                 {"mailing_address", s.mailing_address},
                 {"investor", s.investor},
                 {"legal_representative", nullptr},
                 {"principal", PrincipalToJson(s.principal, d)},
                 {"remark", s.remark}};
  if (s.legal_representative) {
    o["legal_representative"] =
        json::object{{"name", s.legal_representative->name},
                     {"certificate", CertificateToJson(s.legal_representative->certificate, d)}};
  }
  return o;
}

json::value WebsiteToJson(const Website& w, Disclosure d) {
  json::array domains;
  for (const DomainName& domain : w.domains) domains.emplace_back(domain.unicode());
  json::array approvals;
  for (const PreApproval& pa : w.pre_approvals) {
    approvals.push_back(json::object{{"category", pa.category}, {"number", pa.number}});
  }
  return json::object{{"name", w.name},
                      {"domains", std::move(domains)},
                      {"home_url", w.home_url},
                      {"service_content", TextsToJson(w.service_content)},
                      {"languages", TextsToJson(w.languages)},
                      {"pre_approvals", std::move(approvals)},
                      {"principal", PrincipalToJson(w.principal, d)},
                      {"remark", w.remark},
                      {"resources", TextsToJson(w.resources)}};
}

json::value ApplicationToJson(const Application& a, Disclosure d) {
  json::array materials;
  for (const Material& m : a.materials) {
    materials.push_back(
        json::object{{"kind", MaterialKindName(m.kind)}, {"owner", m.owner}, {"file", m.file}});
  }
  json::object o{{"type", nullptr},
                 {"province", a.subject.province.code()},
                 {"subject", SubjectToJson(a.subject, d)},
                 {"websites", WebsitesToJson(a.websites, d)},
                 {"materials", std::move(materials)},
                 {"original", nullptr}};
  if (a.type) o["type"] = ApplicationTypeName(*a.type);
  if (a.original) {
    o["original"] = json::object{{"province", a.original->subject.province.code()},
                                 {"subject", SubjectToJson(a.original->subject, d)},
                                 {"websites", WebsitesToJson(a.original->websites, d)}};
    // The bureau's ids are no personal data: shown as they are, and only when known.
    if (a.original->bureau)
      o["original"].as_object()["bureau"] = BureauIdsToJson(*a.original->bureau);
  }
  return o;
}

std::string EncodeBureauIds(const BureauIds& ids) { return json::serialize(BureauIdsToJson(ids)); }

Result<BureauIds> DecodeBureauIds(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) {
    return std::unexpected(Error{ErrorCode::kInvalidArgument,
                                 "bureau ids are not JSON: " + ec.message(),
                                 {{"bureau", "document.json", ec.message(), "不是有效的 JSON"}}});
  }
  Walker w(Date{});
  std::optional<BureauIds> ids = ReadBureauIds(w, &v, "bureau", true);
  if (!w.problems().empty() || !ids) return InvalidFields(std::move(w.problems()));
  return *ids;
}

// The stored document is the API's plus the filing password, which the API never carries.
constexpr std::string_view kStoredPassword = "filing_password";

std::string EncodeApplication(const Application& application) {
  json::value document = ApplicationToJson(application, Disclosure::kFull);
  if (application.filing_password && document.is_object()) {
    document.as_object()[kStoredPassword] = *application.filing_password;
  }
  return json::serialize(document);
}

Result<Application> DecodeApplication(std::string_view text, Date today) {
  Result<json::value> document = ParseDocument(text);
  if (!document) return std::unexpected(document.error());
  std::optional<std::string> password;
  if (json::object* o = document->if_object()) {
    if (const json::value* p = o->if_contains(kStoredPassword); p != nullptr && p->is_string()) {
      password = std::string(p->as_string());
    }
    o->erase(kStoredPassword);
  }
  Result<Application> application = ApplicationFromJson(*document, today);
  if (application) application->filing_password = std::move(password);
  return application;
}

std::string EncodeSubject(const Subject& subject) {
  return json::serialize(json::object{{"province", subject.province.code()},
                                      {"subject", SubjectToJson(subject, Disclosure::kFull)}});
}

Result<Subject> DecodeSubject(std::string_view text, Date today) {
  return DecodeWith<Subject>(text, today, [](Walker& w, const json::object& root) {
    w.OnlyKeys(root, "", {"province", "subject"});
    std::optional<Province> province = ReadProvince(w, root, "province");
    return ReadSubject(w, root.if_contains("subject"), "subject", province);
  });
}

std::string EncodeWebsite(const Website& website) {
  return json::serialize(json::object{{"website", WebsiteToJson(website, Disclosure::kFull)}});
}

Result<Website> DecodeWebsite(std::string_view text, Date today) {
  return DecodeWith<Website>(text, today, [](Walker& w, const json::object& root) {
    w.OnlyKeys(root, "", {"website"});
    const json::value* v = root.if_contains("website");
    if (v == nullptr) {
      w.Problem("website", "document.required", "website is required", "缺少 website");
      return std::optional<Website>();
    }
    return ReadWebsite(w, *v, "website");
  });
}

}  // namespace icp::codec
