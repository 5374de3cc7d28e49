// The bureau link in portable SQL.
#include "storage/sql/bureau_link.h"

#include "codec/application_json.h"
#include "storage/sql/values.h"

namespace icp::sql {
namespace {

constexpr std::string_view kState =
    "SELECT isp_id, last_accepted, holder, lease_until FROM bureau_links WHERE isp_id = $1";
constexpr std::string_view kLockSqlite = "SELECT holder FROM bureau_links WHERE isp_id = $1";
constexpr std::string_view kLockPostgres =
    "SELECT holder FROM bureau_links WHERE isp_id = $1 FOR UPDATE";
constexpr std::string_view kCreateSqlite =
    "INSERT INTO bureau_links (isp_id, last_accepted, last_record_key) SELECT $1, 0, 0 "
    "WHERE NOT EXISTS (SELECT 1 FROM bureau_links WHERE isp_id = $1)";
constexpr std::string_view kCreatePostgres =
    "INSERT INTO bureau_links (isp_id, last_accepted, last_record_key) VALUES ($1, 0, 0) "
    "ON CONFLICT (isp_id) DO NOTHING";
// Compare-and-set: a lease free, expired or already the holder's. On PostgreSQL a racing
// UPDATE waits for the row and re-reads the condition, so one of two uploaders wins.
constexpr std::string_view kLease =
    "UPDATE bureau_links SET holder = $2, lease_until = $4 "
    "WHERE isp_id = $1 AND (holder IS NULL OR holder = $2 OR lease_until <= $3)";
constexpr std::string_view kRelease =
    "UPDATE bureau_links SET holder = NULL, lease_until = NULL WHERE isp_id = $1 AND holder = $2";
constexpr std::string_view kNextKey =
    "UPDATE bureau_links SET last_record_key = last_record_key + 1 "
    "WHERE isp_id = $1 AND holder = $2 RETURNING last_record_key";
constexpr std::string_view kFileColumns =
    "SELECT f.isp_id, f.sequence, f.file_name, f.beian_info, f.beian_info_hash, "
    "f.encrypt_algorithm, f.application_id, f.state, f.kept_at, f.finished_at FROM bureau_files f ";
constexpr std::string_view kKeys =
    "SELECT record_key FROM bureau_record_keys WHERE isp_id = $1 AND file_name = $2 "
    "ORDER BY record_key";
constexpr std::string_view kInsertFile =
    "INSERT INTO bureau_files (isp_id, file_name, sequence, beian_info, beian_info_hash, "
    "encrypt_algorithm, application_id, state, kept_at, finished_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, 'kept', $8, NULL)";
constexpr std::string_view kInsertKey =
    "INSERT INTO bureau_record_keys (isp_id, file_name, record_key) VALUES ($1, $2, $3)";
constexpr std::string_view kFinish =
    "UPDATE bureau_files SET state = $3, finished_at = $4 "
    "WHERE isp_id = $1 AND sequence = $2 AND state = 'kept'";
constexpr std::string_view kAdvance =
    "UPDATE bureau_links SET last_accepted = $2 WHERE isp_id = $1 AND last_accepted = $2 - 1";
constexpr std::string_view kRecordDownloadSqlite =
    "INSERT INTO bureau_downloads (isp_id, file_name, kind, beian_info_hash, content, "
    "processed_at) SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS "
    "(SELECT 1 FROM bureau_downloads WHERE isp_id = $1 AND file_name = $2)";
constexpr std::string_view kRecordDownloadPostgres =
    "INSERT INTO bureau_downloads (isp_id, file_name, kind, beian_info_hash, content, "
    "processed_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (isp_id, file_name) DO NOTHING";
constexpr std::string_view kDownload =
    "SELECT isp_id, file_name, kind, beian_info_hash, content, processed_at "
    "FROM bureau_downloads WHERE isp_id = $1 AND file_name = $2";
constexpr std::string_view kParkedColumns =
    "SELECT isp_id, file_name, beian_info, beian_info_hash, encrypt_algorithm, hash_algorithm, "
    "compression_format, rule, reason, parked_at, replayed_at FROM bureau_parked_downloads "
    "WHERE isp_id = $1 ";
constexpr std::string_view kParkSqlite =
    "INSERT INTO bureau_parked_downloads (isp_id, file_name, beian_info, beian_info_hash, "
    "encrypt_algorithm, hash_algorithm, compression_format, rule, reason, parked_at) "
    "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 WHERE NOT EXISTS "
    "(SELECT 1 FROM bureau_parked_downloads WHERE isp_id = $1 AND file_name = $2)";
constexpr std::string_view kParkPostgres =
    "INSERT INTO bureau_parked_downloads (isp_id, file_name, beian_info, beian_info_hash, "
    "encrypt_algorithm, hash_algorithm, compression_format, rule, reason, parked_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (isp_id, file_name) DO NOTHING";
// The schema refuses the rest (bureau.parked-replayed, bureau.parked-unprocessed); the
// conditions here let the repository say which without an engine error.
constexpr std::string_view kMarkReplayed =
    "UPDATE bureau_parked_downloads SET replayed_at = $3 WHERE isp_id = $1 AND file_name = $2 "
    "AND replayed_at IS NULL AND EXISTS (SELECT 1 FROM bureau_downloads d "
    "WHERE d.isp_id = $1 AND d.file_name = $2)";
constexpr std::string_view kSubjectIds = "SELECT ids FROM bureau_subject_ids WHERE subject_id = $1";
constexpr std::string_view kSubjectByZtid =
    "SELECT subject_id FROM bureau_subject_ids WHERE isp_id = $1 AND bureau_subject_id = $2";
constexpr std::string_view kSetSubjectIds =
    "INSERT INTO bureau_subject_ids (subject_id, isp_id, bureau_subject_id, ids) "
    "VALUES ($1, $2, $3, $4) ON CONFLICT (subject_id) DO UPDATE SET isp_id = excluded.isp_id, "
    "bureau_subject_id = excluded.bureau_subject_id, ids = excluded.ids";

constexpr std::string_view kReasons =
    "SELECT application_id, file_name, code, field, message, conflict, at FROM bureau_reasons "
    "WHERE application_id = $1 ORDER BY id";
constexpr std::string_view kAddReason =
    "INSERT INTO bureau_reasons (application_id, file_name, code, field, message, conflict, at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";

}  // namespace

std::unexpected<Error> BureauLink::Refused(const Error& e, std::string_view file_name) {
  const std::string_view c = ConstraintOf(e);
  if (c == "bureau.sequence" || c == "bureau_files.isp_id" || c == "bureau_files_one_kept") {
    return s_.Refuse(BureauSequenceRefused("the bureau link refused the file's number"));
  }
  if (c == "bureau.file-name") return s_.Refuse(BureauFileNameTaken(file_name));
  if (c == "bureau.subject-id") return std::unexpected(e);  // the caller names the id
  return std::unexpected(e);
}

Result<void> BureauLink::Held(std::int64_t isp_id, std::string_view holder) {
  const Value p[] = {isp_id};
  Result<Rows> r = s_.Run(s_.Pick(kLockSqlite, kLockPostgres), p);
  if (!r) return std::unexpected(r.error());
  if (r->empty() || r->rows[0].OptionalText(0) != std::optional<std::string>(holder)) {
    return s_.Refuse(BureauLeaseLost(isp_id));
  }
  return {};
}

Result<BureauLinkState> BureauLink::State(std::int64_t isp_id) {
  const Value p[] = {isp_id};
  Result<Rows> r = s_.Run(kState, p);
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return NotFound("bureau account " + std::to_string(isp_id));
  const Row& row = r->rows[0];
  BureauLinkState st{row.Int(0), static_cast<std::int32_t>(row.Int(1)), row.OptionalText(2),
                     OptionalTimeAt(row, 3)};
  if (Result<void> ok = row.Check(); !ok) return std::unexpected(ok.error());
  return st;
}

Result<std::vector<SentFile>> BureauLink::Files(std::string_view statement,
                                                std::span<const Value> params) {
  Result<Rows> r = s_.Run(statement, params);
  if (!r) return std::unexpected(r.error());
  std::vector<SentFile> out;
  for (const Row& row : r->rows) {
    SentFile f;
    f.isp_id = row.Int(0);
    f.sequence = static_cast<std::int32_t>(row.Int(1));
    f.file_name = row.Text(2);
    f.beian_info = row.Text(3);
    f.beian_info_hash = row.Text(4);
    f.encrypt_algorithm = static_cast<int>(row.Int(5));
    f.application = ApplicationId(row.Int(6));
    std::optional<SentFileState> state = SentFileStateFromName(row.Text(7));
    f.kept_at = TimeAt(row, 8);
    f.finished_at = OptionalTimeAt(row, 9);
    if (Result<void> ok = row.Check(); !ok) return std::unexpected(ok.error());
    if (!state) return Internal("bureau_files.state is not a state: storage.corrupt");
    f.state = *state;
    const Value k[] = {f.isp_id, f.file_name};
    Result<Rows> keys = s_.Run(kKeys, k);
    if (!keys) return std::unexpected(keys.error());
    for (const Row& key : keys->rows) f.record_keys.push_back(key.Int(0));
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::optional<SentFile>> BureauLink::OneFile(std::string_view statement,
                                                    std::span<const Value> params) {
  Result<std::vector<SentFile>> files = Files(statement, params);
  if (!files) return std::unexpected(files.error());
  if (files->empty()) return std::nullopt;
  return std::move(files->front());
}

Result<std::optional<SentFile>> BureauLink::FileBySequence(std::int64_t isp_id,
                                                           std::int32_t sequence) {
  const std::string q = std::string(kFileColumns) +
                        "WHERE f.isp_id = $1 AND f.sequence = $2 AND f.state <> 'refused'";
  const Value p[] = {isp_id, std::int64_t{sequence}};
  return OneFile(q, p);
}

Result<std::optional<SentFile>> BureauLink::FileByName(std::int64_t isp_id,
                                                       std::string_view file_name) {
  const std::string q = std::string(kFileColumns) + "WHERE f.isp_id = $1 AND f.file_name = $2";
  const Value p[] = {isp_id, Text(file_name)};
  return OneFile(q, p);
}

Result<std::vector<SentFile>> BureauLink::Unaccepted(std::int64_t isp_id) {
  const std::string q =
      std::string(kFileColumns) + "WHERE f.isp_id = $1 AND f.state = 'kept' ORDER BY f.sequence";
  const Value p[] = {isp_id};
  return Files(q, p);
}

Result<std::optional<SentFile>> BureauLink::FileByRecordKey(std::int64_t isp_id, std::int64_t key) {
  const std::string q =
      std::string(kFileColumns) +
      "JOIN bureau_record_keys k ON k.isp_id = f.isp_id AND "
      "k.file_name = f.file_name WHERE f.isp_id = $1 AND k.record_key = $2 "
      "ORDER BY f.sequence DESC, (f.state = 'refused') ASC, f.kept_at DESC LIMIT 1";
  const Value p[] = {isp_id, key};
  return OneFile(q, p);
}

Result<std::optional<ProcessedDownload>> BureauLink::Download(std::int64_t isp_id,
                                                              std::string_view file_name) {
  const Value p[] = {isp_id, Text(file_name)};
  Result<Rows> r = s_.Run(kDownload, p);
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return std::nullopt;
  const Row& row = r->rows[0];
  ProcessedDownload d{row.Int(0),  row.Text(1), row.Text(2),
                      row.Text(3), row.Text(4), TimeAt(row, 5)};
  if (Result<void> ok = row.Check(); !ok) return std::unexpected(ok.error());
  return d;
}

Result<std::vector<ParkedDownload>> BureauLink::ParkedRows(std::string_view statement,
                                                           std::span<const Value> params) {
  Result<Rows> r = s_.Run(statement, params);
  if (!r) return std::unexpected(r.error());
  std::vector<ParkedDownload> out;
  for (const Row& row : r->rows) {
    out.push_back({row.Int(0), row.Text(1), row.Text(2), row.Text(3), row.Int(4), row.Int(5),
                   row.Int(6), row.Text(7), row.Text(8), TimeAt(row, 9), OptionalTimeAt(row, 10)});
    if (Result<void> ok = row.Check(); !ok) return std::unexpected(ok.error());
  }
  return out;
}

Result<std::vector<ParkedDownload>> BureauLink::Parked(std::int64_t isp_id, bool pending_only) {
  const std::string q = std::string(kParkedColumns) +
                        (pending_only ? "AND replayed_at IS NULL " : "") +
                        "ORDER BY parked_at, file_name";
  const Value p[] = {isp_id};
  return ParkedRows(q, p);
}

Result<std::optional<ParkedDownload>> BureauLink::ParkedFile(std::int64_t isp_id,
                                                             std::string_view file_name) {
  const std::string q = std::string(kParkedColumns) + "AND file_name = $2";
  const Value p[] = {isp_id, Text(file_name)};
  Result<std::vector<ParkedDownload>> rows = ParkedRows(q, p);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::nullopt;
  return std::move(rows->front());
}

Result<std::optional<BureauIds>> BureauLink::SubjectIds(SubjectId subject) {
  const Value p[] = {subject.value()};
  Result<Rows> r = s_.Run(kSubjectIds, p);
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return std::nullopt;
  Result<BureauIds> ids = codec::DecodeBureauIds(r->rows[0].Text(0));
  if (!ids) {
    return Internal("bureau_subject_ids of subject " + std::to_string(subject.value()) +
                    " do not read (storage.corrupt): " + ids.error().message);
  }
  return *ids;
}

Result<std::vector<BureauReason>> BureauLink::Reasons(ApplicationId application) {
  const Value p[] = {application.value()};
  Result<Rows> r = s_.Run(kReasons, p);
  if (!r) return std::unexpected(r.error());
  std::vector<BureauReason> out;
  for (const Row& row : r->rows) {
    out.push_back({ApplicationId(row.Int(0)), row.Text(1), row.Int(2), row.Text(3), row.Text(4),
                   row.Int(5) != 0, TimeAt(row, 6)});
    if (Result<void> ok = row.Check(); !ok) return std::unexpected(ok.error());
  }
  return out;
}

Result<void> BureauLink::AddReason(const BureauReason& reason) {
  if (reason.message.empty()) {
    return s_.Refuse(Refusal(ErrorCode::kInvalidArgument, "message", "bureau.reason",
                             "a bureau reason says why", "管局退回原因不能为空"));
  }
  const Value p[] = {
      reason.application.value(), reason.file_name, reason.code, reason.field, reason.message,
      Flag(reason.conflict),      Time(reason.at)};
  if (Result<Rows> r = s_.Run(kAddReason, p); !r) return std::unexpected(r.error());
  return {};
}

Result<std::optional<SubjectId>> BureauLink::SubjectByBureauId(std::int64_t isp_id,
                                                               std::int64_t bureau_subject_id) {
  const Value p[] = {isp_id, bureau_subject_id};
  Result<Rows> r = s_.Run(kSubjectByZtid, p);
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return std::nullopt;
  return SubjectId(r->rows[0].Int(0));
}

Result<bool> BureauLink::Lease(std::int64_t isp_id, std::string_view holder,
                               std::chrono::sys_seconds now, std::chrono::sys_seconds until) {
  if (holder.empty() || until <= now) {
    return s_.Refuse(InvalidArgument("a bureau lease needs its holder and an end after now"));
  }
  const Value create[] = {isp_id};
  if (Result<Rows> r = s_.Run(s_.Pick(kCreateSqlite, kCreatePostgres), create); !r) {
    return std::unexpected(r.error());
  }
  const Value p[] = {isp_id, Text(holder), Time(now), Time(until)};
  Result<Rows> r = s_.Run(kLease, p);
  if (!r) return std::unexpected(r.error());
  return r->affected == 1;
}

Result<void> BureauLink::Release(std::int64_t isp_id, std::string_view holder) {
  const Value p[] = {isp_id, Text(holder)};
  Result<Rows> r = s_.Run(kRelease, p);
  if (!r) return std::unexpected(r.error());
  if (r->affected != 1) return s_.Refuse(BureauLeaseLost(isp_id));
  return {};
}

Result<std::int64_t> BureauLink::NextRecordKey(std::int64_t isp_id, std::string_view holder) {
  const Value p[] = {isp_id, Text(holder)};
  Result<Rows> r = s_.Run(kNextKey, p);
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return s_.Refuse(BureauLeaseLost(isp_id));
  return r->rows[0].Int(0);
}

Result<void> BureauLink::Keep(const SentFile& file, std::string_view holder) {
  if (Result<void> held = Held(file.isp_id, holder); !held) return held;
  if (file.state != SentFileState::kKept) {
    return s_.Refuse(BureauSequenceRefused("a file is kept before it is anything else"));
  }
  const Value p[] = {file.isp_id,
                     file.file_name,
                     std::int64_t{file.sequence},
                     file.beian_info,
                     file.beian_info_hash,
                     std::int64_t{file.encrypt_algorithm},
                     file.application.value(),
                     Time(file.kept_at)};
  if (Result<Rows> r = s_.Run(kInsertFile, p); !r) return Refused(r.error(), file.file_name);
  for (std::int64_t key : file.record_keys) {
    const Value k[] = {file.isp_id, file.file_name, key};
    if (Result<Rows> r = s_.Run(kInsertKey, k); !r) return std::unexpected(r.error());
  }
  return {};
}

Result<void> BureauLink::Finish(std::int64_t isp_id, std::int32_t sequence, std::string_view state,
                                std::chrono::sys_seconds at) {
  const Value p[] = {isp_id, std::int64_t{sequence}, Text(state), Time(at)};
  Result<Rows> r = s_.Run(kFinish, p);
  if (!r) return Refused(r.error());
  if (r->affected != 1) {
    return s_.Refuse(
        BureauSequenceRefused("no kept file has sequence " + std::to_string(sequence)));
  }
  return {};
}

Result<void> BureauLink::Accept(std::int64_t isp_id, std::int32_t sequence,
                                std::chrono::sys_seconds at, std::string_view holder) {
  if (Result<void> held = Held(isp_id, holder); !held) return held;
  if (Result<void> done = Finish(isp_id, sequence, "accepted", at); !done) return done;
  const Value p[] = {isp_id, std::int64_t{sequence}};
  Result<Rows> r = s_.Run(kAdvance, p);
  if (!r) return Refused(r.error());
  if (r->affected != 1) {
    return s_.Refuse(BureauSequenceRefused(std::to_string(sequence) + " is not the next"));
  }
  return {};
}

Result<void> BureauLink::Refuse(std::int64_t isp_id, std::int32_t sequence,
                                std::chrono::sys_seconds at, std::string_view holder) {
  if (Result<void> held = Held(isp_id, holder); !held) return held;
  return Finish(isp_id, sequence, "refused", at);
}

Result<bool> BureauLink::RecordDownload(const ProcessedDownload& d) {
  const Value p[] = {d.isp_id,          d.file_name, d.kind,
                     d.beian_info_hash, d.content,   Time(d.processed_at)};
  Result<Rows> r = s_.Run(s_.Pick(kRecordDownloadSqlite, kRecordDownloadPostgres), p);
  if (!r) return std::unexpected(r.error());
  return r->affected == 1;
}

Result<bool> BureauLink::Park(const ParkedDownload& d) {
  if (d.file_name.empty() || d.reason.empty() || d.replayed_at) {
    return s_.Refuse(Refusal(ErrorCode::kInvalidArgument, "", "bureau.parked",
                             "a parked file has a name and a reason, and is not replayed yet",
                             "暂存文件须有文件名和原因，且尚未重新处理"));
  }
  const Value p[] = {
      d.isp_id,         d.file_name,          d.beian_info, d.beian_info_hash, d.encrypt_algorithm,
      d.hash_algorithm, d.compression_format, d.rule,       d.reason,          Time(d.parked_at)};
  Result<Rows> r = s_.Run(s_.Pick(kParkSqlite, kParkPostgres), p);
  if (!r) return std::unexpected(r.error());
  return r->affected == 1;
}

Result<void> BureauLink::MarkReplayed(std::int64_t isp_id, std::string_view file_name,
                                      std::chrono::sys_seconds at) {
  const Value p[] = {isp_id, Text(file_name), Time(at)};
  Result<Rows> r = s_.Run(kMarkReplayed, p);
  if (!r) return std::unexpected(r.error());
  if (r->affected == 1) return {};
  Result<std::optional<ParkedDownload>> parked = ParkedFile(isp_id, file_name);
  if (!parked) return std::unexpected(parked.error());
  if (!*parked) return s_.Refuse(BureauParkedNotFound(isp_id, file_name));
  if ((*parked)->replayed_at) return s_.Refuse(BureauParkedReplayed(file_name));
  return s_.Refuse(BureauParkedUnprocessed(file_name));
}

Result<void> BureauLink::SetSubjectIds(SubjectId subject, std::int64_t isp_id,
                                       const BureauIds& ids) {
  const Value p[] = {subject.value(), isp_id, ids.subject_id ? Value(*ids.subject_id) : Null(),
                     codec::EncodeBureauIds(ids)};
  Result<Rows> r = s_.Run(kSetSubjectIds, p);
  if (!r) {
    if (ConstraintOf(r.error()) == "bureau.subject-id" ||
        ConstraintOf(r.error()).starts_with("bureau_subject_ids.")) {
      return s_.Refuse(BureauSubjectIdTaken(ids.subject_id.value_or(0)));
    }
    return std::unexpected(r.error());
  }
  return {};
}

}  // namespace icp::sql
