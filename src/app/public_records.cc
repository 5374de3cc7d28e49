#include "app/public_records.h"

#include "base/error.h"
#include "domain/domain_name.h"
#include "domain/personal_data.h"

namespace icp {
namespace {

std::optional<PublicRecord> Shown(const SubjectRecord& s, const WebsiteRecord& w) {
  if (s.cancelled || w.cancelled || !s.number || !w.number) return std::nullopt;
  return PublicRecord{s.id,
                      *s.number,
                      s.subject.type,
                      IsIndividual(s.subject.type) ? MaskName(s.subject.name) : s.subject.name,
                      s.subject.province,
                      *w.number,
                      w.website.name,
                      w.website.domains,
                      w.website.home_url};
}

// Every filed website of `subject`, appended to `out`, by id.
Result<void> AppendWebsites(StoreReader& store, const SubjectRecord& subject,
                            std::vector<PublicRecord>& out) {
  Result<std::vector<WebsiteRecord>> sites = store.websites().ListBySubject(subject.id);
  if (!sites) return std::unexpected(sites.error());
  for (const WebsiteRecord& w : *sites) {
    if (std::optional<PublicRecord> r = Shown(subject, w)) out.push_back(std::move(*r));
  }
  return {};
}

Result<void> AppendWebsite(StoreReader& store, const std::optional<WebsiteRecord>& website,
                           std::vector<PublicRecord>& out) {
  if (!website) return {};
  Result<SubjectRecord> subject = store.subjects().Get(website->subject);
  if (!subject) return std::unexpected(subject.error());
  if (std::optional<PublicRecord> r = Shown(*subject, *website)) out.push_back(std::move(*r));
  return {};
}

Result<PublicRecordPage> ByDomain(StoreReader& store, std::string_view text) {
  Result<DomainName> domain = DomainName::Parse(text);
  if (!domain) return std::unexpected(domain.error().AtField("domain"));
  PublicRecordPage page;
  Result<std::optional<WebsiteRecord>> site = store.websites().FindByDomain(*domain);
  if (!site) return std::unexpected(site.error());
  if (!*site && domain->registrable_ascii() != domain->ascii()) {
    Result<DomainName> registrable = DomainName::Parse(domain->registrable_ascii());
    if (registrable) site = store.websites().FindByDomain(*registrable);
    if (!site) return std::unexpected(site.error());
  }
  if (Result<void> ok = AppendWebsite(store, *site, page.items); !ok) {
    return std::unexpected(ok.error());
  }
  return page;
}

Result<PublicRecordPage> ByNumber(StoreReader& store, std::string_view text) {
  Result<FilingNumber> number = FilingNumber::Parse(text);
  if (!number) return std::unexpected(number.error().AtField("number"));
  PublicRecordPage page;
  if (number->is_service()) {
    Result<std::optional<WebsiteRecord>> site = store.websites().FindByNumber(*number);
    if (!site) return std::unexpected(site.error());
    if (Result<void> ok = AppendWebsite(store, *site, page.items); !ok) {
      return std::unexpected(ok.error());
    }
    return page;
  }
  Result<std::optional<SubjectRecord>> subject = store.subjects().FindByNumber(*number);
  if (!subject) return std::unexpected(subject.error());
  if (*subject) {
    if (Result<void> ok = AppendWebsites(store, **subject, page.items); !ok) {
      return std::unexpected(ok.error());
    }
  }
  return page;
}

Result<PublicRecordPage> ByUnitName(StoreReader& store, const PublicRecordQuery& q) {
  Result<std::vector<SubjectRecord>> subjects =
      store.subjects().ListByUnitName(q.value, q.after, q.limit + 1);
  if (!subjects) return std::unexpected(subjects.error());
  PublicRecordPage page;
  if (subjects->size() > q.limit) {
    subjects->erase(subjects->begin() + static_cast<std::ptrdiff_t>(q.limit), subjects->end());
    page.next = subjects->back().id;
  }
  for (const SubjectRecord& s : *subjects) {
    if (Result<void> ok = AppendWebsites(store, s, page.items); !ok) {
      return std::unexpected(ok.error());
    }
  }
  return page;
}

}  // namespace

std::string_view PublicQueryByName(PublicQueryBy by) {
  switch (by) {
    case PublicQueryBy::kDomain:
      return "domain";
    case PublicQueryBy::kNumber:
      return "number";
    case PublicQueryBy::kUnitName:
      return "unit_name";
  }
  return "domain";
}

Result<PublicRecordPage> PublicRecordService::Query(const PublicRecordQuery& query) {
  if (query.limit < 1 || query.limit > kMaxPublicPage) {
    return Refusal(ErrorCode::kInvalidArgument, "limit", "request.limit",
                   "limit must be 1 to " + std::to_string(kMaxPublicPage),
                   "limit 须在 1 到 " + std::to_string(kMaxPublicPage) + " 之间");
  }
  if (query.by == PublicQueryBy::kUnitName && (query.value.empty() || query.value.size() > 256)) {
    return Refusal(ErrorCode::kInvalidArgument, "unit_name", "public-query.unit-name",
                   "a unit name of 1 to 256 bytes, exactly as on record",
                   "单位名称须为 1 到 256 字节，与备案信息完全一致");
  }
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  switch (query.by) {
    case PublicQueryBy::kDomain:
      return ByDomain(**read, query.value);
    case PublicQueryBy::kNumber:
      return ByNumber(**read, query.value);
    case PublicQueryBy::kUnitName:
      return ByUnitName(**read, query);
  }
  return PublicRecordPage{};
}

}  // namespace icp
