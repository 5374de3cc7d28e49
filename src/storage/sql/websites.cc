// Websites on record in portable SQL. "A domain belongs to at most one active website" is
// the unique column website_domains.active_domain (migrations/0001_init.sql).
#include <algorithm>

#include "codec/application_json.h"
#include "ports/storage_errors.h"
#include "storage/sql/records.h"
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {
namespace {

constexpr std::string_view kKind = "website";
constexpr std::string_view kInsertWebsite =
    "INSERT INTO websites (subject_id, body, content_hash, number, cancelled, changed_by, "
    "revision) VALUES ($1, '', $2, $3, $4, $5, 1) RETURNING id";
constexpr std::string_view kSealWebsite = "UPDATE websites SET body = $2 WHERE id = $1";
constexpr std::string_view kUpdateWebsite =
    "UPDATE websites SET subject_id = $3, body = $4, content_hash = $5, number = $6, "
    "cancelled = $7, changed_by = $8, revision = revision + 1 "
    "WHERE id = $1 AND revision = $2 RETURNING revision";
constexpr std::string_view kWebsiteById =
    "SELECT id, subject_id, body, number, cancelled, changed_by, revision, content_hash "
    "FROM websites WHERE id = $1";
constexpr std::string_view kWebsiteByDomain =
    "SELECT w.id, w.subject_id, w.body, w.number, w.cancelled, w.changed_by, w.revision, "
    "w.content_hash FROM websites w JOIN website_domains d ON d.website_id = w.id "
    "WHERE d.active_domain = $1";
constexpr std::string_view kWebsitesBySubject =
    "SELECT id, subject_id, body, number, cancelled, changed_by, revision, content_hash "
    "FROM websites WHERE subject_id = $1 ORDER BY id";
constexpr std::string_view kWebsiteByNumber =
    "SELECT id, subject_id, body, number, cancelled, changed_by, revision, content_hash "
    "FROM websites WHERE id = (SELECT website_id FROM filing_numbers WHERE number = $1) AND "
    "number = $1 AND cancelled = 0";
constexpr std::string_view kRevisionOfWebsite = "SELECT revision FROM websites WHERE id = $1";
constexpr std::string_view kDomainsOfDocument =
    "SELECT count(*) FROM website_domains WHERE website_id = $1 AND content_hash = $2";
constexpr std::string_view kCloseWebsiteDomains =
    "UPDATE website_domains SET active_domain = NULL WHERE website_id = $1";
constexpr std::string_view kReopenWebsiteDomain =
    "UPDATE website_domains SET active_domain = domain "
    "WHERE website_id = $1 AND domain = $2 AND active_domain IS NULL";
constexpr std::string_view kClearWebsiteDomains =
    "DELETE FROM website_domains WHERE website_id = $1";
constexpr std::string_view kInsertWebsiteDomain =
    "INSERT INTO website_domains (website_id, domain, active_domain, content_hash) "
    "VALUES ($1, $2, $3, $4)";

}  // namespace

// The domain index follows the document: its rows carry the content hash of the document
// they were written for, and the schema keeps the rows of an active website's current
// document. A cancelled website's rows are closed; rows of an earlier document are replaced.
Result<void> WebsiteRepository::IndexDomains(const WebsiteRecord& record, WebsiteId id,
                                             const std::string& content_hash) {
  const Value key = std::int64_t{id.value()};
  Result<bool> indexed = IndexedForDocument(s_, kDomainsOfDocument, id.value(), content_hash);
  if (!indexed) return std::unexpected(indexed.error());
  if (*indexed) {
    if (record.cancelled) {
      Result<Rows> closed = s_.Run(kCloseWebsiteDomains, std::span(&key, 1));
      if (!closed) return std::unexpected(closed.error());
      return {};
    }
    // Active: rows closed by an earlier cancellation open again (a website accessed here
    // again keeps its document), unless another active website holds the domain now.
    for (std::size_t i = 0; i < record.website.domains.size(); ++i) {
      const Value p[] = {key, record.website.domains[i].ascii()};
      if (Result<Rows> r = s_.Run(kReopenWebsiteDomain, p); !r) {
        if (ConstraintOf(r.error()) == "website_domains.active_domain") {
          return s_.Refuse(storage_errors::DomainTaken(
              record.website.domains[i].unicode(), "website.domains[" + std::to_string(i) + "]"));
        }
        return std::unexpected(r.error());
      }
    }
    return {};
  }
  if (Result<Rows> r = s_.Run(kClearWebsiteDomains, std::span(&key, 1)); !r) {
    return std::unexpected(r.error());
  }
  std::vector<std::string> seen;
  for (std::size_t i = 0; i < record.website.domains.size(); ++i) {
    const std::string& domain = record.website.domains[i].ascii();
    if (std::find(seen.begin(), seen.end(), domain) != seen.end()) continue;
    seen.push_back(domain);
    const Value p[] = {key, domain, record.cancelled ? Null() : Value(domain), content_hash};
    if (Result<Rows> r = s_.Run(kInsertWebsiteDomain, p); !r) {
      if (ConstraintOf(r.error()) == "website_domains.active_domain") {
        return s_.Refuse(storage_errors::DomainTaken(record.website.domains[i].unicode(),
                                                     "website.domains[" + std::to_string(i) + "]"));
      }
      return std::unexpected(r.error());
    }
  }
  return {};
}

Result<WebsiteId> WebsiteRepository::Insert(const WebsiteRecord& record) {
  const std::string document = codec::EncodeWebsite(record.website);
  const std::string content_hash = s_.vault.Hash(document, "website-content");
  const Value p[] = {std::int64_t{record.subject.value()}, content_hash,
                     OptionalText(NumberText(record.number)), Flag(record.cancelled),
                     OptionalInt(record.changed_by)};
  Result<Rows> r = s_.Run(kInsertWebsite, p);
  if (!r) return RecordWriteError(s_, r.error());
  const WebsiteId id(r->rows.at(0).Int(0));
  const Value seal[] = {std::int64_t{id.value()},
                        s_.vault.Seal(document, SealContext(kKind, id.value(), content_hash))};
  if (Result<Rows> sealed = s_.Run(kSealWebsite, seal); !sealed) {
    return std::unexpected(sealed.error());
  }
  if (Result<void> indexed = IndexDomains(record, id, content_hash); !indexed) {
    return std::unexpected(indexed.error());
  }
  return id;
}

Result<std::vector<WebsiteRecord>> WebsiteRepository::Select(std::string_view statement,
                                                             const Value& key) {
  Result<Rows> r = s_.Run(statement, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  std::vector<WebsiteRecord> out;
  for (const Row& row : r->rows) {
    const std::string what = "website " + row.Text(0);
    Result<std::string> document =
        s_.vault.Open(row.Text(2), SealContext(kKind, row.Int(0), row.Text(7)));
    if (!document) return Corrupt(what, document.error());
    Result<Website> website = codec::DecodeWebsite(*document, kReadBack);
    if (!website) return Corrupt(what, website.error());
    Result<std::optional<FilingNumber>> number = NumberAt(row, 3);
    if (!number) return std::unexpected(number.error());
    out.push_back({WebsiteId(row.Int(0)), SubjectId(row.Int(1)), std::move(*website), *number,
                   row.Int(4) == 1, OptionalIdAt<ApplicationId>(row, 5), row.Int(6)});
    if (Result<void> ok = row.Check(); !ok) return Corrupt(what, ok.error());
  }
  return out;
}

Result<WebsiteRecord> WebsiteRepository::Get(WebsiteId id) {
  Result<std::vector<WebsiteRecord>> r = Select(kWebsiteById, std::int64_t{id.value()});
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Missing("website", id.value());
  return std::move(r->front());
}

Result<std::optional<WebsiteRecord>> WebsiteRepository::FindByDomain(const DomainName& domain) {
  Result<std::vector<WebsiteRecord>> r = Select(kWebsiteByDomain, domain.ascii());
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return std::optional<WebsiteRecord>();
  return std::optional<WebsiteRecord>(std::move(r->front()));
}

Result<std::int64_t> WebsiteRepository::Update(const WebsiteRecord& record) {
  const std::string document = codec::EncodeWebsite(record.website);
  const std::string content_hash = s_.vault.Hash(document, "website-content");
  const Value p[] = {std::int64_t{record.id.value()},
                     std::int64_t{record.revision},
                     std::int64_t{record.subject.value()},
                     s_.vault.Seal(document, SealContext(kKind, record.id.value(), content_hash)),
                     content_hash,
                     OptionalText(NumberText(record.number)),
                     Flag(record.cancelled),
                     OptionalInt(record.changed_by)};
  Result<Rows> r = s_.Run(kUpdateWebsite, p);
  if (!r) return RecordWriteError(s_, r.error());
  if (r->empty()) return NotUpdated(s_, kRevisionOfWebsite, "website", record.id.value());
  if (Result<void> indexed = IndexDomains(record, record.id, content_hash); !indexed) {
    return std::unexpected(indexed.error());
  }
  return r->rows[0].Int(0);
}

Result<std::vector<WebsiteRecord>> WebsiteRepository::ListBySubject(SubjectId subject) {
  return Select(kWebsitesBySubject, std::int64_t{subject.value()});
}

Result<std::optional<WebsiteRecord>> WebsiteRepository::FindByNumber(const FilingNumber& number) {
  Result<std::vector<WebsiteRecord>> r = Select(kWebsiteByNumber, Text(number.canonical()));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return std::optional<WebsiteRecord>();
  return std::optional<WebsiteRecord>(std::move(r->front()));
}

}  // namespace icp::sql
