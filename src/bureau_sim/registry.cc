#include "bureau_sim/registry.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <utility>

namespace icp::bureau_sim {
namespace {

using sql::Value;

Value Opt(const std::optional<std::string>& v) { return v ? Value(*v) : Value(); }
Value Opt(const std::optional<std::int64_t>& v) { return v ? Value(*v) : Value(); }

// "YYYY-MM-DD" of `seconds` in China's time (UTC+8), as BASJ's dates.
std::string Date(std::int64_t seconds) {
  const std::chrono::sys_days day = std::chrono::floor<std::chrono::days>(
      std::chrono::sys_seconds{std::chrono::seconds{seconds + 8 * 3600}});
  const std::chrono::year_month_day ymd{day};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

constexpr std::string_view kLeaderColumns =
    "leader_name, leader_office_phones, leader_mobiles, leader_emails, leader_msn, leader_qq, "
    "leader_certificate_type, leader_certificate_number";

void AppendLeader(std::vector<Value>& values, const miit::Leader& l) {
  values.insert(values.end(),
                {Opt(l.name), Opt(l.office_phones), Opt(l.mobiles), Opt(l.emails), Opt(l.msn),
                 Opt(l.qq), Opt(l.certificate_type), Opt(l.certificate_number)});
}

miit::Leader ReadLeader(const sql::Row& row, std::size_t at) {
  return {row.OptionalText(at),     row.OptionalText(at + 1), row.OptionalText(at + 2),
          row.OptionalText(at + 3), row.OptionalText(at + 4), row.OptionalText(at + 5),
          row.OptionalInt(at + 6),  row.OptionalText(at + 7)};
}

std::string PreApprovalsText(const std::vector<miit::PreApprovalBlock>& blocks) {
  std::string out;
  for (const miit::PreApprovalBlock& p : blocks) out += fmt::format("{}\t{}\n", p.type, p.number);
  return out;
}

std::vector<miit::PreApprovalBlock> PreApprovalsFrom(std::string_view text) {
  std::vector<miit::PreApprovalBlock> out;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    const std::size_t tab = line.find('\t');
    if (tab != std::string_view::npos) {
      miit::PreApprovalBlock p;
      std::from_chars(line.data(), line.data() + tab, p.type);
      p.number = std::string(line.substr(tab + 1));
      out.push_back(std::move(p));
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

std::unexpected<Error> FilingStateError(std::string message) {
  Error e{ErrorCode::kFailedPrecondition, message, {}};
  e.violations.push_back(
      {"state", "bureau.filing.state", std::move(message), "备案申请状态不允许"});
  return std::unexpected(std::move(e));
}

constexpr std::string_view kSubjectColumns =
    "ztid, number, province, name, nature, investor, address_province, address_city, "
    "address_county, address_detail, certificate_type, certificate_number, certificate_address, "
    "leader_name, leader_office_phones, leader_mobiles, leader_emails, leader_msn, leader_qq, "
    "leader_certificate_type, leader_certificate_number, remark, filed_by, isp_id, "
    "isp_subject_id, password_hash IS NOT NULL, state, filed_at, modified_at";

constexpr std::string_view kWebsiteColumns =
    "wzid, ztid, idx, number, name, home_url, remark, service_content, languages, pre_approvals, "
    "leader_name, leader_office_phones, leader_mobiles, leader_emails, leader_msn, leader_qq, "
    "leader_certificate_type, leader_certificate_number, isp_id, isp_website_id, state, "
    "filed_at, modified_at";

constexpr std::string_view kFilingColumns =
    "id, isp_id, data_sequence, position, operation, record_key, record, state, decision, "
    "reasons, reviewer, due_at, created_at, updated_at, decided_at";

Result<Filing> ReadFiling(const sql::Row& row) {
  Filing f;
  f.id = row.Int(0);
  f.isp_id = row.Int(1);
  f.data_sequence = row.Int(2);
  f.position = row.Int(3);
  f.operation = row.Int(4);
  f.key = row.OptionalText(5);
  f.record = row.Text(6);
  std::optional<FilingState> state = kFilingStates.FromName(row.Text(7));
  if (!state) return Internal("filing " + std::to_string(f.id) + " has an unknown state");
  f.state = *state;
  f.decision = row.OptionalText(8);
  Result<std::vector<Reason>> reasons = ReasonsFromJson(row.Text(9));
  if (!reasons) return std::unexpected(reasons.error());
  f.reasons = std::move(*reasons);
  f.reviewer = row.OptionalText(10);
  f.due_at = row.OptionalInt(11);
  f.created_at = row.Int(12);
  f.updated_at = row.Int(13);
  f.decided_at = row.OptionalInt(14);
  if (Result<void> ok = row.Check(); !ok) return std::unexpected(ok.error());
  return f;
}

}  // namespace

std::string JoinIds(std::span<const std::int64_t> ids) {
  std::string out;
  for (std::int64_t id : ids) {
    if (!out.empty()) out += ';';
    out += std::to_string(id);
  }
  return out;
}

std::vector<std::int64_t> SplitIds(std::string_view text) {
  std::vector<std::int64_t> out;
  while (!text.empty()) {
    const std::size_t end = text.find(';');
    const std::string_view part = text.substr(0, end);
    std::int64_t id = 0;
    if (std::from_chars(part.data(), part.data() + part.size(), id).ec == std::errc{}) {
      out.push_back(id);
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

std::string ReasonsJson(std::span<const Reason> reasons) {
  boost::json::array out;
  for (const Reason& r : reasons) {
    boost::json::object o;
    o["jgdm"] = r.jgdm;
    if (r.path) o["path"] = *r.path;
    o["text"] = r.text;
    out.push_back(std::move(o));
  }
  return boost::json::serialize(out);
}

Result<std::vector<Reason>> ReasonsFromJson(std::string_view json) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(json, ec);
  if (ec || !v.is_array()) return Internal("stored reasons are not a JSON list");
  std::vector<Reason> out;
  for (const boost::json::value& item : v.as_array()) {
    const boost::json::object* o = item.if_object();
    if (o == nullptr || !o->contains("jgdm") || !o->at("jgdm").is_int64() || !o->contains("text") ||
        !o->at("text").is_string()) {
      return Internal("a stored reason is malformed");
    }
    Reason r;
    r.jgdm = o->at("jgdm").as_int64();
    r.text = std::string(o->at("text").as_string());
    if (const boost::json::value* p = o->if_contains("path"); p != nullptr && p->is_string()) {
      r.path = std::string(p->as_string());
    }
    out.push_back(std::move(r));
  }
  return out;
}

// ---- subjects ----

Result<std::optional<Subject>> Registry::OneSubject(std::string_view where, const Value& key) {
  const Value params[] = {key};
  Result<sql::Rows> rows =
      db_.Query(fmt::format("SELECT {} FROM subjects WHERE {}", kSubjectColumns, where), params);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<Subject>();
  const sql::Row& row = rows->rows.front();
  Subject s;
  miit::SubjectBlock& b = s.block;
  b.bureau_id = row.Int(0);
  b.number = row.Text(1);
  s.province = row.Int(2);
  b.name = row.Text(3);
  b.nature = row.OptionalInt(4);
  b.investor = row.OptionalText(5);
  b.address = {row.OptionalInt(6), row.OptionalInt(7), row.OptionalInt(8), row.OptionalText(9)};
  b.certificate = {row.Int(10), row.Text(11), row.OptionalText(12)};
  b.leader = ReadLeader(row, 13);
  b.remark = row.OptionalText(21);
  b.filed_by = row.Int(22);
  s.filed_via = row.OptionalInt(23);
  b.isp_id = row.OptionalInt(24);
  s.has_password = row.Int(25) == 1;
  s.cancelled = row.Text(26) == "cancelled";
  s.filed_at = row.Int(27);
  s.modified_at = row.Int(28);
  b.first_filed_at = Date(s.filed_at);
  b.modified_at = Date(s.modified_at);
  if (Result<void> ok = row.Check(); !ok) return std::unexpected(ok.error());
  return std::optional<Subject>(std::move(s));
}

Result<std::optional<Subject>> Registry::SubjectById(std::int64_t ztid) {
  return OneSubject("ztid = $1", ztid);
}

Result<std::optional<Subject>> Registry::SubjectByNumber(std::string_view number) {
  return OneSubject("number = $1", std::string(number));
}

Result<std::optional<Subject>> Registry::SubjectByCertificate(std::int64_t type,
                                                              std::string_view number) {
  const Value params[] = {type, std::string(number)};
  Result<sql::Rows> rows = db_.Query(
      "SELECT ztid FROM subjects WHERE certificate_type = $1 AND certificate_number = $2 "
      "AND state = 'filed'",
      params);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<Subject>();
  return SubjectById(rows->rows.front().Int(0));
}

Result<std::int64_t> Registry::InsertSubject(const Subject& subject,
                                             const std::optional<std::string>& password_hash) {
  const miit::SubjectBlock& b = subject.block;
  std::vector<Value> v = {Opt(b.number),       subject.province,      b.name,
                          Opt(b.nature),       Opt(b.investor),       Opt(b.address.province),
                          Opt(b.address.city), Opt(b.address.county), Opt(b.address.detail),
                          b.certificate.type,  b.certificate.number,  Opt(b.certificate.address)};
  AppendLeader(v, b.leader);
  v.insert(v.end(), {Opt(b.remark), b.filed_by.value_or(1), Opt(subject.filed_via), Opt(b.isp_id),
                     Opt(password_hash), subject.filed_at, subject.modified_at});
  Result<sql::Rows> rows = db_.Query(
      fmt::format("INSERT INTO subjects (number, province, name, nature, investor, "
                  "address_province, address_city, address_county, address_detail, "
                  "certificate_type, certificate_number, certificate_address, {}, remark, "
                  "filed_by, isp_id, isp_subject_id, password_hash, filed_at, modified_at) "
                  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
                  "$16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27) RETURNING ztid",
                  kLeaderColumns),
      v);
  if (!rows) return std::unexpected(rows.error());
  const std::int64_t ztid = rows->rows.front().Int(0);
  // The unit-name index (migration 0006) is the registry's to keep, beside the row.
  const Value name[] = {ztid, b.name};
  if (Result<sql::Rows> indexed =
          db_.Query("INSERT INTO subject_names (rowid, name) VALUES ($1, $2)", name);
      !indexed) {
    return std::unexpected(indexed.error());
  }
  return ztid;
}

Result<void> Registry::UpdateSubject(std::int64_t ztid, const miit::SubjectBlock& b,
                                     std::int64_t now) {
  std::vector<Value> v = {ztid,
                          b.name,
                          Opt(b.nature),
                          Opt(b.investor),
                          Opt(b.address.province),
                          Opt(b.address.city),
                          Opt(b.address.county),
                          Opt(b.address.detail),
                          b.certificate.type,
                          b.certificate.number,
                          Opt(b.certificate.address)};
  AppendLeader(v, b.leader);
  v.insert(v.end(), {Opt(b.remark), now});
  // The unit-name index (migration 0006) drops the old name before the row changes.
  const Value id[] = {ztid};
  Result<sql::Rows> unindexed = db_.Query(
      "INSERT INTO subject_names (subject_names, rowid, name) "
      "SELECT 'delete', ztid, name FROM subjects WHERE ztid = $1",
      id);
  if (!unindexed) return std::unexpected(unindexed.error());
  Result<sql::Rows> rows = db_.Query(
      "UPDATE subjects SET name = $2, nature = $3, investor = $4, address_province = $5, "
      "address_city = $6, address_county = $7, address_detail = $8, certificate_type = $9, "
      "certificate_number = $10, certificate_address = $11, leader_name = $12, "
      "leader_office_phones = $13, leader_mobiles = $14, leader_emails = $15, leader_msn = $16, "
      "leader_qq = $17, leader_certificate_type = $18, leader_certificate_number = $19, "
      "remark = $20, modified_at = $21 WHERE ztid = $1",
      v);
  if (!rows) return std::unexpected(rows.error());
  Result<sql::Rows> indexed = db_.Query(
      "INSERT INTO subject_names (rowid, name) SELECT ztid, name FROM subjects WHERE ztid = $1",
      id);
  if (!indexed) return std::unexpected(indexed.error());
  return {};
}

Result<void> Registry::CancelSubject(std::int64_t ztid, std::int64_t now) {
  const Value params[] = {ztid, now};
  Result<sql::Rows> rows = db_.Query(
      "UPDATE subjects SET state = 'cancelled', cancelled_at = $2, modified_at = $2 "
      "WHERE ztid = $1",
      params);
  if (!rows) return std::unexpected(rows.error());
  return {};
}

Result<std::optional<std::string>> Registry::PasswordHash(std::int64_t ztid) {
  const Value params[] = {ztid};
  Result<sql::Rows> rows = db_.Query("SELECT password_hash FROM subjects WHERE ztid = $1", params);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<std::string>();
  return rows->rows.front().OptionalText(0);
}

Result<void> Registry::SetPasswordHash(std::int64_t ztid, std::string_view hash) {
  const Value params[] = {ztid, std::string(hash)};
  Result<sql::Rows> rows =
      db_.Query("UPDATE subjects SET password_hash = $2 WHERE ztid = $1", params);
  if (!rows) return std::unexpected(rows.error());
  return {};
}

// ---- websites ----

Result<Website> Registry::ReadWebsite(const sql::Row& row) {
  Website w;
  miit::WebsiteBlock& b = w.block;
  b.bureau_id = row.Int(0);
  w.ztid = row.Int(1);
  w.index = row.Int(2);
  b.number = row.Text(3);
  b.name = row.Text(4);
  b.home_url = row.OptionalText(5);
  b.remark = row.OptionalText(6);
  b.service_content = SplitIds(row.Text(7));
  b.languages = SplitIds(row.Text(8));
  b.pre_approvals = PreApprovalsFrom(row.Text(9));
  b.leader = ReadLeader(row, 10);
  w.filed_via = row.OptionalInt(18);
  b.isp_id = row.OptionalInt(19);
  w.cancelled = row.Text(20) == "cancelled";
  w.filed_at = row.Int(21);
  w.modified_at = row.Int(22);
  b.first_filed_at = Date(w.filed_at);
  b.modified_at = Date(w.modified_at);
  if (Result<void> ok = row.Check(); !ok) return std::unexpected(ok.error());
  Result<std::vector<miit::DomainBlock>> domains = DomainsOf(*b.bureau_id);
  if (!domains) return std::unexpected(domains.error());
  b.domains = std::move(*domains);
  Result<std::vector<miit::AccessBlock>> accesses = AccessesOf(*b.bureau_id);
  if (!accesses) return std::unexpected(accesses.error());
  b.accesses = std::move(*accesses);
  return w;
}

Result<std::optional<Website>> Registry::OneWebsite(std::string_view where, const Value& key) {
  const Value params[] = {key};
  Result<sql::Rows> rows =
      db_.Query(fmt::format("SELECT {} FROM websites WHERE {}", kWebsiteColumns, where), params);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<Website>();
  Result<Website> w = ReadWebsite(rows->rows.front());
  if (!w) return std::unexpected(w.error());
  return std::optional<Website>(std::move(*w));
}

Result<std::optional<Website>> Registry::WebsiteById(std::int64_t wzid) {
  return OneWebsite("wzid = $1", wzid);
}

Result<std::optional<Website>> Registry::WebsiteByNumber(std::string_view number) {
  return OneWebsite("number = $1", std::string(number));
}

Result<std::vector<Website>> Registry::WebsitesOf(std::int64_t ztid, bool live_only) {
  const Value params[] = {ztid};
  Result<sql::Rows> rows =
      db_.Query(fmt::format("SELECT {} FROM websites WHERE ztid = $1{} ORDER BY idx",
                            kWebsiteColumns, live_only ? " AND state = 'filed'" : ""),
                params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<Website> out;
  for (const sql::Row& row : rows->rows) {
    Result<Website> w = ReadWebsite(row);
    if (!w) return std::unexpected(w.error());
    out.push_back(std::move(*w));
  }
  return out;
}

Result<std::int64_t> Registry::MaxWebsiteIndex(std::int64_t ztid) {
  const Value params[] = {ztid};
  Result<sql::Rows> rows =
      db_.Query("SELECT coalesce(max(idx), 0) FROM websites WHERE ztid = $1", params);
  if (!rows) return std::unexpected(rows.error());
  return rows->rows.front().Int(0);
}

Result<std::int64_t> Registry::InsertWebsite(std::int64_t ztid, std::int64_t index,
                                             const miit::WebsiteBlock& b,
                                             std::optional<std::int64_t> filed_via,
                                             std::int64_t now) {
  std::vector<Value> v = {ztid,
                          index,
                          Opt(b.number),
                          b.name,
                          Opt(b.home_url),
                          Opt(b.remark),
                          JoinIds(b.service_content),
                          JoinIds(b.languages),
                          PreApprovalsText(b.pre_approvals)};
  AppendLeader(v, b.leader);
  v.insert(v.end(), {Opt(filed_via), Opt(b.isp_id), now});
  Result<sql::Rows> rows = db_.Query(
      fmt::format("INSERT INTO websites (ztid, idx, number, name, home_url, remark, "
                  "service_content, languages, pre_approvals, {}, isp_id, isp_website_id, "
                  "filed_at, modified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                  "$12, $13, $14, $15, $16, $17, $18, $19, $20, $20) RETURNING wzid",
                  kLeaderColumns),
      v);
  if (!rows) return std::unexpected(rows.error());
  const std::int64_t wzid = rows->rows.front().Int(0);
  for (const miit::DomainBlock& domain : b.domains) {
    if (Result<std::int64_t> added = InsertDomain(wzid, domain); !added) {
      return std::unexpected(added.error());
    }
  }
  for (const miit::AccessBlock& access : b.accesses) {
    if (Result<std::int64_t> added = InsertAccess(wzid, access, now); !added) {
      return std::unexpected(added.error());
    }
  }
  return wzid;
}

Result<void> Registry::UpdateWebsite(std::int64_t wzid, const miit::WebsiteBlock& b,
                                     std::int64_t now) {
  std::vector<Value> v = {wzid,
                          b.name,
                          Opt(b.home_url),
                          Opt(b.remark),
                          JoinIds(b.service_content),
                          JoinIds(b.languages),
                          PreApprovalsText(b.pre_approvals)};
  AppendLeader(v, b.leader);
  v.push_back(now);
  Result<sql::Rows> rows = db_.Query(
      "UPDATE websites SET name = $2, home_url = $3, remark = $4, service_content = $5, "
      "languages = $6, pre_approvals = $7, leader_name = $8, leader_office_phones = $9, "
      "leader_mobiles = $10, leader_emails = $11, leader_msn = $12, leader_qq = $13, "
      "leader_certificate_type = $14, leader_certificate_number = $15, modified_at = $16 "
      "WHERE wzid = $1",
      v);
  if (!rows) return std::unexpected(rows.error());
  return {};
}

Result<void> Registry::CancelWebsite(std::int64_t wzid, std::int64_t now) {
  const Value params[] = {wzid, now};
  Result<sql::Rows> rows = db_.Query(
      "UPDATE websites SET state = 'cancelled', cancelled_at = $2, modified_at = $2 "
      "WHERE wzid = $1",
      params);
  if (!rows) return std::unexpected(rows.error());
  return {};
}

// ---- domains ----

Result<std::vector<miit::DomainBlock>> Registry::DomainsOf(std::int64_t wzid) {
  const Value params[] = {wzid};
  Result<sql::Rows> rows = db_.Query(
      "SELECT ymid, isp_domain_id, name FROM domains WHERE wzid = $1 AND live = 1 ORDER BY ymid",
      params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<miit::DomainBlock> out;
  for (const sql::Row& row : rows->rows) {
    out.push_back({row.OptionalInt(1), row.Int(0), row.Text(2)});
  }
  return out;
}

namespace {

Result<std::vector<std::int64_t>> Ints(Result<sql::Rows> rows) {
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::int64_t> out;
  for (const sql::Row& row : rows->rows) out.push_back(row.Int(0));
  return out;
}

}  // namespace

Result<std::vector<std::int64_t>> Registry::SubjectsWithHomePage(std::string_view home_url) {
  const Value params[] = {std::string(home_url)};
  return Ints(
      db_.Query("SELECT DISTINCT w.ztid FROM websites w JOIN subjects s ON s.ztid = w.ztid "
                "WHERE w.home_url IS NOT NULL AND w.state = 'filed' AND s.state = 'filed' "
                "AND rtrim(lower(w.home_url), '/') = rtrim(lower($1), '/') ORDER BY w.ztid",
                params));
}

Result<std::vector<std::int64_t>> Registry::ProvidersOfAddresses(std::int64_t first,
                                                                 std::int64_t last) {
  const Value params[] = {first, last};
  return Ints(
      db_.Query("SELECT DISTINCT a.isp_id FROM ips i JOIN accesses a ON a.jrid = i.jrid "
                "WHERE a.live = 1 AND i.first <= $2 AND i.last >= $1 ORDER BY a.isp_id",
                params));
}

Result<std::optional<DomainOwner>> Registry::OwnerOfDomain(std::string_view name) {
  const Value params[] = {std::string(name)};
  Result<sql::Rows> rows = db_.Query(
      "SELECT d.ymid, d.wzid, w.ztid FROM domains d JOIN websites w ON w.wzid = d.wzid "
      "WHERE d.name = $1 AND d.live = 1",
      params);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<DomainOwner>();
  const sql::Row& row = rows->rows.front();
  return std::optional<DomainOwner>(DomainOwner{row.Int(0), row.Int(1), row.Int(2)});
}

Result<std::int64_t> Registry::InsertDomain(std::int64_t wzid, const miit::DomainBlock& domain) {
  const Value params[] = {wzid, domain.name, Opt(domain.isp_id)};
  Result<sql::Rows> rows = db_.Query(
      "INSERT INTO domains (wzid, name, isp_domain_id) VALUES ($1, $2, $3) RETURNING ymid", params);
  if (!rows) return std::unexpected(rows.error());
  return rows->rows.front().Int(0);
}

Result<void> Registry::RemoveDomain(std::int64_t ymid, std::int64_t now) {
  const Value params[] = {ymid, now};
  Result<sql::Rows> rows =
      db_.Query("UPDATE domains SET live = 0, removed_at = $2 WHERE ymid = $1", params);
  if (!rows) return std::unexpected(rows.error());
  return {};
}

// ---- accesses ----

Result<std::vector<miit::IpBlock>> Registry::IpsOf(std::int64_t jrid) {
  const Value params[] = {jrid};
  Result<sql::Rows> rows = db_.Query(
      "SELECT ipid, isp_ip_id, first, last FROM ips WHERE jrid = $1 ORDER BY ipid", params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<miit::IpBlock> out;
  for (const sql::Row& row : rows->rows) {
    out.push_back({row.OptionalInt(1), row.Int(0), row.Int(2), row.Int(3)});
  }
  return out;
}

Result<std::vector<miit::AccessBlock>> Registry::AccessesOf(std::int64_t wzid) {
  const Value params[] = {wzid};
  Result<sql::Rows> rows = db_.Query(
      "SELECT jrid, isp_access_id, isp_id, locations, methods FROM accesses "
      "WHERE wzid = $1 AND live = 1 ORDER BY jrid",
      params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<miit::AccessBlock> out;
  for (const sql::Row& row : rows->rows) {
    miit::AccessBlock a;
    a.bureau_id = row.Int(0);
    a.isp_id = row.OptionalInt(1);
    a.provider = row.Int(2);
    a.locations = SplitIds(row.Text(3));
    a.methods = SplitIds(row.Text(4));
    Result<std::vector<miit::IpBlock>> ips = IpsOf(*a.bureau_id);
    if (!ips) return std::unexpected(ips.error());
    a.ips = std::move(*ips);
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::optional<AccessRef>> Registry::AccessById(std::int64_t jrid) {
  const Value params[] = {jrid};
  Result<sql::Rows> rows =
      db_.Query("SELECT jrid, wzid, isp_id, live FROM accesses WHERE jrid = $1", params);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<AccessRef>();
  const sql::Row& row = rows->rows.front();
  return std::optional<AccessRef>(AccessRef{row.Int(0), row.Int(1), row.Int(2), row.Int(3) == 1});
}

Result<std::int64_t> Registry::LiveAccessCount(std::int64_t wzid) {
  const Value params[] = {wzid};
  Result<sql::Rows> rows =
      db_.Query("SELECT count(*) FROM accesses WHERE wzid = $1 AND live = 1", params);
  if (!rows) return std::unexpected(rows.error());
  return rows->rows.front().Int(0);
}

Result<std::optional<AccessRef>> Registry::LiveAccessOf(std::int64_t wzid, std::int64_t isp_id) {
  const Value params[] = {wzid, isp_id};
  Result<sql::Rows> rows =
      db_.Query("SELECT jrid FROM accesses WHERE wzid = $1 AND isp_id = $2 AND live = 1", params);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<AccessRef>();
  return std::optional<AccessRef>(AccessRef{rows->rows.front().Int(0), wzid, isp_id, true});
}

Result<void> Registry::InsertIps(std::int64_t jrid, std::span<const miit::IpBlock> ips) {
  for (const miit::IpBlock& ip : ips) {
    const Value params[] = {jrid, Opt(ip.isp_id), ip.first, ip.last};
    Result<sql::Rows> rows =
        db_.Query("INSERT INTO ips (jrid, isp_ip_id, first, last) VALUES ($1, $2, $3, $4)", params);
    if (!rows) return std::unexpected(rows.error());
  }
  return {};
}

Result<std::int64_t> Registry::InsertAccess(std::int64_t wzid, const miit::AccessBlock& access,
                                            std::int64_t now) {
  const Value params[] = {wzid,
                          access.provider.value_or(0),
                          Opt(access.isp_id),
                          JoinIds(access.locations),
                          JoinIds(access.methods),
                          now};
  Result<sql::Rows> rows = db_.Query(
      "INSERT INTO accesses (wzid, isp_id, isp_access_id, locations, methods, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6) RETURNING jrid",
      params);
  if (!rows) return std::unexpected(rows.error());
  const std::int64_t jrid = rows->rows.front().Int(0);
  if (Result<void> ips = InsertIps(jrid, access.ips); !ips) return std::unexpected(ips.error());
  return jrid;
}

Result<void> Registry::UpdateAccess(std::int64_t jrid, const miit::AccessBlock& access) {
  const Value params[] = {jrid, JoinIds(access.locations), JoinIds(access.methods)};
  Result<sql::Rows> rows =
      db_.Query("UPDATE accesses SET locations = $2, methods = $3 WHERE jrid = $1", params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::int64_t> kept;
  std::vector<miit::IpBlock> fresh;
  for (const miit::IpBlock& ip : access.ips) {
    if (ip.bureau_id) {
      kept.push_back(*ip.bureau_id);
    } else {
      fresh.push_back(ip);
    }
  }
  const Value drop[] = {jrid, ";" + JoinIds(kept) + ";"};
  Result<sql::Rows> dropped =
      db_.Query("DELETE FROM ips WHERE jrid = $1 AND instr($2, ';' || ipid || ';') = 0", drop);
  if (!dropped) return std::unexpected(dropped.error());
  return InsertIps(jrid, fresh);
}

Result<void> Registry::CancelAccess(std::int64_t jrid, std::int64_t now) {
  const Value params[] = {jrid, now};
  Result<sql::Rows> rows =
      db_.Query("UPDATE accesses SET live = 0, cancelled_at = $2 WHERE jrid = $1", params);
  if (!rows) return std::unexpected(rows.error());
  return {};
}

Result<std::vector<std::int64_t>> Registry::WebsitesServedBy(std::int64_t isp_id,
                                                             std::int64_t after,
                                                             std::size_t limit) {
  const Value params[] = {isp_id, after, static_cast<std::int64_t>(limit)};
  Result<sql::Rows> rows = db_.Query(
      "SELECT wzid FROM accesses WHERE isp_id = $1 AND live = 1 AND wzid > $2 "
      "ORDER BY wzid LIMIT $3",
      params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::int64_t> out;
  for (const sql::Row& row : rows->rows) out.push_back(row.Int(0));
  return out;
}

// ---- numbers ----

Result<std::int64_t> Registry::NextSerial(std::int64_t province, std::int64_t year) {
  const Value params[] = {province, year};
  Result<sql::Rows> rows = db_.Query(
      "INSERT INTO number_sequences (province, year, last_serial) VALUES ($1, $2, 1) "
      "ON CONFLICT (province, year) DO UPDATE SET last_serial = last_serial + 1 "
      "RETURNING last_serial",
      params);
  if (!rows) return std::unexpected(rows.error());
  return rows->rows.front().Int(0);
}

Result<void> Registry::ReserveSerial(std::int64_t province, std::int64_t year,
                                     std::int64_t serial) {
  const Value params[] = {province, year, serial};
  Result<sql::Rows> rows = db_.Query(
      "INSERT INTO number_sequences (province, year, last_serial) VALUES ($1, $2, $3) "
      "ON CONFLICT (province, year) DO UPDATE SET last_serial = excluded.last_serial "
      "WHERE excluded.last_serial > last_serial",
      params);
  if (!rows) return std::unexpected(rows.error());
  return {};
}

// ---- blacklists ----

Result<bool> Registry::DomainBlacklisted(std::string_view name) {
  const Value params[] = {std::string(name)};
  Result<sql::Rows> rows = db_.Query("SELECT 1 FROM blacklisted_domains WHERE name = $1", params);
  if (!rows) return std::unexpected(rows.error());
  return !rows->empty();
}

Result<bool> Registry::SubjectBlacklisted(std::int64_t type, std::string_view number) {
  const Value params[] = {type, std::string(number)};
  Result<sql::Rows> rows = db_.Query(
      "SELECT 1 FROM blacklisted_subjects WHERE certificate_type = $1 AND certificate_number = $2",
      params);
  if (!rows) return std::unexpected(rows.error());
  return !rows->empty();
}

Result<bool> Registry::BlacklistDomain(std::string_view name, std::string_view reason,
                                       std::int64_t now) {
  const Value params[] = {std::string(name), std::string(reason), now};
  Result<sql::Rows> rows = db_.Query(
      "INSERT INTO blacklisted_domains (name, reason, added_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (name) DO NOTHING",
      params);
  if (!rows) return std::unexpected(rows.error());
  return rows->affected == 1;
}

Result<bool> Registry::BlacklistSubject(std::int64_t type, std::string_view number,
                                        std::string_view name, std::int64_t now) {
  const Value params[] = {type, std::string(number), std::string(name), now};
  Result<sql::Rows> rows = db_.Query(
      "INSERT INTO blacklisted_subjects (certificate_type, certificate_number, name, added_at) "
      "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
      params);
  if (!rows) return std::unexpected(rows.error());
  return rows->affected == 1;
}

Result<std::int64_t> Registry::AddUnfiledSite(std::string_view domain, std::int64_t ip,
                                              std::optional<std::int64_t> isp_id,
                                              std::int64_t now) {
  const Value params[] = {std::string(domain), ip, Opt(isp_id), now};
  Result<sql::Rows> rows = db_.Query(
      "INSERT INTO unfiled_sites (domain, ip, isp_id, detected_at) VALUES ($1, $2, $3, $4) "
      "RETURNING id",
      params);
  if (!rows) return std::unexpected(rows.error());
  return rows->rows.front().Int(0);
}

Result<std::vector<UnfiledSiteRow>> Registry::UnfiledSitesSentTo(
    std::int64_t isp_id, std::optional<std::string_view> domain) {
  const Value params[] = {isp_id, domain ? Value(std::string(*domain)) : Value()};
  Result<sql::Rows> rows = db_.Query(
      "SELECT id, domain, ip, isp_id, detected_at FROM unfiled_sites "
      "WHERE (isp_id = $1 OR isp_id IS NULL) AND ($2 IS NULL OR domain = $2) ORDER BY id",
      params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<UnfiledSiteRow> out;
  for (const sql::Row& row : rows->rows) {
    out.push_back({row.Int(0), row.Text(1), row.Int(2), row.OptionalInt(3), row.Int(4)});
    if (Result<void> ok = row.Check(); !ok) return std::unexpected(ok.error());
  }
  return out;
}

Result<bool> Registry::UnfiledSiteHandled(std::int64_t site_id, std::int64_t isp_id) {
  const Value params[] = {site_id, isp_id};
  Result<sql::Rows> rows = db_.Query(
      "SELECT 1 FROM unfiled_site_handling WHERE site_id = $1 AND isp_id = $2 AND handled = 1",
      params);
  if (!rows) return std::unexpected(rows.error());
  return !rows->empty();
}

Result<void> Registry::AddUnfiledHandling(std::int64_t site_id, std::int64_t isp_id,
                                          std::int64_t result, bool handled,
                                          std::string_view opinion, std::string_view deadline,
                                          std::int64_t now) {
  const Value params[] = {site_id,
                          isp_id,
                          result,
                          std::int64_t{handled ? 1 : 0},
                          std::string(opinion),
                          std::string(deadline),
                          now};
  Result<sql::Rows> rows = db_.Query(
      "INSERT INTO unfiled_site_handling (site_id, isp_id, result, handled, opinion, deadline, "
      "reported_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      params);
  if (!rows) return std::unexpected(rows.error());
  return {};
}

Result<std::int64_t> Registry::InsertMaterial(std::int64_t isp_id, std::int64_t ztid,
                                              std::optional<std::int64_t> wzid,
                                              const miit::Attachment& material, std::int64_t now) {
  const Value params[] = {isp_id,
                          ztid,
                          Opt(wzid),
                          material.purpose,
                          material.format,
                          material.content,
                          Opt(material.remark),
                          now};
  Result<sql::Rows> rows = db_.Query(
      "INSERT INTO verification_materials (isp_id, ztid, wzid, purpose, format, content, remark, "
      "received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      params);
  if (!rows) return std::unexpected(rows.error());
  return rows->rows.front().Int(0);
}

Result<std::int64_t> Registry::MaterialCount(std::int64_t ztid, std::optional<std::int64_t> wzid) {
  const Value params[] = {ztid, Opt(wzid)};
  Result<sql::Rows> rows = db_.Query(
      "SELECT count(*) FROM verification_materials WHERE ztid = $1 AND wzid IS $2", params);
  if (!rows) return std::unexpected(rows.error());
  return rows->rows.front().Int(0);
}

Result<std::int64_t> Registry::OpenVerificationTask(std::int64_t isp_id, std::int64_t wzid,
                                                    std::int64_t now) {
  const Value params[] = {isp_id, wzid, now};
  Result<sql::Rows> rows = db_.Query(
      "INSERT INTO verification_tasks (isp_id, wzid, sent_at) VALUES ($1, $2, $3) RETURNING id",
      params);
  if (!rows) return std::unexpected(rows.error());
  return rows->rows.front().Int(0);
}

Result<std::optional<VerificationTask>> Registry::LatestVerificationTask(std::int64_t isp_id,
                                                                         std::int64_t wzid) {
  const Value params[] = {isp_id, wzid};
  Result<sql::Rows> rows = db_.Query(
      "SELECT id, sent_at, passed, opinion, answered_at FROM verification_tasks "
      "WHERE isp_id = $1 AND wzid = $2 ORDER BY id DESC LIMIT 1",
      params);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<VerificationTask>();
  const sql::Row& row = rows->rows.front();
  VerificationTask task{
      row.Int(0), isp_id, wzid, row.Int(1), std::nullopt, row.OptionalText(3), row.OptionalInt(4)};
  if (std::optional<std::int64_t> passed = row.OptionalInt(2)) task.passed = *passed == 1;
  if (Result<void> ok = row.Check(); !ok) return std::unexpected(ok.error());
  return std::optional<VerificationTask>(std::move(task));
}

Result<void> Registry::AnswerVerificationTask(std::int64_t id,
                                              const miit::VerificationAnswer& answer,
                                              std::int64_t now) {
  const Value params[] = {id,
                          std::int64_t{answer.passed ? 1 : 0},
                          answer.verifier,
                          answer.verified_on,
                          answer.opinion,
                          Opt(answer.errors),
                          now};
  Result<sql::Rows> rows = db_.Query(
      "UPDATE verification_tasks SET passed = $2, verifier = $3, verified_on = $4, opinion = $5, "
      "errors = $6, answered_at = $7 WHERE id = $1",
      params);
  if (!rows) return std::unexpected(rows.error());
  return {};
}

Result<std::int64_t> Registry::PasswordFailuresSince(std::string_view number, std::int64_t since) {
  const Value params[] = {std::string(number), since};
  Result<sql::Rows> rows =
      db_.Query("SELECT count(*) FROM password_failures WHERE number = $1 AND at >= $2", params);
  if (!rows) return std::unexpected(rows.error());
  return rows->rows.front().Int(0);
}

Result<void> Registry::AddPasswordFailure(std::string_view number, std::int64_t now) {
  const Value params[] = {std::string(number), now};
  Result<sql::Rows> rows =
      db_.Query("INSERT INTO password_failures (number, at) VALUES ($1, $2)", params);
  if (!rows) return std::unexpected(rows.error());
  return {};
}

// ---- uploads and downloads ----

Result<void> Registry::InsertUpload(std::int64_t isp_id, std::int64_t data_sequence,
                                    std::string_view file_name, const miit::WirePayload& payload,
                                    std::string_view xml, std::int64_t now) {
  const Value step[] = {isp_id, data_sequence};
  Result<sql::Rows> stepped = db_.Query(
      "UPDATE providers SET last_sequence = $2 WHERE isp_id = $1 AND last_sequence = $2 - 1", step);
  if (!stepped) return std::unexpected(stepped.error());
  if (stepped->affected != 1) {
    Error e{ErrorCode::kAborted, "the provider's dataSequence moved: not the next upload", {}};
    e.violations.push_back({"dataSequence", "bureau.sequence.moved", e.message, ""});
    return std::unexpected(std::move(e));
  }
  const Value row[] = {isp_id,
                       data_sequence,
                       std::string(file_name),
                       payload.beian_info,
                       payload.beian_info_hash,
                       payload.encrypt_algorithm,
                       std::string(xml),
                       now};
  Result<sql::Rows> inserted = db_.Query(
      "INSERT INTO uploads (isp_id, data_sequence, file_name, beian_info, beian_info_hash, "
      "encrypt_algorithm, xml, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      row);
  if (!inserted) return std::unexpected(inserted.error());
  return {};
}

Result<std::string> Registry::QueueFile(std::int64_t isp_id, std::string_view prefix,
                                        std::string_view xml, std::int64_t now) {
  // The queue's next id (AUTOINCREMENT, never reused): unique and rising, found in O(1).
  Result<sql::Rows> next = db_.Query("SELECT coalesce(max(id), 0) + 1 FROM downloads");
  if (!next) return std::unexpected(next.error());
  const std::string name = fmt::format("{}{:010d}", prefix, next->rows.front().Int(0));
  Result<miit::WirePayload> payload = miit::EncodePayload(xml, {.entry_name = name});
  if (!payload) return std::unexpected(payload.error());
  const Value queued[] = {isp_id, name, payload->beian_info, payload->beian_info_hash, now};
  Result<sql::Rows> added = db_.Query(
      "INSERT INTO downloads (isp_id, file_name, beian_info, beian_info_hash, created_at) "
      "VALUES ($1, $2, $3, $4, $5)",
      queued);
  if (!added) return std::unexpected(added.error());
  return name;
}

Result<std::vector<std::int64_t>> Registry::ProviderIds() {
  Result<sql::Rows> rows = db_.Query("SELECT isp_id FROM providers ORDER BY isp_id");
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::int64_t> out;
  for (const sql::Row& row : rows->rows) out.push_back(row.Int(0));
  return out;
}

// ---- filings ----

Result<std::int64_t> Registry::InsertFiling(const Filing& f) {
  const Value params[] = {f.isp_id,
                          f.data_sequence,
                          f.position,
                          f.operation,
                          Opt(f.key),
                          f.record,
                          std::string(kFilingStates.Name(f.state)),
                          ReasonsJson(f.reasons),
                          Opt(f.due_at),
                          f.created_at,
                          Opt(f.decided_at)};
  Result<sql::Rows> rows = db_.Query(
      "INSERT INTO filings (isp_id, data_sequence, position, operation, record_key, record, "
      "state, reasons, due_at, created_at, updated_at, decided_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) RETURNING id",
      params);
  if (!rows) return std::unexpected(rows.error());
  return rows->rows.front().Int(0);
}

Result<std::optional<Filing>> Registry::FilingById(std::int64_t id) {
  const Value params[] = {id};
  Result<sql::Rows> rows =
      db_.Query(fmt::format("SELECT {} FROM filings WHERE id = $1", kFilingColumns), params);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<Filing>();
  Result<Filing> f = ReadFiling(rows->rows.front());
  if (!f) return std::unexpected(f.error());
  return std::optional<Filing>(std::move(*f));
}

Result<std::vector<Filing>> Registry::FilingsIn(FilingState state, std::int64_t after,
                                                std::size_t limit) {
  const Value params[] = {std::string(kFilingStates.Name(state)), after,
                          static_cast<std::int64_t>(limit)};
  Result<sql::Rows> rows = db_.Query(
      fmt::format("SELECT {} FROM filings WHERE state = $1 AND id > $2 ORDER BY id LIMIT $3",
                  kFilingColumns),
      params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<Filing> out;
  for (const sql::Row& row : rows->rows) {
    Result<Filing> f = ReadFiling(row);
    if (!f) return std::unexpected(f.error());
    out.push_back(std::move(*f));
  }
  return out;
}

Result<std::vector<std::int64_t>> Registry::DueForAutoReview(std::int64_t now, std::size_t limit) {
  const Value params[] = {now, static_cast<std::int64_t>(limit)};
  Result<sql::Rows> rows = db_.Query(
      "SELECT id FROM filings WHERE state = 'review' AND decision IS NULL AND due_at <= $1 "
      "ORDER BY id LIMIT $2",
      params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::int64_t> out;
  for (const sql::Row& row : rows->rows) out.push_back(row.Int(0));
  return out;
}

Result<std::vector<std::int64_t>> Registry::DecisionsToApply(std::size_t limit) {
  const Value params[] = {static_cast<std::int64_t>(limit)};
  Result<sql::Rows> rows = db_.Query(
      "SELECT id FROM filings WHERE state = 'review' AND decision IS NOT NULL ORDER BY id "
      "LIMIT $1",
      params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::int64_t> out;
  for (const sql::Row& row : rows->rows) out.push_back(row.Int(0));
  return out;
}

Result<void> Registry::MoveFiling(std::int64_t id, FilingState to, std::span<const Reason> reasons,
                                  std::optional<std::int64_t> due_at, std::int64_t now) {
  const bool decided = to == FilingState::kApproved || to == FilingState::kReturned;
  const Value params[] = {
      id,  std::string(kFilingStates.Name(to)), ReasonsJson(reasons), Opt(due_at),
      now, decided ? Value(now) : Value()};
  Result<sql::Rows> rows = db_.Query(
      "UPDATE filings SET state = $2, reasons = $3, due_at = coalesce($4, due_at), "
      "updated_at = $5, decided_at = $6 WHERE id = $1",
      params);
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected != 1) return NotFound("no filing " + std::to_string(id));
  return {};
}

Result<void> Registry::RecordDecision(std::int64_t id, std::string_view decision,
                                      std::span<const Reason> reasons, std::string_view reviewer,
                                      std::int64_t now) {
  Result<std::optional<Filing>> filing = FilingById(id);
  if (!filing) return std::unexpected(filing.error());
  if (!filing->has_value()) return NotFound("no filing " + std::to_string(id));
  if ((*filing)->state != FilingState::kReview) {
    return FilingStateError(
        fmt::format("filing {} is {}, not in review", id, kFilingStates.Name((*filing)->state)));
  }
  if ((*filing)->decision) {
    return FilingStateError(
        fmt::format("filing {} has a decision already ({})", id, *(*filing)->decision));
  }
  const Value params[] = {id, std::string(decision), ReasonsJson(reasons), std::string(reviewer),
                          now};
  Result<sql::Rows> rows = db_.Query(
      "UPDATE filings SET decision = $2, reasons = $3, reviewer = $4, updated_at = $5 "
      "WHERE id = $1",
      params);
  if (!rows) return std::unexpected(rows.error());
  return {};
}

Result<std::int64_t> Registry::OpenFilingsAbout(std::int64_t operation, std::string_view key,
                                                std::int64_t except) {
  const Value params[] = {operation, std::string(key), except};
  Result<sql::Rows> rows = db_.Query(
      "SELECT count(*) FROM filings WHERE operation = $1 AND record_key = $2 AND id < $3 "
      "AND state IN ('intake', 'sms_pending', 'review')",
      params);
  if (!rows) return std::unexpected(rows.error());
  return rows->rows.front().Int(0);
}

}  // namespace icp::bureau_sim
