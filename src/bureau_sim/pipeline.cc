#include "bureau_sim/pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <set>
#include <utility>

#include "miit/code_tables.h"
#include "miit/digest.h"
#include "miit/result_code.h"

namespace icp::bureau_sim {
namespace {

using miit::ResultCode;

// FACTS.md §7.8: the provinces' number prefixes by GB/T 2260 code.
constexpr std::array<std::pair<std::int64_t, std::string_view>, 31> kPrefixes = {{
    {110000, "京"}, {120000, "津"}, {130000, "冀"}, {140000, "晋"}, {150000, "蒙"}, {210000, "辽"},
    {220000, "吉"}, {230000, "黑"}, {310000, "沪"}, {320000, "苏"}, {330000, "浙"}, {340000, "皖"},
    {350000, "闽"}, {360000, "赣"}, {370000, "鲁"}, {410000, "豫"}, {420000, "鄂"}, {430000, "湘"},
    {440000, "粤"}, {450000, "桂"}, {460000, "琼"}, {500000, "渝"}, {510000, "蜀"}, {520000, "黔"},
    {530000, "滇"}, {540000, "藏"}, {610000, "陕"}, {620000, "陇"}, {630000, "青"}, {640000, "宁"},
    {650000, "新"},
}};

// `text` cut to at most `bytes` bytes without splitting a UTF-8 character.
std::string Cut(std::string text, std::size_t bytes) {
  if (text.size() <= bytes) return text;
  std::size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

std::string Label(ResultCode code) { return std::string(miit::kResultCodes.Label(code)); }

Reason Because(ResultCode code, std::string detail = {}, std::optional<std::string> path = {}) {
  std::string text = Label(code);
  if (!detail.empty()) text += "，" + detail;
  return {miit::ResultCodeNumber(code), std::move(path), Cut(std::move(text), 255)};
}

std::string Date(std::int64_t seconds) {
  const std::chrono::sys_days day = std::chrono::floor<std::chrono::days>(
      std::chrono::sys_seconds{std::chrono::seconds{seconds + 8 * 3600}});
  const std::chrono::year_month_day ymd{day};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string FirstOf(const std::optional<std::string>& list) {
  if (!list) return {};
  const std::size_t end = list->find(';');
  return list->substr(0, end);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// ---- the data rules of one record ----

class Checker {
 public:
  Checker(Registry& registry, PasswordHasher& hasher, Protocol protocol, const Filing& filing)
      : r_(registry), hasher_(hasher), strict_(protocol == Protocol::kStrict), filing_(filing) {}

  std::vector<Reason> reasons;
  std::optional<Error> failure;  // the store failed: the check is not finished

  bool Failed() const { return failure.has_value(); }

  template <typename T>
  std::optional<T> Take(Result<T> r) {
    if (!r) {
      if (!failure) failure = r.error();
      return std::nullopt;
    }
    return std::move(*r);
  }

  void Add(Reason reason) { reasons.push_back(std::move(reason)); }

  // A code-table id: unknown -> `invalid`; a beian-ext row in strict mode -> 5001.
  void Code(std::string_view table, std::int64_t id, ResultCode invalid, const std::string& path) {
    const miit::CodeTables::Row* row = miit::CodeTables::Builtin().FindId(table, id);
    if (row == nullptr) {
      Add(Because(invalid, fmt::format("错误数据：{}", id), path));
    } else if (strict_ && row->origin == miit::CodeTables::Origin::kBeianExt) {
      Add(Because(ResultCode::kSchemaViolation,
                  fmt::format("{} {}（{}）不是V3.0的代码", table, id, row->label), path));
    }
  }

  void Leader(const miit::Leader& leader, const std::string& path) {
    if (leader.mobiles) {
      for (std::string_view m : Split(*leader.mobiles)) {
        if (m.size() != 11 || m[0] != '1' ||
            !std::all_of(m.begin(), m.end(), [](unsigned char c) { return std::isdigit(c); })) {
          Add(Because(ResultCode::kInvalidMobile, fmt::format("错误数据：{}", m),
                      path + ".mobile"));
        }
      }
    }
    if (leader.emails) {
      for (std::string_view e : Split(*leader.emails)) {
        const std::size_t at = e.find('@');
        if (at == 0 || at == std::string_view::npos || e.find('.', at) == std::string_view::npos) {
          Add(Because(ResultCode::kInvalidEmail, fmt::format("错误数据：{}", e), path + ".email"));
        }
      }
    }
  }

  void Region(const miit::Address& a) {
    const bool province_ok = a.province && !ProvincePrefix(*a.province).empty();
    const bool city_ok = !a.city || (a.province && *a.city / 10000 == *a.province / 10000);
    const bool county_ok = !a.county || (a.city && *a.county / 100 == *a.city / 100);
    if (!province_ok || !city_ok || !county_ok) {
      Add(Because(ResultCode::kWrongRegionCode,
                  fmt::format("错误数据：{}/{}/{}", a.province.value_or(0), a.city.value_or(0),
                              a.county.value_or(0)),
                  "subject.region_code"));
    }
  }

  void SubjectData(const miit::SubjectBlock& s) {
    if (!s.leader.name || s.leader.name->empty()) {
      Add(Because(ResultCode::kSubjectLeaderNameMissing, fmt::format("主办单位：{}", s.name),
                  "subject.principal.name"));
    }
    if (s.nature) Code("subject_nature", *s.nature, ResultCode::kInvalidUnitNature, "subject.type");
    Region(s.address);
    Leader(s.leader, "subject.principal");
  }

  void WebsiteData(const miit::WebsiteBlock& w, const std::string& path) {
    if (w.home_url && !w.home_url->empty()) {
      const bool names_a_domain = std::any_of(w.domains.begin(), w.domains.end(), [&](auto& d) {
        return !d.name.empty() && Lower(*w.home_url).find(Lower(d.name)) != std::string::npos;
      });
      if (!names_a_domain) {
        Add(Because(ResultCode::kHomePageWithoutDomain,
                    fmt::format("网站名称：{}，错误数据：{}", w.name, *w.home_url),
                    path + ".home_url"));
      }
    }
    for (std::size_t i = 0; i < w.domains.size(); ++i) {
      if (!ValidDomain(w.domains[i].name)) {
        Add(Because(ResultCode::kInvalidDomain,
                    fmt::format("网站名称：{}，错误数据：{}", w.name, w.domains[i].name),
                    fmt::format("{}.domains[{}]", path, i)));
      }
    }
    for (std::int64_t id : w.service_content) {
      Code("service_content", id, ResultCode::kInvalidServiceContent, path + ".service_content");
    }
    for (std::int64_t id : w.languages) {
      Code("language", id, ResultCode::kBadLanguage, path + ".languages");
    }
    for (const miit::PreApprovalBlock& p : w.pre_approvals) {
      Code("pre_approval", p.type, ResultCode::kInvalidPreApprovalType, path + ".pre_approvals");
    }
    for (std::size_t i = 0; i < w.accesses.size(); ++i) {
      Access(w.accesses[i], fmt::format("{}.resources[{}]", path, i));
    }
    Leader(w.leader, path + ".principal");
  }

  void Access(const miit::AccessBlock& a, const std::string& path) {
    for (std::size_t i = 0; i < a.ips.size(); ++i) {
      if (a.ips[i].first > a.ips[i].last) {
        Add(Because(ResultCode::kInvalidIp,
                    fmt::format("错误数据：{}-{}", a.ips[i].first, a.ips[i].last),
                    fmt::format("{}.public_ip[{}]", path, i)));
        continue;
      }
      // An address is one provider's: another provider's live access reports it (1024).
      const Result<std::vector<std::int64_t>> holders =
          r_.ProvidersOfAddresses(a.ips[i].first, a.ips[i].last);
      if (!holders) {
        if (!failure) failure = holders.error();
        continue;
      }
      if (std::any_of(holders->begin(), holders->end(),
                      [&](std::int64_t isp) { return isp != filing_.isp_id; })) {
        Add(Because(
            ResultCode::kIpConflict,
            fmt::format("IP地址已由其他接入商报备，错误数据：{}-{}", a.ips[i].first, a.ips[i].last),
            fmt::format("{}.public_ip[{}]", path, i)));
      }
    }
    for (std::int64_t id : a.locations) {
      Code("server_location", id, ResultCode::kInvalidServerLocation, path + ".region");
    }
    for (std::int64_t id : a.methods) {
      Code(strict_ ? "resource_access_strict" : "access_method", id,
           ResultCode::kInvalidAccessMethod, path + ".kind");
    }
  }

  // A home page (1021) a live website of another subject than `ztid` has (for a first filing,
  // `ztid` is the subject filed with its certificate, if any). Website names are not unique
  // (1020 is not produced: real names repeat across subjects).
  void NameAndHome(const miit::WebsiteBlock& w, std::optional<std::int64_t> ztid,
                   const std::string& path) {
    auto others = [&](const Result<std::vector<std::int64_t>>& holders) {
      if (!holders) {
        if (!failure) failure = holders.error();
        return false;
      }
      return std::any_of(holders->begin(), holders->end(),
                         [&](std::int64_t h) { return h != ztid; });
    };
    if (w.home_url && !w.home_url->empty() && others(r_.SubjectsWithHomePage(*w.home_url))) {
      Add(Because(ResultCode::kHomePageConflict,
                  fmt::format("网站首页已由其他主体备案，错误数据：{}", *w.home_url),
                  path + ".home_url"));
    }
  }

  // The registry's view of a website's domains: blacklisted, filed by another subject (1005),
  // or filed already under this subject (1039; `self` is the website being changed).
  void Domains(const miit::WebsiteBlock& w, std::optional<std::int64_t> ztid,
               std::optional<std::int64_t> self, const std::string& path) {
    for (std::size_t i = 0; i < w.domains.size(); ++i) {
      const std::string name = Lower(w.domains[i].name);
      const std::string at = fmt::format("{}.domains[{}]", path, i);
      // The same domain twice in one record (on one website or two).
      if (!seen_domains_.insert(name).second) {
        Add(Because(ResultCode::kDomainAlreadyReported,
                    fmt::format("同一申请中域名重复，错误数据：{}", name), at));
        continue;
      }
      std::optional<bool> listed = Take(r_.DomainBlacklisted(name));
      if (listed && *listed) {
        Add(Because(ResultCode::kDomainBlacklisted, fmt::format("错误数据：{}", name), at));
      }
      std::optional<std::optional<DomainOwner>> owner = Take(r_.OwnerOfDomain(name));
      if (!owner || !owner->has_value()) continue;
      if (self && (*owner)->wzid == *self) continue;
      if (ztid && (*owner)->ztid == *ztid) {
        Add(Because(ResultCode::kDomainAlreadyReported,
                    fmt::format("网站名称：{}，错误数据：{}", w.name, name), at));
      } else {
        Add(Because(ResultCode::kDomainConflict,
                    fmt::format("域名已由其他主体备案，网站名称：{}，错误数据：{}", w.name, name),
                    at));
      }
    }
  }

  // ICPmm against the subject's filing password.
  void Password(std::int64_t ztid, const std::optional<std::string>& icpmm, bool required) {
    if (!icpmm || icpmm->empty()) {
      if (required) Add(Because(ResultCode::kWrongIcpPassword, "缺少ICP备案密码", "icp_password"));
      return;
    }
    std::optional<std::optional<std::string>> hash = Take(r_.PasswordHash(ztid));
    if (!hash) return;
    if (!hash->has_value() || !hasher_.Verify(**hash, Lower(*icpmm))) {
      Add(Because(ResultCode::kWrongIcpPassword, {}, "icp_password"));
    }
  }

  void Pending(miit::Operation operation, std::string_view key, ResultCode code) {
    std::optional<std::int64_t> open =
        Take(r_.OpenFilingsAbout(static_cast<std::int64_t>(operation), key, filing_.id));
    if (open && *open > 0) Add(Because(code));
  }

  bool Serves(std::int64_t wzid) {
    std::optional<std::optional<AccessRef>> access = Take(r_.LiveAccessOf(wzid, filing_.isp_id));
    return access && access->has_value();
  }

  bool ServesAnyOf(std::int64_t ztid) {
    std::optional<std::vector<Website>> websites = Take(r_.WebsitesOf(ztid, true));
    if (!websites) return false;
    return std::any_of(websites->begin(), websites->end(),
                       [&](const Website& w) { return Serves(*w.block.bureau_id); });
  }

  std::optional<Subject> LiveSubject(std::optional<std::int64_t> id,
                                     const std::optional<std::string>& number) {
    std::optional<std::optional<Subject>> s =
        id ? Take(r_.SubjectById(*id)) : Take(r_.SubjectByNumber(number.value_or("")));
    if (!s) return std::nullopt;
    if (!s->has_value()) {
      Add(Because(ResultCode::kSubjectNotFound,
                  fmt::format("错误数据：{}", id ? std::to_string(*id) : number.value_or(""))));
      return std::nullopt;
    }
    if ((*s)->cancelled) {
      Add(Because(ResultCode::kSubjectAlreadyCancelled,
                  fmt::format("备案号：{}", *(*s)->block.number)));
      return std::nullopt;
    }
    return **s;
  }

  std::optional<Website> LiveWebsite(std::optional<std::int64_t> id,
                                     const std::optional<std::string>& number) {
    std::optional<std::optional<Website>> w =
        id ? Take(r_.WebsiteById(*id)) : Take(r_.WebsiteByNumber(number.value_or("")));
    if (!w) return std::nullopt;
    if (!w->has_value()) {
      Add(Because(ResultCode::kWebsiteNotFound,
                  fmt::format("错误数据：{}", id ? std::to_string(*id) : number.value_or(""))));
      return std::nullopt;
    }
    if ((*w)->cancelled) {
      Add(Because(ResultCode::kWebsiteAlreadyCancelled,
                  fmt::format("备案号：{}", *(*w)->block.number)));
      return std::nullopt;
    }
    return **w;
  }

  void FirstFiling(const miit::FirstFiling& f) {
    SubjectData(f.subject);
    const miit::CertificateBlock& c = f.subject.certificate;
    std::optional<bool> listed = Take(r_.SubjectBlacklisted(c.type, c.number));
    if (listed && *listed) {
      Add(Because(ResultCode::kSubjectBlacklisted, fmt::format("主办单位：{}", f.subject.name),
                  "subject.certificate"));
    }
    std::optional<std::optional<Subject>> filed = Take(r_.SubjectByCertificate(c.type, c.number));
    if (filed && filed->has_value()) {
      Add(Because(
          ResultCode::kSponsorConflict,
          fmt::format("主办单位已备案（{}），请办理新增网站或接入备案", *(*filed)->block.number),
          "subject.certificate"));
    }
    for (std::size_t i = 0; i < f.websites.size(); ++i) {
      const std::string path = fmt::format("websites[{}]", i);
      WebsiteData(f.websites[i], path);
      NameAndHome(f.websites[i],
                  filed && filed->has_value() ? (*filed)->block.bureau_id : std::nullopt, path);
      Domains(f.websites[i], std::nullopt, std::nullopt, path);
    }
  }

  void NewWebsites(const miit::NewWebsites& n) {
    std::optional<Subject> subject = LiveSubject(n.subject_id, n.subject_number);
    if (subject) {
      const std::int64_t ztid = *subject->block.bureau_id;
      // The password is asked when the subject was filed through another provider (新增网站
      // 其他接入商), and checked whenever it is given.
      Password(ztid, n.icp_password, subject->filed_via != filing_.isp_id && !ServesAnyOf(ztid));
      Pending(miit::Operation::kCancelSubject, std::to_string(ztid),
              ResultCode::kSubjectBeingCancelled);
    }
    for (std::size_t i = 0; i < n.websites.size(); ++i) {
      const std::string path = fmt::format("websites[{}]", i);
      WebsiteData(n.websites[i], path);
      NameAndHome(n.websites[i], subject ? subject->block.bureau_id : std::nullopt, path);
      Domains(n.websites[i], subject ? subject->block.bureau_id : std::nullopt, std::nullopt, path);
    }
  }

  void NewAccess(const miit::NewAccess& a) {
    Access(a.access, "websites[0].resources[0]");
    std::optional<Website> website = LiveWebsite(a.website_id, a.website_number);
    if (!website) return;
    std::optional<Subject> subject = LiveSubject(website->ztid, std::nullopt);
    if (!subject) return;
    Password(website->ztid, a.icp_password, true);
    const std::int64_t wzid = *website->block.bureau_id;
    if (Serves(wzid)) {
      Add(Because(ResultCode::kIdenticalAccess, fmt::format("备案号：{}", *website->block.number)));
    }
    Pending(miit::Operation::kCancelWebsite, std::to_string(wzid),
            ResultCode::kWebsiteBeingCancelled);
  }

  void Change(const miit::Change& c) {
    SubjectData(c.subject);
    std::optional<Subject> subject = LiveSubject(c.subject.bureau_id, c.subject.number);
    if (!subject) return;
    const std::int64_t ztid = *subject->block.bureau_id;
    if (c.subject.number && *c.subject.number != *subject->block.number) {
      Add(Because(ResultCode::kNotInRegistry, fmt::format("错误数据：{}", *c.subject.number),
                  "subject.number"));
    }
    if (c.subject.address.province && *c.subject.address.province != subject->province) {
      Add(Because(ResultCode::kSubjectProvinceChange,
                  fmt::format("错误数据：{}", *c.subject.address.province), "subject.region_code"));
    }
    if (!ServesAnyOf(ztid)) Add(Because(ResultCode::kNotYourAccess));
    const miit::CertificateBlock& cert = c.subject.certificate;
    std::optional<std::optional<Subject>> holder =
        Take(r_.SubjectByCertificate(cert.type, cert.number));
    if (holder && holder->has_value() && *(*holder)->block.bureau_id != ztid) {
      Add(Because(ResultCode::kSponsorConflict,
                  fmt::format("证件已备案：{}", *(*holder)->block.number), "subject.certificate"));
    }
    if (c.icp_password) Password(ztid, c.icp_password, false);
    Pending(miit::Operation::kCancelSubject, std::to_string(ztid),
            ResultCode::kSubjectBeingCancelled);
    for (std::size_t i = 0; i < c.websites.size(); ++i) {
      const miit::WebsiteBlock& w = c.websites[i];
      const std::string path = fmt::format("websites[{}]", i);
      WebsiteData(w, path);
      std::optional<Website> filed = LiveWebsite(w.bureau_id, w.number);
      if (!filed) continue;
      if (filed->ztid != ztid) {
        Add(Because(ResultCode::kWebsiteNotFound,
                    fmt::format("网站不属于该主体：{}", *filed->block.number), path));
        continue;
      }
      NameAndHome(w, ztid, path);
      Domains(w, ztid, filed->block.bureau_id, path);
      for (const miit::AccessBlock& a : w.accesses) {
        const bool ours =
            std::any_of(filed->block.accesses.begin(), filed->block.accesses.end(),
                        [&](const miit::AccessBlock& f) {
                          return f.bureau_id == a.bureau_id && f.provider == filing_.isp_id;
                        });
        if (!ours) {
          Add(Because(ResultCode::kOwnAccessOnly,
                      fmt::format("错误数据：{}", a.bureau_id.value_or(0)), path + ".resources"));
        }
      }
    }
  }

  void Cancel(const miit::Cancellation& c) {
    const std::string key = std::to_string(c.record_id);
    switch (c.kind) {
      case miit::CancelKind::kSubject: {
        std::optional<Subject> subject = LiveSubject(c.record_id, std::nullopt);
        if (!subject) return;
        Password(c.record_id, c.icp_password, true);
        if (!ServesAnyOf(c.record_id)) Add(Because(ResultCode::kNotYourAccess));
        Pending(miit::Operation::kCancelSubject, key, ResultCode::kSubjectCancellationPending);
        return;
      }
      case miit::CancelKind::kWebsite: {
        std::optional<Website> website = LiveWebsite(c.record_id, std::nullopt);
        if (!website) return;
        if (c.icp_password) Password(website->ztid, c.icp_password, false);
        if (!Serves(c.record_id)) Add(Because(ResultCode::kNotYourAccess));
        Pending(miit::Operation::kCancelWebsite, key, ResultCode::kWebsiteCancellationPending);
        return;
      }
      case miit::CancelKind::kAccess: {
        std::optional<std::optional<AccessRef>> access = Take(r_.AccessById(c.record_id));
        if (!access) return;
        if (!access->has_value() || !(*access)->live) {
          Add(Because(ResultCode::kNotInRegistry, fmt::format("错误数据：{}", c.record_id)));
          return;
        }
        if ((*access)->isp_id != filing_.isp_id) {
          Add(Because(ResultCode::kOwnAccessOnly));
          return;
        }
        Pending(miit::Operation::kCancelAccess, key, ResultCode::kAccessCancellationPending);
        if (strict_) {
          std::optional<std::int64_t> live = Take(r_.LiveAccessCount((*access)->wzid));
          if (live && *live <= 1) Add(Because(ResultCode::kOnlyAccess));
        }
        return;
      }
    }
  }

 private:
  static std::vector<std::string_view> Split(std::string_view list) {
    std::vector<std::string_view> out;
    while (true) {
      const std::size_t end = list.find(';');
      if (!list.substr(0, end).empty()) out.push_back(list.substr(0, end));
      if (end == std::string_view::npos) return out;
      list.remove_prefix(end + 1);
    }
  }

  static bool ValidDomain(std::string_view name) {
    if (name.size() < 4 || name.size() > 128 || name.front() == '.' || name.back() == '.') {
      return false;
    }
    if (name.find("..") != std::string_view::npos || name.find('.') == std::string_view::npos) {
      return false;
    }
    return std::all_of(name.begin(), name.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '-' || c == '.' || c >= 0x80;
    });
  }

  Registry& r_;
  PasswordHasher& hasher_;
  bool strict_;
  const Filing& filing_;
  std::set<std::string> seen_domains_;
};

// ---- results ----

// The Jg_xx of a filing with `reasons`; in the extended protocol, Bz carries the field paths
// as JSON (§7.4.2).
miit::RecordResult RecordOf(const Filing& filing, std::span<const Reason> reasons, bool extended) {
  miit::RecordResult record;
  record.operation = filing.operation;
  if (filing.key) record.key = Cut(*filing.key, 255);
  boost::json::array fields;
  for (const Reason& reason : reasons) {
    record.items.push_back({reason.jgdm, Cut(reason.text, 255)});
    if (reason.path) {
      fields.push_back(boost::json::object{{"jgdm", reason.jgdm}, {"path", *reason.path}});
    }
  }
  if (extended && !fields.empty()) {
    record.remark =
        boost::json::serialize(boost::json::object{{"beian", 1}, {"fields", std::move(fields)}});
  }
  return record;
}

Result<std::string> Queue(Registry& registry, std::int64_t isp_id, const miit::IcpDownload& file,
                          std::int64_t now) {
  const std::string_view prefix = file.results                  ? "BAJG"
                                  : !file.filed_records.empty() ? "BASJ"
                                  : !file.cancellations.empty() ? "ZXSJ"
                                                                : "DATA";
  return registry.QueueFile(isp_id, prefix, miit::EncodeDownload(file), now);
}

// Jlid of a Gjsh (§5.3): IspZtid (XZBA), IspWzid (XZWZ), IspJrid (XZJR), Ztid (change,
// cancel subject), Wzid (cancel website), Jrid (cancel access).
std::optional<std::int64_t> DecisionRecordId(const miit::IcpUpload& u) {
  if (!u.first_filings.empty()) return u.first_filings[0].subject.isp_id;
  if (!u.new_websites.empty() && !u.new_websites[0].websites.empty()) {
    return u.new_websites[0].websites[0].isp_id;
  }
  if (!u.new_accesses.empty()) return u.new_accesses[0].access.isp_id;
  if (!u.changes.empty()) return u.changes[0].subject.bureau_id;
  if (!u.cancellations.empty()) return u.cancellations[0].record_id;
  return std::nullopt;
}

miit::ReviewDecision Gjsh(const Filing& filing, const miit::IcpUpload& upload, bool approved,
                          std::span<const Reason> reasons, std::int64_t now) {
  miit::ReviewDecision d;
  d.reviewer = filing.reviewer.value_or("管局审核员");
  d.reviewed_at = Date(now);
  d.approved = approved;
  d.operation = filing.operation;
  d.record_id = DecisionRecordId(upload);
  if (!approved) {
    std::string opinion;
    for (const Reason& r : reasons) opinion += (opinion.empty() ? "" : "；") + r.text;
    if (!opinion.empty()) d.opinion = Cut(opinion, 1024);
  }
  return d;
}

bool IsExtended(const PipelineOptions& o) { return o.protocol == Protocol::kExtended; }

std::optional<std::int64_t> DueAt(const PipelineOptions& o, std::int64_t now) {
  if (o.auto_review == AutoReview::kOff) return std::nullopt;
  return now + o.review_delay_seconds;
}

// Returns `filing` with `reasons`: BAJG with the codes (and, from a reviewer, a Gjsh).
Result<void> ReturnFiling(Registry& r, const Filing& filing, const miit::IcpUpload* upload,
                          std::span<const Reason> reasons, bool reviewed,
                          const PipelineOptions& options, std::int64_t now) {
  if (Result<void> moved = r.MoveFiling(filing.id, FilingState::kReturned, reasons, {}, now);
      !moved) {
    return moved;
  }
  miit::IcpDownload file;
  file.results.emplace();
  file.results->records.push_back(RecordOf(filing, reasons, IsExtended(options)));
  if (reviewed && upload != nullptr) {
    file.results->decisions.push_back(Gjsh(filing, *upload, false, reasons, now));
  }
  Result<std::string> queued = Queue(r, filing.isp_id, file, now);
  if (!queued) return std::unexpected(queued.error());
  return {};
}

}  // namespace

std::string_view ProvincePrefix(std::int64_t province) {
  for (const auto& [code, prefix] : kPrefixes) {
    if (code == province) return prefix;
  }
  return {};
}

std::optional<std::int64_t> ProvinceOfNumber(std::string_view number) {
  for (const auto& [code, prefix] : kPrefixes) {
    if (number.starts_with(prefix)) return code;
  }
  return std::nullopt;
}

std::string SubjectNumber(std::int64_t province, std::int64_t year, std::int64_t serial) {
  return fmt::format("{}ICP备{:04d}{:06d}号", ProvincePrefix(province), year, serial);
}

std::int64_t ChinaYear(std::int64_t seconds) {
  const std::chrono::sys_days day = std::chrono::floor<std::chrono::days>(
      std::chrono::sys_seconds{std::chrono::seconds{seconds + 8 * 3600}});
  return static_cast<int>(std::chrono::year_month_day{day}.year());
}

Result<miit::IcpUpload> DecodeRecord(std::string_view record) { return miit::DecodeUpload(record); }

Result<std::vector<Reason>> CheckRecord(Registry& registry, PasswordHasher& hasher,
                                        Protocol protocol, const Filing& filing,
                                        const miit::IcpUpload& u) {
  Checker check(registry, hasher, protocol, filing);
  if (u.requester != filing.isp_id) {
    check.Add(Because(ResultCode::kRequesterMismatch,
                      fmt::format("Qqdwid {} ≠ ispId {}", u.requester, filing.isp_id)));
  }
  for (const miit::FirstFiling& f : u.first_filings) check.FirstFiling(f);
  for (const miit::NewWebsites& n : u.new_websites) check.NewWebsites(n);
  for (const miit::NewAccess& a : u.new_accesses) check.NewAccess(a);
  for (const miit::Change& c : u.changes) check.Change(c);
  for (const miit::Cancellation& c : u.cancellations) check.Cancel(c);
  if (check.failure) return std::unexpected(*check.failure);
  return std::move(check.reasons);
}

// ---- the pipeline ----

Result<TickReport> Pipeline::Tick(std::int64_t now) {
  std::lock_guard lock(mutex_);
  TickReport report;
  // Intake.
  Result<std::vector<Filing>> intake = store_.Transact(
      [&](Registry& r) { return r.FilingsIn(FilingState::kIntake, 0, options_.batch); });
  if (!intake) return std::unexpected(intake.error());
  // A filing whose step fails is reported and left for the next pass; the others go on.
  auto failed = [&](std::int64_t id, const Error& error) {
    report.failed.push_back(fmt::format("filing {}: {}", id, error.message));
  };
  for (const Filing& filing : *intake) {
    Result<bool> checked = Check(filing, now);
    if (!checked) {
      failed(filing.id, checked.error());
      continue;
    }
    report.checked += *checked ? 1 : 0;
  }
  // SMS verification.
  Result<std::vector<Filing>> waiting = store_.Transact(
      [&](Registry& r) { return r.FilingsIn(FilingState::kSmsPending, 0, options_.batch); });
  if (!waiting) return std::unexpected(waiting.error());
  for (const Filing& filing : *waiting) {
    Result<bool> ended = Poll(filing, now);
    if (!ended) {
      failed(filing.id, ended.error());
      continue;
    }
    report.verified += *ended ? 1 : 0;
  }
  // The automatic mode's decisions, then every recorded decision.
  if (options_.auto_review != AutoReview::kOff) {
    const bool approve = options_.auto_review == AutoReview::kApprove;
    const Reason why[] = {Because(ResultCode::kRejected, "自动审核退回")};
    Result<std::vector<std::int64_t>> due =
        store_.Transact([&](Registry& r) -> Result<std::vector<std::int64_t>> {
          Result<std::vector<std::int64_t>> ids = r.DueForAutoReview(now, options_.batch);
          if (!ids) return ids;
          for (std::int64_t id : *ids) {
            std::span<const Reason> reasons = approve ? std::span<const Reason>() : std::span(why);
            if (Result<void> recorded =
                    r.RecordDecision(id, approve ? "approve" : "return", reasons, "自动审核", now);
                !recorded) {
              return std::unexpected(recorded.error());
            }
          }
          return ids;
        });
    if (!due) return std::unexpected(due.error());
  }
  Result<std::vector<std::int64_t>> decided =
      store_.Transact([&](Registry& r) { return r.DecisionsToApply(options_.batch); });
  if (!decided) return std::unexpected(decided.error());
  for (std::int64_t id : *decided) {
    if (Result<void> applied = Apply(id, now); !applied) {
      failed(id, applied.error());
      continue;
    }
    ++report.decided;
  }
  return report;
}

Result<std::vector<SmsRecipient>> Pipeline::Recipients(const Filing& filing) {
  Result<miit::IcpUpload> upload = DecodeRecord(filing.record);
  if (!upload) return std::unexpected(upload.error());
  std::vector<SmsRecipient> out;
  auto add = [&](std::string role, const miit::Leader& leader, const std::string& fallback_cert) {
    const std::string mobile = FirstOf(leader.mobiles);
    if (mobile.empty()) return;
    for (const SmsRecipient& r : out) {
      if (r.mobile == mobile) return;  // one code per distinct mobile
    }
    out.push_back({std::move(role), leader.name.value_or(""), mobile,
                   leader.certificate_number.value_or(fallback_cert)});
  };
  auto websites = [&](const std::vector<miit::WebsiteBlock>& list, const std::string& cert) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      add(fmt::format("Wz_xx[{}]/Wz_Fzr", i), list[i].leader, cert);
    }
  };
  // FACTS.md §4.4: who verifies for which type.
  for (const miit::FirstFiling& f : upload->first_filings) {
    add("Zt_xx/Fzr", f.subject.leader, f.subject.certificate.number);
    websites(f.websites, f.subject.certificate.number);
  }
  for (const miit::Change& c : upload->changes) {
    add("Zt_xx/Fzr", c.subject.leader, c.subject.certificate.number);
    websites(c.websites, c.subject.certificate.number);
  }
  for (const miit::NewWebsites& n : upload->new_websites) websites(n.websites, "");
  if (!upload->new_accesses.empty()) {
    // XZJR carries no website data: the leader on file verifies.
    for (const miit::NewAccess& a : upload->new_accesses) {
      Result<std::optional<Website>> website = store_.Transact([&](Registry& r) {
        return a.website_id ? r.WebsiteById(*a.website_id)
                            : r.WebsiteByNumber(a.website_number.value_or(""));
      });
      if (!website) return std::unexpected(website.error());
      if (website->has_value()) add("Wz_xx/Wz_Fzr", (*website)->block.leader, "");
    }
  }
  return out;
}

Result<bool> Pipeline::Check(const Filing& filing, std::int64_t now) {
  Result<miit::IcpUpload> upload = DecodeRecord(filing.record);
  const bool extended = IsExtended(options_);
  std::vector<SmsRecipient> recipients;
  if (upload && extended && sms_ != nullptr) {
    Result<std::vector<SmsRecipient>> found = Recipients(filing);
    if (!found) return std::unexpected(found.error());
    recipients = std::move(*found);
  }
  Result<FilingState> moved = store_.Transact([&](Registry& r) -> Result<FilingState> {
    if (!upload) {
      // The record was written by this bureau from a file its schema accepted: unreadable
      // now means the schema changed; the provider resends.
      const Reason why[] = {{miit::ResultCodeNumber(ResultCode::kSchemaViolation), std::nullopt,
                             Cut(upload.error().message, 255)}};
      if (Result<void> done = ReturnFiling(r, filing, nullptr, why, false, options_, now); !done) {
        return std::unexpected(done.error());
      }
      return FilingState::kReturned;
    }
    Result<std::vector<Reason>> reasons =
        CheckRecord(r, hasher_, options_.protocol, filing, *upload);
    if (!reasons) return std::unexpected(reasons.error());
    if (!reasons->empty()) {
      if (Result<void> done = ReturnFiling(r, filing, &*upload, *reasons, false, options_, now);
          !done) {
        return std::unexpected(done.error());
      }
      return FilingState::kReturned;
    }
    const bool sms = !recipients.empty();
    const FilingState to = sms ? FilingState::kSmsPending : FilingState::kReview;
    if (Result<void> done =
            r.MoveFiling(filing.id, to, {}, sms ? std::nullopt : DueAt(options_, now), now);
        !done) {
      return std::unexpected(done.error());
    }
    if (extended) {
      miit::IcpDownload file;
      file.results.emplace();
      const Reason accepted[] = {Because(ResultCode::kAcceptedForReview)};
      file.results->records.push_back(RecordOf(filing, accepted, false));
      if (sms) {
        std::string who;
        for (const SmsRecipient& s : recipients) {
          who += (who.empty() ? "" : "、") + s.name;
        }
        const Reason pending[] = {Because(ResultCode::kSmsPending, "核验人：" + who)};
        file.results->records.push_back(RecordOf(filing, pending, false));
      }
      if (Result<std::string> queued = Queue(r, filing.isp_id, file, now); !queued) {
        return std::unexpected(queued.error());
      }
    }
    return to;
  });
  if (!moved) return std::unexpected(moved.error());
  if (*moved == FilingState::kSmsPending) {
    // After the commit: a failure here is retried by Poll (the verifier knows nothing of it).
    (void)sms_->Start(filing.id, recipients, now);
  }
  return true;
}

Result<bool> Pipeline::Poll(const Filing& filing, std::int64_t now) {
  if (sms_ == nullptr) return false;
  Result<SmsState> state = sms_->StateOf(filing.id, now);
  if (!state && state.error().code == ErrorCode::kNotFound) {
    Result<std::vector<SmsRecipient>> recipients = Recipients(filing);
    if (!recipients) return std::unexpected(recipients.error());
    if (Result<void> started = sms_->Start(filing.id, *recipients, now); !started) {
      return std::unexpected(started.error());
    }
    return false;
  }
  if (!state) return std::unexpected(state.error());
  if (*state == SmsState::kPending) return false;
  Result<void> done = store_.Transact([&](Registry& r) -> Result<void> {
    if (*state == SmsState::kVerified) {
      if (Result<void> m =
              r.MoveFiling(filing.id, FilingState::kReview, {}, DueAt(options_, now), now);
          !m) {
        return m;
      }
      miit::IcpDownload file;
      file.results.emplace();
      const Reason verified[] = {Because(ResultCode::kSmsVerified)};
      file.results->records.push_back(RecordOf(filing, verified, false));
      Result<std::string> queued = Queue(r, filing.isp_id, file, now);
      if (!queued) return std::unexpected(queued.error());
      return {};
    }
    // No field path: which of the leaders did not verify is the verifier's to say.
    const Reason why[] = {state == SmsState::kTimedOut ? Because(ResultCode::kSmsTimedOut)
                                                       : Because(ResultCode::kSmsFailed)};
    return ReturnFiling(r, filing, nullptr, why, false, options_, now);
  });
  if (!done) return std::unexpected(done.error());
  return true;
}

Result<Filing> Pipeline::Decide(std::int64_t id, bool approve, std::span<const Reason> reasons,
                                std::string_view reviewer, std::int64_t now) {
  std::lock_guard lock(mutex_);
  if (!approve && reasons.empty()) {
    Error e{ErrorCode::kInvalidArgument, "a return needs at least one reason", {}};
    e.violations.push_back({"reasons", "bureau.review.reasons", e.message, "退回须说明理由"});
    return std::unexpected(std::move(e));
  }
  Result<void> recorded = store_.Transact([&](Registry& r) {
    return r.RecordDecision(id, approve ? "approve" : "return", reasons, reviewer, now);
  });
  if (!recorded) return std::unexpected(recorded.error());
  if (Result<void> applied = Apply(id, now); !applied) return std::unexpected(applied.error());
  Result<std::optional<Filing>> after =
      store_.Transact([&](Registry& r) { return r.FilingById(id); });
  if (!after) return std::unexpected(after.error());
  return **after;
}

namespace {

struct Mail {
  std::string to;
  std::string text;
};

// The effects of an approval in `r`: the registry written, the files queued. A first filing
// gets its password (`password`, with its hash) and returns the mail to send.
Result<std::optional<Mail>> Approve(Registry& r, const Filing& filing, const miit::IcpUpload& u,
                                    const std::string& password, const std::string& hash,
                                    std::int64_t now) {
  const std::int64_t isp = filing.isp_id;
  std::optional<Mail> mail;
  miit::IcpDownload file;
  file.results.emplace();
  const Reason approved[] = {Because(ResultCode::kApproved)};
  file.results->records.push_back(RecordOf(filing, approved, false));
  file.results->decisions.push_back(Gjsh(filing, u, true, {}, now));

  auto with_provider = [isp](miit::WebsiteBlock w) {
    for (miit::AccessBlock& a : w.accesses) a.provider = isp;
    for (miit::DomainBlock& d : w.domains) {
      std::transform(d.name.begin(), d.name.end(), d.name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }
    return w;
  };
  auto filed_record = [&](std::int64_t ztid,
                          std::span<const std::int64_t> wzids) -> Result<miit::FiledRecord> {
    Result<std::optional<Subject>> s = r.SubjectById(ztid);
    if (!s) return std::unexpected(s.error());
    miit::FiledRecord record{(*s)->block, {}, {}};
    record.subject.filed_by = 1;
    for (std::int64_t wzid : wzids) {
      Result<std::optional<Website>> w = r.WebsiteById(wzid);
      if (!w) return std::unexpected(w.error());
      record.websites.push_back((*w)->block);
    }
    return record;
  };
  auto add_websites = [&](std::int64_t ztid, const std::string& number,
                          const std::vector<miit::WebsiteBlock>& websites,
                          std::vector<std::int64_t>& wzids) -> Result<void> {
    Result<std::int64_t> index = r.MaxWebsiteIndex(ztid);
    if (!index) return std::unexpected(index.error());
    for (const miit::WebsiteBlock& website : websites) {
      miit::WebsiteBlock w = with_provider(website);
      const std::int64_t n = ++*index;
      w.number = fmt::format("{}-{}", number, n);
      Result<std::int64_t> wzid = r.InsertWebsite(ztid, n, w, isp, now);
      if (!wzid) return std::unexpected(wzid.error());
      wzids.push_back(*wzid);
    }
    return {};
  };

  for (const miit::FirstFiling& f : u.first_filings) {
    const std::int64_t province = *f.subject.address.province;
    const std::int64_t year = ChinaYear(now);
    Result<std::int64_t> serial = r.NextSerial(province, year);
    if (!serial) return std::unexpected(serial.error());
    Subject subject;
    subject.block = f.subject;
    subject.block.number = SubjectNumber(province, year, *serial);
    subject.province = province;
    subject.filed_via = isp;
    subject.filed_at = subject.modified_at = now;
    Result<std::int64_t> ztid = r.InsertSubject(subject, hash);
    if (!ztid) return std::unexpected(ztid.error());
    std::vector<std::int64_t> wzids;
    if (Result<void> added = add_websites(*ztid, *subject.block.number, f.websites, wzids);
        !added) {
      return std::unexpected(added.error());
    }
    Result<miit::FiledRecord> record = filed_record(*ztid, wzids);
    if (!record) return std::unexpected(record.error());
    file.filed_records.push_back(std::move(*record));
    mail = Mail{
        FirstOf(f.subject.leader.emails),
        fmt::format("【工业和信息化部ICP/IP地址/域名信息备案管理系统】{}：您的ICP备案已通过审核，"
                    "主体备案号：{}，ICP备案密码：{}。请妥善保管，备案密码用于接入备案、"
                    "注销等业务。",
                    f.subject.name, *subject.block.number, password)};
  }
  for (const miit::NewWebsites& n : u.new_websites) {
    Result<std::optional<Subject>> s = n.subject_id
                                           ? r.SubjectById(*n.subject_id)
                                           : r.SubjectByNumber(n.subject_number.value_or(""));
    if (!s) return std::unexpected(s.error());
    const std::int64_t ztid = *(*s)->block.bureau_id;
    std::vector<std::int64_t> wzids;
    if (Result<void> added = add_websites(ztid, *(*s)->block.number, n.websites, wzids); !added) {
      return std::unexpected(added.error());
    }
    Result<miit::FiledRecord> record = filed_record(ztid, wzids);
    if (!record) return std::unexpected(record.error());
    file.filed_records.push_back(std::move(*record));
  }
  for (const miit::NewAccess& a : u.new_accesses) {
    Result<std::optional<Website>> w = a.website_id
                                           ? r.WebsiteById(*a.website_id)
                                           : r.WebsiteByNumber(a.website_number.value_or(""));
    if (!w) return std::unexpected(w.error());
    miit::AccessBlock access = a.access;
    access.provider = isp;
    const std::int64_t wzid = *(*w)->block.bureau_id;
    if (Result<std::int64_t> jrid = r.InsertAccess(wzid, access, now); !jrid) {
      return std::unexpected(jrid.error());
    }
    const std::int64_t ids[] = {wzid};
    Result<miit::FiledRecord> record = filed_record((*w)->ztid, ids);
    if (!record) return std::unexpected(record.error());
    file.filed_records.push_back(std::move(*record));
  }
  for (const miit::Change& c : u.changes) {
    const std::int64_t ztid = *c.subject.bureau_id;
    if (Result<void> updated = r.UpdateSubject(ztid, c.subject, now); !updated)
      return std::unexpected(updated.error());
    std::vector<std::int64_t> wzids;
    for (const miit::WebsiteBlock& changed : c.websites) {
      Result<std::optional<Website>> filed = changed.bureau_id
                                                 ? r.WebsiteById(*changed.bureau_id)
                                                 : r.WebsiteByNumber(changed.number.value_or(""));
      if (!filed) return std::unexpected(filed.error());
      const Website& old = **filed;
      const std::int64_t wzid = *old.block.bureau_id;
      const miit::WebsiteBlock w = with_provider(changed);
      if (Result<void> updated = r.UpdateWebsite(wzid, w, now); !updated)
        return std::unexpected(updated.error());
      // Domains: kept by Ymid, new without one, the omitted ones removed (§4.5).
      for (const miit::DomainBlock& d : old.block.domains) {
        const bool kept =
            std::any_of(w.domains.begin(), w.domains.end(),
                        [&](const miit::DomainBlock& n) { return n.bureau_id == d.bureau_id; });
        if (!kept) {
          if (Result<void> removed = r.RemoveDomain(*d.bureau_id, now); !removed)
            return std::unexpected(removed.error());
        }
      }
      for (const miit::DomainBlock& d : w.domains) {
        if (d.bureau_id) continue;
        if (Result<std::int64_t> added = r.InsertDomain(wzid, d); !added)
          return std::unexpected(added.error());
      }
      for (const miit::AccessBlock& a : w.accesses) {
        if (Result<void> updated = r.UpdateAccess(*a.bureau_id, a); !updated)
          return std::unexpected(updated.error());
      }
      wzids.push_back(wzid);
    }
    Result<miit::FiledRecord> record = filed_record(ztid, wzids);
    if (!record) return std::unexpected(record.error());
    file.filed_records.push_back(std::move(*record));
  }
  std::vector<std::int64_t> also_told;  // other providers whose accesses a cancellation ends
  for (const miit::Cancellation& c : u.cancellations) {
    std::vector<std::int64_t> websites;
    if (c.kind == miit::CancelKind::kSubject) {
      Result<std::vector<Website>> list = r.WebsitesOf(c.record_id, true);
      if (!list) return std::unexpected(list.error());
      for (const Website& w : *list) websites.push_back(*w.block.bureau_id);
    } else if (c.kind == miit::CancelKind::kWebsite) {
      websites.push_back(c.record_id);
    }
    for (std::int64_t wzid : websites) {
      Result<std::optional<Website>> w = r.WebsiteById(wzid);
      if (!w) return std::unexpected(w.error());
      for (const miit::AccessBlock& a : (*w)->block.accesses) {
        if (a.provider && *a.provider != isp &&
            std::find(also_told.begin(), also_told.end(), *a.provider) == also_told.end()) {
          also_told.push_back(*a.provider);
        }
      }
    }
    Result<void> cancelled =
        c.kind == miit::CancelKind::kSubject   ? r.CancelSubject(c.record_id, now)
        : c.kind == miit::CancelKind::kWebsite ? r.CancelWebsite(c.record_id, now)
                                               : r.CancelAccess(c.record_id, now);
    if (!cancelled) return std::unexpected(cancelled.error());
    file.cancellations.push_back({c.kind, c.record_id, std::nullopt});
  }
  if (Result<std::string> queued = Queue(r, isp, file, now); !queued)
    return std::unexpected(queued.error());
  if (!file.cancellations.empty()) {
    miit::IcpDownload notice;
    notice.cancellations = file.cancellations;
    for (std::int64_t other : also_told) {
      if (Result<std::string> queued = Queue(r, other, notice, now); !queued) {
        return std::unexpected(queued.error());
      }
    }
  }
  return mail;
}

}  // namespace

Result<void> Pipeline::Apply(std::int64_t id, std::int64_t now) {
  Result<std::optional<Filing>> found =
      store_.Transact([&](Registry& r) { return r.FilingById(id); });
  if (!found) return std::unexpected(found.error());
  if (!found->has_value()) return NotFound("no filing " + std::to_string(id));
  const Filing filing = **found;
  if (filing.state != FilingState::kReview || !filing.decision) return {};
  Result<miit::IcpUpload> upload = DecodeRecord(filing.record);
  if (!upload) return std::unexpected(upload.error());
  const bool approve = *filing.decision == "approve";

  // A first filing's password, made (and hashed: slow on purpose) outside the transaction.
  std::string password;
  std::string hash;
  if (approve && !upload->first_filings.empty()) {
    password = tokens_.NewToken(6);
    Result<std::string> hashed = hasher_.Hash(miit::Md5Hex(password));
    if (!hashed) return std::unexpected(hashed.error());
    hash = std::move(*hashed);
  }
  Result<std::optional<Mail>> mail =
      store_.Transact([&](Registry& r) -> Result<std::optional<Mail>> {
        if (!approve) {
          if (Result<void> done =
                  ReturnFiling(r, filing, &*upload, filing.reasons, true, options_, now);
              !done) {
            return std::unexpected(done.error());
          }
          return std::optional<Mail>();
        }
        // The registry may have moved since intake (another provider's filing approved first).
        Result<std::vector<Reason>> reasons =
            CheckRecord(r, hasher_, options_.protocol, filing, *upload);
        if (!reasons) return std::unexpected(reasons.error());
        if (!reasons->empty()) {
          if (Result<void> done = ReturnFiling(r, filing, &*upload, *reasons, true, options_, now);
              !done) {
            return std::unexpected(done.error());
          }
          return std::optional<Mail>();
        }
        Result<std::optional<Mail>> effects = Approve(r, filing, *upload, password, hash, now);
        if (!effects) return effects;
        if (Result<void> moved = r.MoveFiling(filing.id, FilingState::kApproved, {}, {}, now);
            !moved) {
          return std::unexpected(moved.error());
        }
        return effects;
      });
  if (!mail && (mail.error().code == ErrorCode::kAlreadyExists ||
                mail.error().code == ErrorCode::kFailedPrecondition)) {
    // The registry refused the record for a reason the checks did not foresee: the filing is
    // returned with it (1999) rather than retried at every tick, holding up the others.
    const Reason why[] = {Because(ResultCode::kIcpOther, Cut(mail.error().message, 200))};
    return store_.Transact(
        [&](Registry& r) { return ReturnFiling(r, filing, &*upload, why, true, options_, now); });
  }
  if (!mail) return std::unexpected(mail.error());
  if (mail->has_value() && !(*mail)->to.empty()) {
    // After the commit: a lost mail leaves the password to recovery (seed 004).
    (void)sink_.Deliver("email", (*mail)->to, (*mail)->text, now);
  }
  return {};
}

}  // namespace icp::bureau_sim
