#include "storage/sqlite/database.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>

#include "storage/sqlite/connection.h"
#include "storage/testing/contract.h"
#include "storage/testing/crash.h"
#include "storage/testing/fixtures.h"

namespace icp {

namespace storage_testing {
std::vector<StoreUnderTest> StoresUnderTest() {
  return {{"Sqlite", []() -> std::unique_ptr<Database> {
             static std::atomic<int> counter = 0;
             const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                                               ("beian-sqlite-" + std::to_string(getpid()));
             const std::filesystem::path path =
                 dir / ("contract-" + std::to_string(++counter) + ".db");
             std::filesystem::create_directories(dir);
             std::filesystem::remove(path);
             std::array<unsigned char, 32> key{};
             key.fill(42);
             Result<std::unique_ptr<sqlite::Database>> db =
                 sqlite::Database::Open({path}, PiiVault::FromMasterKey(key), kT0);
             if (!db) ADD_FAILURE() << db.error().message;
             return db ? std::move(*db) : nullptr;
           }}};
}
}  // namespace storage_testing

namespace sqlite {
namespace {

using storage_testing::kT0;

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("beian-sqlite-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    key_.fill(7);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Database> Open(const std::filesystem::path& path) {
    Result<std::unique_ptr<Database>> db =
        Database::Open({path}, PiiVault::FromMasterKey(key_), kT0);
    EXPECT_TRUE(db.has_value()) << db.error().message;
    return db ? std::move(*db) : nullptr;
  }

  // Runs raw SQL on the file, as someone with the file but not the platform would.
  Result<sql::Rows> Raw(const std::filesystem::path& path, std::string_view statement) {
    Result<std::unique_ptr<Connection>> c = Connection::Open(path);
    if (!c) return std::unexpected(c.error());
    return (*c)->Query(statement);
  }

  std::filesystem::path dir_;
  std::array<unsigned char, 32> key_{};
};

std::string FileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(SqliteTest, PersonalDataIsNotInTheFile) {
  const std::filesystem::path path = dir_ / "icp.db";
  auto db = Open(path);
  AccountId account = storage_testing::CreateAccount(*db, "c");
  Application app = storage_testing::SampleApplication(7, "secret.cn");
  auto uow = *db->Begin();
  ASSERT_TRUE(uow->applications().Insert(storage_testing::NewRecord(account, app)).has_value());
  ASSERT_TRUE(uow->Commit().has_value());
  uow.reset();
  db.reset();  // checkpoints the WAL into the file
  const std::string bytes = FileBytes(path) + FileBytes(dir_ / "icp.db-wal");
  EXPECT_EQ(bytes.find(app.subject.certificate.number()), std::string::npos);
  EXPECT_EQ(bytes.find(app.subject.principal.mobile.str()), std::string::npos);
  EXPECT_NE(bytes.find("secret.cn"), std::string::npos) << "domains are public and indexed";
}

// The mode bits of `path`, or -1 when there is nothing there.
int Mode(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 0777) : -1;
}

TEST_F(SqliteTest, TheDataDirectoryAndEveryDatabaseFileArePrivateUnderTheUsualUmask) {
  const std::filesystem::path path = dir_ / "var" / "icp.db";
  const mode_t old = ::umask(022);
  auto db = Open(path);
  ::umask(old);
  ASSERT_NE(db, nullptr);
  storage_testing::CreateAccount(*db, "c");  // a write: the WAL and its index exist now
  EXPECT_EQ(Mode(dir_ / "var"), 0700);
  EXPECT_EQ(Mode(path), 0600);
  EXPECT_EQ(Mode(dir_ / "var" / "icp.db-wal"), 0600);
  EXPECT_EQ(Mode(dir_ / "var" / "icp.db-shm"), 0600);
  const mode_t again = ::umask(0277);  // would leave the owner read-only
  Result<void> backup = db->Backup(dir_ / "backup.db");
  ::umask(again);
  ASSERT_TRUE(backup.has_value()) << backup.error().message;
  EXPECT_EQ(Mode(dir_ / "backup.db"), 0600);
}

TEST_F(SqliteTest, AnOlderStoresReadableFilesAreMadePrivateOnOpen) {
  const std::filesystem::path path = dir_ / "icp.db";
  {
    auto db = Open(path);
    ASSERT_NE(db, nullptr);
  }
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  std::ofstream(dir_ / "icp.db-wal").close();
  ASSERT_EQ(::chmod((dir_ / "icp.db-wal").c_str(), 0644), 0);
  auto db = Open(path);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(Mode(path), 0600);
  EXPECT_EQ(Mode(dir_ / "icp.db-wal"), 0600);
}

TEST_F(SqliteTest, ABackupIsNeverWrittenThroughALink) {
  const std::filesystem::path path = dir_ / "icp.db";
  auto db = Open(path);
  ASSERT_NE(db, nullptr);
  std::filesystem::create_symlink(dir_ / "elsewhere.db", dir_ / "link.db");
  Result<void> backup = db->Backup(dir_ / "link.db");
  ASSERT_FALSE(backup.has_value());
  EXPECT_EQ(backup.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "elsewhere.db"));
}

TEST_F(SqliteTest, TheDatabaseRefusesToRewriteHistory) {
  const std::filesystem::path path = dir_ / "icp.db";
  auto db = Open(path);
  AccountId account = storage_testing::CreateAccount(*db, "c");
  auto uow = *db->Begin();
  ASSERT_TRUE(uow->audit().Append({kT0, "a", "b", "c", "{}"}));
  SubjectId subject = *uow->subjects().Insert(
      {SubjectId(), account, storage_testing::SampleApplication(1, "x.cn").subject, std::nullopt,
       false, std::nullopt, 0});
  ASSERT_TRUE(uow->numbers().Issue(
      {*FilingNumber::Parse("粤ICP备2026000001号"), subject, std::nullopt, kT0, std::nullopt}));
  ASSERT_TRUE(uow->Commit().has_value());
  uow.reset();
  for (std::string_view statement : {"UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log",
                                     "UPDATE audit_head SET seq = 0", "DELETE FROM filing_numbers",
                                     "UPDATE filing_numbers SET number = '粤ICP备2026000002号'"}) {
    Result<sql::Rows> r = Raw(path, statement);
    ASSERT_FALSE(r.has_value()) << statement;
    EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition) << r.error().message;
  }
}

TEST_F(SqliteTest, VerifyNamesATamperedEntry) {
  const std::filesystem::path path = dir_ / "icp.db";
  auto db = Open(path);
  for (int i = 0; i < 4; ++i) {
    auto uow = *db->Begin();
    ASSERT_TRUE(uow->audit().Append(
        {kT0, "account:1", "submit", "application:" + std::to_string(i), "{}"}));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  Result<std::unique_ptr<Connection>> raw = Connection::Open(path);
  ASSERT_TRUE(raw.has_value());
  ASSERT_TRUE(
      (*raw)->Execute("DROP TRIGGER IF EXISTS audit_log_append_only_update; "
                      "UPDATE audit_log SET actor = 'account:666' WHERE seq = 3;"));
  Result<AuditVerification> v = (*db->Begin())->audit().Verify();
  ASSERT_TRUE(v.has_value());
  ASSERT_FALSE(v->ok());
  EXPECT_EQ(*v->first_broken, 3);
}

TEST_F(SqliteTest, MigrationsApplyOnceAndRefuseAnEditedOne) {
  const std::filesystem::path path = dir_ / "icp.db";
  auto db = Open(path);
  Result<std::vector<MigrationStatus>> again = db->Migrate();
  ASSERT_TRUE(again.has_value());
  ASSERT_EQ(again->size(), 1u);
  EXPECT_FALSE((*again)[0].applied) << "already there";
  db.reset();
  ASSERT_TRUE(Raw(path, "UPDATE schema_migrations SET checksum = 'edited'").has_value());
  Result<std::unique_ptr<Database>> reopened =
      Database::Open({path}, PiiVault::FromMasterKey(key_), kT0);
  ASSERT_FALSE(reopened.has_value());
  EXPECT_EQ(reopened.error().rule(), "migration.changed");
}

TEST_F(SqliteTest, OpeningWithoutMigrateRequiresTheSchema) {
  Result<std::unique_ptr<Database>> db = Database::Open(
      {dir_ / "empty.db", 2, sql::SchemaPolicy::kRequire}, PiiVault::FromMasterKey(key_), kT0);
  ASSERT_FALSE(db.has_value());
  EXPECT_EQ(db.error().rule(), "migration.pending");
}

TEST_F(SqliteTest, BackupAndRestoreKeepEverythingAndTheChain) {
  const std::filesystem::path path = dir_ / "icp.db";
  auto db = Open(path);
  AccountId account = storage_testing::CreateAccount(*db, "c");
  for (int i = 0; i < 3; ++i) {
    auto uow = *db->Begin();
    ASSERT_TRUE(
        uow->applications()
            .Insert(storage_testing::NewRecord(
                account, storage_testing::SampleApplication(i, "b" + std::to_string(i) + ".cn")))
            .has_value());
    ASSERT_TRUE(uow->audit().Append({kT0, "account:1", "create", std::to_string(i), "{}"}));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  const std::filesystem::path backup = dir_ / "backup.db";
  ASSERT_TRUE(db->Backup(backup).has_value());
  EXPECT_FALSE(db->Backup(backup).has_value()) << "never overwrites";
  {
    auto uow = *db->Begin();
    ASSERT_TRUE(uow->audit().Append({kT0, "account:1", "after-backup", "x", "{}"}));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  ASSERT_TRUE(db->Restore(backup).has_value());
  auto uow = *db->Begin();
  EXPECT_EQ(uow->audit().Read(0, 100)->size(), 3u);
  EXPECT_TRUE(uow->audit().Verify()->ok());
  EXPECT_EQ(uow->applications().List({account, {}, std::nullopt, ApplicationId(), 10})->size(), 3u);

  std::ofstream(dir_ / "junk.db") << "not a database at all, just text";
  EXPECT_FALSE(db->Restore(dir_ / "junk.db").has_value());
}

TEST_F(SqliteTest, AWriterKilledMidWriteLosesNothingCommittedAndLeavesNoHalfChange) {
  const std::filesystem::path path = dir_ / "icp.db";
  const std::array<unsigned char, 32> key = key_;
  storage_testing::CrashReport r = storage_testing::KillWriterMidWrite(
      [&]() -> std::unique_ptr<icp::Database> {
        Result<std::unique_ptr<Database>> db =
            Database::Open({path}, PiiVault::FromMasterKey(key), kT0);
        return db ? std::move(*db) : nullptr;
      },
      150);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.acknowledged, 150);
  EXPECT_TRUE(r.every_acknowledged_present);
  EXPECT_GE(r.applications, 150);
  EXPECT_EQ(r.audit_entries, r.applications) << "a change without its audit entry";
  EXPECT_EQ(r.outbox_messages, r.applications) << "a change without its outbox message";
  EXPECT_TRUE(r.audit.ok()) << r.audit.reason;
  Result<sql::Rows> integrity = Raw(path, "PRAGMA integrity_check");
  ASSERT_TRUE(integrity.has_value());
  EXPECT_EQ(integrity->rows.at(0).Text(0), "ok");
}

}  // namespace
}  // namespace sqlite
}  // namespace icp
