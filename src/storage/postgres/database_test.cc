#include "storage/postgres/database.h"
#include "base/test_strictness.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <utility>

#include "storage/postgres/connection.h"
#include "storage/testing/contract.h"
#include "storage/testing/crash.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

// The server under test; make test starts a throwaway one (scripts/with-postgres). TestUrl()
// connects as the owner role (migrations, test-only DDL, tampering), RuntimeUrl() as the
// runtime role: every store under test runs as the runtime role, as icpd does.
const char* TestUrl() { return std::getenv("ICP_TEST_PG_URL"); }
const char* RuntimeUrl() { return std::getenv("ICP_TEST_PG_RUNTIME_URL"); }
bool Available() { return TestUrl() != nullptr && RuntimeUrl() != nullptr; }

std::array<unsigned char, 32> TestKey() {
  std::array<unsigned char, 32> key{};
  key.fill(42);
  return key;
}

// A fresh schema per store, so tests and processes never see each other's rows.
std::string NewSchema(std::string_view what) {
  static std::atomic<int> counter = 0;
  return "t_" + std::string(what) + "_" + std::to_string(getpid()) + "_" +
         std::to_string(++counter);
}

Result<std::unique_ptr<postgres::Database>> OpenSchema(
    const std::string& schema, std::size_t connections = 8,
    sql::SchemaPolicy policy = sql::SchemaPolicy::kMigrate) {
  return postgres::Database::Open(
      {RuntimeUrl(), schema, connections, policy, postgres::Role::kRuntime, TestUrl()},
      PiiVault::FromMasterKey(TestKey()), storage_testing::kT0);
}

}  // namespace

namespace storage_testing {
std::vector<StoreUnderTest> StoresUnderTest() {
  return {{"Postgres", []() -> std::unique_ptr<Database> {
             if (!Available()) return nullptr;  // the suite skips, or fails (ContractTest)
             Result<std::unique_ptr<postgres::Database>> db = OpenSchema(NewSchema("contract"));
             if (!db) ADD_FAILURE() << db.error().message;
             return db ? std::move(*db) : nullptr;
           }}};
}
}  // namespace storage_testing

namespace postgres {
namespace {

using storage_testing::kT0;

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Available()) {
      // make test always sets both (scripts/with-postgres).
      ICP_SKIP_OR_FAIL("ICP_TEST_PG_URL or ICP_TEST_PG_RUNTIME_URL is not set");
    }
    schema_ = NewSchema("pg");
    Result<std::unique_ptr<Database>> db = OpenSchema(schema_);
    ASSERT_TRUE(db.has_value()) << db.error().message;
    db_ = std::move(*db);
  }

  // Raw SQL as the owner role (test-only DDL, tampering that needs the owner).
  Result<sql::Rows> Raw(std::string_view statement) { return RawAs(TestUrl(), statement); }
  // Raw SQL as the runtime role: what icpd's credentials allow, with no platform in between.
  Result<sql::Rows> AsRuntime(std::string_view statement) { return RawAs(RuntimeUrl(), statement); }
  Result<sql::Rows> RawAs(const char* url, std::string_view statement) {
    Result<std::unique_ptr<Connection>> c = Connection::Open(url, schema_);
    if (!c) return std::unexpected(c.error());
    return (*c)->Query(statement);
  }

  std::string schema_;
  std::unique_ptr<Database> db_;
};

TEST_F(PostgresTest, PersonalDataIsSealedInTheTable) {
  AccountId account = storage_testing::CreateAccount(*db_, "c");
  Application app = storage_testing::SampleApplication(7, "secret.cn");
  auto uow = *db_->Begin();
  ASSERT_TRUE(uow->applications().Insert(storage_testing::NewRecord(account, app)).has_value());
  ASSERT_TRUE(uow->Commit().has_value());
  Result<sql::Rows> rows = Raw("SELECT body || subject_key FROM applications");
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->rows.size(), 1u);
  const std::string& stored = rows->rows[0].Text(0);
  EXPECT_EQ(stored.find(app.subject.certificate.number()), std::string::npos);
  EXPECT_EQ(stored.find(app.subject.principal.mobile.str()), std::string::npos);
}

TEST_F(PostgresTest, TheDatabaseRefusesToRewriteHistory) {
  auto uow = *db_->Begin();
  ASSERT_TRUE(uow->audit().Append({kT0, "a", "b", "c", "{}"}));
  ASSERT_TRUE(uow->Commit().has_value());
  for (std::string_view statement :
       {"UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log",
        "UPDATE audit_head SET seq = 0", "DELETE FROM application_transitions"}) {
    Result<sql::Rows> r = Raw(statement);
    ASSERT_FALSE(r.has_value()) << statement;
    EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition) << r.error().message;
  }
}

// The parked files hold against raw SQL, as the runtime role: nothing but replayed_at changes,
// once, and only for a file recorded processed; nothing is deleted; none is born replayed.
TEST_F(PostgresTest, AParkedFileIsReplayedOnlyOnceAndOnlyWhenProcessed) {
  auto uow = *db_->Begin();
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
        "TRUNCATE bureau_parked_downloads"}) {
    Result<sql::Rows> r = AsRuntime(statement);
    ASSERT_FALSE(r.has_value()) << statement;
  }
  ASSERT_TRUE(AsRuntime("INSERT INTO bureau_downloads VALUES (1, 'B1', 'BAJG', 'h', '<x/>', 9)")
                  .has_value());
  ASSERT_TRUE(AsRuntime("UPDATE bureau_parked_downloads SET replayed_at = " +
                        std::to_string(kT0.time_since_epoch().count() + 9))
                  .has_value());
  Result<sql::Rows> again = AsRuntime("UPDATE bureau_parked_downloads SET replayed_at = NULL");
  ASSERT_FALSE(again.has_value());
}

TEST_F(PostgresTest, VerifyNamesATamperedEntry) {
  for (int i = 0; i < 4; ++i) {
    auto uow = *db_->Begin();
    ASSERT_TRUE(uow->audit().Append({kT0, "account:1", "submit", std::to_string(i), "{}"}));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  Result<std::unique_ptr<Connection>> raw = Connection::Open(TestUrl(), schema_);
  ASSERT_TRUE(raw.has_value());
  ASSERT_TRUE(
      (*raw)->Execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only; "
                      "DELETE FROM audit_log WHERE seq = 2"));
  Result<AuditVerification> v = (*db_->BeginRead())->audit().Verify();
  ASSERT_TRUE(v.has_value());
  ASSERT_FALSE(v->ok());
  EXPECT_EQ(*v->first_broken, 2);
}

// What icpd's own credentials can do with raw SQL: none of the ways around the triggers.
// The runtime role owns nothing (no ALTER TABLE, no DROP TRIGGER), is no superuser (no
// session_replication_role), and holds no TRUNCATE, no UPDATE/DELETE where the schema
// forbids them, and only SELECT on schema_migrations.
TEST_F(PostgresTest, TheRuntimeRoleCannotGetAroundTheTriggers) {
  auto uow = *db_->Begin();
  ASSERT_TRUE(uow->audit().Append({kT0, "a", "b", "c", "{}"}));
  ASSERT_TRUE(uow->Commit().has_value());
  for (std::string_view statement : {
           "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
           "ALTER TABLE audit_log DISABLE TRIGGER ALL",
           "DROP TRIGGER audit_log_links_to_head ON audit_log",
           "ALTER TABLE audit_log OWNER TO beian_runtime",
           "SET session_replication_role = replica",
           "TRUNCATE audit_log",
           "TRUNCATE audit_head",
           "TRUNCATE filing_numbers CASCADE",
           "UPDATE audit_log SET actor = 'x'",
           "DELETE FROM audit_log",
           "DELETE FROM audit_head",
           "INSERT INTO audit_head VALUES (2, 0, 'x')",
           "DELETE FROM application_transitions",
           "UPDATE application_transitions SET at = 0",
           "DELETE FROM filing_numbers",
           "DELETE FROM authorization_codes",
           "DELETE FROM notifications",
           "TRUNCATE notifications",
           "UPDATE schema_migrations SET checksum = 'x'",
           "DELETE FROM schema_migrations",
           "CREATE TABLE shadow (x INT)",
           "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; "
           "END $$",
       }) {
    Result<sql::Rows> r = AsRuntime(statement);
    ASSERT_FALSE(r.has_value()) << statement;
    EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied)
        << statement << ": " << r.error().message;
  }
  Result<AuditVerification> v = (*db_->BeginRead())->audit().Verify();
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->ok() && v->entries == 1) << v->reason;
}

TEST_F(PostgresTest, TheStoreRefusesToRunAsTheOwner) {
  Result<std::unique_ptr<Database>> as_owner =
      Database::Open({TestUrl(), schema_, 1, sql::SchemaPolicy::kRequire, Role::kRuntime, ""},
                     PiiVault::FromMasterKey(TestKey()), kT0);
  ASSERT_FALSE(as_owner.has_value());
  EXPECT_EQ(as_owner.error().rule(), "storage.runtime-role") << as_owner.error().message;
  Result<std::unique_ptr<Database>> no_owner =
      Database::Open({RuntimeUrl(), schema_, 1, sql::SchemaPolicy::kAsIs, Role::kRuntime, ""},
                     PiiVault::FromMasterKey(TestKey()), kT0);
  ASSERT_TRUE(no_owner.has_value()) << no_owner.error().message;
  Result<std::vector<MigrationStatus>> migrated = (*no_owner)->Migrate();
  ASSERT_FALSE(migrated.has_value()) << "the runtime role does not migrate";
  EXPECT_NE(migrated.error().message.find("owner"), std::string::npos);
}

// Raw SQL as the runtime role, without the key: the schema refuses every entry that does
// not link to the head; an entry that does link is stored, but its hash cannot be right
// without the key, and verify names it.
TEST_F(PostgresTest, TheSchemaLinksEveryEntryToTheHeadAndTheKeyGuardsTheRest) {
  for (int i = 0; i < 2; ++i) {
    auto uow = *db_->Begin();
    ASSERT_TRUE(uow->audit().Append({kT0, "account:1", "submit", std::to_string(i), "{}"}));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  Result<sql::Rows> head = AsRuntime("SELECT seq, hash FROM audit_head");
  ASSERT_TRUE(head.has_value());
  const std::string head_hash = head->rows.at(0).Text(1);
  const std::string forged(64, 'a');
  auto insert = [&](int seq, const std::string& prev, std::string_view tail = "") {
    return AsRuntime("INSERT INTO audit_log VALUES (" + std::to_string(seq) +
                     ", 1, 'account:666', 'x', 'y', '{}', '" + prev + "', '" + forged + "')" +
                     std::string(tail));
  };
  for (const auto& [seq, prev] :
       {std::pair<int, std::string>{4, head_hash}, {3, std::string(64, '0')}, {2, head_hash}}) {
    Result<sql::Rows> r = insert(seq, prev);
    ASSERT_FALSE(r.has_value()) << "seq " << seq << " was stored";
    EXPECT_EQ(r.error().message, "audit.chain");
  }
  Result<sql::Rows> upsert = insert(2, head_hash, " ON CONFLICT (seq) DO NOTHING");
  ASSERT_FALSE(upsert.has_value());
  for (std::string_view statement :
       {"UPDATE audit_head SET seq = 1", "UPDATE audit_head SET hash = 'x'",
        "INSERT INTO audit_head VALUES (1, 0, 'x') ON CONFLICT (id) DO UPDATE SET seq = 0"}) {
    ASSERT_FALSE(AsRuntime(statement).has_value()) << statement;
  }
  ASSERT_TRUE(insert(3, head_hash).has_value()) << "it links, so the schema takes it";
  Result<sql::Rows> moved = AsRuntime("SELECT seq FROM audit_head");
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->rows.at(0).Int(0), 3) << "the schema moved the head";
  Result<AuditVerification> v = (*db_->BeginRead())->audit().Verify();
  ASSERT_TRUE(v.has_value());
  ASSERT_FALSE(v->ok());
  EXPECT_EQ(*v->first_broken, 3);
  EXPECT_NE(v->reason.find("without the audit key"), std::string::npos) << v->reason;
}

// `audit verify` again and again while four writers, each on its own connection, append:
// never a false alarm. ICP_AUDIT_SOAK_SECONDS sets how long (default 3; the issue asks for
// a 30 s run).
TEST_F(PostgresTest, VerifyNeverRaisesAFalseAlarmWhileFourWritersAppend) {
  const char* env = std::getenv("ICP_AUDIT_SOAK_SECONDS");
  const auto length = std::chrono::seconds(env != nullptr ? std::atoi(env) : 3);
  using Clock = std::chrono::steady_clock;
  const Clock::time_point until = Clock::now() + length;
  std::atomic<bool> stop = false;
  std::atomic<std::int64_t> appended = 0;
  std::atomic<int> failures = 0;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop; ++i) {
        auto uow = db_->Begin();
        const int n = 1 + i % 3;
        bool ok = uow.has_value();
        for (int e = 0; ok && e < n; ++e) {
          ok = (*uow)
                   ->audit()
                   .Append({kT0, "account:" + std::to_string(w), "application.submit",
                            "application:" + std::to_string(i), "{}"})
                   .has_value();
        }
        if (!ok || !(*uow)->Commit()) {
          ++failures;
          continue;
        }
        appended += n;
      }
    });
  }
  int verifications = 0;
  std::int64_t seen = 0;
  std::vector<std::string> alarms;
  while (Clock::now() < until && alarms.size() < 3) {
    Result<std::unique_ptr<icp::ReadTransaction>> read = db_->BeginRead();
    Result<AuditVerification> v =
        read ? (*read)->audit().Verify() : Result<AuditVerification>(std::unexpected(read.error()));
    if (!v || !v->ok()) {
      alarms.push_back(v ? v->reason : v.error().message);
      continue;
    }
    if (v->entries < seen) alarms.push_back("a later snapshot saw fewer entries");
    seen = v->entries;
    ++verifications;
  }
  stop = true;
  for (std::thread& t : writers) t.join();
  EXPECT_TRUE(alarms.empty()) << alarms.front();
  EXPECT_EQ(failures, 0) << "writers failed";
  Result<AuditVerification> last = (*db_->BeginRead())->audit().Verify();
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(last->ok()) << last->reason;
  EXPECT_EQ(last->entries, appended.load());
  std::printf("%lld s: %d verifications, %lld entries appended by 4 writers, %zu false alarms\n",
              static_cast<long long>(length.count()), verifications,
              static_cast<long long>(appended.load()), alarms.size());
  EXPECT_GT(verifications, 0);
}

TEST_F(PostgresTest, BackupNamesTheTool) {
  Result<void> r = db_->Backup("/tmp/x.dump");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("pg_dump"), std::string::npos);
}

TEST_F(PostgresTest, ADeadlockAbortsOneSide) {
  ASSERT_TRUE(Raw("CREATE TABLE locks (id INT PRIMARY KEY, v INT)").has_value());
  ASSERT_TRUE(Raw("INSERT INTO locks VALUES (1, 0), (2, 0)").has_value());
  std::atomic<int> aborted = 0;
  std::atomic<int> ready = 0;
  auto side = [&](int first, int second) {
    auto c = std::move(*Connection::Open(TestUrl(), schema_));
    ASSERT_TRUE(c->Begin());
    const sql::Value a[] = {std::int64_t{first}};
    ASSERT_TRUE(c->Query("UPDATE locks SET v = v + 1 WHERE id = $1", a));
    ++ready;
    while (ready < 2) std::this_thread::yield();
    const sql::Value b[] = {std::int64_t{second}};
    Result<sql::Rows> r = c->Query("UPDATE locks SET v = v + 1 WHERE id = $1", b);
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kAborted) << r.error().message;
      ++aborted;
      (void)c->Rollback();
    } else {
      ASSERT_TRUE(c->Commit());
    }
  };
  std::thread one(side, 1, 2);
  std::thread two(side, 2, 1);
  one.join();
  two.join();
  EXPECT_EQ(aborted, 1);
}

// Two icpd processes on one PostgreSQL: each forks with its own pool and four threads,
// all submitting applications for the same subject at once. Exactly one is accepted.
TEST_F(PostgresTest, TwoProcessesRacingGetOneApplicationPerSubjectAndDomain) {
  // One account per racer: an account has one application in progress at a time.
  std::vector<AccountId> accounts;
  for (int i = 0; i < 16; ++i) {
    accounts.push_back(storage_testing::CreateAccount(*db_, "racer-" + std::to_string(i)));
  }
  for (bool same_subject : {true, false}) {
    int go[2];
    ASSERT_EQ(pipe(go), 0);
    std::vector<pid_t> children;
    for (int process = 0; process < 2; ++process) {
      const pid_t pid = fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) {
        close(go[1]);
        auto db = OpenSchema(schema_, 4);
        if (!db) _exit(100);
        char byte;
        (void)!read(go[0], &byte, 1);  // returns when the parent closes the pipe
        std::atomic<int> accepted = 0;
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
          threads.emplace_back([&, t] {
            const int n = process * 4 + t;
            Application app =
                same_subject
                    ? storage_testing::SampleApplication(500, "p-" + std::to_string(n) + ".cn")
                    : storage_testing::SampleApplication(600 + n, "contested.cn");
            auto uow = (*db)->Begin();
            if (!uow) return;
            const AccountId account = accounts.at((same_subject ? 0 : 8) + n);
            if ((*uow)->applications().Insert(storage_testing::NewRecord(account, app)) &&
                (*uow)->Commit()) {
              ++accepted;
            }
          });
        }
        for (std::thread& t : threads) t.join();
        _exit(accepted);
      }
      children.push_back(pid);
    }
    close(go[0]);
    close(go[1]);  // go
    int accepted = 0;
    for (pid_t pid : children) {
      int status = 0;
      ASSERT_EQ(waitpid(pid, &status, 0), pid);
      ASSERT_TRUE(WIFEXITED(status));
      ASSERT_NE(WEXITSTATUS(status), 100) << "a child could not open the store";
      accepted += WEXITSTATUS(status);
    }
    EXPECT_EQ(accepted, 1) << (same_subject ? "same subject" : "same domain");
  }
  Result<sql::Rows> open =
      Raw("SELECT count(*) FROM applications WHERE open_subject_key IS NOT NULL");
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(open->rows[0].Int(0), 2);
}

TEST_F(PostgresTest, AWriterKilledMidWriteLosesNothingCommittedAndLeavesNoHalfChange) {
  const std::string schema = schema_;
  storage_testing::CrashReport r = storage_testing::KillWriterMidWrite(
      [&]() -> std::unique_ptr<icp::Database> {
        Result<std::unique_ptr<Database>> db = OpenSchema(schema, 2);
        return db ? std::move(*db) : nullptr;
      },
      100);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.acknowledged, 100);
  EXPECT_TRUE(r.every_acknowledged_present);
  EXPECT_GE(r.applications, 100);
  EXPECT_EQ(r.audit_entries, r.applications) << "a change without its audit entry";
  EXPECT_EQ(r.outbox_messages, r.applications) << "a change without its outbox message";
  EXPECT_TRUE(r.audit.ok()) << r.audit.reason;
}

TEST_F(PostgresTest, TwoMigratorsAtOnceApplyEachMigrationOnce) {
  const std::string fresh = NewSchema("migrate");
  std::vector<std::unique_ptr<Database>> dbs;
  for (int i = 0; i < 2; ++i) {
    Result<std::unique_ptr<Database>> db = OpenSchema(fresh, 1, sql::SchemaPolicy::kAsIs);
    ASSERT_TRUE(db.has_value()) << db.error().message;
    dbs.push_back(std::move(*db));
  }
  std::atomic<int> applied = 0;
  std::atomic<int> failed = 0;
  std::vector<std::thread> threads;
  for (auto& db : dbs) {
    threads.emplace_back([&, d = db.get()] {
      Result<std::vector<MigrationStatus>> r = d->Migrate();
      if (!r) {
        ++failed;
        return;
      }
      for (const MigrationStatus& m : *r) applied += m.applied ? 1 : 0;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(applied, static_cast<int>(Migrations().size()));
}

}  // namespace
}  // namespace postgres
}  // namespace icp
