#include "bureau_sim/store.h"

#include <fmt/format.h>

#include <utility>
#include <variant>

#include "storage/sqlite/connection.h"

namespace icp::embedded {
std::string_view bureau_sim_0001_init();
std::string_view bureau_sim_0002_registry();
std::string_view bureau_sim_0003_sms();
std::string_view bureau_sim_0004_provider_aes();      // AES for a provider's uploads (§1.5)
std::string_view bureau_sim_0006_subject_names();     // the unit-name index (public_query.h)
std::string_view bureau_sim_0007_operator_uploads();  // provinces, XZHYD, HSRW/HSJG, WBACLJG
}  // namespace icp::embedded

namespace icp::bureau_sim {
namespace {

std::unexpected<Error> ProviderError(std::string message) {
  Error e{ErrorCode::kInvalidArgument, message, {}};
  e.violations.push_back({"provider", "bureau.provider", std::move(message), ""});
  return std::unexpected(std::move(e));
}

}  // namespace

std::span<const sql::Migration> Migrations() {
  static const sql::Migration kMigrations[] = {
      {1, "0001_init", embedded::bureau_sim_0001_init()},
      {2, "0002_registry", embedded::bureau_sim_0002_registry()},
      {3, "0003_sms", embedded::bureau_sim_0003_sms()},
      {4, "0004_provider_aes", embedded::bureau_sim_0004_provider_aes()},
      {6, "0006_subject_names", embedded::bureau_sim_0006_subject_names()},
      {7, "0007_operator_uploads", embedded::bureau_sim_0007_operator_uploads()},
  };
  return kMigrations;
}

Result<std::unique_ptr<Store>> Store::Open(const std::filesystem::path& file, std::int64_t now) {
  Result<std::unique_ptr<sqlite::Connection>> connection = sqlite::Connection::Open(file);
  if (!connection) return std::unexpected(connection.error());
  return OpenOn(std::move(*connection), now);
}

Result<std::unique_ptr<Store>> Store::OpenOn(std::unique_ptr<sql::Connection> connection,
                                             std::int64_t now) {
  if (Result<std::vector<MigrationStatus>> migrated = sql::Migrate(*connection, Migrations(), now);
      !migrated) {
    return std::unexpected(migrated.error());
  }
  return std::unique_ptr<Store>(new Store(std::move(connection)));
}

Result<void> Store::BulkLoad(bool on, std::int64_t cache_mib) {
  std::lock_guard lock(mutex_);
  if (on) {
    return connection_->Execute(
        fmt::format("PRAGMA cache_size = -{}; PRAGMA synchronous = NORMAL;", cache_mib * 1024));
  }
  if (Result<void> reset = connection_->Execute("PRAGMA synchronous = FULL; "
                                                "PRAGMA cache_size = -2000;");
      !reset) {
    return reset;
  }
  // busy, WAL frames, frames checkpointed: all of them, or a reader held some back.
  Result<sql::Rows> checkpoint = connection_->Query("PRAGMA wal_checkpoint(FULL)");
  if (!checkpoint) return std::unexpected(checkpoint.error());
  const sql::Row& row = checkpoint->rows.front();
  if (row.Int(0) != 0 || row.Int(1) != row.Int(2)) {
    return Unavailable(
        "a reader kept the final checkpoint from finishing: the import is committed but not "
        "yet known to be on disk (the next checkpoint puts it there)");
  }
  return {};
}

Result<void> Store::AddProvider(std::int64_t isp_id, std::string_view user_name,
                                std::string_view password, std::int64_t now,
                                const std::optional<miit::AesKey>& aes, const ProviderHome& home) {
  if (isp_id <= 0) return ProviderError("the ISP id must be a positive number");
  if (user_name.empty() || user_name.size() > 128) {
    return ProviderError("the user name must have 1 to 128 characters");
  }
  if (password.empty() || password.size() > 128) {
    return ProviderError("the password must have 1 to 128 characters");
  }
  if (home.province &&
      (*home.province < 110000 || *home.province > 829999 || *home.province % 10000 != 0)) {
    return ProviderError("the province must be a GB/T 2260 province code (XX0000)");
  }
  if (home.ministry && home.province) {
    return ProviderError("an account of MIIT's own system has no province");
  }
  std::lock_guard lock(mutex_);
  return InTransaction(*connection_, [&]() -> Result<void> {
    const sql::Value params[] = {
        isp_id,
        std::string(user_name),
        std::string(password),
        now,
        aes ? sql::Value(aes->key()) : sql::Value(std::monostate{}),
        aes ? sql::Value(aes->iv()) : sql::Value(std::monostate{}),
        home.province ? sql::Value(*home.province) : sql::Value(std::monostate{}),
        std::int64_t{home.ministry ? 1 : 0}};
    Result<sql::Rows> inserted = connection_->Query(
        "INSERT INTO providers (isp_id, user_name, password, created_at, aes_key, aes_iv, "
        "province, ministry) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        params);
    if (!inserted && inserted.error().code == ErrorCode::kAlreadyExists) {
      Error e{ErrorCode::kAlreadyExists,
              "provider " + std::to_string(isp_id) + " has an account already",
              {}};
      e.violations.push_back({"isp_id", "providers.isp_id", e.message, "该接入商账号已存在"});
      return std::unexpected(std::move(e));
    }
    if (!inserted) return std::unexpected(inserted.error());
    return {};
  });
}

Result<std::optional<Provider>> Store::FindProvider(std::int64_t isp_id) {
  std::lock_guard lock(mutex_);
  const sql::Value params[] = {isp_id};
  Result<sql::Rows> rows = connection_->Query(
      "SELECT isp_id, user_name, password, last_sequence, aes_key, aes_iv, province, ministry "
      "FROM providers WHERE isp_id = $1",
      params);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<Provider>();
  const sql::Row& row = rows->rows.front();
  Provider provider{row.Int(0),
                    row.Text(1),
                    row.Text(2),
                    row.Int(3),
                    row.OptionalText(4).value_or(""),
                    row.OptionalText(5).value_or(""),
                    row.OptionalInt(6),
                    row.Int(7) == 1};
  if (Result<void> ok = row.Check(); !ok) return std::unexpected(ok.error());
  return std::optional<Provider>(std::move(provider));
}

Result<void> Store::Accept(std::int64_t isp_id, const StoredUpload& upload,
                           std::span<const QueuedFile> downloads, std::int64_t now) {
  std::lock_guard lock(mutex_);
  return InTransaction(*connection_, [&]() -> Result<void> {
    const sql::Value step[] = {isp_id, upload.data_sequence};
    Result<sql::Rows> stepped = connection_->Query(
        "UPDATE providers SET last_sequence = $2 WHERE isp_id = $1 AND last_sequence = $2 - 1",
        step);
    if (!stepped) return std::unexpected(stepped.error());
    if (stepped->affected != 1) {
      Error e{ErrorCode::kAborted, "the provider's dataSequence moved: not the next upload", {}};
      e.violations.push_back({"dataSequence", "bureau.sequence.moved", e.message, ""});
      return std::unexpected(std::move(e));
    }
    const sql::Value row[] = {isp_id,
                              upload.data_sequence,
                              upload.file_name,
                              upload.payload.beian_info,
                              upload.payload.beian_info_hash,
                              upload.payload.encrypt_algorithm,
                              upload.xml,
                              now};
    Result<sql::Rows> inserted = connection_->Query(
        "INSERT INTO uploads (isp_id, data_sequence, file_name, beian_info, beian_info_hash, "
        "encrypt_algorithm, xml, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        row);
    if (!inserted) return std::unexpected(inserted.error());
    for (const QueuedFile& file : downloads) {
      const sql::Value queued[] = {isp_id, file.file_name, file.payload.beian_info,
                                   file.payload.beian_info_hash, now};
      Result<sql::Rows> added = connection_->Query(
          "INSERT INTO downloads (isp_id, file_name, beian_info, beian_info_hash, created_at) "
          "VALUES ($1, $2, $3, $4, $5)",
          queued);
      if (!added) return std::unexpected(added.error());
    }
    return {};
  });
}

Result<std::optional<StoredUpload>> Store::FindUpload(std::int64_t isp_id,
                                                      std::int64_t data_sequence) {
  std::lock_guard lock(mutex_);
  const sql::Value params[] = {isp_id, data_sequence};
  Result<sql::Rows> rows = connection_->Query(
      "SELECT data_sequence, file_name, beian_info, beian_info_hash, encrypt_algorithm, xml "
      "FROM uploads WHERE isp_id = $1 AND data_sequence = $2",
      params);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<StoredUpload>();
  const sql::Row& row = rows->rows.front();
  StoredUpload upload;
  upload.data_sequence = row.Int(0);
  upload.file_name = row.Text(1);
  upload.payload.beian_info = row.Text(2);
  upload.payload.beian_info_hash = row.Text(3);
  upload.payload.encrypt_algorithm = row.Int(4);
  upload.xml = row.Text(5);
  if (Result<void> ok = row.Check(); !ok) return std::unexpected(ok.error());
  return std::optional<StoredUpload>(std::move(upload));
}

Result<std::int64_t> Store::UploadCount(std::int64_t isp_id) {
  std::lock_guard lock(mutex_);
  const sql::Value params[] = {isp_id};
  Result<sql::Rows> rows =
      connection_->Query("SELECT count(*) FROM uploads WHERE isp_id = $1", params);
  if (!rows) return std::unexpected(rows.error());
  return rows->rows.front().Int(0);
}

Result<std::vector<QueuedFile>> Store::Waiting(std::int64_t isp_id, std::size_t limit) {
  std::lock_guard lock(mutex_);
  const sql::Value params[] = {isp_id, static_cast<std::int64_t>(limit)};
  Result<sql::Rows> rows = connection_->Query(
      "SELECT file_name, beian_info, beian_info_hash FROM downloads "
      "WHERE isp_id = $1 AND acknowledged = 0 ORDER BY id LIMIT $2",
      params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<QueuedFile> files;
  for (const sql::Row& row : rows->rows) {
    QueuedFile file;
    file.file_name = row.Text(0);
    file.payload.beian_info = row.Text(1);
    file.payload.beian_info_hash = row.Text(2);
    files.push_back(std::move(file));
  }
  return files;
}

Result<AckOutcome> Store::Acknowledge(std::int64_t isp_id, std::string_view file_name,
                                      std::int64_t now) {
  std::lock_guard lock(mutex_);
  return InTransaction(*connection_, [&]() -> Result<AckOutcome> {
    const sql::Value params[] = {isp_id, std::string(file_name)};
    Result<sql::Rows> rows = connection_->Query(
        "SELECT acknowledged FROM downloads WHERE isp_id = $1 AND file_name = $2", params);
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return AckOutcome::kUnknown;
    if (rows->rows.front().Int(0) == 1) return AckOutcome::kAlreadyAcknowledged;
    const sql::Value ack[] = {isp_id, std::string(file_name), now};
    Result<sql::Rows> updated = connection_->Query(
        "UPDATE downloads SET acknowledged = 1, acknowledged_at = $3 "
        "WHERE isp_id = $1 AND file_name = $2",
        ack);
    if (!updated) return std::unexpected(updated.error());
    return AckOutcome::kAcknowledged;
  });
}

}  // namespace icp::bureau_sim
