#include "storage/postgres/connection.h"
#include "base/test_strictness.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <cstdlib>
#include <limits>
#include <thread>
#include <vector>

namespace icp::postgres {
namespace {

using sql::Rows;
using sql::Value;

// The server under test; scripts/with-postgres starts a throwaway one.
const char* TestUrl() { return std::getenv("ICP_TEST_PG_URL"); }

// Each test works in a schema of its own, so test processes can share one server.
class PostgresConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (TestUrl() == nullptr) {
      ICP_SKIP_OR_FAIL("ICP_TEST_PG_URL is not set");
    }
    static std::atomic<int> counter = 0;
    schema_ = "conn_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    Result<std::unique_ptr<Connection>> c = Connection::Open(TestUrl(), schema_);
    ASSERT_TRUE(c.has_value()) << c.error().message;
    conn_ = std::move(*c);
  }

  void TearDown() override {
    if (schema_.empty()) return;
    Result<std::unique_ptr<Connection>> admin = Connection::Open(TestUrl());
    ASSERT_TRUE(admin.has_value()) << admin.error().message;
    EXPECT_TRUE((*admin)->Execute("DROP SCHEMA " + schema_ + " CASCADE").has_value());
  }

  // A second connection to the same schema.
  std::unique_ptr<Connection> Another() {
    Result<std::unique_ptr<Connection>> c = Connection::Open(TestUrl(), schema_);
    EXPECT_TRUE(c.has_value()) << c.error().message;
    return c ? std::move(*c) : nullptr;
  }

  // Runs a statement that must succeed; an empty result (and a test failure) otherwise.
  static Rows Must(Connection& c, std::string_view statement, std::vector<Value> params = {}) {
    Result<Rows> r = c.Query(statement, params);
    EXPECT_TRUE(r.has_value()) << statement << ": " << r.error().message;
    return r ? std::move(*r) : Rows{};
  }

  // Runs a statement that must fail and returns its error.
  static Error MustFail(Connection& c, std::string_view statement, std::vector<Value> params = {}) {
    Result<Rows> r = c.Query(statement, params);
    EXPECT_FALSE(r.has_value()) << statement << " succeeded";
    return r ? Error{} : r.error();
  }

  std::int64_t Count(Connection& c, std::string_view table) {
    Rows rows = Must(c, "SELECT count(*) FROM " + std::string(table));
    return rows.empty() ? -1 : rows.rows[0].Int(0);
  }

  std::string schema_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(PostgresConnectionTest, OpensAPostgresDialectConnection) {
  EXPECT_TRUE(conn_->healthy());
  EXPECT_EQ(conn_->dialect(), sql::Dialect::kPostgres);
  Rows rows = Must(*conn_, "SHOW client_encoding");
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(rows.rows[0].Text(0), "UTF8");
}

TEST_F(PostgresConnectionTest, ParametersOfEveryKindRoundTrip) {
  ASSERT_TRUE(conn_->Execute("CREATE TABLE kv (id bigint PRIMARY KEY, name text, note text)"));
  const std::string chinese = "粤ICP备2024012345号-1 深圳市某某网络科技有限公司";
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  const std::int64_t small = std::numeric_limits<std::int64_t>::min();
  const char* insert = "INSERT INTO kv (id, name, note) VALUES ($1, $2, $3)";
  EXPECT_EQ(Must(*conn_, insert, {big, chinese, std::monostate{}}).affected, 1);
  EXPECT_EQ(Must(*conn_, insert, {small, std::string(), std::string("x")}).affected, 1);

  Rows rows = Must(*conn_, "SELECT id, name, note, char_length(name) FROM kv ORDER BY id DESC");
  ASSERT_EQ(rows.rows.size(), 2u);
  EXPECT_EQ(rows.affected, 0);
  EXPECT_EQ(rows.rows[0].Int(0), big);
  EXPECT_EQ(rows.rows[0].Text(1), chinese);
  EXPECT_TRUE(rows.rows[0].IsNull(2));
  EXPECT_EQ(rows.rows[0].Int(3), 32) << "the server must see characters, not bytes";
  EXPECT_EQ(rows.rows[1].Int(0), small);
  EXPECT_FALSE(rows.rows[1].IsNull(1)) << "an empty string is not NULL";
  EXPECT_EQ(rows.rows[1].Text(1), "");
  EXPECT_EQ(rows.rows[1].Text(2), "x");

  Rows echoed = Must(*conn_, "SELECT $1::bigint, $2::text, $3::text IS NULL",
                     {big, chinese, std::monostate{}});
  ASSERT_EQ(echoed.rows.size(), 1u);
  EXPECT_EQ(echoed.rows[0].Int(0), big);
  EXPECT_EQ(echoed.rows[0].Text(1), chinese);
  EXPECT_EQ(echoed.rows[0].Text(2), "t");
}

TEST_F(PostgresConnectionTest, WritesReportTheRowsTheyTouched) {
  ASSERT_TRUE(conn_->Execute("CREATE TABLE kv (id bigint PRIMARY KEY, name text)"));
  for (std::int64_t id = 1; id <= 3; ++id) Must(*conn_, "INSERT INTO kv VALUES ($1, 'a')", {id});
  EXPECT_EQ(Must(*conn_, "UPDATE kv SET name = 'b' WHERE id >= $1", {std::int64_t{2}}).affected, 2);
  EXPECT_EQ(Must(*conn_, "UPDATE kv SET name = 'c' WHERE id = $1", {std::int64_t{99}}).affected, 0);
  Rows returning = Must(*conn_, "UPDATE kv SET name = 'd' WHERE id = 1 RETURNING id");
  EXPECT_EQ(returning.affected, 1);
  EXPECT_EQ(returning.rows.size(), 1u);
  EXPECT_EQ(Must(*conn_, "SELECT id FROM kv").affected, 0) << "reads touch nothing";
  EXPECT_EQ(Must(*conn_, "DELETE FROM kv").affected, 3);
}

TEST_F(PostgresConnectionTest, UniqueViolationNamesTheConstraint) {
  ASSERT_TRUE(conn_->Execute(
      "CREATE TABLE accounts (id bigint PRIMARY KEY, login text CONSTRAINT accounts_login_key "
      "UNIQUE)"));
  const char* insert = "INSERT INTO accounts VALUES ($1, $2)";
  Must(*conn_, insert, {std::int64_t{1}, std::string("alice")});

  Error same_login = MustFail(*conn_, insert, {std::int64_t{2}, std::string("alice")});
  EXPECT_EQ(same_login.code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(sql::ConstraintOf(same_login), "accounts_login_key") << same_login.message;
  Error same_id = MustFail(*conn_, insert, {std::int64_t{1}, std::string("bob")});
  EXPECT_EQ(same_id.code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(sql::ConstraintOf(same_id), "accounts_pkey") << same_id.message;
  EXPECT_EQ(same_id.message.find("alice"), std::string::npos) << "row values stay out";
}

TEST_F(PostgresConnectionTest, OtherConstraintViolationsAreFailedPrecondition) {
  ASSERT_TRUE(
      conn_->Execute("CREATE TABLE parents (id bigint PRIMARY KEY);"
                     "CREATE TABLE kids (id bigint CONSTRAINT kids_id_positive CHECK (id > 0),"
                     "                   parent bigint NOT NULL REFERENCES parents (id))"));
  Must(*conn_, "INSERT INTO parents VALUES (1)");
  const char* insert = "INSERT INTO kids VALUES ($1, $2)";
  Error check = MustFail(*conn_, insert, {std::int64_t{-1}, std::int64_t{1}});
  EXPECT_EQ(check.code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(check.message.find("kids_id_positive"), std::string::npos) << check.message;
  Error not_null = MustFail(*conn_, insert, {std::int64_t{1}, std::monostate{}});
  EXPECT_EQ(not_null.code, ErrorCode::kFailedPrecondition) << not_null.message;
  Error foreign_key = MustFail(*conn_, insert, {std::int64_t{1}, std::int64_t{7}});
  EXPECT_EQ(foreign_key.code, ErrorCode::kFailedPrecondition) << foreign_key.message;
}

TEST_F(PostgresConnectionTest, ATriggersExceptionIsFailedPrecondition) {
  ASSERT_TRUE(conn_->Execute(R"sql(
      CREATE TABLE audit (id bigint PRIMARY KEY);
      CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit.append-only: history cannot change'
          USING CONSTRAINT = 'audit.append-only';
      END $$;
      CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION audit_append_only();
      INSERT INTO audit VALUES (1);
  )sql"));
  Error e = MustFail(*conn_, "DELETE FROM audit WHERE id = $1", {std::int64_t{1}});
  EXPECT_EQ(e.code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(e.message.find("audit.append-only"), std::string::npos) << e.message;
  EXPECT_EQ(sql::ConstraintOf(e), "audit.append-only") << "classified by name, not by text";
}

TEST_F(PostgresConnectionTest, RollbackDiscards) {
  ASSERT_TRUE(conn_->Execute("CREATE TABLE kv (id bigint PRIMARY KEY)"));
  ASSERT_TRUE(conn_->Begin());
  Must(*conn_, "INSERT INTO kv VALUES (1)");
  EXPECT_EQ(Count(*conn_, "kv"), 1);
  ASSERT_TRUE(conn_->Rollback());
  EXPECT_EQ(Count(*conn_, "kv"), 0);
  EXPECT_TRUE(conn_->Rollback()) << "a rollback with no transaction open does nothing";
}

TEST_F(PostgresConnectionTest, CommitKeeps) {
  ASSERT_TRUE(conn_->Execute("CREATE TABLE kv (id bigint PRIMARY KEY)"));
  std::unique_ptr<Connection> other = Another();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(conn_->Begin());
  Must(*conn_, "INSERT INTO kv VALUES (1)");
  EXPECT_EQ(Count(*other, "kv"), 0) << "uncommitted rows are invisible to others";
  ASSERT_TRUE(conn_->Commit());
  EXPECT_EQ(Count(*other, "kv"), 1);
}

TEST_F(PostgresConnectionTest, CommittingAFailedTransactionIsAborted) {
  ASSERT_TRUE(conn_->Execute("CREATE TABLE kv (id bigint PRIMARY KEY)"));
  Must(*conn_, "INSERT INTO kv VALUES ($1)", {std::int64_t{1}});
  ASSERT_TRUE(conn_->Begin());
  Must(*conn_, "INSERT INTO kv VALUES ($1)", {std::int64_t{2}});
  EXPECT_EQ(MustFail(*conn_, "INSERT INTO kv VALUES ($1)", {std::int64_t{1}}).code,
            ErrorCode::kAlreadyExists);
  Result<void> commit = conn_->Commit();
  ASSERT_FALSE(commit.has_value());
  EXPECT_EQ(commit.error().code, ErrorCode::kAborted);
  EXPECT_TRUE(conn_->healthy());
  EXPECT_EQ(Count(*conn_, "kv"), 1) << "nothing of the failed transaction is kept";
}

TEST_F(PostgresConnectionTest, BeginInsideATransactionIsRefused) {
  ASSERT_TRUE(conn_->Begin());
  Result<void> again = conn_->Begin();
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kInternal);
  EXPECT_TRUE(conn_->Rollback());
}

TEST_F(PostgresConnectionTest, TheSameStatementIsPreparedOnce) {
  ASSERT_TRUE(conn_->Execute("CREATE TABLE kv (id bigint PRIMARY KEY, name text)"));
  for (std::int64_t i = 0; i < 1000; ++i) {
    Result<Rows> r =
        conn_->Query("INSERT INTO kv VALUES ($1, $2)", std::vector<Value>{i, std::to_string(i)});
    ASSERT_TRUE(r.has_value()) << r.error().message;
  }
  EXPECT_EQ(Count(*conn_, "kv"), 1000);
  Rows prepared = Must(*conn_,
                       "SELECT count(*) FILTER (WHERE statement LIKE 'INSERT INTO kv%'), count(*) "
                       "FROM pg_prepared_statements");
  ASSERT_EQ(prepared.rows.size(), 1u);
  EXPECT_EQ(prepared.rows[0].Int(0), 1);
  EXPECT_EQ(prepared.rows[0].Int(1), 3) << "the insert, the count(*) and this query";
}

TEST_F(PostgresConnectionTest, PreparedStatementsSurviveRollbackAndDeallocate) {
  const char* select = "SELECT $1::bigint + 1";
  ASSERT_TRUE(conn_->Begin());
  Must(*conn_, select, {std::int64_t{1}});  // prepared inside a transaction ...
  ASSERT_TRUE(conn_->Rollback());
  EXPECT_EQ(Must(*conn_, select, {std::int64_t{1}}).rows.at(0).Int(0), 2);  // ... still there

  ASSERT_TRUE(conn_->Execute("DEALLOCATE ALL"));
  EXPECT_EQ(Must(*conn_, select, {std::int64_t{2}}).rows.at(0).Int(0), 3) << "prepared again";

  // Inside a transaction the failed lookup has aborted it: the caller must retry.
  ASSERT_TRUE(conn_->Begin());
  ASSERT_TRUE(conn_->Execute("DEALLOCATE ALL"));
  EXPECT_EQ(MustFail(*conn_, select, {std::int64_t{3}}).code, ErrorCode::kAborted);
  ASSERT_TRUE(conn_->Rollback());
  EXPECT_EQ(Must(*conn_, select, {std::int64_t{3}}).rows.at(0).Int(0), 4);
}

TEST_F(PostgresConnectionTest, ExecuteRunsAScriptAsOneTransaction) {
  ASSERT_TRUE(conn_->Execute("CREATE TABLE kv (id bigint PRIMARY KEY)"));
  Result<void> r = conn_->Execute("INSERT INTO kv VALUES (1); INSERT INTO kv VALUES (1);");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(Count(*conn_, "kv"), 0);
}

TEST_F(PostgresConnectionTest, OtherErrorsAreInternalWithTheSqlState) {
  Error missing = MustFail(*conn_, "SELECT * FROM no_such_table");
  EXPECT_EQ(missing.code, ErrorCode::kInternal);
  EXPECT_NE(missing.message.find("42P01"), std::string::npos) << missing.message;
  Error wrong_count = MustFail(*conn_, "SELECT $1::bigint + $2::bigint", {std::int64_t{1}});
  EXPECT_EQ(wrong_count.code, ErrorCode::kInternal) << wrong_count.message;
  EXPECT_TRUE(conn_->healthy());
  EXPECT_EQ(Must(*conn_, "SELECT 1").rows.size(), 1u);
}

TEST_F(PostgresConnectionTest, ANulByteInTextIsInvalidArgument) {
  Error e = MustFail(*conn_, "SELECT $1::text", {std::string("a\0b", 3)});
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
}

TEST_F(PostgresConnectionTest, NoticesAreNotPrinted) {
  testing::internal::CaptureStderr();
  ASSERT_TRUE(conn_->Execute("DROP TABLE IF EXISTS not_there"));
  ASSERT_TRUE(conn_->Execute("DO $$ BEGIN RAISE NOTICE 'chatty'; END $$"));
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST_F(PostgresConnectionTest, AStatementTimeoutIsDeadlineExceeded) {
  ASSERT_TRUE(conn_->Execute("SET statement_timeout = '100ms'"));
  EXPECT_EQ(MustFail(*conn_, "SELECT pg_sleep(10)").code, ErrorCode::kDeadlineExceeded);
  EXPECT_TRUE(conn_->healthy());
}

TEST_F(PostgresConnectionTest, ALockTimeoutIsUnavailable) {
  ASSERT_TRUE(conn_->Execute("CREATE TABLE kv (id bigint PRIMARY KEY); INSERT INTO kv VALUES (1)"));
  std::unique_ptr<Connection> other = Another();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(conn_->Begin());
  Must(*conn_, "UPDATE kv SET id = 1 WHERE id = 1");
  ASSERT_TRUE(other->Execute("SET lock_timeout = '100ms'"));
  EXPECT_EQ(MustFail(*other, "UPDATE kv SET id = 1 WHERE id = 1").code, ErrorCode::kUnavailable);
  EXPECT_TRUE(conn_->Rollback());
}

TEST_F(PostgresConnectionTest, ALostConnectionIsUnavailableAndUnhealthy) {
  Rows pid = Must(*conn_, "SELECT pg_backend_pid()");
  ASSERT_EQ(pid.rows.size(), 1u);
  std::unique_ptr<Connection> other = Another();
  ASSERT_NE(other, nullptr);
  // The second argument waits (up to 10 s) until the backend has gone.
  Rows killed = Must(*other, "SELECT pg_terminate_backend($1::int, 10000)", {pid.rows[0].Int(0)});
  ASSERT_EQ(killed.rows.size(), 1u);
  ASSERT_EQ(killed.rows[0].Text(0), "t");
  Error e = MustFail(*conn_, "SELECT 1");
  EXPECT_EQ(e.code, ErrorCode::kUnavailable) << e.message;
  EXPECT_FALSE(conn_->healthy());
}

// Two transactions each lock one row, then ask for the other's: PostgreSQL picks a victim.
TEST_F(PostgresConnectionTest, ADeadlockAbortsOneSide) {
  ASSERT_TRUE(
      conn_->Execute("CREATE TABLE locks (id bigint PRIMARY KEY, n bigint);"
                     "INSERT INTO locks VALUES (1, 0), (2, 0)"));
  std::unique_ptr<Connection> other = Another();
  ASSERT_NE(other, nullptr);
  std::barrier both_hold_one(2);
  auto side = [&](Connection& c, std::int64_t first, std::int64_t second) -> Result<void> {
    const char* update = "UPDATE locks SET n = n + 1 WHERE id = $1";
    Result<void> begun = c.Begin();
    Result<Rows> one = c.Query(update, std::vector<Value>{first});
    both_hold_one.arrive_and_wait();  // reached on every path, or the other side would hang
    if (!begun) return begun;
    if (!one) return std::unexpected(one.error());
    Result<Rows> two = c.Query(update, std::vector<Value>{second});
    if (!two) {
      (void)c.Rollback();
      return std::unexpected(two.error());
    }
    return c.Commit();
  };
  Result<void> a;
  Result<void> b;
  std::thread ta([&] { a = side(*conn_, 1, 2); });
  std::thread tb([&] { b = side(*other, 2, 1); });
  ta.join();
  tb.join();
  ASSERT_NE(a.has_value(), b.has_value()) << "exactly one side commits";
  const Error& lost = a ? b.error() : a.error();
  EXPECT_EQ(lost.code, ErrorCode::kAborted) << lost.message;
  Rows rows = Must(*conn_, "SELECT n FROM locks ORDER BY id");
  ASSERT_EQ(rows.rows.size(), 2u);
  EXPECT_EQ(rows.rows[0].Int(0), 1);
  EXPECT_EQ(rows.rows[1].Int(0), 1);
}

// These need no server: the connection fails before reaching one.
TEST(PostgresOpenTest, AnUnreachableServerIsUnavailableAndThePasswordStaysHidden) {
  Result<std::unique_ptr<Connection>> c =
      Connection::Open("postgresql://beian:hunter2secret@127.0.0.1:1/beian?connect_timeout=5");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(c.error().message.find("hunter2secret"), std::string::npos) << c.error().message;
}

TEST(PostgresOpenTest, AMalformedUrlIsInvalidArgumentAndThePasswordStaysHidden) {
  // libpq's own message would quote the undecodable password.
  Result<std::unique_ptr<Connection>> c =
      Connection::Open("postgresql://beian:hunter2%zzsecret@127.0.0.1/beian");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(c.error().message.find("hunter2"), std::string::npos) << c.error().message;

  Result<std::unique_ptr<Connection>> bad_option =
      Connection::Open("postgresql://127.0.0.1/beian?no_such_option=1");
  ASSERT_FALSE(bad_option.has_value());
  EXPECT_EQ(bad_option.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_option.error().message.find("no_such_option"), std::string::npos)
      << bad_option.error().message;
}

}  // namespace
}  // namespace icp::postgres
