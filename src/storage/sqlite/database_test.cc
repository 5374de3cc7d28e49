#include "storage/sqlite/database.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>
#include <tuple>

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

// Parameters are bound by their number wherever the statement puts them: out of order, used
// twice or not at all, and again on the statement's next use (prepared once, kept).
TEST_F(SqliteTest, ParametersGoWhereTheirNumbersAreInTheStatement) {
  std::unique_ptr<Connection> c = std::move(*Connection::Open(dir_ / "params.db"));
  const sql::Value first[] = {std::int64_t{1}, std::string("b"), std::string("unused"),
                              std::int64_t{4}};
  constexpr std::string_view kStatement = "SELECT $2, $1, $4 + $1, $2 || $2";
  for (int round = 0; round < 2; ++round) {
    Result<sql::Rows> rows = c->Query(kStatement, first);
    ASSERT_TRUE(rows.has_value()) << rows.error().message;
    ASSERT_EQ(rows->rows.size(), 1u);
    EXPECT_EQ(rows->rows[0].Text(0), "b");
    EXPECT_EQ(rows->rows[0].Int(1), 1);
    EXPECT_EQ(rows->rows[0].Int(2), 5);
    EXPECT_EQ(rows->rows[0].Text(3), "bb");
  }
  const sql::Value second[] = {std::int64_t{10}, std::string("z")};  // $4 left out: NULL
  Result<sql::Rows> rows = c->Query(kStatement, second);
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  EXPECT_EQ(rows->rows[0].Text(0), "z");
  EXPECT_EQ(rows->rows[0].Int(1), 10);
  EXPECT_FALSE(rows->rows[0].OptionalText(2).has_value()) << "NULL + 10, from the last call's 4";
}

// This process's writers queue at the write gate instead of polling SQLite's lock, so every
// way a write transaction ends must let the next writer in: a gate left shut would hold every
// later writer for 30 s and then refuse it.
TEST_F(SqliteTest, EveryEndOfAWriteTransactionOpensTheWriteGate) {
  const auto path = dir_ / "gate.db";
  ASSERT_NE(Open(path), nullptr);  // migrated
  auto gate = std::make_shared<WriteGate>(1);
  std::unique_ptr<Connection> a = std::move(*Connection::Open(path, gate));
  std::unique_ptr<Connection> b = std::move(*Connection::Open(path, gate));
  auto gate_open = [&] {
    // Not try_acquire(), which may fail spuriously.
    if (!gate->try_acquire_for(std::chrono::milliseconds(200))) return false;
    gate->release();
    return true;
  };
  ASSERT_TRUE(a->Begin().has_value());
  EXPECT_FALSE(gate_open()) << "a write transaction holds the gate";
  ASSERT_TRUE(a->Commit().has_value());
  EXPECT_TRUE(gate_open()) << "after COMMIT";
  ASSERT_TRUE(b->Begin().has_value());
  ASSERT_TRUE(b->Rollback().has_value());
  EXPECT_TRUE(gate_open()) << "after ROLLBACK";
  ASSERT_TRUE(a->Begin().has_value());
  a.reset();
  EXPECT_TRUE(gate_open()) << "after the connection closed mid-transaction";
  ASSERT_TRUE(b->BeginRead().has_value());
  ASSERT_TRUE(b->Query("SELECT count(*) FROM accounts").has_value());
  EXPECT_TRUE(gate_open()) << "a reader does not take it";
  ASSERT_TRUE(b->Rollback().has_value());

  // A second writer waits at the gate for the first, and goes in when it commits.
  ASSERT_TRUE(b->Begin().has_value());
  std::atomic<bool> in = false;
  std::thread other([&] {
    std::unique_ptr<Connection> c = std::move(*Connection::Open(path, gate));
    if (c->Begin()) in = true;
    (void)c->Rollback();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(in.load()) << "the second writer waits";
  ASSERT_TRUE(b->Commit().has_value());
  other.join();
  EXPECT_TRUE(in.load());
  EXPECT_TRUE(gate_open());
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

// A sealed document is bound to its row: pasted into another row with raw SQL, it does not
// open there, and the reader answers storage.corrupt instead of someone else's data.
TEST_F(SqliteTest, ASealedDocumentMovedToAnotherRowDoesNotOpen) {
  const std::filesystem::path path = dir_ / "icp.db";
  auto db = Open(path);
  AccountId account = storage_testing::CreateAccount(*db, "c");
  AccountId canceller = storage_testing::CreateAccount(*db, "d");
  const Subject same = storage_testing::SampleApplication(1, "x.cn").subject;
  auto uow = *db->Begin();
  // Two rows with one content: a subject cancelled, then filed again with the same data.
  SubjectId first =
      *uow->subjects().Insert({SubjectId(), account, same, std::nullopt, false, std::nullopt, 0});
  ApplicationRecord cancellation = storage_testing::NewRecord(
      canceller, storage_testing::SampleApplication(1, "c.cn"), ApplicationType::kCancelSubject);
  cancellation.subject = first;
  SubjectRecord cancelled = *uow->subjects().Get(first);
  cancelled.cancelled = true;
  cancelled.changed_by = *uow->applications().Insert(cancellation);
  ASSERT_TRUE(uow->subjects().Update(cancelled).has_value());
  SubjectId second =
      *uow->subjects().Insert({SubjectId(), account, same, std::nullopt, false, std::nullopt, 0});
  SubjectId other = *uow->subjects().Insert({SubjectId(), account,
                                             storage_testing::SampleApplication(2, "x.cn").subject,
                                             std::nullopt, false, std::nullopt, 0});
  ASSERT_TRUE(uow->Commit().has_value());
  uow.reset();
  auto move = [&](SubjectId from, SubjectId to, std::string_view columns) {
    std::string set;
    for (std::string_view column : {std::string_view("body"), std::string_view("content_hash")}) {
      if (columns.find(column) == std::string_view::npos) continue;
      if (!set.empty()) set += ", ";
      set += std::string(column) + " = (SELECT " + std::string(column) +
             " FROM subjects WHERE id = " + std::to_string(from.value()) + ")";
    }
    return Raw(path, "UPDATE subjects SET " + set + " WHERE id = " + std::to_string(to.value()));
  };
  EXPECT_FALSE(move(first, other, "body content_hash").has_value())
      << "moving the content hash with the body is a data change without an application";
  ASSERT_TRUE(move(first, other, "body").has_value());
  ASSERT_TRUE(move(first, second, "body").has_value());  // same content hash, another row
  auto read = *db->Begin();
  EXPECT_TRUE(read->subjects().Get(first).has_value());
  for (SubjectId moved : {other, second}) {
    Result<SubjectRecord> r = read->subjects().Get(moved);
    ASSERT_FALSE(r.has_value()) << moved.value();
    EXPECT_EQ(r.error().rule(), "storage.corrupt") << moved.value() << r.error().message;
  }
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

// The parked files hold against raw SQL: nothing but replayed_at changes, once, and only for a
// file recorded processed; nothing is deleted or replaced; a parked file is not born replayed.
TEST_F(SqliteTest, AParkedFileIsReplayedOnlyOnceAndOnlyWhenProcessed) {
  const std::filesystem::path path = dir_ / "icp.db";
  auto db = Open(path);
  auto uow = *db->Begin();
  ASSERT_TRUE(
      *uow->bureau_link().Park({1, "B1", "i", "h", 0, 0, 0, "r", "why", kT0, std::nullopt}));
  ASSERT_TRUE(uow->Commit().has_value());
  uow.reset();
  for (std::string_view statement :
       {"UPDATE bureau_parked_downloads SET reason = 'x'",
        "UPDATE bureau_parked_downloads SET replayed_at = 4000000000",
        "DELETE FROM bureau_parked_downloads",
        "INSERT INTO bureau_parked_downloads VALUES (1, 'B2', 'i', 'h', 0, 0, 0, 'r', 'why', 1, 2)",
        "INSERT INTO bureau_parked_downloads VALUES (1, 'B3', 'i', 'h', 0, 0, 0, 'r', '', 1, NULL)",
        "INSERT OR REPLACE INTO bureau_parked_downloads VALUES (1, 'B1', 'i', 'h', 0, 0, 0, 'r', "
        "'why', 1, NULL)"}) {
    Result<sql::Rows> r = Raw(path, statement);
    ASSERT_FALSE(r.has_value()) << statement;
  }
  ASSERT_TRUE(Raw(path, "INSERT INTO bureau_downloads VALUES (1, 'B1', 'BAJG', 'h', '<x/>', 9)")
                  .has_value());
  ASSERT_TRUE(Raw(path, "UPDATE bureau_parked_downloads SET replayed_at = " +
                            std::to_string(kT0.time_since_epoch().count() + 9))
                  .has_value());
  Result<sql::Rows> again = Raw(path, "UPDATE bureau_parked_downloads SET replayed_at = NULL");
  ASSERT_FALSE(again.has_value());
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
  Result<AuditVerification> v = (*db->BeginRead())->audit().Verify();
  ASSERT_TRUE(v.has_value());
  ASSERT_FALSE(v->ok());
  EXPECT_EQ(*v->first_broken, 3);
}

// Raw SQL with the file but not the key: the schema refuses every entry that does not link
// to the head and every way around that (REPLACE included); an entry that does link is
// stored, but its hash cannot be right without the key, and verify names it.
TEST_F(SqliteTest, TheSchemaLinksEveryEntryToTheHeadAndTheKeyGuardsTheRest) {
  const std::filesystem::path path = dir_ / "icp.db";
  auto db = Open(path);
  for (int i = 0; i < 2; ++i) {
    auto uow = *db->Begin();
    ASSERT_TRUE(uow->audit().Append({kT0, "account:1", "submit", std::to_string(i), "{}"}));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  Result<sql::Rows> head = Raw(path, "SELECT seq, hash FROM audit_head");
  ASSERT_TRUE(head.has_value());
  const std::string head_hash = head->rows.at(0).Text(1);
  const std::string forged(64, 'a');
  auto insert = [&](const std::string& verb, int seq, const std::string& prev) {
    return Raw(path, verb + " INTO audit_log VALUES (" + std::to_string(seq) +
                         ", 1, 'account:666', 'x', 'y', '{}', '" + prev + "', '" + forged + "')");
  };
  for (const auto& [verb, seq, prev] :
       {std::tuple<std::string, int, std::string>{"INSERT", 4, head_hash},
        {"INSERT", 3, std::string(64, '0')},
        {"INSERT OR REPLACE", 2, head_hash},
        {"INSERT OR REPLACE", 1, std::string(64, '0')}}) {
    Result<sql::Rows> r = insert(verb, seq, prev);
    ASSERT_FALSE(r.has_value()) << verb << " seq " << seq << " was stored";
    EXPECT_NE(r.error().message.find("audit.chain"), std::string::npos) << r.error().message;
  }
  for (std::string_view statement :
       {"INSERT OR REPLACE INTO audit_head VALUES (1, 0, "
        "'0000000000000000000000000000000000000000000000000000000000000000')",
        "UPDATE audit_head SET seq = 1", "UPDATE audit_head SET hash = 'x'"}) {
    Result<sql::Rows> r = Raw(path, statement);
    ASSERT_FALSE(r.has_value()) << statement;
    EXPECT_NE(r.error().message.find("audit.head"), std::string::npos) << r.error().message;
  }
  // It links, so the schema takes it; REPLACE with the hash of entry 1 must not delete that
  // entry (no unique key but seq, which only head + 1 may take).
  Result<sql::Rows> first = Raw(path, "SELECT hash FROM audit_log WHERE seq = 1");
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(Raw(path,
                  "INSERT OR REPLACE INTO audit_log VALUES (3, 1, 'account:666', 'x', 'y', "
                  "'{}', '" +
                      head_hash + "', '" + first->rows.at(0).Text(0) + "')")
                  .has_value());
  Result<sql::Rows> count = Raw(path, "SELECT count(*), min(seq) FROM audit_log");
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(count->rows.at(0).Int(0), 3) << "REPLACE deleted an entry";
  EXPECT_EQ(count->rows.at(0).Int(1), 1);
  Result<sql::Rows> moved = Raw(path, "SELECT seq, hash FROM audit_head");
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->rows.at(0).Int(0), 3) << "the schema moved the head";
  Result<AuditVerification> v = (*db->BeginRead())->audit().Verify();
  ASSERT_TRUE(v.has_value());
  ASSERT_FALSE(v->ok());
  EXPECT_EQ(*v->first_broken, 3);
  EXPECT_NE(v->reason.find("without the audit key"), std::string::npos) << v->reason;
}

// A wrong-typed value written around the platform is an error for a reader and a broken
// entry for verify, never an abort (a STRICT table refuses it outright, which is as good).
// The tables are STRICT: a value of the wrong type is refused when written, so no reader
// meets it (sql::Row::Check covers a row that does not read back anyway: store_test.cc).
TEST_F(SqliteTest, AValueOfTheWrongTypeIsRefusedWhenWritten) {
  const std::filesystem::path path = dir_ / "icp.db";
  auto db = Open(path);
  {
    auto uow = *db->Begin();
    ASSERT_TRUE(uow->audit().Append({kT0, "account:1", "submit", "x", "{}"}));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  Result<sql::Rows> head = Raw(path, "SELECT hash FROM audit_head");
  ASSERT_TRUE(head.has_value());
  Result<sql::Rows> bad =
      Raw(path, "INSERT INTO audit_log VALUES (2, 'yesterday', 'a', 'b', 'c', '{}', '" +
                    head->rows.at(0).Text(0) + "', '" + std::string(64, 'a') + "')");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("cannot store TEXT value in INTEGER column"),
            std::string::npos)
      << bad.error().message;
  Result<AuditVerification> v = (*db->BeginRead())->audit().Verify();
  ASSERT_TRUE(v.has_value() && v->ok());
}

TEST_F(SqliteTest, AChainOpenedWithAnotherKeyDoesNotVerify) {
  const std::filesystem::path path = dir_ / "icp.db";
  {
    auto db = Open(path);
    auto uow = *db->Begin();
    ASSERT_TRUE(uow->audit().Append({kT0, "account:1", "submit", "x", "{}"}));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  key_.fill(8);
  auto db = Open(path);
  Result<AuditVerification> v = (*db->BeginRead())->audit().Verify();
  ASSERT_TRUE(v.has_value());
  ASSERT_FALSE(v->ok());
  EXPECT_EQ(*v->first_broken, 1);
}

// How long a writer's commit takes while `icpctl audit verify` walks a large log, against
// the same writers with no verify running: the verify reads a snapshot on its own
// connection and takes no lock a writer waits for, so writers keep committing during it.
// ICP_AUDIT_LARGE_LOG sets the log's size (entries; default 50000).
TEST_F(SqliteTest, WritersAreNotBlockedByAVerify) {
  const char* size_env = std::getenv("ICP_AUDIT_LARGE_LOG");
  const int entries = size_env != nullptr ? std::atoi(size_env) : 50'000;
  const std::filesystem::path path = dir_ / "icp.db";
  auto db = Open(path);
  for (int done = 0; done < entries;) {
    auto uow = *db->Begin();
    for (int i = 0; i < 1000 && done < entries; ++i, ++done) {
      ASSERT_TRUE(uow->audit().Append({kT0, "account:1", "application.submit",
                                       "application:" + std::to_string(done),
                                       "{\"note\":\"an ordinary entry of some length\"}"}));
    }
    ASSERT_TRUE(uow->Commit().has_value());
  }
  // Start both measurements from an empty WAL, so neither pays for checkpointing the build.
  ASSERT_TRUE(Raw(path, "PRAGMA wal_checkpoint(TRUNCATE)").has_value());
  using Clock = std::chrono::steady_clock;
  struct Commit {
    Clock::time_point start, end;
    double ms() const { return std::chrono::duration<double, std::milli>(end - start).count(); }
  };
  // Two writers commit one entry at a time while `during` runs; every commit's times.
  auto measure = [&](const std::function<void()>& during) {
    std::atomic<bool> stop = false;
    std::vector<std::vector<Commit>> commits(2);
    std::vector<std::thread> writers;
    for (std::size_t w = 0; w < 2; ++w) {
      writers.emplace_back([&, w] {
        while (!stop) {
          const Clock::time_point start = Clock::now();
          auto uow = db->Begin();
          if (!uow || !(*uow)->audit().Append({kT0, "account:2", "x", "y", "{}"}) ||
              !(*uow)->Commit()) {
            ADD_FAILURE() << "a writer failed while a verify ran";
            return;
          }
          commits[w].push_back({start, Clock::now()});
        }
      });
    }
    during();
    stop = true;
    for (std::thread& t : writers) t.join();
    std::vector<Commit> all = commits[0];
    all.insert(all.end(), commits[1].begin(), commits[1].end());
    return all;
  };
  auto report = [](const char* what, const std::vector<Commit>& commits) {
    std::vector<double> ms;
    for (const Commit& c : commits) ms.push_back(c.ms());
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) {
      return ms.empty() ? 0.0
                        : ms[static_cast<std::size_t>(q * static_cast<double>(ms.size() - 1))];
    };
    std::printf("commit latency %s: n=%zu p50=%.2f ms p99=%.2f ms max=%.2f ms\n", what, ms.size(),
                at(0.5), at(0.99), ms.empty() ? 0.0 : ms.back());
  };
  Clock::time_point verify_start, verify_end;
  std::vector<Commit> with = measure([&] {
    verify_start = Clock::now();
    Result<AuditVerification> v = (*db->BeginRead())->audit().Verify();
    verify_end = Clock::now();
    ASSERT_TRUE(v.has_value()) << v.error().message;
    EXPECT_TRUE(v->ok()) << v->reason;
    EXPECT_GE(v->entries, entries);
  });
  // The same window with no verify: a measured span of time, not a wait for a condition.
  std::vector<Commit> without =
      measure([&] { std::this_thread::sleep_for(verify_end - verify_start); });
  std::printf("verify of %d entries: %.0f ms\n", entries,
              std::chrono::duration<double, std::milli>(verify_end - verify_start).count());
  report("during verify", with);
  report("without verify", without);
  // Had the verify held the write lock, no commit would begin and end inside it.
  const auto inside = std::count_if(with.begin(), with.end(), [&](const Commit& c) {
    return c.start >= verify_start && c.end <= verify_end;
  });
  EXPECT_GE(inside, 10) << "writers did not commit while the verify ran: it blocked them";
}

TEST_F(SqliteTest, MigrationsApplyOnceAndRefuseAnEditedOne) {
  const std::filesystem::path path = dir_ / "icp.db";
  auto db = Open(path);
  Result<std::vector<MigrationStatus>> again = db->Migrate();
  ASSERT_TRUE(again.has_value());
  ASSERT_EQ(again->size(), Migrations().size());
  for (const MigrationStatus& m : *again) EXPECT_FALSE(m.applied) << m.name << " already there";
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
  for (int i = 0; i < 3; ++i) {
    AccountId account = storage_testing::CreateAccount(*db, "c" + std::to_string(i));
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
  EXPECT_TRUE((*db->BeginRead())->audit().Verify()->ok());
  EXPECT_EQ(uow->applications().List({.limit = 10})->size(), 3u);

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
