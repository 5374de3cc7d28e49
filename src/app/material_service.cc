#include "app/material_service.h"

#include <algorithm>
#include <cctype>
#include <span>

#include "app/audit_details.h"
#include "base/check.h"
#include "base/strings.h"
#include "domain/image_header.h"

namespace icp {
namespace {

constexpr std::size_t kMaxFileName = 255;
constexpr std::size_t kMaxCertificateNumber = 64;

std::unexpected<Error> NoSuchApplication(ApplicationId id) {
  return NotFound("application " + std::to_string(id.value()) + " does not exist");
}

std::unexpected<Error> NoSuchMaterial(MaterialId id) {
  return NotFound("material " + std::to_string(id.value()) + " does not exist");
}

bool IsCertificateKind(MaterialKind kind) {
  return kind == MaterialKind::kIdentityDocument || kind == MaterialKind::kSubjectCertificate;
}

// "websites[12]" -> 12; nullopt unless `text` is exactly that form.
std::optional<std::size_t> WebsiteIndex(std::string_view text) {
  constexpr std::string_view kPrefix = "websites[";
  if (!text.starts_with(kPrefix) || !text.ends_with("]")) return std::nullopt;
  std::string_view digits = text.substr(kPrefix.size(), text.size() - kPrefix.size() - 1);
  if (digits.empty() || digits.size() > 4) return std::nullopt;
  if (digits.size() > 1 && digits[0] == '0') return std::nullopt;
  std::size_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n;
}

// The owner paths a material may document: the subject, its principal, a website of the
// application, or that website's principal.
void CheckOwner(std::string_view owner, const Application& app,
                std::vector<FieldViolation>& problems) {
  if (owner == "subject" || owner == "subject.principal") return;
  std::string_view site = owner;
  if (site.ends_with(".principal")) site.remove_suffix(std::string_view(".principal").size());
  if (std::optional<std::size_t> i = WebsiteIndex(site)) {
    if (*i < app.websites.size()) return;
    problems.push_back({"owner", "material.owner",
                        "The application has " + std::to_string(app.websites.size()) +
                            " websites; " + std::string(site) + " is not one of them.",
                        "申请中没有 " + std::string(site) + " 这个网站。"});
    return;
  }
  problems.push_back(
      {"owner", "material.owner",
       "owner must be subject, subject.principal, websites[i] or "
       "websites[i].principal.",
       "owner 应为 subject、subject.principal、websites[i] 或 websites[i].principal。"});
}

bool HasControl(std::string_view text) {
  return std::ranges::any_of(text, [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// What can be told from the upload alone, before any read of the store.
void CheckFields(const MaterialUpload& upload, std::optional<MaterialKind> kind,
                 std::vector<FieldViolation>& problems) {
  if (!kind) {
    problems.push_back({"kind", "material.kind",
                        "\"" + upload.kind.substr(0, 60) + "\" is not a kind of material.",
                        "不是有效的材料类型。"});
  }
  const std::string& name = upload.file_name;
  if (name.empty() || name.size() > kMaxFileName || HasControl(name) ||
      name.find_first_of("/\\") != std::string::npos) {
    problems.push_back({"file_name", "material.file-name",
                        "file_name needs 1 to 255 bytes without slashes or control characters.",
                        "文件名须为 1 至 255 字节，且不含斜杠或控制字符。"});
  }
  const bool certificate = kind && IsCertificateKind(*kind);
  const std::optional<std::string>& number = upload.certificate_number;
  if (certificate && (!number || number->empty())) {
    problems.push_back(
        {"certificate_number", "material.certificate-number",
         "A certificate material records the number it shows; enter it as on "
         "the document (the old number if the filing used the old certificate).",
         "证件类材料须填写材料上的证件号码（原备案使用旧证件的，填写旧证件号码）。"});
  } else if (certificate && (number->size() > kMaxCertificateNumber || HasControl(*number))) {
    problems.push_back({"certificate_number", "material.certificate-number",
                        "certificate_number has at most 64 bytes and no control characters.",
                        "证件号码最多 64 字节，且不含控制字符。"});
  } else if (!certificate && kind && number) {
    problems.push_back({"certificate_number", "material.certificate-number",
                        "Only identity documents and subject certificates record a "
                        "certificate number.",
                        "只有证件类材料（身份证件、主办单位证件）填写证件号码。"});
  }
}

}  // namespace

bool MaterialsEditable(ApplicationState state) {
  return state == ApplicationState::kDraft || state == ApplicationState::kProviderReturned ||
         state == ApplicationState::kBureauReturned;
}

Result<ApplicationRecord> ReadableApplication(StoreReader& store, const Caller& caller,
                                              ApplicationId id) {
  Result<ApplicationRecord> record = store.applications().Get(id);
  if (!record) {
    if (record.error().code == ErrorCode::kNotFound) return NoSuchApplication(id);
    return std::unexpected(record.error());
  }
  if (caller.role == Role::kCustomer && record->account != caller.account) {
    return NoSuchApplication(id);
  }
  return record;
}

Result<std::optional<FileFacts>> InspectFile(ContentSniffer& sniffer, const FileLimit& limit,
                                             std::string_view bytes,
                                             std::vector<FieldViolation>& problems) {
  Result<std::string> mime = sniffer.Sniff(bytes);
  if (!mime) return std::unexpected(mime.error());
  std::optional<FileType> type = FileTypeFromMime(*mime);
  if (!type) {
    std::vector<std::string> accepted;
    for (FileType t : limit.types) accepted.emplace_back(FileTypeMime(t));
    problems.push_back(
        {"file", "material.type",
         "The file's content is " + *mime +
             ", whatever its name says; accepted: " + JoinNames(accepted) + ".",
         "文件内容为 " + *mime + "（与文件名无关），只接受 " + JoinNames(accepted) + "。"});
    return std::optional<FileFacts>();
  }
  FileFacts facts{*type, static_cast<std::int64_t>(bytes.size()), std::nullopt};
  if (*type == FileType::kJpeg || *type == FileType::kPng) {
    const auto data = std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    Result<ImageSize> size =
        ReadImageSize(*type == FileType::kPng ? ImageFormat::kPng : ImageFormat::kJpeg, data);
    if (!size) {
      for (FieldViolation v : size.error().violations) {
        v.field = "file";
        problems.push_back(std::move(v));
      }
      return std::optional<FileFacts>();
    }
    facts.pixels = *size;
  }
  for (FieldViolation& v : FileLimitRefusals(limit, facts, "file"))
    problems.push_back(std::move(v));
  return std::optional<FileFacts>(facts);
}

Result<ApplicationRecord> MaterialService::Editable(UnitOfWork& uow, const Caller& caller,
                                                    ApplicationId id) {
  Result<ApplicationRecord> record = uow.applications().Get(id);
  if (!record) {
    if (record.error().code == ErrorCode::kNotFound) return NoSuchApplication(id);
    return std::unexpected(record.error());
  }
  if (record->account != caller.account) return NoSuchApplication(id);
  if (!MaterialsEditable(record->lifecycle.state())) {
    Error e{ErrorCode::kFailedPrecondition,
            "materials can change only while the application is a draft or returned",
            {{"", "material.state",
              "Materials can be changed only while the application is a draft or returned for "
              "changes.",
              "仅在草稿或被退回修改时可以更改材料。"}}};
    return std::unexpected(std::move(e));
  }
  return record;
}

Result<MaterialRecord> MaterialService::Upload(const Caller& caller, const MaterialUpload& upload) {
  std::vector<FieldViolation> problems;
  const std::optional<MaterialKind> kind = MaterialKindFromName(upload.kind);
  CheckFields(upload, kind, problems);
  std::optional<FileFacts> facts;
  if (kind) {
    const FileLimit* limit = limits_.For(MaterialKindName(*kind));
    ICP_CHECK(limit != nullptr) << "the limits name every material kind";
    Result<std::optional<FileFacts>> inspected =
        InspectFile(sniffer_, *limit, upload.bytes, problems);
    if (!inspected) return std::unexpected(inspected.error());
    facts = *inspected;
  }
  // Ownership and state first, so that nobody stores bytes against another's application.
  {
    Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
    if (!uow) return std::unexpected(uow.error());
    Result<ApplicationRecord> record = Editable(**uow, caller, upload.application);
    if (!record) return std::unexpected(record.error());
    CheckOwner(upload.owner, record->application, problems);
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
  // The blob is written outside the unit of work (a file system is not transactional): a
  // failed commit leaves an unreferenced blob, which content addressing makes harmless.
  Result<std::string> sha256 = blobs_.Put(upload.bytes);
  if (!sha256) return std::unexpected(sha256.error());

  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<ApplicationRecord> record = Editable(**uow, caller, upload.application);
  if (!record) return std::unexpected(record.error());
  const auto now = clock_.Now();
  MaterialRecord m{MaterialId(),
                   upload.application,
                   *kind,
                   upload.owner,
                   upload.file_name,
                   std::string(FileTypeMime(facts->type)),
                   facts->size,
                   *sha256,
                   now,
                   upload.certificate_number};
  Result<MaterialId> id = (*uow)->materials().Insert(m);
  if (!id) return std::unexpected(id.error());
  m.id = *id;
  record->application.materials.push_back({*kind, upload.owner, *sha256});
  record->updated_at = now;
  if (Result<std::int64_t> r = (*uow)->applications().Update(*record); !r) {
    return std::unexpected(r.error());
  }
  AuditDetails details;
  details.Add("material", m.id.value())
      .Add("kind", MaterialKindName(*kind))
      .Add("owner", m.owner)
      .Add("content_type", m.content_type)
      .Add("size", m.size)
      .Add("sha256", m.sha256);
  if (Result<void> a = (*uow)->audit().Append(
          {now, AccountActor(caller.account.value()), "material.upload",
           "application:" + std::to_string(upload.application.value()), details.str()});
      !a) {
    return std::unexpected(a.error());
  }
  if (Result<void> c = (*uow)->Commit(); !c) return std::unexpected(c.error());
  return m;
}

Result<std::vector<MaterialRecord>> MaterialService::List(const Caller& caller,
                                                          ApplicationId application) {
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  Result<ApplicationRecord> record = ReadableApplication(**read, caller, application);
  if (!record) return std::unexpected(record.error());
  return (*read)->materials().List(application);
}

Result<void> MaterialService::Delete(const Caller& caller, MaterialId material) {
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<MaterialRecord> m = (*uow)->materials().Get(material);
  if (!m) {
    if (m.error().code == ErrorCode::kNotFound) return NoSuchMaterial(material);
    return std::unexpected(m.error());
  }
  Result<ApplicationRecord> record = Editable(**uow, caller, m->application);
  if (!record) {
    if (record.error().code == ErrorCode::kNotFound) return NoSuchMaterial(material);
    return std::unexpected(record.error());
  }
  if (Result<void> r = (*uow)->materials().Remove(material); !r) return r;
  std::vector<Material>& named = record->application.materials;
  const Material entry{m->kind, m->owner, m->sha256};
  if (auto it = std::ranges::find(named, entry); it != named.end()) named.erase(it);
  const auto now = clock_.Now();
  record->updated_at = now;
  if (Result<std::int64_t> r = (*uow)->applications().Update(*record); !r) {
    return std::unexpected(r.error());
  }
  AuditDetails details;
  details.Add("material", material.value())
      .Add("kind", MaterialKindName(m->kind))
      .Add("sha256", m->sha256);
  if (Result<void> a = (*uow)->audit().Append(
          {now, AccountActor(caller.account.value()), "material.delete",
           "application:" + std::to_string(m->application.value()), details.str()});
      !a) {
    return a;
  }
  return (*uow)->Commit();
}

Result<MaterialDownload> MaterialService::Download(const Caller& caller, MaterialId material) {
  MaterialRecord m;
  {
    Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
    if (!read) return std::unexpected(read.error());
    Result<MaterialRecord> found = (*read)->materials().Get(material);
    if (!found) {
      if (found.error().code == ErrorCode::kNotFound) return NoSuchMaterial(material);
      return std::unexpected(found.error());
    }
    Result<ApplicationRecord> record = ReadableApplication(**read, caller, found->application);
    if (!record) {
      if (record.error().code == ErrorCode::kNotFound) return NoSuchMaterial(material);
      return std::unexpected(record.error());
    }
    m = std::move(*found);
  }
  Result<std::string> bytes = blobs_.Get(m.sha256);
  if (!bytes) return std::unexpected(bytes.error());
  return MaterialDownload{std::move(m), std::move(*bytes)};
}

}  // namespace icp
