#include "codec/application_json.h"

#include <boost/json.hpp>

#include "base/strings.h"

namespace icp::codec {
namespace {

namespace json = boost::json;

// Walks a document, collecting every problem with its path.
class Walker {
 public:
  explicit Walker(Date today) : today_(today) {}

  void Problem(const std::string& path, std::string rule, std::string message,
               std::string zh = {}) {
    problems_.push_back({path, std::move(rule), std::move(message), std::move(zh)});
  }
  void Problem(const std::string& path, const Error& error) {
    for (const FieldViolation& v : error.AtField(path).violations) problems_.push_back(v);
  }
  std::vector<FieldViolation>& problems() { return problems_; }
  Date today() const { return today_; }

  const json::object* Object(const json::value* v, const std::string& path, bool required) {
    if (v == nullptr || v->is_null()) {
      if (required) Problem(path, "document.required", path + " is required", "缺少 " + path);
      return nullptr;
    }
    if (!v->is_object()) {
      Problem(path, "document.type", path + " must be an object", path + " 应为对象");
      return nullptr;
    }
    return &v->as_object();
  }

  const json::array* Array(const json::object& o, std::string_view key, const std::string& path) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return nullptr;
    if (!v->is_array()) {
      Problem(path, "document.type", path + " must be a list", path + " 应为列表");
      return nullptr;
    }
    return &v->as_array();
  }

  // A string field; "" when absent and not required.
  std::optional<std::string> Text(const json::object& o, std::string_view key,
                                  const std::string& path, bool required) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
      if (required) Problem(path, "document.required", path + " is required", "请填写 " + path);
      return required ? std::nullopt : std::optional<std::string>("");
    }
    if (!v->is_string()) {
      Problem(path, "document.type", path + " must be text", path + " 应为文本");
      return std::nullopt;
    }
    std::string s(v->as_string());
    if (!IsValidUtf8(s)) {
      Problem(path, "document.encoding", path + " is not valid UTF-8",
              path + " 含有无法识别的字符");
      return std::nullopt;
    }
    if (s.size() > 4096) {
      Problem(path, "document.length", path + " is longer than 4096 bytes", path + " 过长");
      return std::nullopt;
    }
    if (required && FoldWidthAndTrim(s).empty()) {
      Problem(path, "document.required", path + " is required", "请填写 " + path);
      return std::nullopt;
    }
    return s;
  }

  std::vector<std::string> Texts(const json::object& o, std::string_view key,
                                 const std::string& path) {
    std::vector<std::string> out;
    const json::array* a = Array(o, key, path);
    if (a == nullptr) return out;
    for (std::size_t i = 0; i < a->size(); ++i) {
      const std::string item = path + "[" + std::to_string(i) + "]";
      if (!(*a)[i].is_string()) {
        Problem(item, "document.type", item + " must be text", item + " 应为文本");
        continue;
      }
      out.emplace_back((*a)[i].as_string());
    }
    return out;
  }

 private:
  Date today_;
  std::vector<FieldViolation> problems_;
};

std::optional<Certificate> ReadCertificate(Walker& w, const json::object& parent,
                                           const std::string& path) {
  const json::object* o = w.Object(parent.if_contains("certificate"), path, true);
  if (o == nullptr) return std::nullopt;
  std::optional<std::string> type_name = w.Text(*o, "type", path + ".type", true);
  std::optional<std::string> number = w.Text(*o, "number", path + ".number", true);
  if (!type_name || !number) return std::nullopt;
  std::optional<CertificateType> type = CertificateTypeFromName(*type_name);
  if (!type) {
    w.Problem(path + ".type", "certificate.type", "unknown certificate type \"" + *type_name + "\"",
              "未知的证件类型“" + *type_name + "”");
    return std::nullopt;
  }
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
  std::optional<std::string> name = w.Text(*o, "name", path + ".name", true);
  std::optional<Certificate> cert = ReadCertificate(w, *o, path + ".certificate");
  std::optional<Date> valid_until;
  if (const json::value* d = o->if_contains("certificate_valid_until");
      d != nullptr && !d->is_null()) {
    Result<Date> parsed = d->is_string() ? ParseIsoDate(d->as_string()) : ParseIsoDate("");
    if (!parsed) {
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
  bool legal_rep = false;
  if (const json::value* b = o->if_contains("is_legal_representative");
      b != nullptr && !b->is_null()) {
    if (!b->is_bool()) {
      w.Problem(path + ".is_legal_representative", "document.type", "must be true or false",
                "应为 true 或 false");
    } else {
      legal_rep = b->as_bool();
    }
  }
  if (!name || !cert || !mobile || !email || !phone2 || !emergency_ok) return std::nullopt;
  return Principal{*name, *cert, valid_until, *mobile, *phone2, emergency, *email, legal_rep};
}

std::optional<Subject> ReadSubject(Walker& w, const json::value* v, const std::string& path,
                                   std::optional<Province> province) {
  const json::object* o = w.Object(v, path, true);
  if (o == nullptr) return std::nullopt;
  std::optional<SubjectType> type;
  if (std::optional<std::string> t = w.Text(*o, "type", path + ".type", true)) {
    type = SubjectTypeFromName(*t);
    if (!type) {
      w.Problem(path + ".type", "subject.type", "unknown subject type \"" + *t + "\"",
                "未知的主办单位性质“" + *t + "”");
    }
  }
  std::optional<std::string> name = w.Text(*o, "name", path + ".name", true);
  std::optional<Certificate> cert = ReadCertificate(w, *o, path + ".certificate");
  std::optional<Principal> principal =
      ReadPrincipal(w, o->if_contains("principal"), path + ".principal");
  std::optional<LegalRepresentative> legal_rep;
  bool legal_rep_ok = true;
  if (const json::object* lr =
          w.Object(o->if_contains("legal_representative"), path + ".legal_representative", false)) {
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
        std::optional<std::string> category = w.Text(*pa, "category", item + ".category", true);
        std::optional<std::string> number = w.Text(*pa, "number", item + ".number", false);
        if (category && number) approvals.push_back({*category, *number});
      }
    }
  }
  if (!name || !domains_ok || !principal || !home || !remark) return std::nullopt;
  return Website{*name,
                 std::move(domains),
                 *home,
                 w.Texts(*o, "service_content", path + ".service_content"),
                 w.Texts(*o, "languages", path + ".languages"),
                 std::move(approvals),
                 *principal,
                 *remark,
                 w.Texts(*o, "resources", path + ".resources")};
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

std::vector<Material> ReadMaterials(Walker& w, const json::object& o) {
  std::vector<Material> out;
  const json::array* list = w.Array(o, "materials", "materials");
  if (list == nullptr) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string path = "materials[" + std::to_string(i) + "]";
    const json::object* m = w.Object(&(*list)[i], path, true);
    if (m == nullptr) continue;
    std::optional<std::string> kind = w.Text(*m, "kind", path + ".kind", true);
    std::optional<std::string> owner = w.Text(*m, "owner", path + ".owner", true);
    std::optional<std::string> file = w.Text(*m, "file", path + ".file", false);
    if (!kind || !owner || !file) continue;
    std::optional<MaterialKind> k = MaterialKindFromName(*kind);
    if (!k) {
      w.Problem(path + ".kind", "material.kind", "unknown material kind \"" + *kind + "\"",
                "未知的材料类型“" + *kind + "”");
      continue;
    }
    out.push_back({*k, *owner, *file});
  }
  return out;
}

std::optional<Province> ReadProvince(Walker& w, const json::object& o, const std::string& path) {
  std::optional<std::string> text = w.Text(o, "province", path, true);
  if (!text) return std::nullopt;
  for (auto parse : {Province::FromCode, Province::FromName, Province::FromPrefix}) {
    if (Result<Province> p = parse(*text)) return *p;
  }
  w.Problem(path, "province.code",
            Quote(*text) + " is not a mainland province (give 44, 440000, 广东 or 粤)",
            Quote(*text) + " 不是大陆省份");
  return std::nullopt;
}

}  // namespace

Result<Application> ApplicationFromJson(const json::value& document, Date today) {
  Walker w(today);
  const json::object* root = w.Object(&document, "application", true);
  if (root == nullptr) return InvalidFields(std::move(w.problems()));
  std::optional<ApplicationType> type;
  if (std::optional<std::string> t = w.Text(*root, "type", "type", false); t && !t->empty()) {
    type = ApplicationTypeFromName(*t);
    if (!type)
      w.Problem("type", "application.type", "unknown application type \"" + *t + "\"",
                "未知的备案类型“" + *t + "”");
  }
  std::optional<Province> province = ReadProvince(w, *root, "province");
  std::optional<Subject> subject =
      ReadSubject(w, root->if_contains("subject"), "subject", province);
  std::optional<std::vector<Website>> websites = ReadWebsites(w, *root, "websites");
  std::vector<Material> materials = ReadMaterials(w, *root);
  std::optional<FiledRecord> original;
  if (const json::object* o = w.Object(root->if_contains("original"), "original", false)) {
    std::optional<Province> original_province = province;
    if (o->contains("province")) original_province = ReadProvince(w, *o, "original.province");
    std::optional<Subject> s =
        ReadSubject(w, o->if_contains("subject"), "original.subject", original_province);
    std::optional<std::vector<Website>> sites = ReadWebsites(w, *o, "original.websites");
    if (s && sites) original = FiledRecord{*s, *sites};
  }
  if (!w.problems().empty() || !subject || !websites) return InvalidFields(std::move(w.problems()));
  return Application{type, std::move(*subject), std::move(*websites), std::move(materials),
                     std::move(original)};
}

namespace {

// One inventory resource: {"id", "account", "kind", "region", "mainland", "billing", "trial",
// "purchased_months" | "purchased_days", "expires_on" (YYYY-MM-DD, 00:00 China time),
// "public_ip", "backends": [...]}.
std::optional<Resource> ReadResource(const json::value& v, const std::string& path,
                                     std::vector<FieldViolation>& problems) {
  auto bad = [&](const std::string& field, const std::string& what) {
    problems.push_back({path + "." + field, "facts.resource", path + "." + field + " " + what,
                        path + "." + field + " 无效"});
    return std::nullopt;
  };
  if (!v.is_object()) return bad("", "must be an object");
  const json::object& o = v.as_object();
  auto text = [&](std::string_view key) -> std::string {
    const json::value* x = o.if_contains(key);
    return x != nullptr && x->is_string() ? std::string(x->as_string()) : std::string();
  };
  Resource r;
  r.id = text("id");
  if (r.id.empty()) return bad("id", "is required");
  r.account = text("account");
  std::optional<ResourceKind> kind = ResourceKindFromName(text("kind"));
  if (!kind) return bad("kind", "must be cvm, lighthouse, serverless_pack or clb");
  r.kind = *kind;
  r.region = Region{text("region"), o.contains("mainland") && o.at("mainland").is_bool() &&
                                        o.at("mainland").as_bool()};
  std::optional<BillingMode> billing = BillingModeFromName(text("billing"));
  if (!billing) return bad("billing", "must be prepaid or pay_as_you_go");
  r.billing = *billing;
  r.trial = o.contains("trial") && o.at("trial").is_bool() && o.at("trial").as_bool();
  if (const json::value* m = o.if_contains("purchased_months"); m != nullptr && m->is_int64()) {
    r.purchased = Term{static_cast<int>(m->as_int64()), TermUnit::kMonths};
  } else if (const json::value* d = o.if_contains("purchased_days");
             d != nullptr && d->is_int64()) {
    r.purchased = Term{static_cast<int>(d->as_int64()), TermUnit::kDays};
  }
  if (const std::string on = text("expires_on"); !on.empty()) {
    Result<Date> date = ParseIsoDate(on);
    if (!date) return bad("expires_on", "must be a date YYYY-MM-DD");
    r.expires_at = std::chrono::sys_seconds(std::chrono::sys_days(*date)) - std::chrono::hours(8);
  }
  if (const std::string ip = text("public_ip"); !ip.empty()) r.public_ip = ip;
  if (const json::value* b = o.if_contains("backends"); b != nullptr && b->is_array()) {
    for (std::size_t i = 0; i < b->as_array().size(); ++i) {
      std::optional<Resource> backend =
          ReadResource(b->as_array()[i], path + ".backends[" + std::to_string(i) + "]", problems);
      if (backend) r.backends.push_back(std::move(*backend));
    }
  }
  return r;
}

std::optional<AuthorizationCode> ReadCode(const json::value& v, const std::string& path,
                                          std::vector<FieldViolation>& problems) {
  const json::object* o = v.if_object();
  auto text = [&](std::string_view key) -> std::string {
    const json::value* x = o != nullptr ? o->if_contains(key) : nullptr;
    return x != nullptr && x->is_string() ? std::string(x->as_string()) : std::string();
  };
  std::optional<AuthorizationCodeState> state = AuthorizationCodeStateFromName(text("state"));
  if (o == nullptr || text("code").empty() || text("server_id").empty() || !state) {
    problems.push_back({path, "facts.authorization-code",
                        path + " needs code, server_id and state (unused, used, invalid)",
                        path + " 需包含 code、server_id 和 state"});
    return std::nullopt;
  }
  return AuthorizationCode{text("code"), text("server_id"), text("ip"), *state,
                           text("generated_by")};
}

}  // namespace

Result<EvaluationFacts> FactsFromJson(const json::value& facts) {
  EvaluationFacts out;
  if (facts.is_null()) return out;
  if (!facts.is_object())
    return InvalidValue("facts.type", "facts must be an object", "facts 应为对象");
  std::vector<FieldViolation> problems;
  const json::object& o = facts.as_object();
  if (const json::value* v = o.if_contains("filed_websites")) {
    if (!v->is_int64() || v->as_int64() < 0 || v->as_int64() > 100000) {
      problems.push_back({"facts.filed_websites", "facts.filed-websites",
                          "facts.filed_websites is a count", "facts.filed_websites 应为非负整数"});
    } else {
      out.filed_websites = static_cast<int>(v->as_int64());
    }
  }
  out.inventory_known = o.contains("resources") || o.contains("authorization_codes");
  if (const json::value* list = o.if_contains("resources"); list != nullptr && list->is_array()) {
    for (std::size_t i = 0; i < list->as_array().size(); ++i) {
      std::optional<Resource> r =
          ReadResource(list->as_array()[i], "facts.resources[" + std::to_string(i) + "]", problems);
      if (r) out.resources.push_back(std::move(*r));
    }
  }
  if (const json::value* list = o.if_contains("authorization_codes");
      list != nullptr && list->is_array()) {
    for (std::size_t i = 0; i < list->as_array().size(); ++i) {
      std::optional<AuthorizationCode> c = ReadCode(
          list->as_array()[i], "facts.authorization_codes[" + std::to_string(i) + "]", problems);
      if (c) out.authorization_codes.push_back(std::move(*c));
    }
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
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
  if (!facts.is_object())
    return InvalidValue("facts.type", "facts must be an object", "facts 应为对象");
  std::vector<FieldViolation> problems;
  auto name = [&](const json::object& o, std::string_view key, const std::string& path,
                  const auto& table, auto& slot) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return;
    auto found = v->is_string() ? Lookup(table, v->as_string()) : std::nullopt;
    if (!found) {
      problems.push_back(
          {path, "facts.value", path + " has an unknown value", path + " 的取值无效"});
    } else {
      slot = *found;
    }
  };
  const json::object& o = facts.as_object();
  name(o, "subject", "facts.subject", kSubjectStandings, out.subject);
  name(o, "subject_open_application", "facts.subject_open_application", kOpenApplications,
       out.subject_open_application);
  if (const json::value* b = o.if_contains("only_website_cancelled");
      b != nullptr && b->is_bool()) {
    out.only_website_cancelled = b->as_bool();
  }
  if (const json::value* c = o.if_contains("chosen"); c != nullptr && c->is_string()) {
    out.chosen = ApplicationTypeFromName(c->as_string());
    if (!out.chosen)
      problems.push_back(
          {"facts.chosen", "facts.value", "unknown application type", "备案类型无效"});
  }
  if (const json::value* sites = o.if_contains("websites"); sites != nullptr && sites->is_array()) {
    for (std::size_t i = 0; i < sites->as_array().size(); ++i) {
      WebsiteFacts site;
      const json::value& s = sites->as_array()[i];
      const json::value* domains = s.is_object() ? s.as_object().if_contains("domains") : nullptr;
      if (domains != nullptr && domains->is_array()) {
        for (std::size_t j = 0; j < domains->as_array().size(); ++j) {
          const std::string path =
              "facts.websites[" + std::to_string(i) + "].domains[" + std::to_string(j) + "]";
          DomainFacts d;
          if (const json::value& dv = domains->as_array()[j]; dv.is_object()) {
            name(dv.as_object(), "standing", path + ".standing", kDomainStandings, d.standing);
            name(dv.as_object(), "open_application", path + ".open_application", kOpenApplications,
                 d.open_application);
          }
          site.domains.push_back(d);
        }
      }
      out.websites.push_back(std::move(site));
    }
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
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
  }
  return o;
}

std::string EncodeApplication(const Application& application) {
  return json::serialize(ApplicationToJson(application, Disclosure::kFull));
}

Result<Application> DecodeApplication(std::string_view text, Date today) {
  Result<json::value> document = ParseDocument(text);
  if (!document) return std::unexpected(document.error());
  return ApplicationFromJson(*document, today);
}

std::string EncodeSubject(const Subject& subject) {
  return json::serialize(json::object{{"province", subject.province.code()},
                                      {"subject", SubjectToJson(subject, Disclosure::kFull)}});
}

Result<Subject> DecodeSubject(std::string_view text, Date today) {
  return DecodeWith<Subject>(text, today, [](Walker& w, const json::object& root) {
    std::optional<Province> province = ReadProvince(w, root, "province");
    return ReadSubject(w, root.if_contains("subject"), "subject", province);
  });
}

std::string EncodeWebsite(const Website& website) {
  return json::serialize(json::object{{"website", WebsiteToJson(website, Disclosure::kFull)}});
}

Result<Website> DecodeWebsite(std::string_view text, Date today) {
  return DecodeWith<Website>(text, today, [](Walker& w, const json::object& root) {
    const json::value* v = root.if_contains("website");
    if (v == nullptr) {
      w.Problem("website", "document.required", "website is required", "缺少 website");
      return std::optional<Website>();
    }
    return ReadWebsite(w, *v, "website");
  });
}

}  // namespace icp::codec
