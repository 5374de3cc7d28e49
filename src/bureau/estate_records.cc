#include "bureau/estate_records.h"

#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"

namespace icp::bureau {
namespace {

std::string DottedIpv4(std::int64_t ip) {
  return fmt::format("{}.{}.{}.{}", (ip >> 24) & 255, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

// The first of a ';'-separated list (mobiles, e-mails, phones), trimmed.
std::string FirstOf(const std::optional<std::string>& list, std::size_t index = 0) {
  if (!list) return "";
  std::vector<std::string_view> parts = Split(*list, ';');
  return index < parts.size() ? std::string(TrimAsciiSpaces(parts[index])) : "";
}

// Reads a filed record, collecting every problem at its wire path.
class Reader {
 public:
  Reader(const miit::CodeTables& tables, Date today) : tables_(tables), today_(today) {}

  void Fail(std::string path, std::string rule, std::string message) {
    problems_.push_back({std::move(path), std::move(rule), std::move(message), ""});
  }

  // The key of wire id `id` in `table`, or "" with a problem.
  std::string Key(const std::string& path, std::string_view table, std::int64_t id) {
    const miit::CodeTables::Row* row = tables_.FindId(table, id);
    if (row == nullptr) {
      Fail(path, "bureau.estate.code", fmt::format("no row {} in the {} table", id, table));
      return "";
    }
    return row->key;
  }

  template <class T>
  std::optional<T> Take(const std::string& path, Result<T> r) {
    if (!r) {
      Fail(path, "bureau.estate.value", r.error().message);
      return std::nullopt;
    }
    return std::move(*r);
  }

  std::optional<FilingNumber> Number(const std::string& path,
                                     const std::optional<std::string>& text) {
    if (!text) {
      Fail(path, "bureau.estate.number", "the record carries no filing number");
      return std::nullopt;
    }
    return Take(path, FilingNumber::Parse(*text));
  }

  std::optional<Certificate> CertificateOf(const std::string& path, std::string_view type_key,
                                           const std::string& number) {
    std::optional<CertificateType> type = CertificateTypeFromName(type_key);
    if (!type) {
      Fail(path, "bureau.estate.code", "not a certificate type: " + std::string(type_key));
      return std::nullopt;
    }
    return Take(path, Certificate::Parse(*type, number, today_));
  }

  std::optional<Principal> Leader(const std::string& path, const miit::Leader& l) {
    std::optional<Certificate> certificate;
    if (!l.certificate_type || !l.certificate_number) {
      Fail(path + "/Fzr_zjlx", "bureau.estate.leader-certificate",
           "the leader's certificate is not in the record");
    } else {
      std::string key = Key(path + "/Fzr_zjlx", "leader_certificate", *l.certificate_type);
      if (key.starts_with("person/")) key = key.substr(7);
      if (!key.empty()) certificate = CertificateOf(path + "/Fzr_zjhm", key, *l.certificate_number);
    }
    std::optional<MobileNumber> mobile =
        Take(path + "/Fzr_sjhm", MobileNumber::Parse(FirstOf(l.mobiles)));
    std::optional<Email> email = Take(path + "/Fzr_dzyj", Email::Parse(FirstOf(l.emails)));
    if (!certificate || !mobile || !email) return std::nullopt;
    std::string phone2 = FirstOf(l.office_phones);
    if (phone2.empty()) phone2 = FirstOf(l.mobiles, 1);
    return Principal{l.name.value_or(""), std::move(*certificate),
                     std::nullopt,        std::move(*mobile),
                     std::move(phone2),   std::nullopt,
                     std::move(*email),   false};
  }

  std::optional<Subject> SubjectOf(const miit::SubjectBlock& s) {
    std::string key = Key("Zt_xx/Zj/Zjlx", "certificate", s.certificate.type);
    std::optional<SubjectType> type;
    std::optional<Certificate> certificate;
    if (const std::size_t slash = key.find('/'); slash != std::string::npos) {
      type = SubjectTypeFromName(key.substr(0, slash));
      certificate = CertificateOf("Zt_xx/Zj/Zjhm", key.substr(slash + 1), s.certificate.number);
    }
    std::optional<Province> province;
    if (!s.address.province) {
      Fail("Zt_xx/Txdz/Shengid", "bureau.estate.value", "the record has no province");
    } else {
      province = Take("Zt_xx/Txdz/Shengid",
                      Province::FromCode(std::to_string(*s.address.province / 10000)));
    }
    std::optional<Principal> leader = Leader("Zt_xx/Fzr", s.leader);
    if (!type || !certificate || !province || !leader) return std::nullopt;
    std::string region;
    if (s.address.county) {
      region = std::to_string(*s.address.county);
    } else if (s.address.city) {
      region = std::to_string(*s.address.city);
    }
    return Subject{*type,
                   std::move(*certificate),
                   s.name,
                   *province,
                   std::move(region),
                   s.certificate.address.value_or(""),
                   s.address.detail.value_or(""),
                   s.investor.value_or(""),
                   std::nullopt,
                   std::move(*leader),
                   s.remark.value_or("")};
  }

  std::optional<Website> WebsiteOf(const std::string& path, const miit::WebsiteBlock& w) {
    std::vector<DomainName> domains;
    for (std::size_t i = 0; i < w.domains.size(); ++i) {
      if (std::optional<DomainName> d =
              Take(fmt::format("{}/Ym_xx[{}]/Ym", path, i), DomainName::Parse(w.domains[i].name))) {
        domains.push_back(std::move(*d));
      }
    }
    std::vector<std::string> services;
    for (std::int64_t id : w.service_content) {
      services.push_back(Key(path + "/Fwnr/Fwnr_id", "service_content", id));
    }
    std::vector<std::string> languages;
    for (std::int64_t id : w.languages)
      languages.push_back(Key(path + "/Yylb/Yylb_id", "language", id));
    std::vector<PreApproval> approvals;
    for (const miit::PreApprovalBlock& p : w.pre_approvals) {
      approvals.push_back({Key(path + "/Nrlx/Nrlx_xx/Nrlx_id", "pre_approval", p.type), p.number});
    }
    std::optional<Principal> leader = Leader(path + "/Wz_Fzr", w.leader);
    if (!leader || domains.size() != w.domains.size()) return std::nullopt;
    return Website{w.name,
                   std::move(domains),
                   w.home_url.value_or(""),
                   std::move(services),
                   std::move(languages),
                   std::move(approvals),
                   std::move(*leader),
                   w.remark.value_or(""),
                   {}};
  }

  const std::vector<FieldViolation>& problems() const { return problems_; }

 private:
  const miit::CodeTables& tables_;
  Date today_;
  std::vector<FieldViolation> problems_;
};

// Whether this provider serves `w`: an access names it (Ispid), or no access names anyone.
bool ServedBy(const miit::WebsiteBlock& w, std::int64_t isp_id) {
  bool named = false;
  for (const miit::AccessBlock& a : w.accesses) {
    if (!a.provider) continue;
    named = true;
    if (*a.provider == isp_id) return true;
  }
  return !named;
}

}  // namespace

BureauIds BureauIdsOf(const miit::FiledRecord& r, std::int64_t isp_id) {
  BureauIds ids;
  ids.subject_id = r.subject.bureau_id;
  ids.subject_number = r.subject.number.value_or("");
  for (const miit::WebsiteBlock& w : r.websites) {
    BureauIds::Website site;
    site.id = w.bureau_id.value_or(0);
    site.number = w.number.value_or("");
    for (const miit::DomainBlock& d : w.domains) {
      if (d.bureau_id) site.domain_ids.emplace_back(d.name, *d.bureau_id);
    }
    for (const miit::AccessBlock& a : w.accesses) {
      // Only this provider's access is ours to name (Ispid says whose it is).
      if (!a.bureau_id || (a.provider && *a.provider != isp_id)) continue;
      BureauIds::Access access{*a.bureau_id, isp_id, {}};
      for (const miit::IpBlock& ip : a.ips) {
        if (ip.bureau_id) access.ip_ids.emplace_back(DottedIpv4(ip.first), *ip.bureau_id);
      }
      site.our_access = std::move(access);
    }
    ids.websites.push_back(std::move(site));
  }
  return ids;
}

Result<EstateRecord> EstateRecordOf(const miit::FiledRecord& record, std::int64_t isp_id,
                                    Date today, const miit::CodeTables& tables) {
  Reader reader(tables, today);
  std::optional<FilingNumber> number = reader.Number("Zt_xx/Baxh", record.subject.number);
  if (number && number->service_index() != 0) {
    reader.Fail("Zt_xx/Baxh", "bureau.estate.number", "not a subject's number: " + number->str());
  }
  std::optional<Subject> subject = reader.SubjectOf(record.subject);
  std::vector<EstateWebsite> websites;
  for (std::size_t i = 0; i < record.websites.size(); ++i) {
    const miit::WebsiteBlock& w = record.websites[i];
    if (!ServedBy(w, isp_id)) continue;
    const std::string path = fmt::format("Wz_xx[{}]", i);
    std::optional<FilingNumber> site_number = reader.Number(path + "/Baxh", w.number);
    if (site_number && number && site_number->subject_number() != number->str()) {
      reader.Fail(path + "/Baxh", "bureau.estate.number",
                  "the website's number is not under its subject's: " + site_number->str());
    }
    std::optional<Website> website = reader.WebsiteOf(path, w);
    if (site_number && website) websites.push_back({std::move(*site_number), std::move(*website)});
  }
  if (!reader.problems().empty()) return InvalidFields(reader.problems());
  return EstateRecord{std::move(*number), std::move(*subject), std::move(websites),
                      BureauIdsOf(record, isp_id)};
}

}  // namespace icp::bureau
