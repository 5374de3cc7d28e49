// Applications and their history in portable SQL. The database, not this file, holds "one
// open application per subject" and "one open application per domain": the unique columns
// open_subject_hash and application_domains.open_domain (see migrations/0001_init.sql).
#include <algorithm>
#include <charconv>

#include "codec/application_json.h"
#include "ports/storage_errors.h"
#include "storage/common/keys.h"
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {

namespace errors = storage_errors;

namespace {

constexpr std::string_view kKind = "application";

// subject_key is the identity of the subject on record when the application names one, else
// the keyed hash of its certificate ($6); open_subject_key and open_account are set while the
// application is open ($7 = 1). The id ($20) is taken first (kNextId), so the row is written
// once, already sealed ($21) under it.
#define ICP_APPLICATION_INSERT(overriding)                                                      \
  "INSERT INTO applications (id, account_id, subject_id, type, state, province, subject_key, "  \
  "open_subject_key, open_account, body, entered_at, missed_calls, next_call_at, "              \
  "deadline_kind, deadline_due, deadline_provisional, deadline_on_expiry, reminded, "           \
  "history_length, revision, created_at, updated_at, content_hash) " overriding                 \
  "VALUES ($20, $1, $2, $3, $4, $5, "                                                           \
  "coalesce((SELECT identity_key FROM subjects WHERE id = $2), $6), "                           \
  "CASE WHEN $7 = 1 THEN coalesce((SELECT identity_key FROM subjects WHERE id = $2), $6) END, " \
  "CASE WHEN $7 = 1 THEN CAST($1 AS BIGINT) END, $21, $8, $9, $10, $11, $12, $13, $14, $15, "   \
  "$16, 1, $17, $18, $19)"
constexpr std::string_view kInsertSqlite = ICP_APPLICATION_INSERT("");
// The column is GENERATED ALWAYS: the id from the sequence is given explicitly.
constexpr std::string_view kInsertPostgres = ICP_APPLICATION_INSERT("OVERRIDING SYSTEM VALUE ");
#undef ICP_APPLICATION_INSERT
// The next id AUTOINCREMENT would give (SQLite's write lock is held since Begin, so no other
// writer can take it meanwhile), or the identity's next value on PostgreSQL.
constexpr std::string_view kNextIdSqlite =
    "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'applications'), 0), "
    "coalesce((SELECT max(id) FROM applications), 0)) + 1";
constexpr std::string_view kNextIdPostgres = "SELECT nextval('applications_id_seq')";
constexpr std::string_view kUpdate =
    "UPDATE applications SET account_id = $3, subject_id = $4, type = $5, state = $6, "
    "province = $7, "
    "subject_key = coalesce((SELECT identity_key FROM subjects WHERE id = $4), $8), "
    "open_subject_key = CASE WHEN $9 = 1 THEN "
    "coalesce((SELECT identity_key FROM subjects WHERE id = $4), $8) END, "
    "open_account = CASE WHEN $9 = 1 THEN CAST($3 AS BIGINT) END, entered_at = $10, "
    "missed_calls = $11, next_call_at = $12, deadline_kind = $13, deadline_due = $14, "
    "deadline_provisional = $15, deadline_on_expiry = $16, reminded = $17, "
    "history_length = $18, created_at = $19, updated_at = $20, content_hash = $21, body = $22, "
    "revision = revision + 1 WHERE id = $1 AND revision = $2 RETURNING revision";
constexpr std::string_view kStoredShape =
    "SELECT revision, history_length FROM applications WHERE id = $1";
constexpr std::string_view kColumns =
    "SELECT id, account_id, subject_id, type, state, body, entered_at, missed_calls, "
    "next_call_at, deadline_kind, deadline_due, deadline_provisional, deadline_on_expiry, "
    "reminded, revision, created_at, updated_at, content_hash, history_length FROM applications ";
constexpr std::string_view kById =
    "SELECT id, account_id, subject_id, type, state, body, entered_at, missed_calls, "
    "next_call_at, deadline_kind, deadline_due, deadline_provisional, deadline_on_expiry, "
    "reminded, revision, created_at, updated_at, content_hash, history_length FROM applications "
    "WHERE id = $1";
// The moves the row read says it has ($2 = its history_length). Under PostgreSQL's READ
// COMMITTED each statement sees its own snapshot: a move committed between reading the row and
// reading its history would otherwise come back with a row that does not show it yet.
constexpr std::string_view kHistory =
    "SELECT seq, from_state, event, to_state, at FROM application_transitions "
    "WHERE application_id = $1 AND seq <= $2 ORDER BY seq";
constexpr std::string_view kAppendMove =
    "INSERT INTO application_transitions (application_id, seq, from_state, event, to_state, at) "
    "VALUES ($1, $2, $3, $4, $5, $6)";
constexpr std::string_view kDomainsOfDocument =
    "SELECT count(*) FROM application_domains WHERE application_id = $1 AND content_hash = $2";
constexpr std::string_view kClearDomains =
    "DELETE FROM application_domains WHERE application_id = $1";
constexpr std::string_view kInsertDomain =
    "INSERT INTO application_domains (application_id, domain, field, open_domain, content_hash) "
    "VALUES ($1, $2, $3, $4, $5)";
// Open applications about the subject with this certificate: by the certificate itself, or
// by the identity of the active subject on record that holds it now.
constexpr std::string_view kOpenBySubject =
    "SELECT id FROM applications WHERE open_subject_key = $1 OR open_subject_key IN "
    "(SELECT identity_key FROM subjects WHERE active_certificate_hash = $1) ORDER BY id";
constexpr std::string_view kOpenByDomain =
    "SELECT application_id FROM application_domains WHERE open_domain = $1";
constexpr std::string_view kDue =
    "SELECT id FROM applications WHERE open_subject_key IS NOT NULL AND "
    "((deadline_due IS NOT NULL AND deadline_due <= $1) OR "
    "(next_call_at IS NOT NULL AND next_call_at <= $1)) ORDER BY id LIMIT $2";

std::string SubjectHash(const Session& s, const Application& a) {
  return s.vault.Hash(keys::CertificateKey(a.subject.certificate), "certificate");
}

// Columns from account_id on, in the order of kInsert ($1..$18) and kUpdate ($3..$20).
std::vector<Value> Columns(const Session& s, const ApplicationRecord& r) {
  const ApplicationLifecycle& l = r.lifecycle;
  // Reminder days sent, then those skipped for a later one written negated: "30,-7,-15".
  std::string reminded;
  for (int day : l.reminded()) {
    if (!reminded.empty()) reminded += ',';
    reminded += std::to_string(day);
  }
  for (int day : l.skipped_reminders()) {
    if (!reminded.empty()) reminded += ',';
    reminded += std::to_string(-day);
  }
  const std::optional<Deadline>& d = l.deadline();
  return {std::int64_t{r.account.value()},
          OptionalInt(r.subject),
          Text(ApplicationTypeName(l.type())),
          Text(ApplicationStateName(l.state())),
          Text(r.application.subject.province.code()),
          SubjectHash(s, r.application),
          Flag(!IsTerminal(l.state())),
          Time(l.entered_state_at()),
          std::int64_t{l.missed_calls()},
          OptionalTime(l.next_call_at()),
          d ? Text(DeadlineKindName(d->kind)) : Null(),
          d ? Time(d->due) : Null(),
          Flag(d && d->provisional),
          d && d->on_expiry ? Text(ApplicationEventName(*d->on_expiry)) : Null(),
          reminded,
          static_cast<std::int64_t>(l.history().size()),
          Time(r.created_at),
          Time(r.updated_at)};
}

// One row of the domain index: the parameters of kInsertDomain, and what a conflict names.
struct DomainIndexRow {
  std::vector<Value> params;
  std::string unicode;
  std::string field;
};

std::vector<DomainIndexRow> DomainIndexRows(const ApplicationRecord& record, ApplicationId id,
                                            const std::string& content_hash) {
  const bool open = !IsTerminal(record.lifecycle.state());
  std::vector<DomainIndexRow> out;
  for (const auto& [d, field] : keys::DomainsOf(record.application)) {
    out.push_back({{std::int64_t{id.value()}, d->ascii(), field, open ? Value(d->ascii()) : Null(),
                    content_hash},
                   d->unicode(),
                   field});
  }
  return out;
}

// The parameters of kAppendMove for the moves of `record` from number `from` + 1 on.
std::vector<std::vector<Value>> MoveRows(const ApplicationRecord& record, ApplicationId id,
                                         std::size_t from) {
  const std::vector<TransitionRecord>& history = record.lifecycle.history();
  std::vector<std::vector<Value>> out;
  for (std::size_t i = from; i < history.size(); ++i) {
    const TransitionRecord& t = history[i];
    out.push_back({std::int64_t{id.value()}, static_cast<std::int64_t>(i + 1),
                   Text(ApplicationStateName(t.from)), Text(ApplicationEventName(t.event)),
                   Text(ApplicationStateName(t.to)), Time(t.at)});
  }
  return out;
}

Result<std::vector<TransitionRecord>> ReadHistory(Session& s, ApplicationId id,
                                                  std::int64_t length) {
  const Value p[] = {std::int64_t{id.value()}, length};
  Result<Rows> r = s.Run(kHistory, p);
  if (!r) return std::unexpected(r.error());
  std::vector<TransitionRecord> out;
  for (const Row& row : r->rows) {
    std::optional<ApplicationState> from = ApplicationStateFromName(row.Text(1));
    std::optional<ApplicationEvent> event = ApplicationEventFromName(row.Text(2));
    std::optional<ApplicationState> to = ApplicationStateFromName(row.Text(3));
    if (!from || !event || !to) {
      return Corrupt("application " + std::to_string(id.value()),
                     {ErrorCode::kInternal, "unreadable move", {}});
    }
    out.push_back({*from, *event, *to, TimeAt(row, 4)});
    if (Result<void> ok = row.Check(); !ok) return Corrupt("a move", ok.error());
  }
  return out;
}

// "7,15": the reminder days already sent. nullopt for text that is not such a list.
std::optional<std::vector<int>> ParseReminded(std::string_view text) {
  std::vector<int> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    int day = 0;
    const char* first = text.data() + start;
    const char* last = text.data() + comma;
    auto [ptr, ec] = std::from_chars(first, last, day);
    if (ec != std::errc() || ptr != last || first == last) return std::nullopt;
    out.push_back(day);
    start = comma + 1;
  }
  return out;
}

Result<ApplicationRecord> ReadRecord(Session& s, const Row& row) {
  const ApplicationId id(row.Int(0));
  const std::string what = "application " + row.Text(0);
  std::optional<ApplicationType> type = ApplicationTypeFromName(row.Text(3));
  std::optional<ApplicationState> state = ApplicationStateFromName(row.Text(4));
  if (!type || !state) return Corrupt(what, {ErrorCode::kInternal, "unknown type or state", {}});
  Result<std::string> document =
      s.vault.Open(row.Text(5), SealContext(kKind, id.value(), row.Text(17)));
  if (!document) return Corrupt(what, document.error());
  Result<Application> application = codec::DecodeApplication(*document, kReadBack);
  if (!application) return Corrupt(what, application.error());
  Result<std::vector<TransitionRecord>> history = ReadHistory(s, id, row.Int(18));
  if (!history) return std::unexpected(history.error());
  LifecycleSnapshot snapshot{*type,
                             *state,
                             TimeAt(row, 6),
                             std::move(*history),
                             static_cast<int>(row.Int(7)),
                             OptionalTimeAt(row, 8),
                             std::nullopt,
                             {},
                             {}};
  if (!row.IsNull(9)) {
    std::optional<Deadline::Kind> kind = DeadlineKindFromName(row.Text(9));
    if (!kind) return Corrupt(what, {ErrorCode::kInternal, "unknown deadline kind", {}});
    std::optional<ApplicationEvent> on_expiry;
    if (!row.IsNull(12)) {
      on_expiry = ApplicationEventFromName(row.Text(12));
      if (!on_expiry) return Corrupt(what, {ErrorCode::kInternal, "unknown deadline event", {}});
    }
    snapshot.deadline = Deadline{*kind, TimeAt(row, 10), row.Int(11) == 1, on_expiry};
  }
  std::optional<std::vector<int>> reminded = ParseReminded(row.Text(13));
  if (!reminded) return Corrupt(what, {ErrorCode::kInternal, "unreadable reminders", {}});
  for (int day : *reminded) {
    (day < 0 ? snapshot.skipped_reminders : snapshot.reminded).push_back(day < 0 ? -day : day);
  }
  if (Result<void> ok = row.Check(); !ok) return Corrupt(what, ok.error());
  Result<ApplicationLifecycle> lifecycle = ApplicationLifecycle::Restore(std::move(snapshot));
  if (!lifecycle) return Corrupt(what, lifecycle.error());
  std::optional<SubjectId> subject;
  if (!row.IsNull(2)) subject = SubjectId(row.Int(2));
  return ApplicationRecord{id,
                           AccountId(row.Int(1)),
                           subject,
                           std::move(*application),
                           std::move(*lifecycle),
                           row.Int(14),
                           TimeAt(row, 15),
                           TimeAt(row, 16)};
}

// Errors of a write to applications, by the constraint they name.
std::unexpected<Error> WriteError(Session& s, const Error& e) {
  const std::string_view constraint = ConstraintOf(e);
  if (constraint == "applications.open_subject_key") {
    return s.Refuse(errors::SubjectHasOpenApplication());
  }
  if (constraint == "applications.open_account") {
    return s.Refuse(errors::AccountHasOpenApplication());
  }
  if (constraint == "application.subject-on-record") {
    return s.Refuse(errors::ApplicationMustNameSubjectOnRecord());
  }
  if (constraint == "applications_type_names_subject") {
    return s.Refuse(errors::ApplicationTypeNeedsSubject());
  }
  return std::unexpected(e);
}

}  // namespace

// The domain index follows the document: its rows carry the content hash of the document
// they were written for, and the schema keeps the rows of an open application's current
// document. Rows of an earlier document are replaced; a document already indexed is left as
// it is (a terminal move closes its rows by trigger).
Result<void> ApplicationRepository::IndexDomains(const ApplicationRecord& record, ApplicationId id,
                                                 const std::string& content_hash) {
  const Value key = std::int64_t{id.value()};
  Result<bool> indexed = IndexedForDocument(s_, kDomainsOfDocument, id.value(), content_hash);
  if (!indexed) return std::unexpected(indexed.error());
  if (*indexed) return {};
  if (Result<Rows> r = s_.Run(kClearDomains, std::span(&key, 1)); !r) {
    return std::unexpected(r.error());
  }
  for (const DomainIndexRow& row : DomainIndexRows(record, id, content_hash)) {
    if (Result<Rows> r = s_.Run(kInsertDomain, row.params); !r) {
      if (ConstraintOf(r.error()) == "application_domains.open_domain") {
        return s_.Refuse(errors::DomainHasOpenApplication(row.unicode, row.field));
      }
      return std::unexpected(r.error());
    }
  }
  return {};
}

Result<void> ApplicationRepository::AppendHistory(const ApplicationRecord& record, ApplicationId id,
                                                  std::int64_t stored_length) {
  const std::vector<TransitionRecord>& history = record.lifecycle.history();
  if (static_cast<std::int64_t>(history.size()) < stored_length) {
    return s_.Refuse(errors::HistoryAppendOnly(id.value()));
  }
  if (stored_length > 0) {
    Result<std::vector<TransitionRecord>> stored = ReadHistory(s_, id, stored_length);
    if (!stored) return std::unexpected(stored.error());
    if (!std::equal(stored->begin(), stored->end(), history.begin())) {
      return s_.Refuse(errors::HistoryAppendOnly(id.value()));
    }
  }
  for (const std::vector<Value>& move :
       MoveRows(record, id, static_cast<std::size_t>(stored_length))) {
    if (Result<Rows> r = s_.Run(kAppendMove, move); !r) return std::unexpected(r.error());
  }
  return {};
}

Result<ApplicationId> ApplicationRepository::Insert(const ApplicationRecord& record) {
  const std::string document = codec::EncodeApplication(record.application);
  const std::string content_hash = s_.vault.Hash(document, "application-content");
  Result<Rows> next = s_.Run(s_.Pick(kNextIdSqlite, kNextIdPostgres));
  if (!next) return std::unexpected(next.error());
  if (next->empty() || next->rows[0].Int(0) <= 0 || !next->rows[0].Check()) {
    return Internal("no next application id");
  }
  const ApplicationId id(next->rows[0].Int(0));
  std::vector<Value> row = Columns(s_, record);
  row.push_back(content_hash);
  row.push_back(std::int64_t{id.value()});
  row.push_back(s_.vault.Seal(document, SealContext(kKind, id.value(), content_hash)));
  // A new application has no domain index yet (nothing to read or clear): the row, its
  // index rows and its moves go out as one batch, one round trip on PostgreSQL.
  const std::vector<DomainIndexRow> domains = DomainIndexRows(record, id, content_hash);
  const std::vector<std::vector<Value>> moves = MoveRows(record, id, 0);
  std::vector<Statement> batch{{s_.Pick(kInsertSqlite, kInsertPostgres), row}};
  for (const DomainIndexRow& d : domains) batch.push_back({kInsertDomain, d.params});
  for (const std::vector<Value>& m : moves) batch.push_back({kAppendMove, m});
  auto ran = s_.RunBatch(batch);
  if (!ran) {
    const std::size_t i = ran.error().index;
    const Error& e = ran.error().error;
    if (i == 0) return WriteError(s_, e);
    if (i <= domains.size() && ConstraintOf(e) == "application_domains.open_domain") {
      return s_.Refuse(
          errors::DomainHasOpenApplication(domains[i - 1].unicode, domains[i - 1].field));
    }
    return std::unexpected(e);
  }
  return id;
}

Result<ApplicationRecord> ApplicationRepository::Get(ApplicationId id) {
  const Value key = std::int64_t{id.value()};
  Result<Rows> r = s_.Run(kById, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return NotFound("application " + std::to_string(id.value()) + " does not exist");
  return ReadRecord(s_, r->rows[0]);
}

Result<std::int64_t> ApplicationRepository::Update(const ApplicationRecord& record) {
  const Value key = std::int64_t{record.id.value()};
  Result<Rows> shape = s_.Run(kStoredShape, std::span(&key, 1));
  if (!shape) return std::unexpected(shape.error());
  if (shape->empty()) {
    return NotFound("application " + std::to_string(record.id.value()) + " does not exist");
  }
  if (shape->rows[0].Int(0) != record.revision) {
    return s_.Refuse(errors::StaleRevision("application", record.id.value()));
  }
  const std::string document = codec::EncodeApplication(record.application);
  const std::string content_hash = s_.vault.Hash(document, "application-content");
  std::vector<Value> p = Columns(s_, record);
  p.insert(p.begin(), {key, std::int64_t{record.revision}});
  p.push_back(content_hash);
  p.push_back(s_.vault.Seal(document, SealContext(kKind, record.id.value(), content_hash)));
  Result<Rows> r = s_.Run(kUpdate, p);
  if (!r) return WriteError(s_, r.error());
  if (r->empty()) return s_.Refuse(errors::StaleRevision("application", record.id.value()));
  if (Result<void> h = AppendHistory(record, record.id, shape->rows[0].Int(1)); !h) {
    return std::unexpected(h.error());
  }
  if (Result<void> d = IndexDomains(record, record.id, content_hash); !d) {
    return std::unexpected(d.error());
  }
  return r->rows[0].Int(0);
}

Result<std::vector<ApplicationRecord>> ApplicationRepository::List(const ApplicationQuery& q) {
  std::string statement(kColumns);
  std::vector<Value> p;
  p.reserve(8 + q.states.size());
  const auto param = [&p](const Value& v) {
    p.push_back(v);
    return "$" + std::to_string(p.size());
  };
  // Applications without a deadline sort as if due at the end of time.
  const std::string due =
      "coalesce(deadline_due, " + std::to_string(kNoDeadline.time_since_epoch().count()) + ")";
  if (q.by_due_after) {
    const std::string at = param(Time(q.by_due_after->due));
    const std::string id = param(std::int64_t{q.by_due_after->id.value()});
    statement +=
        "WHERE (" + due + " > " + at + " OR (" + due + " = " + at + " AND id > " + id + "))";
  } else {
    statement += "WHERE id > " + param(std::int64_t{q.after.value()});
  }
  if (q.account) statement += " AND account_id = " + param(std::int64_t{q.account->value()});
  if (q.province) statement += " AND province = " + param(Text(q.province->code()));
  if (q.type) statement += " AND type = " + param(Text(ApplicationTypeName(*q.type)));
  if (q.due_before) statement += " AND deadline_due <= " + param(Time(*q.due_before));
  if (!q.states.empty()) {
    statement += " AND state IN (";
    for (std::size_t i = 0; i < q.states.size(); ++i) {
      statement += (i ? ", " : "") + param(Text(ApplicationStateName(q.states[i])));
    }
    statement += ")";
  }
  statement += q.by_due_after ? " ORDER BY " + due + ", id" : " ORDER BY id";
  statement += " LIMIT " + param(static_cast<std::int64_t>(q.limit));
  Result<Rows> r = s_.Run(statement, p);
  if (!r) return std::unexpected(r.error());
  std::vector<ApplicationRecord> out;
  for (const Row& row : r->rows) {
    Result<ApplicationRecord> record = ReadRecord(s_, row);
    if (!record) return std::unexpected(record.error());
    out.push_back(std::move(*record));
  }
  return out;
}

Result<std::vector<ApplicationId>> ApplicationRepository::ListDue(std::chrono::sys_seconds now,
                                                                  std::size_t limit) {
  const Value p[] = {Time(now), static_cast<std::int64_t>(limit)};
  Result<Rows> r = s_.Run(kDue, p);
  if (!r) return std::unexpected(r.error());
  std::vector<ApplicationId> out;
  for (const Row& row : r->rows) {
    out.emplace_back(row.Int(0));
    if (Result<void> ok = row.Check(); !ok) return Corrupt("application", ok.error());
  }
  return out;
}

Result<std::optional<ApplicationId>> ApplicationRepository::FindOpenBySubject(
    const Certificate& c) {
  const Value key = s_.vault.Hash(keys::CertificateKey(c), "certificate");
  Result<Rows> r = s_.Run(kOpenBySubject, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return std::optional<ApplicationId>();
  return std::optional<ApplicationId>(r->rows[0].Int(0));
}

Result<std::optional<ApplicationId>> ApplicationRepository::FindOpenByDomain(
    const DomainName& domain) {
  const Value key = domain.ascii();
  Result<Rows> r = s_.Run(kOpenByDomain, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return std::optional<ApplicationId>();
  return std::optional<ApplicationId>(r->rows[0].Int(0));
}

}  // namespace icp::sql
