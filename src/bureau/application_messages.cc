#include "bureau/application_messages.h"

#include <algorithm>
#include <charconv>

#include "base/strings.h"
#include "domain/mobile_number.h"
#include "miit/base64.h"
#include "miit/digest.h"
#include "miit/gbk.h"

namespace icp::bureau {
namespace {

using miit::CodeTables;

// Collects every problem while building a message, each at its application field path.
class Mapper {
 public:
  explicit Mapper(const MessageContext& context) : c_(context) {}

  const MessageContext& context() const { return c_; }

  void Fail(std::string field, std::string rule, std::string message, std::string zh = {}) {
    violations_.push_back({std::move(field), std::move(rule), std::move(message), std::move(zh)});
  }

  // `value` as it travels: GBK must hold it.
  std::string Text(const std::string& field, const std::string& value) {
    Result<std::string> gbk = miit::Utf8ToGbk(value, field);
    if (!gbk) violations_.push_back(gbk.error().violations.front());
    return value;
  }
  std::optional<std::string> OptionalText(const std::string& field, const std::string& value) {
    if (value.empty()) return std::nullopt;
    return Text(field, value);
  }

  // The wire id of `key` in `table`; 0 and a violation at `field` when there is none, or when
  // strict mode refuses the row.
  std::int64_t Code(const std::string& field, std::string_view table, std::string_view key) {
    const CodeTables::Row* row = c_.tables->Find(table, key);
    if (row == nullptr) {
      Fail(field, "miit.code.unknown",
           "\"" + std::string(key) + "\" has no row in the bureau's table " + std::string(table),
           "管局代码表中没有该值");
      return 0;
    }
    if (c_.strict && row->origin == CodeTables::Origin::kBeianExt) {
      Fail(field, "miit.code.strict",
           "\"" + std::string(key) + "\" (" + row->label + ") is later than V3.0",
           "该值不属于V3.0接口规范");
      return 0;
    }
    return row->id;
  }

  std::int64_t NextId() { return c_.next_isp_id(); }

  Result<miit::IcpUpload> Finish(miit::IcpUpload upload) {
    if (!violations_.empty()) return InvalidFields(std::move(violations_));
    return upload;
  }

 private:
  const MessageContext& c_;
  std::vector<FieldViolation> violations_;
};

std::string Index(std::string_view base, std::size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

// Dotted IPv4 as the unsigned 32-bit number of Qsip/Zzip.
std::optional<std::int64_t> Ipv4(std::string_view text) {
  std::int64_t value = 0;
  int parts = 0;
  for (std::string_view part : Split(text, '.')) {
    unsigned octet = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), octet);
    if (part.empty() || part.size() > 3 || ec != std::errc() || end != part.data() + part.size() ||
        octet > 255) {
      return std::nullopt;
    }
    value = value * 256 + octet;
    ++parts;
  }
  if (parts != 4 || value == 0) return std::nullopt;
  return value;
}

std::int64_t ParseLong(std::string_view digits) {
  std::int64_t v = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), v);
  return v;
}

miit::Leader MapLeader(Mapper& m, const std::string& path, const Principal& p) {
  miit::Leader l;
  l.name = m.Text(path + ".name", p.name);
  l.certificate_type = m.Code(path + ".certificate.type", "leader_certificate",
                              "person/" + std::string(CertificateTypeName(p.certificate.type())));
  l.certificate_number = m.Text(path + ".certificate.number", p.certificate.number());
  std::string mobiles = p.mobile.str();
  if (!p.phone2.empty()) {
    // A second mobile joins the first (';'-separated); anything else is the office phone.
    if (Result<MobileNumber> second = MobileNumber::Parse(p.phone2)) {
      mobiles += ";" + second->str();
    } else {
      l.office_phones = m.Text(path + ".phone2", p.phone2);
    }
  }
  l.mobiles = mobiles;
  l.emails = p.email.str();
  return l;
}

miit::SubjectBlock MapSubject(Mapper& m, const Subject& s) {
  miit::SubjectBlock b;
  b.name = m.Text("subject.name", s.name);
  b.nature = m.Code("subject.type", "subject_nature", SubjectTypeName(s.type));
  b.investor = m.OptionalText("subject.investor", s.investor);
  const std::string& region = s.region_code;
  if (region.size() == 6 && IsAsciiDigits(region)) {
    b.address.province = ParseLong(region.substr(0, 2) + "0000");
    if (region.substr(2, 4) != "0000") b.address.city = ParseLong(region.substr(0, 4) + "00");
    if (region.substr(4, 2) != "00") b.address.county = ParseLong(region);
  } else {
    b.address.province = ParseLong(s.province.gb_code());
  }
  if (!b.address.city) {
    m.Fail("subject.region_code", "bureau.map.missing",
           "the bureau needs the city of the subject's address (Txdz/Shiid)",
           "管局需要主办单位所在的地市（通信地址）");
  }
  b.address.detail = m.OptionalText("subject.mailing_address", s.mailing_address);
  std::string certificate_key = std::string(SubjectTypeName(s.type)) + "/" +
                                std::string(CertificateTypeName(s.certificate.type()));
  b.certificate.type = m.Code("subject.certificate.type", "certificate", certificate_key);
  b.certificate.number = m.Text("subject.certificate.number", s.certificate.number());
  b.certificate.address = m.Text("subject.certificate_address", s.certificate_address);
  b.leader = MapLeader(m, "subject.principal", s.principal);
  b.remark = m.OptionalText("subject.remark", s.remark);
  return b;
}

// The access block of one website's servers: locations, methods and addresses, deduplicated.
miit::AccessBlock MapAccess(Mapper& m, std::size_t w) {
  miit::AccessBlock a;
  std::string path = Index("websites", w) + ".resources";
  const std::vector<std::vector<AccessPoint>>& all = m.context().access_points;
  if (w >= all.size() || all[w].empty()) {
    m.Fail(path, "bureau.map.missing", "the website has no server to report (Jr_xx)",
           "网站没有可报备的接入资源");
    return a;
  }
  for (std::size_t i = 0; i < all[w].size(); ++i) {
    const AccessPoint& p = all[w][i];
    std::string at = Index(path, i);
    const CodeTables::Row* province = m.context().tables->Find("cloud_region", p.region);
    if (province == nullptr) {
      m.Fail(at + ".region", "miit.code.unknown",
             "the region \"" + p.region + "\" has no province in the bureau's tables",
             "该地域无对应的服务器放置地点");
    } else {
      std::int64_t location =
          m.Code(at + ".region", "server_location", std::to_string(province->id));
      if (location != 0 && std::ranges::find(a.locations, location) == a.locations.end()) {
        a.locations.push_back(location);
      }
    }
    std::int64_t method =
        m.Code(at + ".kind", m.context().strict ? "resource_access_strict" : "resource_access",
               ResourceKindName(p.kind));
    if (method != 0 && std::ranges::find(a.methods, method) == a.methods.end()) {
      a.methods.push_back(method);
    }
    std::optional<std::int64_t> ip = Ipv4(p.public_ip);
    if (!ip) {
      m.Fail(at + ".public_ip", "bureau.map.ip",
             "\"" + p.public_ip + "\" is not an IPv4 address; V3.0 carries IPv4 only",
             "V3.0接口只能报备IPv4地址");
      continue;
    }
    bool seen = std::ranges::any_of(a.ips, [&](const miit::IpBlock& b) { return b.first == *ip; });
    if (!seen) a.ips.push_back({std::nullopt, std::nullopt, *ip, *ip});
  }
  return a;
}

miit::WebsiteBlock MapWebsite(Mapper& m, const Application& app, std::size_t w) {
  const Website& site = app.websites[w];
  std::string path = Index("websites", w);
  miit::WebsiteBlock b;
  b.name = m.Text(path + ".name", site.name);
  for (std::size_t i = 0; i < site.pre_approvals.size(); ++i) {
    const PreApproval& p = site.pre_approvals[i];
    std::string at = Index(path + ".pre_approvals", i);
    miit::PreApprovalBlock block{
        m.Code(at + ".category", "pre_approval", p.category), m.Text(at + ".number", p.number), {}};
    for (std::size_t k = 0; k < app.materials.size(); ++k) {
      const Material& mat = app.materials[k];
      if (mat.kind == MaterialKind::kPreApprovalDocument && mat.owner == at &&
          k < m.context().material_files.size()) {
        block.documents.push_back(miit::Base64Encode(m.context().material_files[k]));
      }
    }
    if (block.documents.empty()) {
      m.Fail(at, "bureau.map.missing", "the approval document (Spwj) is missing",
             "缺少前置审批文件");
    }
    b.pre_approvals.push_back(std::move(block));
  }
  for (std::size_t i = 0; i < site.service_content.size(); ++i) {
    b.service_content.push_back(
        m.Code(Index(path + ".service_content", i), "service_content", site.service_content[i]));
  }
  for (std::size_t i = 0; i < site.languages.size(); ++i) {
    b.languages.push_back(m.Code(Index(path + ".languages", i), "language", site.languages[i]));
  }
  for (const DomainName& d : site.domains)
    b.domains.push_back({std::nullopt, std::nullopt, d.ascii()});
  b.leader = MapLeader(m, path + ".principal", site.principal);
  b.home_url = m.OptionalText(path + ".home_url", site.home_url);
  b.remark = m.OptionalText(path + ".remark", site.remark);
  return b;
}

// Gives the blocks their fresh provider ids: every domain and address has one, even where
// the bureau's id follows (BGBA, §4.5); a website and an access only when they are new.
void AssignIds(Mapper& m, miit::WebsiteBlock& b, bool new_website) {
  if (new_website) b.isp_id = m.NextId();
  for (miit::DomainBlock& d : b.domains) d.isp_id = m.NextId();
  for (miit::AccessBlock& a : b.accesses) {
    if (!a.bureau_id) a.isp_id = m.NextId();
    for (miit::IpBlock& ip : a.ips) ip.isp_id = m.NextId();
  }
}

// The filed website that shares a domain with application website `w`, or nullptr.
const FiledIds::Website* FiledWebsite(const MessageContext& c, const Application& app,
                                      std::size_t w) {
  if (!c.filed) return nullptr;
  for (const FiledIds::Website& f : c.filed->websites) {
    for (const auto& [domain, id] : f.domain_ids) {
      for (const DomainName& d : app.websites[w].domains) {
        if (d.ascii() == domain) return &f;
      }
    }
  }
  return nullptr;
}

// Where a material belongs: its Fjyt row key, and the website index for website owners.
struct MaterialTarget {
  std::string purpose_key;
  std::optional<std::size_t> website;
};

std::optional<MaterialTarget> TargetOf(const Material& mat) {
  std::optional<std::size_t> website;
  if (mat.owner.starts_with("websites[")) {
    website = static_cast<std::size_t>(ParseLong(mat.owner.substr(9, mat.owner.find(']') - 9)));
  }
  switch (mat.kind) {
    case MaterialKind::kVerificationForm:
      return MaterialTarget{"verification_form@website", website.value_or(0)};
    case MaterialKind::kSubjectCertificate:
      return MaterialTarget{"subject_certificate@subject", std::nullopt};
    case MaterialKind::kIdentityDocument:
      if (website) return MaterialTarget{"identity_document@website", website};
      return MaterialTarget{"identity_document@subject", std::nullopt};
    case MaterialKind::kHandheldIdPhoto:
      return MaterialTarget{"handheld_id_photo@website", website.value_or(0)};
    default:
      return std::nullopt;  // no purpose in V3.0 (§7.2, §7.4)
  }
}

// The attachments; `owner` fills Ssdxbs for the subject (nullopt website) or website N.
std::vector<miit::Attachment> MapAttachments(
    Mapper& m, const Application& app,
    const std::function<void(miit::Attachment&, std::optional<std::size_t>)>& owner) {
  std::vector<miit::Attachment> out;
  for (std::size_t k = 0; k < app.materials.size(); ++k) {
    std::optional<MaterialTarget> target = TargetOf(app.materials[k]);
    if (!target) continue;
    std::string path = Index("materials", k);
    if (k >= m.context().material_files.size()) {
      m.Fail(path, "bureau.map.missing", "the file of this material was not given", "缺少材料文件");
      continue;
    }
    const std::string& bytes = m.context().material_files[k];
    std::string format;
    if (bytes.starts_with("\xFF\xD8\xFF")) format = "jpg";
    if (bytes.starts_with("\x89PNG")) format = "png";
    if (format.empty()) {
      m.Fail(path, "bureau.map.attachment", "only JPEG and PNG files travel as attachments",
             "附件只能是JPEG或PNG格式");
      continue;
    }
    miit::Attachment a;
    a.format = m.Code(path, "attachment_format", format);
    a.purpose = m.Code(path, "attachment_purpose", target->purpose_key);
    a.content = miit::Base64Encode(bytes);
    a.owner_type = target->website ? miit::OwnerType::kWebsite : miit::OwnerType::kSubject;
    owner(a, target->website);
    out.push_back(std::move(a));
  }
  return out;
}

std::optional<std::string> PasswordMd5(Mapper& m, bool required) {
  if (m.context().icp_password && !m.context().icp_password->empty()) {
    Result<std::string> gbk = miit::Utf8ToGbk(*m.context().icp_password, "icp_password");
    if (!gbk) {
      m.Fail("icp_password", "miit.gbk.unmappable", gbk.error().message);
      return std::nullopt;
    }
    return miit::Md5Hex(*gbk);
  }
  if (required) {
    m.Fail("icp_password", "bureau.map.missing",
           "this filing needs the ICP filing password (ICPmm)", "该备案需要填写ICP备案密码");
  }
  return std::nullopt;
}

miit::IcpUpload FirstFilingUpload(Mapper& m, const Application& app) {
  miit::FirstFiling f;
  f.subject = MapSubject(m, app.subject);
  f.subject.isp_id = m.NextId();
  f.subject.filed_by = 1;  // 代为报备
  std::vector<std::int64_t> website_ids;
  for (std::size_t w = 0; w < app.websites.size(); ++w) {
    miit::WebsiteBlock b = MapWebsite(m, app, w);
    b.accesses.push_back(MapAccess(m, w));
    AssignIds(m, b, true);
    website_ids.push_back(*b.isp_id);
    f.websites.push_back(std::move(b));
  }
  std::int64_t subject_id = *f.subject.isp_id;
  f.attachments = MapAttachments(m, app, [&](miit::Attachment& a, std::optional<std::size_t> w) {
    a.owner_id = w && *w < website_ids.size() ? website_ids[*w] : subject_id;
  });
  miit::IcpUpload u;
  u.first_filings.push_back(std::move(f));
  return u;
}

bool IsFiledWebsite(const MessageContext& c, const Application& app, std::size_t w) {
  return FiledWebsite(c, app, w) != nullptr;
}

miit::IcpUpload NewWebsiteUpload(Mapper& m, const Application& app, bool filed_elsewhere) {
  miit::NewWebsites n;
  const MessageContext& c = m.context();
  if (!c.filed || (!c.filed->subject_id && c.filed->subject_number.empty())) {
    m.Fail("original.subject", "bureau.map.missing",
           "the filed subject's id or number (Ztid / Ztbah) is needed", "缺少已备案主体的编号");
  } else if (c.filed->subject_id && !filed_elsewhere) {
    n.subject_id = c.filed->subject_id;
  } else {
    n.subject_number = c.filed->subject_number;
  }
  std::vector<std::optional<std::int64_t>> website_ids(app.websites.size());
  for (std::size_t w = 0; w < app.websites.size(); ++w) {
    if (IsFiledWebsite(c, app, w)) continue;  // already on record: not part of this filing
    miit::WebsiteBlock b = MapWebsite(m, app, w);
    b.accesses.push_back(MapAccess(m, w));
    AssignIds(m, b, true);
    website_ids[w] = b.isp_id;
    n.websites.push_back(std::move(b));
  }
  if (n.websites.empty()) {
    m.Fail("websites", "bureau.map.missing", "no website in the application is new",
           "没有新增网站");
  }
  n.attachments = MapAttachments(m, app, [&](miit::Attachment& a, std::optional<std::size_t> w) {
    if (w && *w < website_ids.size() && website_ids[*w]) {
      a.owner_id = website_ids[*w];  // the new website's IspWzid (§4.3)
    } else if (n.subject_id) {
      a.owner_id = n.subject_id;
    } else {
      a.owner_number = n.subject_number;
    }
  });
  n.icp_password = PasswordMd5(m, filed_elsewhere);
  miit::IcpUpload u;
  u.new_websites.push_back(std::move(n));
  return u;
}

// The one website an access or cancellation filing is about, and its filed ids.
const FiledIds::Website* OnlyFiledWebsite(Mapper& m, const Application& app) {
  if (app.websites.size() != 1) {
    m.Fail("websites", "bureau.map.missing", "this filing concerns exactly one website",
           "该类备案只涉及一个网站");
    return nullptr;
  }
  const FiledIds::Website* f = FiledWebsite(m.context(), app, 0);
  if (f == nullptr) {
    m.Fail("websites[0]", "bureau.map.missing",
           "the filed website's id and number (Wzid / Wzbah) are needed", "缺少已备案网站的编号");
  }
  return f;
}

miit::IcpUpload NewAccessUpload(Mapper& m, const Application& app) {
  miit::NewAccess n;
  const FiledIds::Website* f = OnlyFiledWebsite(m, app);
  if (f != nullptr) n.website_number = f->number;
  n.access = MapAccess(m, 0);
  n.access.isp_id = m.NextId();
  for (miit::IpBlock& ip : n.access.ips) ip.isp_id = m.NextId();
  n.attachments = MapAttachments(m, app, [&](miit::Attachment& a, std::optional<std::size_t> w) {
    a.owner_number = w || !m.context().filed ? n.website_number : m.context().filed->subject_number;
  });
  n.icp_password = PasswordMd5(m, true).value_or("");
  miit::IcpUpload u;
  u.new_accesses.push_back(std::move(n));
  return u;
}

miit::IcpUpload ChangeUpload(Mapper& m, const Application& app) {
  miit::Change c;
  const MessageContext& ctx = m.context();
  c.subject = MapSubject(m, app.subject);
  if (!ctx.filed || !ctx.filed->subject_id || ctx.filed->subject_number.empty()) {
    m.Fail("original.subject", "bureau.map.missing",
           "a change needs the filed subject's Ztid and number", "变更需要已备案主体的编号");
  } else {
    c.subject.bureau_id = ctx.filed->subject_id;
    c.subject.number = ctx.filed->subject_number;
  }
  std::vector<std::optional<std::int64_t>> website_ids(app.websites.size());
  for (std::size_t w = 0; w < app.websites.size(); ++w) {
    std::string path = Index("websites", w);
    const FiledIds::Website* f = FiledWebsite(ctx, app, w);
    if (f == nullptr || !f->our_access) {
      m.Fail(path, "bureau.map.missing",
             "a change sends only filed websites this provider gives access to (Wzid, Jrid)",
             "变更只能提交本接入商接入的已备案网站");
      continue;
    }
    miit::WebsiteBlock b = MapWebsite(m, app, w);
    b.bureau_id = f->id;
    b.number = f->number;
    website_ids[w] = f->id;
    for (miit::DomainBlock& d : b.domains) {
      for (const auto& [domain, id] : f->domain_ids) {
        if (domain == d.name) d.bureau_id = id;  // no Ymid: a new domain
      }
    }
    miit::AccessBlock a = MapAccess(m, w);
    a.bureau_id = f->our_access->id;
    for (miit::IpBlock& ip : a.ips) {
      for (const auto& [dotted, id] : f->our_access->ip_ids) {
        if (Ipv4(dotted) == ip.first) ip.bureau_id = id;
      }
    }
    b.accesses.push_back(std::move(a));
    AssignIds(m, b, false);
    c.websites.push_back(std::move(b));
  }
  c.attachments = MapAttachments(m, app, [&](miit::Attachment& a, std::optional<std::size_t> w) {
    a.owner_id =
        w && *w < website_ids.size() && website_ids[*w] ? website_ids[*w] : c.subject.bureau_id;
  });
  c.icp_password = PasswordMd5(m, false);
  miit::IcpUpload u;
  u.changes.push_back(std::move(c));
  return u;
}

miit::IcpUpload CancellationUpload(Mapper& m, const Application& app, miit::CancelKind kind) {
  miit::Cancellation z;
  z.kind = kind;
  const MessageContext& ctx = m.context();
  if (kind == miit::CancelKind::kSubject) {
    if (!ctx.filed || !ctx.filed->subject_id) {
      m.Fail("original.subject", "bureau.map.missing", "the filed subject's Ztid is needed",
             "缺少已备案主体的编号");
    } else {
      z.record_id = *ctx.filed->subject_id;
    }
    z.icp_password = PasswordMd5(m, true);
  } else if (const FiledIds::Website* f = OnlyFiledWebsite(m, app)) {
    if (kind == miit::CancelKind::kWebsite) {
      z.record_id = f->id;
    } else if (!f->our_access) {
      m.Fail("websites[0]", "bureau.map.missing",
             "this provider gives the website no access (Jrid)", "本接入商未接入该网站");
    } else {
      z.record_id = f->our_access->id;
    }
  }
  z.reason = m.Code("cancellation_reason", "cancellation_reason", ctx.cancellation_reason);
  if (ctx.cancellation_text) z.reason_text = m.Text("cancellation_text", *ctx.cancellation_text);
  miit::IcpUpload u;
  u.cancellations.push_back(std::move(z));
  return u;
}

}  // namespace

Result<miit::IcpUpload> ToUpload(const Application& application, const MessageContext& context) {
  if (!application.type) {
    return Refusal(ErrorCode::kFailedPrecondition, "type", "bureau.map.type",
                   "the application's type is not resolved", "备案类型未确定");
  }
  // The ids the filed record keeps come first; the context's only stand in for a record this
  // provider does not hold.
  MessageContext with_record;
  const MessageContext* effective = &context;
  if (application.original && application.original->bureau) {
    with_record = context;
    with_record.filed = application.original->bureau;
    effective = &with_record;
  }
  Mapper m(*effective);
  miit::IcpUpload upload;
  switch (*application.type) {
    case ApplicationType::kFirstFiling:
      upload = FirstFilingUpload(m, application);
      break;
    case ApplicationType::kNewWebsite:
      upload = NewWebsiteUpload(m, application, false);
      break;
    case ApplicationType::kNewWebsiteFiledElsewhere:
      upload = NewWebsiteUpload(m, application, true);
      break;
    case ApplicationType::kNewAccess:
    case ApplicationType::kContinueAccess:
      upload = NewAccessUpload(m, application);
      break;
    case ApplicationType::kChangeSubject:
    case ApplicationType::kChangeWebsite:
    case ApplicationType::kChangeAccess:
      upload = ChangeUpload(m, application);
      break;
    case ApplicationType::kCancelSubject:
      upload = CancellationUpload(m, application, miit::CancelKind::kSubject);
      break;
    case ApplicationType::kCancelWebsite:
      upload = CancellationUpload(m, application, miit::CancelKind::kWebsite);
      break;
    case ApplicationType::kCancelAccess:
      upload = CancellationUpload(m, application, miit::CancelKind::kAccess);
      break;
  }
  upload.requester = context.requester;
  return m.Finish(std::move(upload));
}

}  // namespace icp::bureau
