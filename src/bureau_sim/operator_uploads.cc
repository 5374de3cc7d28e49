#include "bureau_sim/operator_uploads.h"

#include <fmt/format.h>

#include <chrono>
#include <utility>

#include "miit/base64.h"
#include "miit/code_tables.h"
#include "miit/jcdm.h"
#include "miit/result_code.h"

namespace icp::bureau_sim {
namespace {

using miit::ResultCode;

constexpr std::string_view kExtensionMark = "beian-ext";

// `text` cut to at most 255 bytes (Dmms) without splitting a UTF-8 character.
std::string Cut(std::string text) {
  if (text.size() <= 255) return text;
  std::size_t end = 255;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

miit::ResultItem Item(ResultCode code, std::string_view detail = {}) {
  std::string text(miit::kResultCodes.Label(code));
  if (!detail.empty()) text += fmt::format("，{}", detail);
  return {miit::ResultCodeNumber(code), Cut(std::move(text))};
}

std::string Date(std::int64_t seconds) {
  const std::chrono::sys_days day = std::chrono::floor<std::chrono::days>(
      std::chrono::sys_seconds{std::chrono::seconds{seconds + 8 * 3600}});
  const std::chrono::year_month_day ymd{day};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string Dotted(std::int64_t ip) {
  return fmt::format("{}.{}.{}.{}", (ip >> 24) & 255, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

// Collects the codes of one record while the store answers; the first store failure ends it.
struct Codes {
  std::vector<miit::ResultItem> items;
  std::optional<Error> failure;

  void Add(ResultCode code, std::string_view detail = {}) { items.push_back(Item(code, detail)); }
  template <typename T>
  std::optional<T> Take(Result<T> r) {
    if (!r) {
      if (!failure) failure = r.error();
      return std::nullopt;
    }
    return std::move(*r);
  }
};

// ---- XZHYD ----

// The filed record an attachment names: its subject, and its website for a website's.
struct MaterialOwner {
  std::int64_t ztid = 0;
  std::optional<std::int64_t> wzid;
};

std::string OwnerText(const miit::Attachment& a) {
  return a.owner_id ? std::to_string(*a.owner_id) : a.owner_number.value_or("");
}

// The owner, if it is filed, live and served by this provider; else the code saying which.
std::optional<MaterialOwner> FindOwner(Registry& r, const Provider& p, const miit::Attachment& a,
                                       Codes& codes) {
  const std::string data = fmt::format("错误数据：{}", OwnerText(a));
  if (a.owner_type == miit::OwnerType::kSubject) {
    std::optional<std::optional<Subject>> s = codes.Take(
        a.owner_id ? r.SubjectById(*a.owner_id) : r.SubjectByNumber(a.owner_number.value_or("")));
    if (!s) return std::nullopt;
    if (!s->has_value() || (*s)->cancelled) {
      codes.Add(
          s->has_value() ? ResultCode::kSubjectAlreadyCancelled : ResultCode::kSubjectNotFound,
          data);
      return std::nullopt;
    }
    const std::int64_t ztid = *(*s)->block.bureau_id;
    std::optional<std::vector<Website>> sites = codes.Take(r.WebsitesOf(ztid, true));
    if (!sites) return std::nullopt;
    for (const Website& w : *sites) {
      std::optional<std::optional<AccessRef>> access =
          codes.Take(r.LiveAccessOf(*w.block.bureau_id, p.isp_id));
      if (!access) return std::nullopt;
      if (access->has_value()) return MaterialOwner{ztid, std::nullopt};
    }
    codes.Add(ResultCode::kNotYourAccess, data);
    return std::nullopt;
  }
  std::optional<std::optional<Website>> w = codes.Take(
      a.owner_id ? r.WebsiteById(*a.owner_id) : r.WebsiteByNumber(a.owner_number.value_or("")));
  if (!w) return std::nullopt;
  if (!w->has_value() || (*w)->cancelled) {
    codes.Add(w->has_value() ? ResultCode::kWebsiteAlreadyCancelled : ResultCode::kWebsiteNotFound,
              data);
    return std::nullopt;
  }
  const std::int64_t wzid = *(*w)->block.bureau_id;
  std::optional<std::optional<AccessRef>> access = codes.Take(r.LiveAccessOf(wzid, p.isp_id));
  if (!access) return std::nullopt;
  if (!access->has_value()) {
    codes.Add(ResultCode::kNotYourAccess, data);
    return std::nullopt;
  }
  return MaterialOwner{(*w)->ztid, wzid};
}

// The attachment's own data: format and purpose from the code tables, the purpose's owner
// type, and content of that format within §1.6's size (measured on the base64, as NetEase).
void CheckMaterial(const miit::Attachment& a, Codes& codes) {
  const miit::CodeTables& tables = miit::CodeTables::Builtin();
  const miit::CodeTables::Row* format = tables.FindId("attachment_format", a.format);
  const miit::CodeTables::Row* purpose = tables.FindId("attachment_purpose", a.purpose);
  if (format == nullptr)
    codes.Add(ResultCode::kBadAttachmentFormat, fmt::format("错误数据：{}", a.format));
  if (purpose == nullptr) {
    codes.Add(ResultCode::kBadAttachmentPurpose, fmt::format("错误数据：{}", a.purpose));
  } else {
    const bool for_subject = purpose->key.ends_with("@subject");
    if (for_subject != (a.owner_type == miit::OwnerType::kSubject)) {
      codes.Add(ResultCode::kPurposeOwnerMismatch,
                fmt::format("{}不属于{}", purpose->label,
                            a.owner_type == miit::OwnerType::kSubject ? "主体" : "网站"));
    }
  }
  const std::size_t limit =
      purpose != nullptr && purpose->key.starts_with("verification_form") ? 150 * 1024 : 100 * 1024;
  if (a.content.size() > limit) {
    codes.Add(ResultCode::kAttachmentNonconforming,
              fmt::format("附件大小{}字节，超过{}K", a.content.size(), limit / 1024));
  }
  if (format == nullptr) return;
  Result<std::string> bytes = miit::Base64Decode(a.content, "Fjnr");
  const std::string_view magic = format->key == "png" ? "\x89PNG" : "\xFF\xD8\xFF";
  if (!bytes || !std::string_view(*bytes).starts_with(magic)) {
    codes.Add(ResultCode::kAttachmentNonconforming, fmt::format("附件内容不是{}", format->label));
  }
}

Result<miit::RecordResult> DecideMaterial(Registry& r, const Provider& p, const miit::Attachment& a,
                                          std::int64_t now) {
  Codes codes;
  std::optional<MaterialOwner> owner = FindOwner(r, p, a, codes);
  if (codes.failure) return std::unexpected(*codes.failure);
  CheckMaterial(a, codes);
  if (codes.items.empty() && owner) {
    if (Result<std::int64_t> id = r.InsertMaterial(p.isp_id, owner->ztid, owner->wzid, a, now);
        !id) {
      return std::unexpected(id.error());
    }
    codes.Add(ResultCode::kMaterialStored);
  }
  miit::RecordResult record;
  record.items = std::move(codes.items);
  record.operation = static_cast<std::int64_t>(miit::Operation::kMaterial);
  record.key = Cut(OwnerText(a));
  return record;
}

// ---- HSJG ----

// The websites an answer is about, each with its open task; or the codes saying why not.
Result<miit::RecordResult> DecideVerification(Registry& r, const Provider& p,
                                              const miit::VerificationAnswer& v, bool extended,
                                              std::int64_t now,
                                              std::vector<miit::Notice>& notices) {
  Codes codes;
  if (v.reporter != p.isp_id) {
    codes.Add(ResultCode::kRequesterMismatch,
              fmt::format("Bbdw {} ≠ ispId {}", v.reporter, p.isp_id));
  }
  const std::int64_t ztid = v.record.subject.bureau_id.value_or(0);
  std::optional<std::optional<Subject>> subject = codes.Take(r.SubjectById(ztid));
  if (!subject) return std::unexpected(*codes.failure);
  if (!subject->has_value()) {
    codes.Add(ResultCode::kSubjectNotFound, fmt::format("错误数据：Ztid {}", ztid));
  } else if ((*subject)->cancelled) {
    codes.Add(ResultCode::kSubjectAlreadyCancelled, fmt::format("错误数据：Ztid {}", ztid));
  }
  std::vector<std::pair<VerificationTask, Website>> tasks;
  for (const miit::WebsiteBlock& block : v.record.websites) {
    const std::int64_t wzid = block.bureau_id.value_or(0);
    const std::string data = fmt::format("错误数据：Wzid {}", wzid);
    std::optional<std::optional<Website>> w = codes.Take(r.WebsiteById(wzid));
    if (!w) return std::unexpected(*codes.failure);
    if (!w->has_value() || (*w)->ztid != ztid) {
      codes.Add(ResultCode::kWebsiteNotFound, data);
      continue;
    }
    if ((*w)->cancelled) {
      codes.Add(ResultCode::kWebsiteAlreadyCancelled, data);
      continue;
    }
    std::optional<std::optional<VerificationTask>> task =
        codes.Take(r.LatestVerificationTask(p.isp_id, wzid));
    if (!task) return std::unexpected(*codes.failure);
    if (!task->has_value()) {
      codes.Add(ResultCode::kNoPermission, "未向本单位下发该网站的核实任务，" + data);
    } else if ((*task)->answered_at) {
      codes.Add(ResultCode::kResultAlreadyReported, data);
    } else {
      tasks.emplace_back(**task, **w);
    }
  }
  if (codes.items.empty()) {
    for (const auto& [task, website] : tasks) {
      if (Result<void> answered = r.AnswerVerificationTask(task.id, v, now); !answered) {
        return std::unexpected(answered.error());
      }
      if (!v.passed) {
        // FACTS.md §4.9-§4.10: untrue information found in a check is ordered corrected
        // first, and cancelled only when that fails; XGTZ is V3.0's notice for it (§5.4).
        std::string text = fmt::format("网站“{}”核实未通过：{}", website.block.name, v.opinion);
        if (v.errors && !v.errors->empty()) text += fmt::format("（{}）", *v.errors);
        text += "。请督促主办者限期整改并办理备案变更，逾期未整改的将依法注销备案。";
        notices.push_back({true, website.block.number, website.block.bureau_id, Cut(text)});
      }
    }
    codes.Add(ResultCode::kVerificationRecorded, v.passed ? "核实结果：属实" : "核实结果：不属实");
  }
  miit::RecordResult record;
  record.items = std::move(codes.items);
  record.operation = static_cast<std::int64_t>(miit::Operation::kVerificationAnswer);
  record.key = std::to_string(ztid);
  if (extended) record.remark = std::string(kExtensionMark);
  return record;
}

// ---- WBACLJG ----

Result<miit::RecordResult> DecideHandling(Registry& r, const Provider& p,
                                          const miit::UnfiledSiteHandling& h, std::int64_t now) {
  Codes codes;
  const std::string data = fmt::format("错误数据：{} {}", h.domain, Dotted(h.ip));
  std::optional<std::int64_t> site_id;
  if (h.provider != p.isp_id) {
    codes.Add(ResultCode::kSiteNotYours, fmt::format("Jrs {} ≠ ispId {}", h.provider, p.isp_id));
  } else {
    std::string domain = h.domain;
    for (char& c : domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::optional<std::vector<UnfiledSiteRow>> sites =
        codes.Take(r.UnfiledSitesSentTo(p.isp_id, domain));
    if (!sites) return std::unexpected(*codes.failure);
    for (const UnfiledSiteRow& s : *sites) {
      if (s.ip == h.ip) site_id = s.id;
    }
    if (!site_id) codes.Add(ResultCode::kSiteNotYours, data);
  }
  const miit::CodeTables::Row* state =
      miit::CodeTables::Builtin().FindId("unfiled_site_state", h.result);
  if (state == nullptr) {
    codes.Add(ResultCode::kBadResultCode, fmt::format("错误数据：Cljg {}", h.result));
  } else if (state->key == "filed_since") {
    std::string domain = h.domain;
    for (char& c : domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::optional<std::optional<DomainOwner>> owner = codes.Take(r.OwnerOfDomain(domain));
    if (!owner) return std::unexpected(*codes.failure);
    if (!owner->has_value()) codes.Add(ResultCode::kBadResultCode, "该域名尚未备案，" + data);
  }
  if (site_id) {
    std::optional<bool> handled = codes.Take(r.UnfiledSiteHandled(*site_id, p.isp_id));
    if (!handled) return std::unexpected(*codes.failure);
    if (*handled) codes.Add(ResultCode::kResultAlreadyReported, data);
  }
  if (codes.items.empty()) {
    const bool handled = state->key != "filing_in_progress";
    if (Result<void> added =
            r.AddUnfiledHandling(*site_id, p.isp_id, h.result, handled, h.opinion, h.deadline, now);
        !added) {
      return std::unexpected(added.error());
    }
    codes.Add(ResultCode::kHandlingRecorded, state->label);
  }
  miit::RecordResult record;
  record.items = std::move(codes.items);
  record.operation = static_cast<std::int64_t>(miit::Operation::kUnfiledHandling);
  record.key = Cut(h.domain);
  record.remark = std::string(kExtensionMark);
  return record;
}

}  // namespace

Result<miit::IcpDownload> DecideOperatorUploads(Registry& registry, const Provider& provider,
                                                Protocol protocol, const miit::IcpUpload& upload,
                                                std::int64_t now) {
  const bool extended = protocol == Protocol::kExtended;
  miit::IcpDownload out;
  miit::FilingResults results;
  for (const miit::Attachment& a : upload.materials) {
    Result<miit::RecordResult> record = DecideMaterial(registry, provider, a, now);
    if (!record) return std::unexpected(record.error());
    results.records.push_back(std::move(*record));
  }
  for (const miit::VerificationAnswer& v : upload.verifications) {
    Result<miit::RecordResult> record =
        DecideVerification(registry, provider, v, extended, now, out.notices);
    if (!record) return std::unexpected(record.error());
    if (extended) results.records.push_back(std::move(*record));
  }
  for (const miit::UnfiledSiteHandling& h : upload.unfiled_handling) {
    Result<miit::RecordResult> record = DecideHandling(registry, provider, h, now);
    if (!record) return std::unexpected(record.error());
    if (extended) results.records.push_back(std::move(*record));
  }
  if (!results.records.empty()) out.results = std::move(results);
  return out;
}

miit::FilingResults OwnProvinceOnly(const miit::IcpUpload& upload, Protocol protocol) {
  const miit::ResultItem item =
      Item(ResultCode::kOwnProvinceOnly,
           fmt::format("错误数据：Qqdwid {}（部级系统账号，ICP数据报所在省管局系统）",
                       upload.requester));
  miit::FilingResults results;
  auto add = [&](miit::Operation operation, std::optional<std::string> key,
                 std::optional<std::string> remark = std::nullopt) {
    results.records.push_back({{item},
                               static_cast<std::int64_t>(operation),
                               key ? std::optional<std::string>(Cut(*key)) : std::nullopt,
                               std::move(remark)});
  };
  for (const miit::FirstFiling& f : upload.first_filings) {
    add(miit::Operation::kFirstFiling,
        f.subject.isp_id ? std::optional<std::string>(std::to_string(*f.subject.isp_id))
                         : std::nullopt);
  }
  for (const miit::NewWebsites& n : upload.new_websites) {
    add(miit::Operation::kNewWebsite,
        n.subject_number ? n.subject_number
                         : std::optional<std::string>(std::to_string(n.subject_id.value_or(0))));
  }
  for (const miit::NewAccess& a : upload.new_accesses) {
    add(miit::Operation::kNewAccess,
        a.access.isp_id ? std::optional<std::string>(std::to_string(*a.access.isp_id))
                        : a.website_number);
  }
  for (const miit::Change& c : upload.changes) {
    add(miit::Operation::kChange,
        c.subject.bureau_id ? std::optional<std::string>(std::to_string(*c.subject.bureau_id))
                            : c.subject.number);
  }
  for (const miit::Cancellation& c : upload.cancellations) {
    add(miit::CancelOperation(c.kind), std::to_string(c.record_id));
  }
  for (const miit::Attachment& a : upload.materials) add(miit::Operation::kMaterial, OwnerText(a));
  if (protocol == Protocol::kExtended) {
    for (const miit::VerificationAnswer& v : upload.verifications) {
      add(miit::Operation::kVerificationAnswer,
          std::to_string(v.record.subject.bureau_id.value_or(0)), std::string(kExtensionMark));
    }
    for (const miit::UnfiledSiteHandling& h : upload.unfiled_handling) {
      add(miit::Operation::kUnfiledHandling, h.domain, std::string(kExtensionMark));
    }
  }
  return results;
}

Result<std::vector<std::string>> SendVerificationTask(Store& store, std::int64_t wzid,
                                                      std::optional<std::int64_t> isp_id,
                                                      std::int64_t now) {
  return store.Transact([&](Registry& r) -> Result<std::vector<std::string>> {
    Result<std::optional<Website>> website = r.WebsiteById(wzid);
    if (!website) return std::unexpected(website.error());
    if (!website->has_value() || (*website)->cancelled) {
      return std::unexpected(Error{ErrorCode::kNotFound,
                                   fmt::format("website {} is not a live filed website", wzid),
                                   {{"wzid", "bureau.verification.website",
                                     "not a live filed website", "不是已备案的网站"}}});
    }
    Result<std::optional<Subject>> subject = r.SubjectById((*website)->ztid);
    if (!subject) return std::unexpected(subject.error());
    std::vector<std::int64_t> providers;
    for (const miit::AccessBlock& a : (*website)->block.accesses) {
      if (a.provider && (!isp_id || *a.provider == *isp_id)) providers.push_back(*a.provider);
    }
    if (providers.empty()) {
      return std::unexpected(
          Error{ErrorCode::kFailedPrecondition,
                fmt::format("no provider{} serves website {}",
                            isp_id ? fmt::format(" {}", *isp_id) : std::string(), wzid),
                {{"isp_id", "bureau.verification.provider", "does not serve the website",
                  "未接入该网站"}}});
    }
    miit::IcpDownload file;
    miit::FiledRecord record;
    record.subject = (*subject)->block;
    record.subject.isp_id.reset();  // HSRW carries the bureau's ids only (§5.4)
    record.subject.filed_by = 1;
    miit::WebsiteBlock site = (*website)->block;
    site.isp_id.reset();
    for (miit::DomainBlock& d : site.domains) d.isp_id.reset();
    for (miit::AccessBlock& a : site.accesses) {
      a.isp_id.reset();
      for (miit::IpBlock& ip : a.ips) ip.isp_id.reset();
    }
    record.websites.push_back(std::move(site));
    file.verification_tasks.push_back(std::move(record));
    const std::string xml = miit::EncodeDownload(file);
    std::vector<std::string> names;
    for (std::int64_t provider : providers) {
      if (Result<std::int64_t> task = r.OpenVerificationTask(provider, wzid, now); !task) {
        return std::unexpected(task.error());
      }
      Result<std::string> name = r.QueueFile(provider, "HSRW", xml, now);
      if (!name) return std::unexpected(name.error());
      names.push_back(*name);
    }
    return names;
  });
}

Result<std::vector<std::string>> SendUnfiledList(Store& store, std::int64_t isp_id,
                                                 std::int64_t now) {
  return store.Transact([&](Registry& r) -> Result<std::vector<std::string>> {
    Result<std::vector<UnfiledSiteRow>> sites = r.UnfiledSitesSentTo(isp_id, std::nullopt);
    if (!sites) return std::unexpected(sites.error());
    miit::IcpDownload file;
    for (const UnfiledSiteRow& s : *sites) {
      Result<bool> handled = r.UnfiledSiteHandled(s.id, isp_id);
      if (!handled) return std::unexpected(handled.error());
      if (*handled) continue;
      miit::UnfiledSite site;
      site.id = s.id;
      site.domain = s.domain;
      site.ip = s.ip;
      site.detected_at = Date(now);
      site.first_detected_at = Date(s.detected_at);
      site.provider = isp_id;
      site.carrier = isp_id;
      file.unfiled_sites.push_back(std::move(site));
    }
    if (file.unfiled_sites.empty()) return std::vector<std::string>();
    Result<std::string> name = r.QueueFile(isp_id, "WBAWZLB", miit::EncodeDownload(file), now);
    if (!name) return std::unexpected(name.error());
    return std::vector<std::string>{*name};
  });
}

Result<std::vector<std::string>> SendCodeTables(Store& store, std::int64_t isp_id,
                                                Protocol protocol, std::int64_t now) {
  Result<std::optional<Provider>> provider = store.FindProvider(isp_id);
  if (!provider) return std::unexpected(provider.error());
  if (!*provider) return NotFound("no bureau account " + std::to_string(isp_id));
  miit::IcpDownload file;
  file.codes = miit::PublishedCodes(miit::CodeTables::Builtin(), protocol != Protocol::kStrict);
  const std::string xml = miit::EncodeDownload(file);
  return store.Transact([&](Registry& r) -> Result<std::vector<std::string>> {
    Result<std::string> name = r.QueueFile(isp_id, "JCDM", xml, now);
    if (!name) return std::unexpected(name.error());
    return std::vector<std::string>{*name};
  });
}

}  // namespace icp::bureau_sim
