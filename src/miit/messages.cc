#include "miit/messages.h"

#include "base/check.h"
#include "miit/schemas.h"
#include "miit/wire_error.h"
#include "miit/xml.h"

namespace icp::miit {
namespace {

constexpr std::string_view kVersion = "V.3.0";

// Which message a block is written for: the ids and element names differ (messages.h).
enum class Context { kFirstFiling, kNewWebsite, kNewAccess, kChange, kFiled };

// ---- Encoding ----

void WriteAddress(XmlWriter& w, const Address& a) {
  w.Open("Txdz")
      .OptionalLeaf("Shengid", a.province)
      .OptionalLeaf("Shiid", a.city)
      .OptionalLeaf("Xianid", a.county)
      .OptionalLeaf("Xxdz", a.detail)
      .Close();
}

// `mobile_tag`: Fzr_sjhm everywhere but HSJG, whose XSD names the mobile <sjhm> (§4.8).
void WriteLeader(XmlWriter& w, std::string_view tag, const Leader& l,
                 std::string_view mobile_tag = "Fzr_sjhm") {
  w.Open(tag)
      .OptionalLeaf("Fzr_xm", l.name)
      .OptionalLeaf("Fzr_dhhm", l.office_phones)
      .OptionalLeaf(mobile_tag, l.mobiles)
      .OptionalLeaf("Fzr_dzyj", l.emails)
      .OptionalLeaf("Msn", l.msn)
      .OptionalLeaf("Qq", l.qq)
      .OptionalLeaf("Fzr_zjlx", l.certificate_type)
      .OptionalLeaf("Fzr_zjhm", l.certificate_number)
      .Close();
}

void WriteSubject(XmlWriter& w, const SubjectBlock& s, Context c) {
  // Zt_xx takes its children in any order (xs:all): one order serves every message.
  w.Open("Zt_xx")
      .OptionalLeaf("IspZtid", s.isp_id)
      .OptionalLeaf("Ztid", s.bureau_id)
      .Leaf("Dwmc", s.name)
      .OptionalLeaf("Baxh", s.number)
      .OptionalLeaf("Dwxz", s.nature)
      .OptionalLeaf("Tzr", s.investor);
  WriteAddress(w, s.address);
  w.Open("Zj")
      .Leaf("Zjlx", s.certificate.type)
      .Leaf("Zjhm", s.certificate.number)
      .OptionalLeaf("Zjzs", s.certificate.address)
      .Close();
  WriteLeader(w, "Fzr", s.leader);
  w.OptionalLeaf(c == Context::kFiled ? "Bbyhlx" : "Bbfs", s.filed_by)
      .OptionalLeaf("Scbbsj", s.first_filed_at)
      .OptionalLeaf("Zjxgsj", s.modified_at)
      .OptionalLeaf("Zsyxq", s.certificate_validity)
      .OptionalLeaf("Zslj", s.certificate_path)
      .OptionalLeaf("Zsxh", s.certificate_serial)
      .OptionalLeaf("Shrxm", s.reviewer)
      .OptionalLeaf("Shsj", s.reviewed_at)
      .OptionalLeaf("Bz", s.remark)
      .Close();
}

void WriteCodes(XmlWriter& w, std::string_view list, std::string_view item,
                const std::vector<std::int64_t>& codes) {
  w.Open(list);
  for (std::int64_t code : codes) w.Leaf(item, code);
  w.Close();
}

void WriteAccess(XmlWriter& w, const AccessBlock& a) {
  w.OptionalLeaf("IspJrid", a.isp_id)
      .OptionalLeaf("Jrid", a.bureau_id)
      .OptionalLeaf("Ispid", a.provider);
  WriteCodes(w, "Wzfb", "Fbdd", a.locations);
  WriteCodes(w, "Wzjrfs", "Jrfs", a.methods);
  for (const IpBlock& ip : a.ips) {
    w.Open("Ip_xx")
        .OptionalLeaf("IspIpid", ip.isp_id)
        .OptionalLeaf("Ipid", ip.bureau_id)
        .Leaf("Qsip", ip.first)
        .Leaf("Zzip", ip.last)
        .Close();
  }
}

void WriteWebsite(XmlWriter& w, const WebsiteBlock& s, Context c) {
  w.Open("Wz_xx")
      .OptionalLeaf("IspWzid", s.isp_id)
      .OptionalLeaf("Wzid", s.bureau_id)
      .Leaf("Wzmc", s.name);
  if (!s.pre_approvals.empty()) {
    w.Open("Nrlx");
    for (const PreApprovalBlock& p : s.pre_approvals) {
      w.Open("Nrlx_xx").Leaf("Nrlx_id", p.type).Leaf("Qzsph", p.number);
      for (const std::string& d : p.documents) w.Leaf("Spwj", d);
      w.Close();
    }
    w.Close();
  }
  if (!s.service_content.empty() || c != Context::kFiled) {
    WriteCodes(w, "Fwnr", "Fwnr_id", s.service_content);
  }
  WriteCodes(w, "Yylb", "Yylb_id", s.languages);
  for (const DomainBlock& d : s.domains) {
    w.Open("Ym_xx")
        .OptionalLeaf("IspYmid", d.isp_id)
        .OptionalLeaf("Ymid", d.bureau_id)
        .Leaf("Ym", d.name)
        .Close();
  }
  for (const AccessBlock& a : s.accesses) {
    w.Open("Jr_xx");
    WriteAccess(w, a);
    w.Close();
  }
  WriteLeader(w, "Wz_Fzr", s.leader);
  if (c == Context::kChange) w.OptionalLeaf("Baxh", s.number);
  w.OptionalLeaf("Syurl", s.home_url)
      .OptionalLeaf("Wz_Bz", s.remark)
      .OptionalLeaf("Scbbsj", s.first_filed_at)
      .OptionalLeaf("Zjxgsj", s.modified_at);
  if (c == Context::kFiled) w.OptionalLeaf("Baxh", s.number);
  w.Close();
}

void WriteAttachment(XmlWriter& w, const Attachment& a, Context c) {
  w.Open("Fjxx").Leaf("Fjwjgs", a.format).Leaf("Fjyt", a.purpose).Leaf("Fjnr", a.content);
  w.Open("Fjssdx").Leaf("Ssdxlx", static_cast<std::int64_t>(a.owner_type));
  if (c == Context::kFirstFiling) {
    w.OptionalLeaf("Ssdxbs", a.owner_id);
  } else {
    w.Open("Ssdxbs").OptionalLeaf("Jlid", a.owner_id).OptionalLeaf("Baxh", a.owner_number).Close();
  }
  w.Close().OptionalLeaf("Bz", a.remark).Close();
}

void WriteAttachments(XmlWriter& w, const std::vector<Attachment>& attachments, Context c) {
  for (const Attachment& a : attachments) {
    w.Open("Fj");
    WriteAttachment(w, a, c);
    w.Close();
  }
}

// HSJG's Baxx (§4.8): bureau ids only, the mobile as <sjhm>, no Yylb, Bbfs in each Jr_xx.
void WriteCheckedRecord(XmlWriter& w, const FiledRecord& f) {
  const SubjectBlock& s = f.subject;
  w.Open("Baxx")
      .Open("Zt_xx")
      .OptionalLeaf("Ztid", s.bureau_id)
      .Leaf("Dwmc", s.name)
      .OptionalLeaf("Dwxz", s.nature)
      .OptionalLeaf("Tzr", s.investor);
  WriteAddress(w, s.address);
  w.Open("Zj")
      .Leaf("Zjlx", s.certificate.type)
      .Leaf("Zjhm", s.certificate.number)
      .OptionalLeaf("Zjzs", s.certificate.address)
      .Close();
  WriteLeader(w, "Fzr", s.leader, "sjhm");
  w.OptionalLeaf("Bz", s.remark).Close();
  for (const WebsiteBlock& site : f.websites) {
    w.Open("Wz_xx").OptionalLeaf("Wzid", site.bureau_id).Leaf("Wzmc", site.name);
    if (!site.pre_approvals.empty()) {
      w.Open("Nrlx");
      for (const PreApprovalBlock& p : site.pre_approvals) {
        w.Open("Nrlx_xx").Leaf("Nrlx_id", p.type).Leaf("Qzsph", p.number);
        for (const std::string& d : p.documents) w.Leaf("Spwj", d);
        w.Close();
      }
      w.Close();
    }
    WriteCodes(w, "Fwnr", "Fwnr_id", site.service_content);
    for (const DomainBlock& d : site.domains) {
      w.Open("Ym_xx").OptionalLeaf("Ymid", d.bureau_id).Leaf("Ym", d.name).Close();
    }
    for (const AccessBlock& a : site.accesses) {
      w.Open("Jr_xx").OptionalLeaf("Jrid", a.bureau_id);
      WriteCodes(w, "Wzfb", "Fbdd", a.locations);
      WriteCodes(w, "Wzjrfs", "Jrfs", a.methods);
      for (const IpBlock& ip : a.ips) {
        w.Open("Ip_xx")
            .OptionalLeaf("Ipid", ip.bureau_id)
            .Leaf("Qsip", ip.first)
            .Leaf("Zzip", ip.last)
            .Close();
      }
      w.Leaf("Bbfs", s.filed_by.value_or(1)).Close();
    }
    WriteLeader(w, "Wz_Fzr", site.leader, "sjhm");
    w.OptionalLeaf("Syurl", site.home_url).OptionalLeaf("Wz_Bz", site.remark).Close();
  }
  w.Close();
}

// ---- Decoding ----

std::optional<std::int64_t> OptLong(XmlReader& r, const XmlElement& e, std::string_view name) {
  return r.OptionalLong(e, name);
}

Address ReadAddress(XmlReader& r, const XmlElement& e) {
  return {OptLong(r, e, "Shengid"), OptLong(r, e, "Shiid"), OptLong(r, e, "Xianid"),
          r.OptionalText(e, "Xxdz")};
}

Leader ReadLeader(XmlReader& r, const XmlElement& e) {
  // HSJG names the mobile <sjhm> (§4.8); the schema says where each is allowed.
  std::optional<std::string> mobiles =
      e.child("sjhm") ? r.OptionalText(e, "sjhm") : r.OptionalText(e, "Fzr_sjhm");
  return {r.OptionalText(e, "Fzr_xm"),   r.OptionalText(e, "Fzr_dhhm"), std::move(mobiles),
          r.OptionalText(e, "Fzr_dzyj"), r.OptionalText(e, "Msn"),      r.OptionalText(e, "Qq"),
          OptLong(r, e, "Fzr_zjlx"),     r.OptionalText(e, "Fzr_zjhm")};
}

SubjectBlock ReadSubject(XmlReader& r, const XmlElement& e) {
  SubjectBlock s;
  s.isp_id = OptLong(r, e, "IspZtid");
  s.bureau_id = OptLong(r, e, "Ztid");
  s.name = r.Text(e, "Dwmc");
  s.number = r.OptionalText(e, "Baxh");
  s.nature = OptLong(r, e, "Dwxz");
  s.investor = r.OptionalText(e, "Tzr");
  if (std::optional<XmlElement> a = r.Child(e, "Txdz")) s.address = ReadAddress(r, *a);
  if (std::optional<XmlElement> z = r.Child(e, "Zj")) {
    s.certificate = {r.Long(*z, "Zjlx"), r.Text(*z, "Zjhm"), r.OptionalText(*z, "Zjzs")};
  }
  if (std::optional<XmlElement> f = r.Child(e, "Fzr")) s.leader = ReadLeader(r, *f);
  s.filed_by = e.child("Bbfs") ? OptLong(r, e, "Bbfs") : OptLong(r, e, "Bbyhlx");
  s.first_filed_at = r.OptionalText(e, "Scbbsj");
  s.modified_at = r.OptionalText(e, "Zjxgsj");
  s.certificate_validity = r.OptionalText(e, "Zsyxq");
  s.certificate_path = r.OptionalText(e, "Zslj");
  s.certificate_serial = r.OptionalText(e, "Zsxh");
  s.reviewer = r.OptionalText(e, "Shrxm");
  s.reviewed_at = r.OptionalText(e, "Shsj");
  s.remark = r.OptionalText(e, "Bz");
  return s;
}

std::vector<std::int64_t> ReadCodes(XmlReader& r, const XmlElement& e, std::string_view list,
                                    std::string_view item) {
  std::vector<std::int64_t> out;
  if (std::optional<XmlElement> l = e.child(list)) {
    for (const XmlElement& c : l->children(item)) out.push_back(r.LongOf(c));
  }
  return out;
}

AccessBlock ReadAccess(XmlReader& r, const XmlElement& e) {
  AccessBlock a;
  a.isp_id = OptLong(r, e, "IspJrid");
  a.bureau_id = OptLong(r, e, "Jrid");
  a.provider = OptLong(r, e, "Ispid");
  a.locations = ReadCodes(r, e, "Wzfb", "Fbdd");
  a.methods = ReadCodes(r, e, "Wzjrfs", "Jrfs");
  for (const XmlElement& ip : e.children("Ip_xx")) {
    a.ips.push_back({OptLong(r, ip, "IspIpid"), OptLong(r, ip, "Ipid"), r.Long(ip, "Qsip"),
                     r.Long(ip, "Zzip")});
  }
  return a;
}

WebsiteBlock ReadWebsite(XmlReader& r, const XmlElement& e) {
  WebsiteBlock s;
  s.isp_id = OptLong(r, e, "IspWzid");
  s.bureau_id = OptLong(r, e, "Wzid");
  s.name = r.Text(e, "Wzmc");
  if (std::optional<XmlElement> n = e.child("Nrlx")) {
    for (const XmlElement& p : n->children("Nrlx_xx")) {
      PreApprovalBlock block{r.Long(p, "Nrlx_id"), r.Text(p, "Qzsph"), {}};
      for (const XmlElement& d : p.children("Spwj")) block.documents.push_back(d.text());
      s.pre_approvals.push_back(std::move(block));
    }
  }
  s.service_content = ReadCodes(r, e, "Fwnr", "Fwnr_id");
  s.languages = ReadCodes(r, e, "Yylb", "Yylb_id");
  for (const XmlElement& d : e.children("Ym_xx")) {
    s.domains.push_back({OptLong(r, d, "IspYmid"), OptLong(r, d, "Ymid"), r.Text(d, "Ym")});
  }
  for (const XmlElement& a : e.children("Jr_xx")) s.accesses.push_back(ReadAccess(r, a));
  if (std::optional<XmlElement> f = r.Child(e, "Wz_Fzr")) s.leader = ReadLeader(r, *f);
  s.number = r.OptionalText(e, "Baxh");
  s.home_url = r.OptionalText(e, "Syurl");
  s.remark = r.OptionalText(e, "Wz_Bz");
  s.first_filed_at = r.OptionalText(e, "Scbbsj");
  s.modified_at = r.OptionalText(e, "Zjxgsj");
  return s;
}

Attachment ReadAttachment(XmlReader& r, const XmlElement& fjxx) {
  const XmlElement* x = &fjxx;
  Attachment a;
  a.format = r.Long(*x, "Fjwjgs");
  a.purpose = r.Long(*x, "Fjyt");
  a.content = r.Text(*x, "Fjnr");
  a.remark = r.OptionalText(*x, "Bz");
  if (std::optional<XmlElement> owner = r.Child(*x, "Fjssdx")) {
    std::int64_t type = r.Long(*owner, "Ssdxlx");
    if (type != 1 && type != 2) r.Fail(owner->path() + "/Ssdxlx", "is neither 1 nor 2");
    a.owner_type = type == 1 ? OwnerType::kSubject : OwnerType::kWebsite;
    if (std::optional<XmlElement> id = r.Child(*owner, "Ssdxbs")) {
      if (id->children().empty()) {
        a.owner_id = r.LongOf(*id);
      } else {
        a.owner_id = OptLong(r, *id, "Jlid");
        a.owner_number = r.OptionalText(*id, "Baxh");
      }
    }
  }
  return a;
}

std::vector<Attachment> ReadAttachments(XmlReader& r, const XmlElement& parent) {
  std::vector<Attachment> out;
  for (const XmlElement& fj : parent.children("Fj")) {
    std::optional<XmlElement> x = r.Child(fj, "Fjxx");
    if (!x) continue;
    out.push_back(ReadAttachment(r, *x));
  }
  return out;
}

CancelKind ReadCancelKind(XmlReader& r, const XmlElement& e) {
  std::int64_t kind = r.Long(e, "Zxlb");
  if (kind < 0 || kind > 2) r.Fail(e.path() + "/Zxlb", "is not 0, 1 or 2");
  return kind == 0 ? CancelKind::kSubject : kind == 1 ? CancelKind::kWebsite : CancelKind::kAccess;
}

ListAction ReadListAction(XmlReader& r, const XmlElement& e) {
  std::int64_t action = r.Long(e, "Czlx");
  if (action < 0 || action > 2) r.Fail(e.path() + "/Czlx", "is not 0, 1 or 2");
  return action == 2 ? ListAction::kDelete : action == 1 ? ListAction::kModify : ListAction::kAdd;
}

void ReadBlacklist(XmlReader& r, const XmlElement& part, IcpDownload& out) {
  for (const XmlElement& e : part.children("Zthmdxxs")) {
    SubjectBlacklistEntry entry;
    if (std::optional<XmlElement> z = e.child("Zt_xx")) {
      entry.name = r.OptionalText(*z, "Dwmc");
      entry.nature = OptLong(r, *z, "Dwxz");
      if (std::optional<XmlElement> c = z->child("Zj")) {
        entry.certificate = CertificateBlock{r.Long(*c, "Zjlx"), r.Text(*c, "Zjhm"), std::nullopt};
      }
    }
    entry.action = ReadListAction(r, e);
    out.blacklisted_subjects.push_back(std::move(entry));
  }
  for (const XmlElement& e : part.children("Wzhmdxxs")) {
    WebsiteBlacklistEntry entry;
    if (std::optional<XmlElement> s = r.Child(e, "Wz_xx")) {
      entry.name = r.Text(*s, "Wzmc");
      for (const XmlElement& d : s->children("Ym_xx")) entry.domains.push_back(r.Text(d, "Ym"));
      entry.home_url = r.OptionalText(*s, "Syurl");
    }
    entry.action = ReadListAction(r, e);
    out.blacklisted_websites.push_back(std::move(entry));
  }
}

// Parses, checks the root and its version, and validates against `schema`.
Result<XmlDocument> ParseChecked(std::string_view xml, std::string_view root_name,
                                 const XmlSchema& schema) {
  Result<XmlDocument> doc = XmlDocument::Parse(xml, root_name);
  if (!doc) return doc;
  XmlElement root = doc->root();
  if (root.name() != root_name) {
    return WireError(
        rule::kSchema, root.path(),
        "the root is <" + std::string(root.name()) + ">, not <" + std::string(root_name) + ">",
        "根元素错误");
  }
  std::optional<std::string> version = root.attribute("version");
  if (version && *version != kVersion) {
    return WireError(rule::kVersion, root.path() + "/@version",
                     "version \"" + *version + "\" is not \"V.3.0\"", "接口版本错误");
  }
  if (Result<void> valid = doc->Validate(schema); !valid) return std::unexpected(valid.error());
  return doc;
}

Result<void> ValidateAgainst(std::string_view xml, std::string_view root_name,
                             const XmlSchema& schema) {
  Result<XmlDocument> doc = ParseChecked(xml, root_name, schema);
  if (!doc) return std::unexpected(doc.error());
  return {};
}

void WriteFiledRecords(XmlWriter& w, const std::vector<FiledRecord>& records) {
  for (const FiledRecord& f : records) {
    w.Open("Baxx");
    WriteSubject(w, f.subject, Context::kFiled);
    for (const WebsiteBlock& s : f.websites) WriteWebsite(w, s, Context::kFiled);
    w.OptionalLeaf("Bz", f.remark).Close();
  }
}

std::vector<FiledRecord> ReadFiledRecords(XmlReader& r, const XmlElement& parent) {
  std::vector<FiledRecord> out;
  for (const XmlElement& b : parent.children("Baxx")) {
    FiledRecord f;
    if (std::optional<XmlElement> s = r.Child(b, "Zt_xx")) f.subject = ReadSubject(r, *s);
    for (const XmlElement& s : b.children("Wz_xx")) f.websites.push_back(ReadWebsite(r, s));
    f.remark = r.OptionalText(b, "Bz");
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

Operation CancelOperation(CancelKind kind) {
  switch (kind) {
    case CancelKind::kSubject:
      return Operation::kCancelSubject;
    case CancelKind::kWebsite:
      return Operation::kCancelWebsite;
    case CancelKind::kAccess:
      return Operation::kCancelAccess;
  }
  return Operation::kCancelAccess;
}

std::size_t RecordCount(const IcpUpload& u) {
  return u.first_filings.size() + u.new_websites.size() + u.new_accesses.size() + u.changes.size() +
         u.cancellations.size() + u.materials.size() + u.verifications.size() +
         u.unfiled_handling.size();
}

ResultClass RecordResult::Outcome() const {
  static constexpr ResultClass kPrecedence[] = {
      ResultClass::kConflict,     ResultClass::kReturned, ResultClass::kUnknownReference,
      ResultClass::kState,        ResultClass::kProvider, ResultClass::kApproved,
      ResultClass::kInformational};
  for (ResultClass cls : kPrecedence) {
    for (const ResultItem& item : items) {
      if (ClassifyResult(item.code) == cls) return cls;
    }
  }
  return ResultClass::kProvider;  // no code at all: the schema forbids it; an operator looks
}

std::string EncodeUpload(const IcpUpload& u) {
  XmlWriter w("GBK");
  w.Open("UploadData", {{"version", kVersion}}).Open("ICP");
  if (!u.first_filings.empty()) {
    w.Open("XZBA");
    for (const FirstFiling& f : u.first_filings) {
      w.Open("Baxx");
      WriteSubject(w, f.subject, Context::kFirstFiling);
      for (const WebsiteBlock& s : f.websites) WriteWebsite(w, s, Context::kFirstFiling);
      WriteAttachments(w, f.attachments, Context::kFirstFiling);
      w.Close();
    }
    w.Close();
  }
  if (!u.new_websites.empty()) {
    w.Open("XZWZ");
    for (const NewWebsites& n : u.new_websites) {
      w.Open("Xzxx")
          .Open("Zt_xx")
          .OptionalLeaf("Ztbah", n.subject_number)
          .OptionalLeaf("Ztid", n.subject_id)
          .Close();
      for (const WebsiteBlock& s : n.websites) WriteWebsite(w, s, Context::kNewWebsite);
      WriteAttachments(w, n.attachments, Context::kNewWebsite);
      w.OptionalLeaf("ICPmm", n.icp_password).Close();
    }
    w.Close();
  }
  if (!u.new_accesses.empty()) {
    w.Open("XZJR");
    for (const NewAccess& n : u.new_accesses) {
      w.Open("Xzxx")
          .Open("Wz_xx")
          .OptionalLeaf("Wzbah", n.website_number)
          .OptionalLeaf("Wzid", n.website_id)
          .Close();
      WriteAccess(w, n.access);
      WriteAttachments(w, n.attachments, Context::kNewAccess);
      w.Leaf("ICPmm", n.icp_password).Close();
    }
    w.Close();
  }
  if (!u.changes.empty()) {
    w.Open("BGBA");
    for (const Change& c : u.changes) {
      w.Open("Bgxx");
      WriteSubject(w, c.subject, Context::kChange);
      for (const WebsiteBlock& s : c.websites) WriteWebsite(w, s, Context::kChange);
      WriteAttachments(w, c.attachments, Context::kChange);
      w.OptionalLeaf("ICPmm", c.icp_password).Close();
    }
    w.Close();
  }
  if (!u.cancellations.empty()) {
    w.Open("ZXBA");
    for (const Cancellation& c : u.cancellations) {
      w.Open("Zx_xx")
          .Leaf("Zxlb", static_cast<std::int64_t>(c.kind))
          .Leaf("Jlid", c.record_id)
          .Leaf("Zxly", c.reason)
          .OptionalLeaf("Zxlybz", c.reason_text)
          .OptionalLeaf("ICPmm", c.icp_password)
          .Close();
    }
    w.Close();
  }
  if (!u.verifications.empty()) {
    w.Open("HSJG");
    for (const VerificationAnswer& v : u.verifications) {
      w.Open("Hsjgxx")
          .Leaf("Hsjg", std::int64_t{v.passed ? 0 : 1})
          .Leaf("Hsrxm", v.verifier)
          .Leaf("Hssj", v.verified_on)
          .Leaf("Bbdw", v.reporter)
          .Leaf("Hsyj", v.opinion)
          .OptionalLeaf("Cwxx", v.errors);
      WriteCheckedRecord(w, v.record);
      w.Close();
    }
    w.Close();
  }
  if (!u.unfiled_handling.empty()) {
    w.Open("WBACLJG");
    for (const UnfiledSiteHandling& h : u.unfiled_handling) {
      w.Open("Clxx")
          .Leaf("Ym", h.domain)
          .Leaf("IP", h.ip)
          .Leaf("Yys", h.carrier)
          .Leaf("Jrs", h.provider)
          .Leaf("Shengid", h.province)
          .Leaf("Cljg", h.result)
          .Leaf("Clyj", h.opinion)
          .Leaf("Rbsj", h.listed_on)
          .Leaf("Clsx", h.deadline)
          .OptionalLeaf("Sbrxm", h.reporter_name)
          .OptionalLeaf("Sbrdh", h.reporter_phone)
          .OptionalLeaf("Sbrdzyj", h.reporter_email)
          .Close();
    }
    w.Close();
  }
  if (!u.materials.empty()) {
    w.Open("XZHYD");
    for (const Attachment& a : u.materials) WriteAttachment(w, a, Context::kNewWebsite);
    w.Close();
  }
  w.Leaf("Qqdwid", u.requester).Close().Close();
  return w.Finish();
}

namespace {

// §5.5's 19 tables: Bbdwlb under JCDM itself, the rest under JCDM/Jcdm_xx.
constexpr CodeContainer kCodeContainers[] = {
    {"Bbdwlb", "Bbdw", "Dwmc"},           {"Dwfl_dms", "Dwfl_xx", "Mc"},
    {"Dwxz_dms", "Dwxz_xx", "Mc"},        {"Qy_dms", "Qy_xx", "Mc"},
    {"Yjfk_Wtfls", "Yjfk_Wtfl_xx", "Mc"}, {"Gj_dms", "Gj_dm_xx", "Mc"},
    {"Hyfl_dms", "Hyfl_xx", "Mc"},        {"Xzjb_dms", "Xzjb_xx", "Mc"},
    {"Zjlx_dms", "Zjlx_xx", "Mc"},        {"Wzjylx_dms", "Wzjylx_xx", "Mc"},
    {"Wzfwlx_dms", "Wzfwlx_xx", "Mc"},    {"Wzjrfs_dms", "Wzjrfs_xx", "Mc"},
    {"Zxly_dms", "Zxly_xx", "Nr"},        {"Ymlx_dms", "Ymlx", "Mc"},
    {"Hsyj_dms", "Hsyj", "Mc"},           {"Wbacl_dms", "Wbacl_xx", "Ztmc"},
    {"Fjwjgs_dms", "Fjwjgs", "Mc"},       {"Fjytlx_dms", "Fjzjlx", "Mc"},
    {"Yylb_dms", "Yylb", "Mc"},
};

const CodeContainer* ContainerOf(std::string_view table) {
  for (const CodeContainer& c : kCodeContainers) {
    if (c.table == table) return &c;
  }
  return nullptr;
}

void WriteCodes(XmlWriter& w, const std::vector<CodeEntry>& codes, const CodeContainer& c) {
  bool open = false;
  for (const CodeEntry& e : codes) {
    if (e.table != c.table) continue;
    if (!open) w.Open(c.table);
    open = true;
    w.Open(c.entry).Leaf("Id", e.id).Leaf(c.name, e.name).OptionalLeaf("Bz", e.remark);
    // The unfiled-site states carry no Sfyx (§5.5 row 16).
    if (c.table != "Wbacl_dms") w.Leaf("Sfyx", std::int64_t{e.in_force ? 1 : 0});
    w.Close();
  }
  if (open) w.Close();
}

void ReadCodes(XmlReader& r, const XmlElement& container, const CodeContainer& c,
               std::vector<CodeEntry>& out) {
  for (const XmlElement& e : container.children(c.entry)) {
    CodeEntry entry{std::string(c.table), r.Long(e, "Id"), r.Text(e, c.name),
                    r.OptionalText(e, "Bz"), true};
    if (e.child(c.name) && entry.name.empty()) {
      r.Fail(e.path() + "/" + std::string(c.name), "a code has a name");
    }
    if (std::optional<std::int64_t> valid = r.OptionalLong(e, "Sfyx")) {
      if (*valid != 0 && *valid != 1) r.Fail(e.path() + "/Sfyx", "Sfyx is 0 or 1");
      entry.in_force = *valid == 1;
    }
    out.push_back(std::move(entry));
  }
}

}  // namespace

std::span<const CodeContainer> CodeContainers() { return kCodeContainers; }

std::string EncodeDownload(const IcpDownload& d) {
  XmlWriter w("GBK");
  w.Open("DownloadData", {{"version", kVersion}});
  if (!d.codes.empty()) {
    // JCDM is a root of its own (§5.5): the code tables, nothing beside them.
    bool under_xx = false;  // any table but the first goes under Jcdm_xx
    for (const CodeEntry& e : d.codes) {
      ICP_CHECK(ContainerOf(e.table) != nullptr) << "a JCDM table of §5.5: " << e.table;
      under_xx = under_xx || e.table != kCodeContainers[0].table;
    }
    w.Open("JCDM");
    WriteCodes(w, d.codes, kCodeContainers[0]);
    if (under_xx) {
      w.Open("Jcdm_xx");
      for (const CodeContainer& c : std::span(kCodeContainers).subspan(1))
        WriteCodes(w, d.codes, c);
      w.Close();
    }
    w.Close().Close();
    return w.Finish();
  }
  if (!d.synced_records.empty()) {
    // SJTB is a root of its own (§5.0): the full sync, nothing beside it.
    w.Open("SJTB").Open("ICP");
    WriteFiledRecords(w, d.synced_records);
    w.Close().Close().Close();
    return w.Finish();
  }
  w.Open("ICP");
  if (!d.filed_records.empty()) {
    w.Open("BASJ");
    WriteFiledRecords(w, d.filed_records);
    w.Close();
  }
  if (!d.cancellations.empty()) {
    w.Open("ZXSJ");
    for (const CancellationDone& c : d.cancellations) {
      w.Open("Zxxx")
          .Leaf("Zxlb", static_cast<std::int64_t>(c.kind))
          .Leaf("Jlid", c.record_id)
          .OptionalLeaf("Bz", c.remark)
          .Close();
    }
    w.Close();
  }
  if (d.results) {
    w.Open("BAJG");
    for (const RecordResult& r : d.results->records) {
      w.Open("Jg_xx");
      for (const ResultItem& i : r.items) {
        w.Open("Jgxx").Leaf("Jgdm", i.code).OptionalLeaf("Dmms", i.description).Close();
      }
      w.Leaf("Czlx", r.operation).OptionalLeaf("Bs", r.key).OptionalLeaf("Bz", r.remark).Close();
    }
    if (!d.results->decisions.empty()) {
      w.Open("GJSHS");
      for (const ReviewDecision& g : d.results->decisions) {
        w.Open("Gjsh")
            .OptionalLeaf("Shrxm", g.reviewer)
            .OptionalLeaf("Shr_dhhm", g.reviewer_phone)
            .Leaf("Shsj", g.reviewed_at)
            .OptionalLeaf("Shyj", g.opinion)
            .Leaf("Shjg", std::int64_t{g.approved ? 1 : 0})
            .OptionalLeaf("Czlx", g.operation)
            .OptionalLeaf("Jlid", g.record_id)
            .Close();
      }
      w.Close();
    }
    w.Close();
  }
  if (!d.notices.empty()) {
    w.Open("XGTZ");
    for (const Notice& n : d.notices) {
      w.Open("Tzxx")
          .Leaf("Tzlb", std::int64_t{n.about_website ? 1 : 0})
          .OptionalLeaf("Baxh", n.number)
          .OptionalLeaf("Jlid", n.record_id)
          .Leaf("Tznr", n.text)
          .Close();
    }
    w.Close();
  }
  if (!d.blacklisted_subjects.empty() || !d.blacklisted_websites.empty()) {
    w.Open("HMDLB");
    for (const SubjectBlacklistEntry& e : d.blacklisted_subjects) {
      w.Open("Zthmdxxs");
      if (e.name || e.nature || e.certificate) {
        w.Open("Zt_xx").OptionalLeaf("Dwmc", e.name).OptionalLeaf("Dwxz", e.nature);
        if (e.certificate) {
          w.Open("Zj")
              .Leaf("Zjlx", e.certificate->type)
              .Leaf("Zjhm", e.certificate->number)
              .Close();
        }
        w.Close();
      }
      w.Leaf("Czlx", static_cast<std::int64_t>(e.action)).Close();
    }
    for (const WebsiteBlacklistEntry& e : d.blacklisted_websites) {
      w.Open("Wzhmdxxs").Open("Wz_xx").Leaf("Wzmc", e.name);
      for (const std::string& domain : e.domains) w.Open("Ym_xx").Leaf("Ym", domain).Close();
      w.OptionalLeaf("Syurl", e.home_url)
          .Close()
          .Leaf("Czlx", static_cast<std::int64_t>(e.action))
          .Close();
    }
    w.Close();
  }
  if (!d.illegal_accesses.empty()) {
    w.Open("FFJRHMD");
    for (const IllegalAccess& a : d.illegal_accesses) {
      w.Open("Ffjrxx")
          .Leaf("Id", a.id)
          .Leaf("Ym", a.domain)
          .Leaf("Ip", a.ip)
          .Leaf("Zjjrz", a.direct_provider)
          .Leaf("Szs", a.province)
          .Leaf("Dqjcsj", a.detected_at)
          .Close();
    }
    w.Close();
  }
  if (!d.verification_tasks.empty()) {
    w.Open("HSRW");
    WriteFiledRecords(w, d.verification_tasks);
    w.Close();
  }
  if (!d.unfiled_sites.empty()) {
    w.Open("WBAWZLB");
    for (const UnfiledSite& u : d.unfiled_sites) {
      w.Open("Wbawz_xx")
          .Leaf("Id", u.id)
          .Leaf("Wzym_mc", u.domain)
          .OptionalLeaf("Yylb", u.language)
          .Leaf("IP", u.ip)
          .OptionalLeaf("Dqjcsj", u.detected_at)
          .OptionalLeaf("Jccs", u.times_detected)
          .OptionalLeaf("Sssh", u.province)
          .OptionalLeaf("Scjcsj", u.first_detected_at)
          .OptionalLeaf("Jrs", u.provider)
          .Leaf("Yys", u.carrier)
          .Close();
    }
    w.Close();
  }
  w.Close().Close();
  return w.Finish();
}

Result<void> ValidateUpload(std::string_view xml) {
  return ValidateAgainst(xml, "UploadData", UploadSchema());
}

Result<void> ValidateDownload(std::string_view xml) {
  return ValidateAgainst(xml, "DownloadData", DownloadSchema());
}

Result<IcpUpload> DecodeUpload(std::string_view xml) {
  Result<XmlDocument> doc = ParseChecked(xml, "UploadData", UploadSchema());
  if (!doc) return std::unexpected(doc.error());
  XmlReader r;
  IcpUpload out;
  std::optional<XmlElement> icp = doc->root().child("ICP");
  if (!icp) {
    return WireError(rule::kSchema, doc->root().path(),
                     "only ICP uploads are read here; IP and YM are not modelled", "仅支持ICP数据");
  }
  out.requester = r.Long(*icp, "Qqdwid");
  if (std::optional<XmlElement> m = icp->child("XZBA")) {
    for (const XmlElement& b : m->children("Baxx")) {
      FirstFiling f;
      if (std::optional<XmlElement> s = r.Child(b, "Zt_xx")) f.subject = ReadSubject(r, *s);
      for (const XmlElement& s : b.children("Wz_xx")) f.websites.push_back(ReadWebsite(r, s));
      f.attachments = ReadAttachments(r, b);
      out.first_filings.push_back(std::move(f));
    }
  }
  if (std::optional<XmlElement> m = icp->child("XZWZ")) {
    for (const XmlElement& x : m->children("Xzxx")) {
      NewWebsites n;
      if (std::optional<XmlElement> s = r.Child(x, "Zt_xx")) {
        n.subject_number = r.OptionalText(*s, "Ztbah");
        n.subject_id = OptLong(r, *s, "Ztid");
      }
      for (const XmlElement& s : x.children("Wz_xx")) n.websites.push_back(ReadWebsite(r, s));
      n.attachments = ReadAttachments(r, x);
      n.icp_password = r.OptionalText(x, "ICPmm");
      out.new_websites.push_back(std::move(n));
    }
  }
  if (std::optional<XmlElement> m = icp->child("XZJR")) {
    for (const XmlElement& x : m->children("Xzxx")) {
      NewAccess n;
      if (std::optional<XmlElement> s = r.Child(x, "Wz_xx")) {
        n.website_number = r.OptionalText(*s, "Wzbah");
        n.website_id = OptLong(r, *s, "Wzid");
      }
      n.access = ReadAccess(r, x);
      n.attachments = ReadAttachments(r, x);
      n.icp_password = r.Text(x, "ICPmm");
      out.new_accesses.push_back(std::move(n));
    }
  }
  if (std::optional<XmlElement> m = icp->child("BGBA")) {
    for (const XmlElement& x : m->children("Bgxx")) {
      Change c;
      if (std::optional<XmlElement> s = r.Child(x, "Zt_xx")) c.subject = ReadSubject(r, *s);
      for (const XmlElement& s : x.children("Wz_xx")) c.websites.push_back(ReadWebsite(r, s));
      c.attachments = ReadAttachments(r, x);
      c.icp_password = r.OptionalText(x, "ICPmm");
      out.changes.push_back(std::move(c));
    }
  }
  if (std::optional<XmlElement> m = icp->child("ZXBA")) {
    for (const XmlElement& x : m->children("Zx_xx")) {
      out.cancellations.push_back({ReadCancelKind(r, x), r.Long(x, "Jlid"), r.Long(x, "Zxly"),
                                   r.OptionalText(x, "Zxlybz"), r.OptionalText(x, "ICPmm")});
    }
  }
  if (std::optional<XmlElement> m = icp->child("XZHYD")) {
    for (const XmlElement& x : m->children("Fjxx")) out.materials.push_back(ReadAttachment(r, x));
  }
  if (std::optional<XmlElement> m = icp->child("HSJG")) {
    for (const XmlElement& x : m->children("Hsjgxx")) {
      VerificationAnswer v;
      v.passed = r.Long(x, "Hsjg") == 0;
      v.verifier = r.Text(x, "Hsrxm");
      v.verified_on = r.Text(x, "Hssj");
      v.reporter = r.Long(x, "Bbdw");
      v.opinion = r.Text(x, "Hsyj");
      v.errors = r.OptionalText(x, "Cwxx");
      if (std::optional<XmlElement> b = r.Child(x, "Baxx")) {
        if (std::optional<XmlElement> s = r.Child(*b, "Zt_xx"))
          v.record.subject = ReadSubject(r, *s);
        for (const XmlElement& s : b->children("Wz_xx")) {
          v.record.websites.push_back(ReadWebsite(r, s));
        }
      }
      out.verifications.push_back(std::move(v));
    }
  }
  if (std::optional<XmlElement> m = icp->child("WBACLJG")) {
    for (const XmlElement& x : m->children("Clxx")) {
      out.unfiled_handling.push_back({r.Text(x, "Ym"), r.Long(x, "IP"), r.Long(x, "Yys"),
                                      r.Long(x, "Jrs"), r.Long(x, "Shengid"), r.Long(x, "Cljg"),
                                      r.Text(x, "Clyj"), r.Text(x, "Rbsj"), r.Text(x, "Clsx"),
                                      r.OptionalText(x, "Sbrxm"), r.OptionalText(x, "Sbrdh"),
                                      r.OptionalText(x, "Sbrdzyj")});
    }
  }
  if (!r.ok()) return std::unexpected(r.error());
  return out;
}

Result<IcpDownload> DecodeDownload(std::string_view xml) {
  Result<XmlDocument> doc = ParseChecked(xml, "DownloadData", DownloadSchema());
  if (!doc) return std::unexpected(doc.error());
  XmlReader r;
  IcpDownload out;
  std::optional<XmlElement> icp = doc->root().child("ICP");
  if (!icp) {
    // JCDM: the code tables. SJTB: its ICP part is read (the full sync of filed records); its
    // IP, YM and JCDM parts, and IP or YM files, are valid but not modelled yet.
    const XmlElement top = doc->root().children().front();
    if (top.name() == "JCDM") {
      if (std::optional<XmlElement> units = top.child(kCodeContainers[0].table)) {
        ReadCodes(r, *units, kCodeContainers[0], out.codes);
      }
      if (std::optional<XmlElement> tables = top.child("Jcdm_xx")) {
        for (const CodeContainer& c : std::span(kCodeContainers).subspan(1)) {
          if (std::optional<XmlElement> t = tables->child(c.table)) ReadCodes(r, *t, c, out.codes);
        }
      }
      if (!r.ok()) return std::unexpected(r.error());
      return out;
    }
    std::optional<XmlElement> sync_icp =
        top.name() == "SJTB" ? top.child("ICP") : std::optional<XmlElement>();
    if (!sync_icp) {
      out.unmodelled.emplace_back(top.name());
      return out;
    }
    out.synced_records = ReadFiledRecords(r, *sync_icp);
    if (!r.ok()) return std::unexpected(r.error());
    return out;
  }
  for (const XmlElement& part : icp->children()) {
    std::string_view name = part.name();
    if (name == "BASJ") {
      for (FiledRecord& f : ReadFiledRecords(r, part)) out.filed_records.push_back(std::move(f));
    } else if (name == "ZXSJ") {
      for (const XmlElement& z : part.children("Zxxx")) {
        out.cancellations.push_back(
            {ReadCancelKind(r, z), r.Long(z, "Jlid"), r.OptionalText(z, "Bz")});
      }
    } else if (name == "BAJG") {
      FilingResults results;
      for (const XmlElement& j : part.children("Jg_xx")) {
        RecordResult rec;
        for (const XmlElement& i : j.children("Jgxx")) {
          rec.items.push_back({r.Long(i, "Jgdm"), r.OptionalText(i, "Dmms")});
        }
        rec.operation = r.Long(j, "Czlx");
        rec.key = r.OptionalText(j, "Bs");
        rec.remark = r.OptionalText(j, "Bz");
        results.records.push_back(std::move(rec));
      }
      if (std::optional<XmlElement> g = part.child("GJSHS")) {
        for (const XmlElement& d : g->children("Gjsh")) {
          results.decisions.push_back({r.OptionalText(d, "Shrxm"), r.OptionalText(d, "Shr_dhhm"),
                                       r.Text(d, "Shsj"), r.OptionalText(d, "Shyj"),
                                       r.Long(d, "Shjg") == 1, OptLong(r, d, "Czlx"),
                                       OptLong(r, d, "Jlid")});
        }
      }
      out.results = std::move(results);
    } else if (name == "XGTZ") {
      for (const XmlElement& t : part.children("Tzxx")) {
        out.notices.push_back({r.Long(t, "Tzlb") == 1, r.OptionalText(t, "Baxh"),
                               OptLong(r, t, "Jlid"), r.Text(t, "Tznr")});
      }
    } else if (name == "HMDLB") {
      ReadBlacklist(r, part, out);
    } else if (name == "FFJRHMD") {
      for (const XmlElement& f : part.children("Ffjrxx")) {
        out.illegal_accesses.push_back({r.Long(f, "Id"), r.Text(f, "Ym"), r.Long(f, "Ip"),
                                        r.Long(f, "Zjjrz"), r.Long(f, "Szs"), r.Text(f, "Dqjcsj")});
      }
    } else if (name == "HSRW") {
      for (FiledRecord& f : ReadFiledRecords(r, part)) {
        out.verification_tasks.push_back(std::move(f));
      }
    } else if (name == "WBAWZLB") {
      for (const XmlElement& u : part.children("Wbawz_xx")) {
        out.unfiled_sites.push_back(
            {r.Long(u, "Id"), r.Text(u, "Wzym_mc"), OptLong(r, u, "Yylb"), r.Long(u, "IP"),
             r.OptionalText(u, "Dqjcsj"), OptLong(r, u, "Jccs"), OptLong(r, u, "Sssh"),
             r.OptionalText(u, "Scjcsj"), OptLong(r, u, "Jrs"), r.Long(u, "Yys")});
      }
    } else {
      out.unmodelled.emplace_back(name);
    }
  }
  if (!r.ok()) return std::unexpected(r.error());
  return out;
}

}  // namespace icp::miit
