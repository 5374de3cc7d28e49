// The unit of work over a scripted connection: what it does when the engine's COMMIT fails.
#include "storage/sql/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <thread>

namespace icp::sql {
namespace {

// A connection that runs nothing and whose COMMIT fails the first `failing` times.
class ScriptedConnection final : public Connection {
 public:
  struct Log {
    int begins = 0;
    int commits = 0;
    int rollbacks = 0;
    std::atomic<int> closed = 0;
  };
  ScriptedConnection(Log& log, int failing) : log_(log), failing_(failing) {}
  ~ScriptedConnection() override { ++log_.closed; }

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

// A pool of one connection whose connections count how many are open.
struct CountedPool {
  ScriptedConnection::Log log;
  std::atomic<int> opened = 0;
  Pool pool{[this]() -> Result<std::unique_ptr<Connection>> {
              ++opened;
              return std::make_unique<ScriptedConnection>(log, 0);
            },
            1};
};

// A unit of work that reads its result back, or a request that authenticates and then
// writes, asks for a second connection while it holds one: with every connection lent to
// such threads, waiting would never end.
TEST(SqlPool, AThreadHoldingAConnectionGetsASecondWithoutWaiting) {
  // Leaked, with a detached thread, if the thread never comes back: the test then fails
  // instead of hanging on the thread.
  auto* p = new CountedPool;
  auto done = std::make_shared<std::promise<bool>>();
  std::future<bool> nested = done->get_future();
  std::thread([p, done] {
    bool got_both = false;
    {
      Result<Pool::Lease> outer = p->pool.Acquire();  // the pool's one connection
      if (outer) {
        Result<Pool::Lease> inner = p->pool.Acquire();  // a second, while holding the first
        got_both = inner.has_value();
      }
    }  // both leases are back in the pool before the test may delete it
    done->set_value(got_both);
  }).detach();
  ASSERT_EQ(nested.wait_for(std::chrono::seconds(5)), std::future_status::ready)
      << "a thread holding a connection waited for a second one";
  EXPECT_TRUE(nested.get());
  EXPECT_EQ(p->opened.load(), 2) << "one beyond the pool's size, for the nested lease";
  delete p;
}

TEST(SqlPool, AThreadHoldingNothingWaitsWhileAllAreLent) {
  CountedPool p;
  std::optional<Result<Pool::Lease>> held(p.pool.Acquire());
  ASSERT_TRUE(held->has_value());
  std::atomic<bool> got = false;
  std::future<void> other = std::async(std::launch::async, [&] {
    Result<Pool::Lease> lease = p.pool.Acquire();
    got = lease.has_value();
  });
  EXPECT_EQ(other.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout)
      << "a thread holding nothing waits rather than open a connection beyond the pool's size";
  held.reset();
  ASSERT_EQ(other.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_TRUE(got.load());
  EXPECT_EQ(p.opened.load(), 1) << "the returned connection was lent again";
}

// The connection lent beyond the pool's size is closed when it comes back, so the pool
// settles at its size again.
TEST(SqlPool, AConnectionBeyondTheSizeIsClosedOnReturn) {
  auto* p = new CountedPool;  // leaked if the thread never comes back, as above
  auto done = std::make_shared<std::promise<bool>>();
  std::future<bool> nested = done->get_future();
  std::thread([p, done] {
    bool got_both = false;
    {
      Result<Pool::Lease> outer = p->pool.Acquire();
      Result<Pool::Lease> inner = p->pool.Acquire();
      got_both = outer.has_value() && inner.has_value();
    }  // both returned before the test goes on
    done->set_value(got_both);
  }).detach();
  ASSERT_EQ(nested.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  ASSERT_TRUE(nested.get());
  EXPECT_EQ(p->opened.load(), 2);
  EXPECT_EQ(p->log.closed.load(), 1) << "the connection beyond the size was closed";
  {
    Result<Pool::Lease> again = p->pool.Acquire();
    ASSERT_TRUE(again.has_value());
  }
  EXPECT_EQ(p->opened.load(), 2) << "the pool kept one connection and lent it again";
  delete p;
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
