// The unit of work over a scripted connection: what it does when the engine's COMMIT fails.
#include "storage/sql/store.h"

#include <gtest/gtest.h>

namespace icp::sql {
namespace {

// A connection that runs nothing and whose COMMIT fails the first `failing` times.
class ScriptedConnection final : public Connection {
 public:
  struct Log {
    int begins = 0;
    int commits = 0;
    int rollbacks = 0;
  };
  ScriptedConnection(Log& log, int failing) : log_(log), failing_(failing) {}

  Dialect dialect() const override { return Dialect::kPostgres; }
  Result<Rows> Query(std::string_view, std::span<const Value>) override { return Rows{}; }
  Result<void> Execute(std::string_view) override { return {}; }
  Result<void> Begin() override {
    ++log_.begins;
    return {};
  }
  Result<void> BeginRead() override {
    ++log_.begins;
    return {};
  }
  Result<void> Commit() override {
    ++log_.commits;
    if (log_.commits <= failing_) return Unavailable("the server went away during COMMIT");
    return {};
  }
  Result<void> Rollback() override {
    ++log_.rollbacks;
    return {};
  }
  bool healthy() const override { return true; }

 private:
  Log& log_;
  int failing_;
};

Database Store(ScriptedConnection::Log& log, int failing) {
  auto pool = std::make_unique<Pool>(
      [&log, failing]() -> Result<std::unique_ptr<Connection>> {
        return std::make_unique<ScriptedConnection>(log, failing);
      },
      1);
  return Database(std::move(pool), PiiVault::FromMasterKey({}));
}

TEST(SqlUnitOfWork, AFailedCommitEndsTheUnitOfWork) {
  ScriptedConnection::Log log;
  Database db = Store(log, 1);
  Result<std::unique_ptr<icp::UnitOfWork>> uow = db.Begin();
  ASSERT_TRUE(uow.has_value());
  Result<void> first = (*uow)->Commit();
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(first.error().rule(), "storage.commit-outcome-unknown")
      << "a connection lost during COMMIT may have committed";
  // A retry must not reach the engine: on PostgreSQL a second COMMIT would run outside any
  // transaction and "succeed".
  Result<void> retried = (*uow)->Commit();
  ASSERT_FALSE(retried.has_value());
  EXPECT_EQ(retried.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(log.commits, 1);
  EXPECT_FALSE((*uow)->accounts().Get(AccountId(1)).has_value()) << "nothing runs after it";
  EXPECT_EQ(log.rollbacks, 1) << "the failed transaction is rolled back";
}

TEST(SqlUnitOfWork, ACommittedUnitOfWorkRunsNothingMore) {
  ScriptedConnection::Log log;
  Database db = Store(log, 0);
  Result<std::unique_ptr<icp::UnitOfWork>> uow = db.Begin();
  ASSERT_TRUE(uow.has_value());
  ASSERT_TRUE((*uow)->Commit().has_value());
  EXPECT_EQ((*uow)->Commit().error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(log.commits, 1);
}

// A cell that is not an integer (a row some writer damaged) reads as 0 and makes the row
// answer storage.corrupt, never an abort.
TEST(SqlRow, ACellThatIsNotAnIntegerMarksTheRowCorrupt) {
  Row row({std::string("12"), std::string("yesterday"), std::nullopt});
  EXPECT_EQ(row.Int(0), 12);
  EXPECT_TRUE(row.Check().has_value());
  EXPECT_EQ(row.Int(1), 0);
  EXPECT_EQ(row.Int(2), 0) << "NULL reads as 0 and is no damage";
  Result<void> checked = row.Check();
  ASSERT_FALSE(checked.has_value());
  EXPECT_EQ(checked.error().rule(), "storage.corrupt");
  EXPECT_NE(checked.error().message.find("column 1"), std::string::npos);
}

}  // namespace
}  // namespace icp::sql
