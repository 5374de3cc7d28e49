// Accounts, subjects, websites, filing numbers, materials, resources and authorization codes
// in portable SQL (PostgreSQL and SQLite both run every statement here).
#include <algorithm>

#include "codec/application_json.h"
#include "ports/storage_errors.h"
#include "storage/common/keys.h"
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {

namespace errors = storage_errors;

std::unexpected<Error> Corrupt(const std::string& what, const Error& cause) {
  Error e{ErrorCode::kInternal,
          what + " does not read back: " + cause.message,
          {{"", "storage.corrupt", what + " does not read back", "存储的数据无法读取"}}};
  return std::unexpected(std::move(e));
}

namespace {

template <class T>
std::unexpected<Error> Missing(std::string_view what, T key) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return NotFound(std::string(what) + " " + std::string(key) + " does not exist");
  } else {
    return NotFound(std::string(what) + " " + std::to_string(key) + " does not exist");
  }
}

// ---- accounts ----

constexpr std::string_view kInsertAccount =
    "INSERT INTO accounts (login, role, display_name, password_hash, created_at) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id";
constexpr std::string_view kAccountColumns =
    "SELECT id, login, role, display_name, password_hash, created_at FROM accounts ";
constexpr std::string_view kAccountById =
    "SELECT id, login, role, display_name, password_hash, created_at FROM accounts WHERE id = $1";
constexpr std::string_view kAccountByLogin =
    "SELECT id, login, role, display_name, password_hash, created_at FROM accounts "
    "WHERE login = $1";

}  // namespace

Result<AccountId> AccountRepository::Insert(const Account& a) {
  const Value p[] = {a.login, Text(RoleName(a.role)), a.display_name, a.password_hash,
                     Time(a.created_at)};
  Result<Rows> r = s_.Run(kInsertAccount, p);
  if (!r) {
    if (r.error().code == ErrorCode::kAlreadyExists) return s_.Refuse(errors::LoginTaken(a.login));
    return std::unexpected(r.error());
  }
  return AccountId(r->rows.at(0).Int(0));
}

Result<Account> AccountRepository::One(std::string_view statement, const Value& key,
                                       const std::string& what) {
  Result<Rows> r = s_.Run(statement, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return NotFound("account " + what + " does not exist");
  const Row& row = r->rows[0];
  std::optional<Role> role = RoleFromName(row.Text(2));
  if (!role) return Internal("account " + what + " has an unknown role " + row.Text(2));
  return Account{AccountId(row.Int(0)), row.Text(1), *role,
                 row.Text(3),           row.Text(4), TimeAt(row, 5)};
}

Result<Account> AccountRepository::Get(AccountId id) {
  return One(kAccountById, std::int64_t{id.value()}, std::to_string(id.value()));
}

Result<Account> AccountRepository::FindByLogin(std::string_view login) {
  return One(kAccountByLogin, Text(login), std::string(login));
}

// ---- subjects ----

namespace {

constexpr std::string_view kSubjectContext = "subject";
constexpr std::string_view kInsertSubject =
    "INSERT INTO subjects (account_id, certificate_hash, active_certificate_hash, province, body, "
    "content_hash, number, cancelled, changed_by, revision) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1) RETURNING id";
constexpr std::string_view kUpdateSubject =
    "UPDATE subjects SET certificate_hash = $3, active_certificate_hash = $4, province = $5, "
    "body = $6, content_hash = $7, number = $8, cancelled = $9, changed_by = $10, "
    "revision = revision + 1 WHERE id = $1 AND revision = $2 RETURNING revision";
constexpr std::string_view kSubjectById =
    "SELECT id, account_id, body, number, cancelled, changed_by, revision FROM subjects "
    "WHERE id = $1";
constexpr std::string_view kSubjectByCertificate =
    "SELECT id, account_id, body, number, cancelled, changed_by, revision FROM subjects "
    "WHERE active_certificate_hash = $1";
constexpr std::string_view kSubjectsByAccount =
    "SELECT id, account_id, body, number, cancelled, changed_by, revision FROM subjects "
    "WHERE account_id = $1 ORDER BY id";
constexpr std::string_view kRevisionOfSubject = "SELECT revision FROM subjects WHERE id = $1";

std::optional<std::string> NumberText(const std::optional<FilingNumber>& n) {
  if (!n) return std::nullopt;
  return n->str();
}

Result<std::optional<FilingNumber>> NumberAt(const Row& row, std::size_t i) {
  if (row.IsNull(i)) return std::optional<FilingNumber>();
  Result<FilingNumber> n = FilingNumber::Parse(row.Text(i));
  if (!n) return Corrupt("filing number " + row.Text(i), n.error());
  return std::optional<FilingNumber>(*n);
}

template <class IdType>
std::optional<IdType> OptionalIdAt(const Row& row, std::size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  return IdType(row.Int(i));
}

// The subject's columns, in the order kInsertSubject uses from $2 and kUpdateSubject from $3.
std::vector<Value> SubjectValues(const Session& s, const SubjectRecord& r) {
  const std::string document = codec::EncodeSubject(r.subject);
  const std::string key = s.vault.Hash(keys::CertificateKey(r.subject.certificate), "certificate");
  return {key,
          r.cancelled ? Null() : Value(key),
          Text(r.subject.province.code()),
          s.vault.Seal(document, kSubjectContext),
          s.vault.Hash(document, "subject-content"),
          OptionalText(NumberText(r.number)),
          Flag(r.cancelled),
          OptionalInt(r.changed_by)};
}

// kAborted when the row moved on, kNotFound when there is no row.
template <class IdType>
std::unexpected<Error> NotUpdated(Session& s, std::string_view revision_query,
                                  std::string_view what, IdType id) {
  const Value key = std::int64_t{id.value()};
  Result<Rows> r = s.Run(revision_query, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Missing(what, id.value());
  return s.Refuse(errors::StaleRevision(what, id.value()));
}

Result<void> AccessGuard(const Error& e) {
  if (e.code == ErrorCode::kFailedPrecondition &&
      e.message.find("access-filing.changes-no-data") != std::string::npos) {
    return errors::AccessFilingChangesNoData();
  }
  return std::unexpected(e);
}

}  // namespace

Result<SubjectId> SubjectRepository::Insert(const SubjectRecord& record) {
  std::vector<Value> p = SubjectValues(s_, record);
  p.insert(p.begin(), std::int64_t{record.account.value()});
  Result<Rows> r = s_.Run(kInsertSubject, p);
  if (!r) {
    if (r.error().code == ErrorCode::kAlreadyExists) return s_.Refuse(errors::SubjectOnRecord());
    return std::unexpected(r.error());
  }
  return SubjectId(r->rows.at(0).Int(0));
}

Result<std::vector<SubjectRecord>> SubjectRepository::Select(std::string_view statement,
                                                             const Value& key) {
  Result<Rows> r = s_.Run(statement, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  std::vector<SubjectRecord> out;
  for (const Row& row : r->rows) {
    const std::string what = "subject " + row.Text(0);
    Result<std::string> document = s_.vault.Open(row.Text(2), kSubjectContext);
    if (!document) return Corrupt(what, document.error());
    Result<Subject> subject = codec::DecodeSubject(*document, kReadBack);
    if (!subject) return Corrupt(what, subject.error());
    Result<std::optional<FilingNumber>> number = NumberAt(row, 3);
    if (!number) return std::unexpected(number.error());
    out.push_back({SubjectId(row.Int(0)), AccountId(row.Int(1)), std::move(*subject), *number,
                   row.Int(4) == 1, OptionalIdAt<ApplicationId>(row, 5), row.Int(6)});
  }
  return out;
}

Result<SubjectRecord> SubjectRepository::Get(SubjectId id) {
  Result<std::vector<SubjectRecord>> r = Select(kSubjectById, std::int64_t{id.value()});
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Missing("subject", id.value());
  return std::move(r->front());
}

Result<std::optional<SubjectRecord>> SubjectRepository::FindByCertificate(const Certificate& c) {
  Result<std::vector<SubjectRecord>> r =
      Select(kSubjectByCertificate, s_.vault.Hash(keys::CertificateKey(c), "certificate"));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return std::optional<SubjectRecord>();
  return std::optional<SubjectRecord>(std::move(r->front()));
}

Result<std::int64_t> SubjectRepository::Update(const SubjectRecord& record) {
  std::vector<Value> p = SubjectValues(s_, record);
  p.insert(p.begin(), {std::int64_t{record.id.value()}, std::int64_t{record.revision}});
  Result<Rows> r = s_.Run(kUpdateSubject, p);
  if (!r) {
    if (r.error().code == ErrorCode::kAlreadyExists) return s_.Refuse(errors::SubjectOnRecord());
    Result<void> guarded = AccessGuard(r.error());
    return std::unexpected(guarded.error());
  }
  if (r->empty()) return NotUpdated(s_, kRevisionOfSubject, "subject", record.id);
  return r->rows[0].Int(0);
}

Result<std::vector<SubjectRecord>> SubjectRepository::ListByAccount(AccountId account) {
  return Select(kSubjectsByAccount, std::int64_t{account.value()});
}

// ---- websites ----

namespace {

constexpr std::string_view kWebsiteContext = "website";
constexpr std::string_view kInsertWebsite =
    "INSERT INTO websites (subject_id, body, content_hash, number, cancelled, changed_by, "
    "revision) VALUES ($1, $2, $3, $4, $5, $6, 1) RETURNING id";
constexpr std::string_view kUpdateWebsite =
    "UPDATE websites SET subject_id = $3, body = $4, content_hash = $5, number = $6, "
    "cancelled = $7, changed_by = $8, revision = revision + 1 "
    "WHERE id = $1 AND revision = $2 RETURNING revision";
constexpr std::string_view kWebsiteById =
    "SELECT id, subject_id, body, number, cancelled, changed_by, revision FROM websites "
    "WHERE id = $1";
constexpr std::string_view kWebsiteByDomain =
    "SELECT w.id, w.subject_id, w.body, w.number, w.cancelled, w.changed_by, w.revision "
    "FROM websites w JOIN website_domains d ON d.website_id = w.id WHERE d.active_domain = $1";
constexpr std::string_view kWebsitesBySubject =
    "SELECT id, subject_id, body, number, cancelled, changed_by, revision FROM websites "
    "WHERE subject_id = $1 ORDER BY id";
constexpr std::string_view kRevisionOfWebsite = "SELECT revision FROM websites WHERE id = $1";
constexpr std::string_view kClearWebsiteDomains =
    "DELETE FROM website_domains WHERE website_id = $1";
constexpr std::string_view kInsertWebsiteDomain =
    "INSERT INTO website_domains (website_id, domain, active_domain) VALUES ($1, $2, $3)";

std::vector<Value> WebsiteValues(const Session& s, const WebsiteRecord& r) {
  const std::string document = codec::EncodeWebsite(r.website);
  return {std::int64_t{r.subject.value()},
          s.vault.Seal(document, kWebsiteContext),
          s.vault.Hash(document, "website-content"),
          OptionalText(NumberText(r.number)),
          Flag(r.cancelled),
          OptionalInt(r.changed_by)};
}

}  // namespace

Result<void> WebsiteRepository::IndexDomains(const WebsiteRecord& record, WebsiteId id) {
  const Value key = std::int64_t{id.value()};
  if (Result<Rows> r = s_.Run(kClearWebsiteDomains, std::span(&key, 1)); !r) {
    return std::unexpected(r.error());
  }
  std::vector<std::string> seen;
  for (std::size_t i = 0; i < record.website.domains.size(); ++i) {
    const std::string& domain = record.website.domains[i].ascii();
    if (std::find(seen.begin(), seen.end(), domain) != seen.end()) continue;
    seen.push_back(domain);
    const Value p[] = {key, domain, record.cancelled ? Null() : Value(domain)};
    if (Result<Rows> r = s_.Run(kInsertWebsiteDomain, p); !r) {
      if (r.error().code == ErrorCode::kAlreadyExists) {
        return s_.Refuse(errors::DomainTaken(record.website.domains[i].unicode(),
                                             "website.domains[" + std::to_string(i) + "]"));
      }
      return std::unexpected(r.error());
    }
  }
  return {};
}

Result<WebsiteId> WebsiteRepository::Insert(const WebsiteRecord& record) {
  Result<Rows> r = s_.Run(kInsertWebsite, WebsiteValues(s_, record));
  if (!r) return std::unexpected(r.error());
  const WebsiteId id(r->rows.at(0).Int(0));
  if (Result<void> indexed = IndexDomains(record, id); !indexed) {
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
    Result<std::string> document = s_.vault.Open(row.Text(2), kWebsiteContext);
    if (!document) return Corrupt(what, document.error());
    Result<Website> website = codec::DecodeWebsite(*document, kReadBack);
    if (!website) return Corrupt(what, website.error());
    Result<std::optional<FilingNumber>> number = NumberAt(row, 3);
    if (!number) return std::unexpected(number.error());
    out.push_back({WebsiteId(row.Int(0)), SubjectId(row.Int(1)), std::move(*website), *number,
                   row.Int(4) == 1, OptionalIdAt<ApplicationId>(row, 5), row.Int(6)});
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
  std::vector<Value> p = WebsiteValues(s_, record);
  p.insert(p.begin(), {std::int64_t{record.id.value()}, std::int64_t{record.revision}});
  Result<Rows> r = s_.Run(kUpdateWebsite, p);
  if (!r) {
    Result<void> guarded = AccessGuard(r.error());
    return std::unexpected(guarded.error());
  }
  if (r->empty()) return NotUpdated(s_, kRevisionOfWebsite, "website", record.id);
  if (Result<void> indexed = IndexDomains(record, record.id); !indexed) {
    return std::unexpected(indexed.error());
  }
  return r->rows[0].Int(0);
}

Result<std::vector<WebsiteRecord>> WebsiteRepository::ListBySubject(SubjectId subject) {
  return Select(kWebsitesBySubject, std::int64_t{subject.value()});
}

// ---- filing numbers ----

namespace {
constexpr std::string_view kIssueNumber =
    "INSERT INTO filing_numbers (number, subject_id, website_id, issued_at, cancelled_at) "
    "VALUES ($1, $2, $3, $4, NULL)";
constexpr std::string_view kCancelNumber =
    "UPDATE filing_numbers SET cancelled_at = $2 WHERE number = $1 AND cancelled_at IS NULL";
constexpr std::string_view kFindNumber =
    "SELECT number, subject_id, website_id, issued_at, cancelled_at FROM filing_numbers "
    "WHERE number = $1";
}  // namespace

Result<void> FilingNumberRegistry::Issue(const IssuedNumber& n) {
  const Value p[] = {n.number.str(), std::int64_t{n.subject.value()}, OptionalInt(n.website),
                     Time(n.issued_at)};
  Result<Rows> r = s_.Run(kIssueNumber, p);
  if (!r) {
    if (r.error().code == ErrorCode::kAlreadyExists)
      return s_.Refuse(errors::NumberIssuedOnce(n.number.str()));
    return std::unexpected(r.error());
  }
  return {};
}

Result<void> FilingNumberRegistry::Cancel(const FilingNumber& number, std::chrono::sys_seconds at) {
  const Value p[] = {number.str(), Time(at)};
  Result<Rows> r = s_.Run(kCancelNumber, p);
  if (!r) return std::unexpected(r.error());
  if (r->affected == 1) return {};
  Result<std::optional<IssuedNumber>> found = Find(number);
  if (!found) return std::unexpected(found.error());
  if (!found->has_value()) return NotFound("filing number " + number.str() + " was never issued");
  return s_.Refuse(errors::NumberCancelled(number.str()));
}

Result<std::optional<IssuedNumber>> FilingNumberRegistry::Find(const FilingNumber& number) {
  const Value key = number.str();
  Result<Rows> r = s_.Run(kFindNumber, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return std::optional<IssuedNumber>();
  const Row& row = r->rows[0];
  return std::optional<IssuedNumber>(IssuedNumber{number, SubjectId(row.Int(1)),
                                                  OptionalIdAt<WebsiteId>(row, 2), TimeAt(row, 3),
                                                  OptionalTimeAt(row, 4)});
}

// ---- materials ----

namespace {
constexpr std::string_view kInsertMaterial =
    "INSERT INTO materials (application_id, kind, owner, file_name, content_type, size, sha256, "
    "uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
constexpr std::string_view kListMaterials =
    "SELECT id, application_id, kind, owner, file_name, content_type, size, sha256, uploaded_at "
    "FROM materials WHERE application_id = $1 ORDER BY id";
constexpr std::string_view kRemoveMaterial = "DELETE FROM materials WHERE id = $1";
}  // namespace

Result<MaterialId> MaterialRepository::Insert(const MaterialRecord& m) {
  const Value p[] = {std::int64_t{m.application.value()},
                     Text(MaterialKindName(m.kind)),
                     m.owner,
                     m.file_name,
                     m.content_type,
                     m.size,
                     m.sha256,
                     Time(m.uploaded_at)};
  Result<Rows> r = s_.Run(kInsertMaterial, p);
  if (!r) return std::unexpected(r.error());
  return MaterialId(r->rows.at(0).Int(0));
}

Result<std::vector<MaterialRecord>> MaterialRepository::List(ApplicationId application) {
  const Value key = std::int64_t{application.value()};
  Result<Rows> r = s_.Run(kListMaterials, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  std::vector<MaterialRecord> out;
  for (const Row& row : r->rows) {
    std::optional<MaterialKind> kind = MaterialKindFromName(row.Text(2));
    if (!kind) return Internal("material " + row.Text(0) + " has an unknown kind " + row.Text(2));
    out.push_back({MaterialId(row.Int(0)), ApplicationId(row.Int(1)), *kind, row.Text(3),
                   row.Text(4), row.Text(5), row.Int(6), row.Text(7), TimeAt(row, 8)});
  }
  return out;
}

Result<void> MaterialRepository::Remove(MaterialId id) {
  const Value key = std::int64_t{id.value()};
  Result<Rows> r = s_.Run(kRemoveMaterial, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  if (r->affected == 0) return Missing("material", id.value());
  return {};
}

// ---- resources ----

namespace {
constexpr std::string_view kUpsertResource =
    "INSERT INTO resources (id, account, kind, region, mainland, billing, trial, purchased_count, "
    "purchased_unit, expires_at, public_ip, parent_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
    "ON CONFLICT (id) DO UPDATE SET account = excluded.account, kind = excluded.kind, "
    "region = excluded.region, mainland = excluded.mainland, billing = excluded.billing, "
    "trial = excluded.trial, purchased_count = excluded.purchased_count, "
    "purchased_unit = excluded.purchased_unit, expires_at = excluded.expires_at, "
    "public_ip = excluded.public_ip, parent_id = excluded.parent_id";
constexpr std::string_view kUnbindBackends =
    "UPDATE resources SET parent_id = NULL WHERE parent_id = $1";
constexpr std::string_view kResourceById =
    "SELECT id, account, kind, region, mainland, billing, trial, purchased_count, purchased_unit, "
    "expires_at, public_ip FROM resources WHERE id = $1";
constexpr std::string_view kResourcesByAccount =
    "SELECT id, account, kind, region, mainland, billing, trial, purchased_count, purchased_unit, "
    "expires_at, public_ip FROM resources WHERE account = $1 AND parent_id IS NULL ORDER BY id";
constexpr std::string_view kBackendsOf =
    "SELECT id, account, kind, region, mainland, billing, trial, purchased_count, purchased_unit, "
    "expires_at, public_ip FROM resources WHERE parent_id = $1 ORDER BY id";
}  // namespace

Result<void> ResourceRepository::Write(const Resource& res,
                                       const std::optional<std::string>& parent) {
  const Value p[] = {res.id,
                     res.account,
                     Text(ResourceKindName(res.kind)),
                     res.region.id,
                     Flag(res.region.mainland),
                     Text(BillingModeName(res.billing)),
                     Flag(res.trial),
                     std::int64_t{res.purchased.count},
                     Text(res.purchased.unit == TermUnit::kMonths ? "months" : "days"),
                     OptionalTime(res.expires_at),
                     OptionalText(res.public_ip),
                     OptionalText(parent)};
  if (Result<Rows> r = s_.Run(kUpsertResource, p); !r) return std::unexpected(r.error());
  const Value key = res.id;
  if (Result<Rows> r = s_.Run(kUnbindBackends, std::span(&key, 1)); !r) {
    return std::unexpected(r.error());
  }
  for (const Resource& backend : res.backends) {
    if (Result<void> w = Write(backend, res.id); !w) return w;
  }
  return {};
}

Result<void> ResourceRepository::Upsert(const Resource& resource) {
  return Write(resource, std::nullopt);
}

Result<std::vector<Resource>> ResourceRepository::Select(std::string_view statement,
                                                         const Value& key) {
  Result<Rows> r = s_.Run(statement, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  std::vector<Resource> out;
  for (const Row& row : r->rows) {
    std::optional<ResourceKind> kind = ResourceKindFromName(row.Text(2));
    std::optional<BillingMode> billing = BillingModeFromName(row.Text(5));
    if (!kind || !billing) return Internal("resource " + row.Text(0) + " does not read back");
    Resource res{row.Text(0),
                 row.Text(1),
                 *kind,
                 Region{row.Text(3), row.Int(4) == 1},
                 *billing,
                 row.Int(6) == 1,
                 Term{static_cast<int>(row.Int(7)),
                      row.Text(8) == "months" ? TermUnit::kMonths : TermUnit::kDays},
                 OptionalTimeAt(row, 9),
                 row.OptionalText(10),
                 {}};
    Result<std::vector<Resource>> backends = Select(kBackendsOf, res.id);
    if (!backends) return std::unexpected(backends.error());
    res.backends = std::move(*backends);
    out.push_back(std::move(res));
  }
  return out;
}

Result<Resource> ResourceRepository::Get(std::string_view id) {
  Result<std::vector<Resource>> r = Select(kResourceById, Text(id));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Missing("resource", id);
  return std::move(r->front());
}

Result<std::vector<Resource>> ResourceRepository::ListByAccount(std::string_view account) {
  return Select(kResourcesByAccount, Text(account));
}

// ---- authorization codes ----

namespace {
constexpr std::string_view kInsertCode =
    "INSERT INTO authorization_codes (code, server_id, ip, state, generated_by) "
    "VALUES ($1, $2, $3, $4, $5)";
constexpr std::string_view kCodeByCode =
    "SELECT code, server_id, ip, state, generated_by FROM authorization_codes WHERE code = $1";
constexpr std::string_view kCodesByServer =
    "SELECT code, server_id, ip, state, generated_by FROM authorization_codes "
    "WHERE server_id = $1 ORDER BY code";
constexpr std::string_view kTransitionCode =
    "UPDATE authorization_codes SET state = $3 WHERE code = $1 AND state = $2";

Result<std::vector<AuthorizationCode>> Codes(Session& s, std::string_view statement,
                                             std::string_view key) {
  const Value k = Text(key);
  Result<Rows> r = s.Run(statement, std::span(&k, 1));
  if (!r) return std::unexpected(r.error());
  std::vector<AuthorizationCode> out;
  for (const Row& row : r->rows) {
    std::optional<AuthorizationCodeState> state = AuthorizationCodeStateFromName(row.Text(3));
    if (!state) return Internal("authorization code " + row.Text(0) + " has an unknown state");
    out.push_back({row.Text(0), row.Text(1), row.Text(2), *state, row.Text(4)});
  }
  return out;
}

}  // namespace

Result<void> AuthorizationCodeRepository::Insert(const AuthorizationCode& c) {
  const Value p[] = {c.code, c.server_id, c.ip, Text(AuthorizationCodeStateName(c.state)),
                     c.generated_by};
  Result<Rows> r = s_.Run(kInsertCode, p);
  if (!r) {
    if (r.error().code == ErrorCode::kAlreadyExists) {
      return AlreadyExists("authorization code " + c.code + " exists");
    }
    return std::unexpected(r.error());
  }
  return {};
}

Result<AuthorizationCode> AuthorizationCodeRepository::Get(std::string_view code) {
  Result<std::vector<AuthorizationCode>> r = Codes(s_, kCodeByCode, code);
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Missing("authorization code", code);
  return std::move(r->front());
}

Result<void> AuthorizationCodeRepository::Transition(std::string_view code,
                                                     AuthorizationCodeState from,
                                                     AuthorizationCodeState to) {
  const Value p[] = {Text(code), Text(AuthorizationCodeStateName(from)),
                     Text(AuthorizationCodeStateName(to))};
  Result<Rows> r = s_.Run(kTransitionCode, p);
  if (!r) {
    if (r.error().message.find("auth-code.used") != std::string::npos) {
      return errors::CodeUsed(code);
    }
    return std::unexpected(r.error());
  }
  if (r->affected == 1) return {};
  if (Result<AuthorizationCode> found = Get(code); !found) return std::unexpected(found.error());
  return s_.Refuse(errors::CodeStateChanged(code));
}

Result<std::vector<AuthorizationCode>> AuthorizationCodeRepository::ListByServer(
    std::string_view server_id) {
  return Codes(s_, kCodesByServer, server_id);
}

}  // namespace icp::sql
