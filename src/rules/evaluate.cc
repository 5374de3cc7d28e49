#include "rules/evaluate.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "base/strings.h"

namespace icp {
namespace {

using namespace checks;

// Everything one check's evaluation needs, and where its violations go.
struct Context {
  const Application& app;
  ApplicationType type;
  const EvaluationFacts& facts;
  const ProvinceRules& rules;
  std::chrono::sys_seconds now;
  Date today;
  const Check& check;
  std::vector<Violation>& out;

  // Adds a violation; the check's own message, when it has one, replaces the default.
  void Add(std::string field, std::string message, std::string message_zh,
           std::optional<Severity> severity = std::nullopt) const {
    out.push_back({check.id, std::move(field),
                   check.message.empty() ? std::move(message) : check.message,
                   check.message_zh.empty() ? std::move(message_zh) : check.message_zh,
                   check.source, severity.value_or(check.severity)});
  }
  bool individual() const { return IsIndividual(app.subject.type); }
};

std::string WebsitePath(std::size_t i) { return "websites[" + std::to_string(i) + "]"; }

bool Applies(const Check& c, SubjectType subject, ApplicationType type, Date today) {
  if (c.when.individual && *c.when.individual != IsIndividual(subject)) return false;
  if (!c.when.subject_types.empty() &&
      std::find(c.when.subject_types.begin(), c.when.subject_types.end(), subject) ==
          c.when.subject_types.end()) {
    return false;
  }
  if (c.when.application_types.empty()) {
    if (IsCancellation(type)) return false;
  } else if (std::find(c.when.application_types.begin(), c.when.application_types.end(), type) ==
             c.when.application_types.end()) {
    return false;
  }
  return !c.effective_from || *c.effective_from <= today;
}

std::size_t DomainCount(const Application& app) {
  std::size_t n = 0;
  for (const Website& w : app.websites) n += w.domains.size();
  return n;
}

std::optional<int> AgeOn(const Principal& p, Date today) {
  std::optional<Date> birth = p.certificate.birth_date();
  if (!birth) return std::nullopt;
  int age = static_cast<int>(today.year()) - static_cast<int>(birth->year());
  if (std::chrono::month_day(today.month(), today.day()) <
      std::chrono::month_day(birth->month(), birth->day())) {
    --age;
  }
  return age;
}

std::size_t CodePointCount(std::string_view s) {
  std::optional<std::vector<char32_t>> cps = DecodeUtf8(s);
  return cps ? cps->size() : s.size();
}

bool HasChinese(std::string_view s) {
  std::optional<std::vector<char32_t>> cps = DecodeUtf8(s);
  if (!cps) return false;
  return std::any_of(cps->begin(), cps->end(),
                     [](char32_t c) { return c >= 0x4E00 && c <= 0x9FFF; });
}

// The materials a requirement asks for, owner by owner, with its condition.
struct Owned {
  std::string owner;
  bool needed;
};

std::vector<Owned> Owners(const MaterialRequired& m, const Application& app,
                          const EvaluationFacts& facts) {
  const bool needed =
      (m.min_domains == 0 || DomainCount(app) >= static_cast<std::size_t>(m.min_domains)) &&
      (m.min_websites == 0 || app.websites.size() >= static_cast<std::size_t>(m.min_websites)) &&
      (m.min_filed_websites == 0 || facts.filed_websites >= m.min_filed_websites);
  std::vector<Owned> out;
  switch (m.owner) {
    case MaterialOwner::kSubject:
      out.push_back({"subject", needed});
      break;
    case MaterialOwner::kSubjectPrincipal:
      out.push_back({"subject.principal", needed});
      break;
    case MaterialOwner::kEachWebsite:
    case MaterialOwner::kEachWebsitePrincipal:
      for (std::size_t i = 0; i < app.websites.size(); ++i) {
        out.push_back(
            {WebsitePath(i) + (m.owner == MaterialOwner::kEachWebsite ? "" : ".principal"),
             needed});
      }
      break;
  }
  return out;
}

std::string ConditionText(const MaterialRequired& m) {
  std::vector<std::string> parts;
  if (m.min_domains > 0) parts.push_back("本次申请域名数 ≥ " + std::to_string(m.min_domains));
  if (m.min_websites > 0) parts.push_back("本次申请网站数 ≥ " + std::to_string(m.min_websites));
  if (m.min_filed_websites > 0)
    parts.push_back("主体已备案网站数 ≥ " + std::to_string(m.min_filed_websites));
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "，") + p;
  return out;
}

void EvalMaterial(const Context& c, const MaterialRequired& m) {
  for (const Owned& o : Owners(m, c.app, c.facts)) {
    if (o.needed && !c.app.HasMaterial(m.material, o.owner)) {
      c.Add("materials", "missing " + std::string(MaterialKindName(m.material)) + " for " + o.owner,
            "缺少材料：" + std::string(MaterialKindLabel(m.material)) + "（" + o.owner + "）");
    }
  }
}

void EvalSubjectLeaderLegalRep(const Context& c, const SubjectLeaderLegalRep& p) {
  if (c.individual() || c.app.subject.principal.is_legal_representative) return;
  if (p.alternative && c.app.HasMaterial(*p.alternative)) return;
  c.Add("subject.principal",
        p.alternative ? "the subject leader must be the legal representative, or upload " +
                            std::string(MaterialKindName(*p.alternative))
                      : "the subject leader must be the legal representative",
        p.alternative ? "主体负责人须为法定代表人，否则需上传" +
                            std::string(MaterialKindLabel(*p.alternative))
                      : "主体负责人须为法定代表人");
}

void EvalWebsiteLeaderAuthorization(const Context& c, const WebsiteLeaderAuthorization& p) {
  if (c.individual()) return;
  for (std::size_t i = 0; i < c.app.websites.size(); ++i) {
    const Website& w = c.app.websites[i];
    if (w.principal.is_legal_representative) continue;
    if (c.app.HasMaterial(p.material, WebsitePath(i) + ".principal") ||
        c.app.HasMaterial(p.material, WebsitePath(i))) {
      continue;
    }
    c.Add(WebsitePath(i) + ".principal",
          "the website leader is not the legal representative: upload " +
              std::string(MaterialKindName(p.material)),
          "网站负责人不是法定代表人，需上传" + std::string(MaterialKindLabel(p.material)));
  }
}

void EvalMinAge(const Context& c, const PrincipalMinAge& p) {
  auto check = [&](const Principal& who, const std::string& path) {
    std::optional<int> age = AgeOn(who, c.today);
    if (!age || *age >= p.min_age) return;
    if (p.alternative && c.app.HasMaterial(*p.alternative)) return;
    c.Add(path,
          "the principal is " + std::to_string(*age) + "; at least " + std::to_string(p.min_age) +
              " is required" +
              (p.alternative ? ", or upload " + std::string(MaterialKindName(*p.alternative)) : ""),
          "负责人年龄为 " + std::to_string(*age) + " 岁，需年满 " + std::to_string(p.min_age) +
              " 周岁" +
              (p.alternative ? "，或上传" + std::string(MaterialKindLabel(*p.alternative)) : ""));
  };
  if (p.subject) check(c.app.subject.principal, "subject.principal.certificate");
  if (p.website) {
    for (std::size_t i = 0; i < c.app.websites.size(); ++i) {
      check(c.app.websites[i].principal, WebsitePath(i) + ".principal.certificate");
    }
  }
}

void EvalCertificateProvince(const Context& c, const CertificateProvince& p) {
  if (!c.individual()) return;
  const std::string& region = c.app.subject.certificate.region_province();
  const std::string province(c.app.subject.province.code());
  if (region.empty() || region == province) return;
  if (p.alternative && c.app.HasMaterial(*p.alternative)) return;
  c.Add("subject.certificate",
        "the certificate was issued outside " + std::string(c.app.subject.province.english_name()) +
            (p.alternative ? "; upload " + std::string(MaterialKindName(*p.alternative))
                           : "; file in the certificate's province"),
        "证件非" + std::string(c.app.subject.province.short_name()) + "签发" +
            (p.alternative ? "，需上传" + std::string(MaterialKindLabel(*p.alternative))
                           : "，个人须在证件所在省份备案"));
}

void EvalCertificateTypes(const Context& c, const CertificateTypes& p) {
  auto check = [&](const Certificate& cert, const std::string& path) {
    if (std::find(p.allowed.begin(), p.allowed.end(), cert.type()) != p.allowed.end()) return;
    c.Add(path, std::string(CertificateTypeName(cert.type())) + " is not accepted here",
          std::string(CertificateTypeLabel(cert.type())) + "不可用于此处");
  };
  for (CertificateHolder role : p.roles) {
    if (role == CertificateHolder::kSubject)
      check(c.app.subject.certificate, "subject.certificate.type");
    if (role == CertificateHolder::kSubjectPrincipal)
      check(c.app.subject.principal.certificate, "subject.principal.certificate.type");
    if (role == CertificateHolder::kWebsitePrincipal) {
      for (std::size_t i = 0; i < c.app.websites.size(); ++i) {
        check(c.app.websites[i].principal.certificate,
              WebsitePath(i) + ".principal.certificate.type");
      }
    }
  }
}

void EvalCertificateMatches(const Context& c) {
  if (SubjectMayUse(c.app.subject.type, c.app.subject.certificate.type())) return;
  c.Add("subject.certificate.type",
        std::string(SubjectTypeName(c.app.subject.type)) + " subjects cannot use " +
            std::string(CertificateTypeName(c.app.subject.certificate.type())),
        std::string(SubjectTypeLabel(c.app.subject.type)) + "不能使用" +
            std::string(CertificateTypeLabel(c.app.subject.certificate.type())));
}

void EvalUnitCertificateProvince(const Context& c) {
  if (c.individual()) return;
  const std::string& region = c.app.subject.certificate.region_province();
  if (region.empty() || region == c.app.subject.province.code()) return;
  c.Add("subject.certificate.number",
        "the unit's certificate was issued in province " + region +
            "; a unit files in the province on its certificate",
        "单位证件的登记地与备案省份不一致，单位须在证件所在省份备案");
}

void EvalCertificateValidity(const Context& c, const CertificateValidity& p) {
  using std::chrono::sys_days;
  auto check = [&](const Principal& who, const std::string& path) {
    if (!who.certificate_valid_until) return;  // long-term certificate
    const auto left = (sys_days(*who.certificate_valid_until) - sys_days(c.today)).count();
    if (left >= p.min_days_left) return;
    c.Add(path,
          "the certificate expires " + FormatIsoDate(*who.certificate_valid_until) +
              ", less than " + std::to_string(p.min_days_left) + " days from today",
          "证件有效期不足 " + std::to_string(p.min_days_left) + " 天（" +
              FormatIsoDate(*who.certificate_valid_until) + " 到期）");
  };
  if (p.subject) check(c.app.subject.principal, "subject.principal.certificate_valid_until");
  if (p.website) {
    for (std::size_t i = 0; i < c.app.websites.size(); ++i) {
      check(c.app.websites[i].principal, WebsitePath(i) + ".principal.certificate_valid_until");
    }
  }
}

void EvalSinglePerson(const Context& c) {
  if (!c.individual()) return;
  for (std::size_t i = 0; i < c.app.websites.size(); ++i) {
    if (c.app.websites[i].principal.certificate == c.app.subject.principal.certificate &&
        c.app.subject.principal.certificate == c.app.subject.certificate) {
      continue;
    }
    c.Add(
        WebsitePath(i) + ".principal",
        "in a personal filing the subject, its leader and every website leader are the same person",
        "个人备案的主体负责人和网站负责人须为备案人本人");
  }
}

// The text of a field, one entry per website for website fields, with its path.
std::vector<std::pair<std::string, std::string>> FieldValues(const Application& app, FieldRef f) {
  std::vector<std::pair<std::string, std::string>> out;
  auto mobile = [](const std::optional<MobileNumber>& m) { return m ? m->str() : std::string(); };
  switch (f) {
    case FieldRef::kSubjectRemark:
      return {{"subject.remark", app.subject.remark}};
    case FieldRef::kSubjectPhone2:
      return {{"subject.principal.phone2", app.subject.principal.phone2}};
    case FieldRef::kSubjectEmergency:
      return {
          {"subject.principal.emergency_contact", mobile(app.subject.principal.emergency_contact)}};
    case FieldRef::kSubjectMobile:
      return {{"subject.principal.mobile", app.subject.principal.mobile.str()}};
    case FieldRef::kSubjectInvestor:
      return {{"subject.investor", app.subject.investor}};
    case FieldRef::kWebsiteRemark:
    case FieldRef::kWebsiteEmergency:
    case FieldRef::kWebsiteMobile:
      for (std::size_t i = 0; i < app.websites.size(); ++i) {
        const Website& w = app.websites[i];
        if (f == FieldRef::kWebsiteRemark) out.emplace_back(WebsitePath(i) + ".remark", w.remark);
        if (f == FieldRef::kWebsiteEmergency) {
          out.emplace_back(WebsitePath(i) + ".principal.emergency_contact",
                           mobile(w.principal.emergency_contact));
        }
        if (f == FieldRef::kWebsiteMobile)
          out.emplace_back(WebsitePath(i) + ".principal.mobile", w.principal.mobile.str());
      }
      return out;
  }
  return out;
}

void EvalFieldRequired(const Context& c, const FieldRequired& p) {
  for (const auto& [path, value] : FieldValues(c.app, p.field)) {
    const std::string text = FoldWidthAndTrim(value);
    if (text.empty()) {
      c.Add(path, path + " is required", "请填写 " + path);
      continue;
    }
    if (p.min_chars > 0 && CodePointCount(text) < static_cast<std::size_t>(p.min_chars)) {
      c.Add(path, path + " needs at least " + std::to_string(p.min_chars) + " characters",
            path + " 至少需要 " + std::to_string(p.min_chars) + " 个字");
    }
    for (const std::string& needle : p.must_contain) {
      if (text.find(needle) == std::string::npos) {
        c.Add(path, path + " must contain \"" + needle + "\"", path + " 须包含“" + needle + "”");
      }
    }
  }
}

void EvalDistinctContacts(const Context& c, const DistinctContacts& p) {
  struct Value {
    FieldRef field;
    std::string path;
    std::string number;
  };
  std::vector<Value> values;
  for (FieldRef f : p.fields) {
    for (auto& [path, number] : FieldValues(c.app, f)) {
      if (!number.empty()) values.push_back({f, std::move(path), std::move(number)});
    }
  }
  if (p.min_distinct > 0) {
    std::set<std::string> distinct;
    for (const Value& v : values) distinct.insert(v.number);
    if (distinct.size() < static_cast<std::size_t>(p.min_distinct)) {
      c.Add(values.empty() ? "subject.principal" : values.front().path,
            "these contact numbers need at least " + std::to_string(p.min_distinct) +
                " different numbers",
            "联系方式中至少需要 " + std::to_string(p.min_distinct) + " 个不同的号码");
    }
    return;
  }
  // All different. Two websites run by the same principal share numbers legitimately:
  // compare values across different fields, not a field with its own copies.
  std::set<std::string> reported;  // one message per offending field
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::size_t j = i + 1; j < values.size(); ++j) {
      if (values[i].field == values[j].field || values[i].number != values[j].number) continue;
      if (!reported.insert(values[j].path).second) continue;
      c.Add(values[j].path, values[j].path + " must differ from " + values[i].path,
            values[j].path + " 不能与 " + values[i].path + " 相同");
    }
  }
}

void EvalSiteName(const Context& c, const SiteName& p) {
  for (std::size_t i = 0; i < c.app.websites.size(); ++i) {
    const std::string path = WebsitePath(i) + ".name";
    const std::string name = FoldWidthAndTrim(c.app.websites[i].name);
    if (name.empty()) {
      c.Add(path, "the website needs a name", "请填写网站名称");
      continue;
    }
    if (p.min_chars > 0 && CodePointCount(name) < static_cast<std::size_t>(p.min_chars)) {
      c.Add(path, "a website name has at least " + std::to_string(p.min_chars) + " characters",
            "网站名称至少 " + std::to_string(p.min_chars) + " 个字");
    }
    if (p.require_chinese && !HasChinese(name)) {
      c.Add(path, "a website name is written in Chinese, not only letters or digits",
            "网站名称须含中文，不能为纯字母或数字");
    }
    for (const std::string& prefix : p.banned_prefixes) {
      if (name.starts_with(prefix)) {
        c.Add(path, "a website name may not start with \"" + prefix + "\"",
              "网站名称不能以“" + prefix + "”开头");
      }
    }
    for (const std::string& word : p.banned_words) {
      if (name.find(word) != std::string::npos) {
        c.Add(path, "a website name may not contain \"" + word + "\"",
              "网站名称不能包含“" + word + "”");
      }
    }
  }
}

bool EndsWithSuffix(std::string_view domain, std::string_view suffix) {
  return domain == suffix || (domain.size() > suffix.size() && domain.ends_with(suffix) &&
                              domain[domain.size() - suffix.size() - 1] == '.');
}

template <typename F>
void ForEachDomain(const Application& app, F f) {
  for (std::size_t i = 0; i < app.websites.size(); ++i) {
    for (std::size_t j = 0; j < app.websites[i].domains.size(); ++j) {
      f(app.websites[i].domains[j], WebsitePath(i) + ".domains[" + std::to_string(j) + "]");
    }
  }
}

// "中国" for 例子.中国: the public suffix as people read it.
std::string ToUnicodeSuffix(const DomainName& d) {
  const std::string registrable = d.registrable_unicode();
  const std::size_t dot = registrable.find('.');
  return dot == std::string::npos ? registrable : registrable.substr(dot + 1);
}

void EvalDomainSuffix(const Context& c, const DomainSuffix& p) {
  ForEachDomain(c.app, [&](const DomainName& d, const std::string& path) {
    const std::string suffix = d.public_suffix_ascii();
    if (!p.allowed_suffixes.empty()) {
      const bool listed =
          std::any_of(p.allowed_suffixes.begin(), p.allowed_suffixes.end(),
                      [&](const std::string& s) { return EndsWithSuffix(d.ascii(), s); });
      if (!listed) {
        c.Add(path, "." + suffix + " is not on this province's list of fileable suffixes",
              "." + ToUnicodeSuffix(d) + " 不在本省可备案域名后缀列表中");
      }
      return;
    }
    const SuffixStatus status = d.suffix_status();
    auto in = [&](const std::vector<SuffixStatus>& v) {
      return std::find(v.begin(), v.end(), status) != v.end();
    };
    if (in(p.refuse)) {
      c.Add(path, "." + suffix + " is not approved by MIIT: websites under it cannot be filed",
            "." + ToUnicodeSuffix(d) + " 域名后缀未经工信部批复，不能备案");
    } else if (in(p.warn)) {
      c.Add(path, "the standing of ." + suffix + " for filing is not known: a reviewer checks it",
            "." + ToUnicodeSuffix(d) + " 域名后缀能否备案未知，需人工核实", Severity::kWarning);
    }
  });
}

void EvalDomainSuffixForType(const Context& c, const DomainSuffixForSubjectType& p) {
  if (std::find(p.subject_types.begin(), p.subject_types.end(), c.app.subject.type) ==
      p.subject_types.end()) {
    return;
  }
  ForEachDomain(c.app, [&](const DomainName& d, const std::string& path) {
    const bool ok = std::any_of(p.suffixes.begin(), p.suffixes.end(),
                                [&](const std::string& s) { return EndsWithSuffix(d.ascii(), s); });
    if (!ok) {
      c.Add(path,
            std::string(SubjectTypeName(c.app.subject.type)) +
                " websites use one of the suffixes reserved for them",
            std::string(SubjectTypeLabel(c.app.subject.type)) + "网站须使用规定的域名后缀");
    }
  });
}

void EvalDomainLabelWords(const Context& c, const DomainLabelWords& p) {
  if (std::find(p.except_subject_types.begin(), p.except_subject_types.end(), c.app.subject.type) !=
      p.except_subject_types.end()) {
    return;
  }
  ForEachDomain(c.app, [&](const DomainName& d, const std::string& path) {
    const std::string registrable = d.registrable_unicode();
    const std::string label = registrable.substr(0, registrable.find('.'));
    for (const std::string& word : p.banned) {
      if (label.find(word) != std::string::npos) {
        c.Add(path, "the domain may not contain \"" + word + "\"", "域名不能包含“" + word + "”");
      }
    }
  });
}

void EvalRegistrableOnly(const Context& c) {
  ForEachDomain(c.app, [&](const DomainName& d, const std::string& path) {
    if (d.is_registrable()) return;
    c.Add(path,
          "file the registered domain " + d.registrable_unicode() + ", not the subdomain " +
              d.unicode(),
          "请备案主域名 " + d.registrable_unicode() + "，而不是子域名 " + d.unicode());
  });
}

void EvalMaxWebsites(const Context& c, const MaxWebsites& p) {
  if (c.app.websites.size() <= static_cast<std::size_t>(p.max)) return;
  c.Add("websites", "at most " + std::to_string(p.max) + " websites in one application",
        "每次申请最多 " + std::to_string(p.max) + " 个网站");
}

void EvalMaxDomains(const Context& c, const MaxDomainsPerWebsite& p) {
  for (std::size_t i = 0; i < c.app.websites.size(); ++i) {
    if (c.app.websites[i].domains.size() <= static_cast<std::size_t>(p.max)) continue;
    c.Add(WebsitePath(i) + ".domains",
          "at most " + std::to_string(p.max) + " domain(s) per website",
          "每个网站最多 " + std::to_string(p.max) + " 个域名");
  }
}

void EvalChangeDirection(const Context& c, const ChangeDirection& p) {
  if (!c.app.original) return;
  const Subject& before = c.app.original->subject;
  const Subject& after = c.app.subject;
  const bool from_person = IsIndividual(before.type);
  const bool to_person = IsIndividual(after.type);
  const bool same_holder = before.certificate == after.certificate;
  if (same_holder && from_person == to_person) return;  // not a change of subject
  const Direction d = from_person ? (to_person ? p.personal_to_personal : p.personal_to_unit)
                                  : (to_person ? p.unit_to_personal : p.unit_to_unit);
  const std::string what =
      std::string(from_person ? "personal" : "unit") + " → " + (to_person ? "personal" : "unit");
  const std::string what_zh =
      std::string(from_person ? "个人" : "单位") + "变更为" + (to_person ? "个人" : "单位");
  switch (d) {
    case Direction::kYes:
      return;
    case Direction::kNo:
      c.Add("subject", "this province does not allow a " + what + " subject change",
            "本省不支持" + what_zh + "的主体变更");
      return;
    case Direction::kWithProof:
      if (!c.app.HasMaterial(MaterialKind::kChangeProof)) {
        c.Add("materials",
              "a " + what + " subject change needs the issuing authority's change proof",
              what_zh + "的主体变更需上传变更证明");
      }
      return;
    case Direction::kIfLegalRep: {
      // The person (before or after) must be the unit's legal representative.
      const Subject& unit = from_person ? after : before;
      const Subject& person = from_person ? before : after;
      const bool is_rep =
          unit.legal_representative && unit.legal_representative->certificate == person.certificate;
      if (!is_rep) {
        c.Add("subject",
              "a " + what +
                  " change is allowed only when the person is the unit's legal representative",
              what_zh + "仅限该个人为单位法定代表人时办理");
      }
      return;
    }
  }
}

void EvalChangeLimits(const Context& c, const ChangeLimits& p) {
  if (!c.app.original) return;
  if (!p.province_changeable && !(c.app.original->subject.province == c.app.subject.province)) {
    c.Add("province",
          "a change filing cannot move the record to another province; cancel and file there",
          "变更备案不能变更备案省份，请注销后在新省份重新备案");
  }
  if (p.add_domains) return;
  std::set<std::string> before;
  for (const Website& w : c.app.original->websites) {
    for (const DomainName& d : w.domains) before.insert(d.ascii());
  }
  ForEachDomain(c.app, [&](const DomainName& d, const std::string& path) {
    if (before.contains(d.ascii())) return;
    c.Add(path,
          "a change filing can remove domains but not add " + d.unicode() +
              "; add it with a new-website filing",
          "变更备案只能删除域名，不能新增 " + d.unicode() + "，请通过新增网站办理");
  });
}

void EvalAccessUnchanged(const Context& c, const AccessUnchanged& p) {
  if (!c.app.original) return;
  const Subject& before = c.app.original->subject;
  const Subject& after = c.app.subject;
  auto differs = [&](const std::string& path, const std::string& zh) {
    c.Add(path, path + " differs from the filed record: change it at the original provider first",
          zh + "与原备案信息不一致，请先在原接入商处变更");
  };
  if (p.subject_name && before.name != after.name) differs("subject.name", "主办单位名称");
  if (p.subject_certificate && !(before.certificate == after.certificate))
    differs("subject.certificate", "主办单位证件");
  if (p.subject_principal && (before.principal.name != after.principal.name ||
                              !(before.principal.certificate == after.principal.certificate))) {
    differs("subject.principal", "主体负责人信息");
  }
  for (std::size_t i = 0; i < c.app.websites.size(); ++i) {
    const Website& w = c.app.websites[i];
    const Website* old = nullptr;
    for (const Website& o : c.app.original->websites) {
      for (const DomainName& d : o.domains) {
        if (!w.domains.empty() && d == w.domains.front()) old = &o;
      }
    }
    if (old == nullptr) continue;
    if (p.website_name && old->name != w.name) differs(WebsitePath(i) + ".name", "网站名称");
    if (p.website_principal && (old->principal.name != w.principal.name ||
                                !(old->principal.certificate == w.principal.certificate))) {
      differs(WebsitePath(i) + ".principal", "网站负责人信息");
    }
  }
}

// Every resource or authorization code a website names must exist in the inventory and be
// eligible (FACTS §8); each refusal keeps its own rule id ("resource.pay-as-you-go").
void EvalResources(const Context& c, const ResourceEligibility& p) {
  const EligibilityPolicy policy = PolicyOf(c.rules.parameters);
  auto add = [&](const std::vector<FieldViolation>& refusals) {
    for (const FieldViolation& f : refusals) {
      c.out.push_back({f.rule, f.field, f.message, f.message_zh, c.check.source, c.check.severity});
    }
  };
  auto find_resource = [&](std::string_view id) -> const Resource* {
    for (const Resource& r : c.facts.resources) {
      if (r.id == id) return &r;
    }
    return nullptr;
  };
  if (!c.facts.inventory_known) {
    c.out.push_back({"resource.not-checked", "websites",
                     "the cloud resources were not checked: the provider's inventory was not given",
                     "未提供接入资源清单，未核验接入资源", c.check.source, Severity::kWarning});
    return;
  }
  std::vector<CodeUse> uses;
  for (std::size_t i = 0; i < c.app.websites.size(); ++i) {
    const Website& w = c.app.websites[i];
    if (w.resources.empty() && p.require_resource) {
      add({{WebsitePath(i) + ".resources", "resource.missing",
            "the website names no cloud resource or authorization code to be filed on",
            "网站未选择接入资源（云服务器或备案授权码）"}});
    }
    for (std::size_t j = 0; j < w.resources.size(); ++j) {
      const std::string field = WebsitePath(i) + ".resources[" + std::to_string(j) + "]";
      if (const Resource* r = find_resource(w.resources[j])) {
        add(ResourceRefusals(*r, policy, c.now, field));
        continue;
      }
      const AuthorizationCode* code = nullptr;
      for (const AuthorizationCode& a : c.facts.authorization_codes) {
        if (a.code == w.resources[j]) code = &a;
      }
      const Resource* server = code != nullptr ? find_resource(code->server_id) : nullptr;
      if (code == nullptr || server == nullptr) {
        add({{field, "resource.unknown",
              "no resource or authorization code \"" + w.resources[j] + "\" in the inventory",
              "找不到接入资源或备案授权码“" + w.resources[j] + "”"}});
        continue;
      }
      std::vector<AuthorizationCode> server_codes;
      for (const AuthorizationCode& a : c.facts.authorization_codes) {
        if (a.server_id == server->id) server_codes.push_back(a);
      }
      const auto owner = c.facts.account_verifications.find(server->account);
      add(CodeUseRefusals(
          *code, *server,
          owner == c.facts.account_verifications.end() ? AccountVerification::kNone : owner->second,
          server_codes, policy, c.now, field));
      uses.push_back({code->code, i, w.domains.size(), field});
    }
  }
  add(CodeSharingRefusals(uses));
}

// A reviewer's check is a warning at each field it concerns: "websites[*].x" once per website.
void EvalReviewerCheck(const Context& c, const ReviewerCheck& p) {
  constexpr std::string_view kEach = "websites[*]";
  for (const std::string& field : p.fields) {
    if (!field.starts_with(kEach) || c.app.websites.empty()) {
      c.Add(field.starts_with(kEach) ? "websites" : field, p.check, p.check_zh, Severity::kWarning);
      continue;
    }
    for (std::size_t i = 0; i < c.app.websites.size(); ++i) {
      c.Add(WebsitePath(i) + field.substr(kEach.size()), p.check, p.check_zh, Severity::kWarning);
    }
  }
}

void EvalOne(const Context& c) {
  std::visit(
      [&](const auto& p) {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, MaterialRequired>) EvalMaterial(c, p);
        if constexpr (std::is_same_v<T, SubjectLeaderLegalRep>) EvalSubjectLeaderLegalRep(c, p);
        if constexpr (std::is_same_v<T, WebsiteLeaderAuthorization>)
          EvalWebsiteLeaderAuthorization(c, p);
        if constexpr (std::is_same_v<T, PrincipalMinAge>) EvalMinAge(c, p);
        if constexpr (std::is_same_v<T, CertificateProvince>) EvalCertificateProvince(c, p);
        if constexpr (std::is_same_v<T, CertificateTypes>) EvalCertificateTypes(c, p);
        if constexpr (std::is_same_v<T, CertificateMatchesSubjectType>) EvalCertificateMatches(c);
        if constexpr (std::is_same_v<T, UnitCertificateProvince>) EvalUnitCertificateProvince(c);
        if constexpr (std::is_same_v<T, CertificateValidity>) EvalCertificateValidity(c, p);
        if constexpr (std::is_same_v<T, PersonalSinglePerson>) EvalSinglePerson(c);
        if constexpr (std::is_same_v<T, FieldRequired>) EvalFieldRequired(c, p);
        if constexpr (std::is_same_v<T, DistinctContacts>) EvalDistinctContacts(c, p);
        if constexpr (std::is_same_v<T, SiteName>) EvalSiteName(c, p);
        if constexpr (std::is_same_v<T, DomainSuffix>) EvalDomainSuffix(c, p);
        if constexpr (std::is_same_v<T, DomainSuffixForSubjectType>) EvalDomainSuffixForType(c, p);
        if constexpr (std::is_same_v<T, DomainLabelWords>) EvalDomainLabelWords(c, p);
        if constexpr (std::is_same_v<T, RegistrableDomainOnly>) EvalRegistrableOnly(c);
        if constexpr (std::is_same_v<T, MaxWebsites>) EvalMaxWebsites(c, p);
        if constexpr (std::is_same_v<T, MaxDomainsPerWebsite>) EvalMaxDomains(c, p);
        if constexpr (std::is_same_v<T, ChangeDirection>) EvalChangeDirection(c, p);
        if constexpr (std::is_same_v<T, ChangeLimits>) EvalChangeLimits(c, p);
        if constexpr (std::is_same_v<T, AccessUnchanged>) EvalAccessUnchanged(c, p);
        if constexpr (std::is_same_v<T, ResourceEligibility>) EvalResources(c, p);
        if constexpr (std::is_same_v<T, ReviewerCheck>) EvalReviewerCheck(c, p);
      },
      c.check.params);
}

}  // namespace

std::vector<Violation> Evaluate(const Application& application, ApplicationType type,
                                const ProvinceRules& rules, const EvaluationFacts& facts,
                                std::chrono::sys_seconds now) {
  std::vector<Violation> out;
  const Date today = ChinaDate(now);
  for (const Check& check : rules.checks) {
    if (!Applies(check, application.subject.type, type, today)) continue;
    EvalOne(Context{application, type, facts, rules, now, today, check, out});
  }
  return out;
}

EligibilityPolicy PolicyOf(const RuleParameters& parameters) {
  EligibilityPolicy policy;
  policy.min_purchased = Term{parameters.resource_min_prepaid_months, TermUnit::kMonths};
  policy.min_remaining = Term{parameters.resource_min_remaining_months, TermUnit::kMonths};
  policy.min_purchased_for_codes = Term{parameters.resource_min_prepaid_months, TermUnit::kMonths};
  policy.max_codes_per_server = parameters.authorization_codes_per_server;
  return policy;
}

std::vector<MaterialRequirement> MaterialsChecklist(const Application& application,
                                                    ApplicationType type,
                                                    const ProvinceRules& rules,
                                                    const EvaluationFacts& facts, Date today) {
  std::vector<MaterialRequirement> out;
  for (const Check& check : rules.checks) {
    const auto* m = std::get_if<MaterialRequired>(&check.params);
    if (m == nullptr || !Applies(check, application.subject.type, type, today)) continue;
    for (const Owned& o : Owners(*m, application, facts)) {
      if (!o.needed) continue;
      out.push_back({m->material, o.owner, "", check.id, check.source, check.severity,
                     application.HasMaterial(m->material, o.owner)});
    }
  }
  return out;
}

std::vector<MaterialRequirement> MaterialsFor(const ProvinceRules& rules, SubjectType subject,
                                              ApplicationType type, Date today) {
  std::vector<MaterialRequirement> out;
  for (const Check& check : rules.checks) {
    if (!Applies(check, subject, type, today)) continue;
    if (const auto* m = std::get_if<MaterialRequired>(&check.params)) {
      const std::string owner = m->owner == MaterialOwner::kSubject            ? "subject"
                                : m->owner == MaterialOwner::kSubjectPrincipal ? "subject.principal"
                                : m->owner == MaterialOwner::kEachWebsite      ? "websites[*]"
                                                                          : "websites[*].principal";
      out.push_back(
          {m->material, owner, ConditionText(*m), check.id, check.source, check.severity, false});
    }
    // Materials other kinds ask for when a condition holds.
    auto conditional = [&](MaterialKind kind, std::string owner, std::string condition) {
      out.push_back({kind, std::move(owner), std::move(condition), check.id, check.source,
                     check.severity, false});
    };
    if (const auto* p = std::get_if<SubjectLeaderLegalRep>(&check.params);
        p && p->alternative && !IsIndividual(subject)) {
      conditional(*p->alternative, "subject", "主体负责人不是法定代表人时");
    }
    if (const auto* p = std::get_if<WebsiteLeaderAuthorization>(&check.params);
        p && !IsIndividual(subject)) {
      conditional(p->material, "websites[*].principal", "网站负责人不是法定代表人时");
    }
    if (const auto* p = std::get_if<CertificateProvince>(&check.params);
        p && p->alternative && IsIndividual(subject)) {
      conditional(*p->alternative, "subject.principal", "证件非本省签发时");
    }
    if (const auto* p = std::get_if<PrincipalMinAge>(&check.params); p && p->alternative) {
      conditional(*p->alternative, "subject.principal",
                  "负责人未满 " + std::to_string(p->min_age) + " 周岁时");
    }
  }
  return out;
}

}  // namespace icp
