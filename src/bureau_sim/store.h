#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "bureau_sim/registry.h"
#include "miit/payload.h"
#include "storage/sql/connection.h"
#include "storage/sql/migrator.h"

namespace icp::bureau_sim {

// A provider's account at the bureau (BUREAU-PROTOCOL.md §1.3). The password is kept as the
// secret it is: pwdHash is MD5 over password + randVal, so the bureau needs the password.
struct Provider {
  std::int64_t isp_id = 0;
  std::string user_name;
  std::string password;
  std::int64_t last_sequence = 0;  // the last accepted dataSequence; 0 before the first
  // AES-CBC for its uploads (§1.5, migration 0004): the key and IV agreed out of band; both
  // empty when it has none (an upload with encryptAlgorithm 1 is then refused, msg_code 9).
  std::string aes_key;
  std::string aes_iv;
  // Where the account belongs (§1.1, migration 0007): the issuing province's GB/T 2260 code,
  // or MIIT's own system (ministry), or neither (an account opened without: no province check).
  std::optional<std::int64_t> province;
  bool ministry = false;

  friend bool operator==(const Provider&, const Provider&) = default;
};

// Whose system an account is at: a province's bureau, MIIT's (部级系统), or not recorded.
struct ProviderHome {
  std::optional<std::int64_t> province;  // GB/T 2260 XX0000
  bool ministry = false;
};

// An accepted upload, as received.
struct StoredUpload {
  std::int64_t data_sequence = 0;
  std::string file_name;  // the zip entry's name
  miit::WirePayload payload;
  std::string xml;  // the decoded file (UTF-8)

  friend bool operator==(const StoredUpload&, const StoredUpload&) = default;
};

// A file of a provider's download queue, as it goes on the wire.
struct QueuedFile {
  std::string file_name;
  miit::WirePayload payload;

  friend bool operator==(const QueuedFile&, const QueuedFile&) = default;
};

enum class AckOutcome { kAcknowledged, kAlreadyAcknowledged, kUnknown };

// icp-bureau's own store: one SQLite file (migrations in bureau_sim/migrations, compiled in).
// Every method runs in its own transaction on one connection, serialised by a mutex; the
// invariants (a dataSequence once per provider, the sequence stepping by one, an upload never
// changed, an acknowledgement never undone) are the schema's.
class Store {
 public:
  // Opens (creating) the file and applies the missing migrations.
  static Result<std::unique_ptr<Store>> Open(const std::filesystem::path& file, std::int64_t now);
  // The same over a connection the caller opened (tests: an in-memory database).
  static Result<std::unique_ptr<Store>> OpenOn(std::unique_ptr<sql::Connection> connection,
                                               std::int64_t now);

  // kInvalidArgument (rule "bureau.provider") for an id <= 0 or an empty user name or
  // password, a province that is not a GB/T 2260 province code or a ministry account with a
  // province; kAlreadyExists (rule "providers.isp_id") for an id that has an account. `aes`:
  // the key and IV its AES uploads are decrypted with (none: it uploads unencrypted).
  Result<void> AddProvider(std::int64_t isp_id, std::string_view user_name,
                           std::string_view password, std::int64_t now,
                           const std::optional<miit::AesKey>& aes = std::nullopt,
                           const ProviderHome& home = {});
  Result<std::optional<Provider>> FindProvider(std::int64_t isp_id);

  // Stores `upload` as the provider's next one and queues `downloads`, all or nothing.
  // kAborted (rule "bureau.sequence.moved") unless upload.data_sequence is the provider's
  // last + 1 when the transaction runs.
  Result<void> Accept(std::int64_t isp_id, const StoredUpload& upload,
                      std::span<const QueuedFile> downloads, std::int64_t now);
  Result<std::optional<StoredUpload>> FindUpload(std::int64_t isp_id, std::int64_t data_sequence);
  Result<std::int64_t> UploadCount(std::int64_t isp_id);

  // The provider's unacknowledged files, oldest first, at most `limit`.
  Result<std::vector<QueuedFile>> Waiting(std::int64_t isp_id, std::size_t limit);
  Result<AckOutcome> Acknowledge(std::int64_t isp_id, std::string_view file_name, std::int64_t now);

  // Bulk loading (ImportRecords): `on` gives this connection a page cache of `cache_mib` MiB
  // and commits that write the WAL without waiting for the disk (synchronous = NORMAL: a
  // crash may lose the last batches, never corrupt the file); off restores the defaults
  // (synchronous = FULL) and makes everything committed so far durable (a full checkpoint,
  // which syncs the WAL and the database file). kUnavailable when a reader kept the
  // checkpoint from finishing: the records are committed, not yet known to be on disk.
  Result<void> BulkLoad(bool on, std::int64_t cache_mib = 0);

  // ---- the registry (registry.h) ----
  // Runs `body(Registry&)` in one write transaction: committed when it returns a value,
  // rolled back when it returns an error. `body` returns a Result.
  template <typename F>
  auto Transact(F&& body) -> decltype(body(std::declval<Registry&>())) {
    std::lock_guard lock(mutex_);
    if (Result<void> begun = connection_->Begin(); !begun) return std::unexpected(begun.error());
    Registry registry(*connection_);
    auto result = body(registry);
    if (!result) {
      (void)connection_->Rollback();
      return result;
    }
    if (Result<void> committed = connection_->Commit(); !committed) {
      (void)connection_->Rollback();
      return std::unexpected(committed.error());
    }
    return result;
  }

 private:
  explicit Store(std::unique_ptr<sql::Connection> connection)
      : connection_(std::move(connection)) {}

  std::mutex mutex_;
  std::unique_ptr<sql::Connection> connection_;
};

// Runs `body` (returning a Result) in a write transaction on `connection`: committed when it
// succeeds, rolled back otherwise. The store and the SMS store each keep their own connection.
template <typename F>
auto InTransaction(sql::Connection& connection, F&& body) -> decltype(body()) {
  if (Result<void> begun = connection.Begin(); !begun) return std::unexpected(begun.error());
  auto result = body();
  if (!result) {
    (void)connection.Rollback();
    return result;
  }
  if (Result<void> committed = connection.Commit(); !committed) {
    (void)connection.Rollback();
    return std::unexpected(committed.error());
  }
  return result;
}

// The compiled-in migrations.
std::span<const sql::Migration> Migrations();

}  // namespace icp::bureau_sim
