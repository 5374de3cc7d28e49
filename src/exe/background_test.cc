#include "exe/background.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <random>
#include <thread>

#include "cli/rules_command.h"
#include "exe/clock.h"
#include "storage/memory/database.h"
#include "storage/sqlite/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using std::chrono::days;
using std::chrono::seconds;

OutboxStats Stats(Database& db) { return *(*db.Begin())->outbox().Stats(); }

TEST(PassPacing, RetriesAPassTheMomentBrokeOffSoonerEachTimeLessSo) {
  using std::chrono::milliseconds;
  PassPacing pacing(seconds(1));
  const Result<bureau::PassReport> ended = bureau::PassReport{};
  const Result<bureau::PassReport> fault =
      std::unexpected(Error{ErrorCode::kUnavailable, "the bureau answered a SOAP Fault", {}});
  const Result<bureau::PassReport> lease_held = std::unexpected(
      Error{ErrorCode::kUnavailable,
            "another process is uploading",
            {{"", "bureau.lease-held", "another process is uploading", "另一进程正在上报"}}});
  const Result<bureau::PassReport> broken =
      std::unexpected(Error{ErrorCode::kInternal, "a bug", {}});
  EXPECT_EQ(pacing.After(ended), seconds(1));
  EXPECT_EQ(pacing.After(fault), milliseconds(100));
  EXPECT_EQ(pacing.After(fault), milliseconds(200));
  EXPECT_EQ(pacing.After(fault), milliseconds(400));
  EXPECT_EQ(pacing.After(fault), milliseconds(800));
  EXPECT_EQ(pacing.After(fault), seconds(1));  // never longer than the interval
  EXPECT_EQ(pacing.After(fault), seconds(1));
  EXPECT_EQ(pacing.After(ended), seconds(1));
  EXPECT_EQ(pacing.After(fault), milliseconds(100));  // a new run of failures starts short
  // Another process holds the upload lease, or the failure is not the moment's: the interval.
  EXPECT_EQ(pacing.After(lease_held), seconds(1));
  EXPECT_EQ(pacing.After(fault), milliseconds(100));
  EXPECT_EQ(pacing.After(broken), seconds(1));
  // An interval shorter than the first retry is kept.
  PassPacing fast(milliseconds(50));
  EXPECT_EQ(fast.After(fault), milliseconds(50));
}

TEST(BackgroundWork, SweepsAndDeliversAReminderToTheLog) {
  std::unique_ptr<memory::Database> db = memory::Database::Create();
  Result<RuleSet> rules = cli::LoadRuleSet(std::string(ICP_SOURCE_DIR) + "/data/rules");
  ASSERT_TRUE(rules.has_value()) << rules.error().message;
  // Returned to the customer 8 days ago by the real clock, which the background work reads.
  const std::chrono::sys_seconds returned = std::chrono::floor<seconds>(RealNow()) - days(8);
  ApplicationRecord record = storage_testing::NewRecord(
      storage_testing::CreateAccount(*db, "customer"),
      storage_testing::SampleApplication(1, "example.cn"), ApplicationType::kFirstFiling, returned);
  storage_testing::Move(record, ApplicationEvent::kSubmit, returned);
  storage_testing::Move(record, ApplicationEvent::kProviderReturn, returned);
  {
    auto uow = std::move(*db->Begin());
    ASSERT_TRUE(uow->applications().Insert(record).has_value());
    ASSERT_TRUE(uow->Commit().has_value());
  }
  http::Metrics metrics;
  RealClock clock;
  Result<std::unique_ptr<BackgroundWork>> work =
      BackgroundWork::Start(*db, *rules, NotifySettings{}, metrics, "background-test", clock);
  ASSERT_TRUE(work.has_value()) << work.error().message;
  EXPECT_EQ((*work)->description(), "log");
  // The sweeper's first pass puts the 7-day reminder in the outbox, and the dispatcher
  // delivers it to the log sink: wait for that (looking every 10 ms), for 30 s at most.
  const auto give_up = std::chrono::steady_clock::now() + seconds(30);
  while (Stats(*db).delivered == 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  (*work)->Stop();
  const OutboxStats stats = Stats(*db);
  EXPECT_EQ(stats.delivered, 1);
  EXPECT_EQ(stats.pending, 0);
  // The reminder fell due a day ago.
  EXPECT_NE(metrics.RenderPrometheus().find("icp_sweeper_lag_seconds 864"), std::string::npos)
      << metrics.RenderPrometheus();
}

TEST(BackgroundWork, RefusesASenderItCannotMake) {
  std::unique_ptr<memory::Database> db = memory::Database::Create();
  Result<RuleSet> rules = cli::LoadRuleSet(std::string(ICP_SOURCE_DIR) + "/data/rules");
  ASSERT_TRUE(rules.has_value());
  http::Metrics metrics;
  RealClock clock;
  NotifySettings settings;
  settings.sms = true;
  settings.sms_webhook_url = "ftp://gateway/";
  Result<std::unique_ptr<BackgroundWork>> work =
      BackgroundWork::Start(*db, *rules, settings, metrics, "background-test", clock);
  ASSERT_FALSE(work.has_value());
  EXPECT_EQ(work.error().rule(), "notify.webhook-url");
}

// An approval committed to a real store reaches the gate within a second: the refresher
// thread follows the store's change sequence (the SQLite triggers of 0009_gate).
TEST(GateRefresher, AnApprovalReachesTheGateWithinASecond) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                                    ("beian-gate-" + std::to_string(std::random_device()()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::array<unsigned char, 32> key{};
  key.fill(7);
  Result<std::unique_ptr<sqlite::Database>> db =
      sqlite::Database::Open({dir / "icp.db"}, PiiVault::FromMasterKey(key), storage_testing::kT0);
  ASSERT_TRUE(db.has_value()) << db.error().message;
  const AccountId owner = storage_testing::CreateAccount(**db, "gate-owner");
  Gate gate(**db);
  ASSERT_TRUE(gate.Load().has_value());
  http::Metrics metrics;
  GateRefresher refresher(gate, std::chrono::milliseconds(100), metrics);
  EXPECT_FALSE(gate.Check("www.approved.cn")->allowed);

  const auto approved_at = std::chrono::steady_clock::now();
  const FilingNumber number = storage_testing::FileWebsite(**db, owner, 1, "approved.cn");
  while (!gate.Check("www.approved.cn")->allowed &&
         std::chrono::steady_clock::now() - approved_at < std::chrono::seconds(5)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto took = std::chrono::steady_clock::now() - approved_at;
  EXPECT_EQ(gate.Check("www.approved.cn")->number, number.canonical());
  EXPECT_LT(took, std::chrono::seconds(1))
      << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
  refresher.Stop();
  EXPECT_NE(metrics.RenderPrometheus().find("icp_gate_entries 1"), std::string::npos)
      << metrics.RenderPrometheus();
  db->reset();
  std::filesystem::remove_all(dir);
}

// Old changes pruned (DELETE) while an icpd was behind them: the refresh sees the gap after its
// position and rebuilds from the full listing instead of missing what was pruned.
TEST(GateRefresher, APrunedChangeSequenceRebuildsTheIndex) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                                    ("beian-gate-gap-" + std::to_string(std::random_device()()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::array<unsigned char, 32> key{};
  key.fill(7);
  Result<std::unique_ptr<sqlite::Database>> db =
      sqlite::Database::Open({dir / "icp.db"}, PiiVault::FromMasterKey(key), storage_testing::kT0);
  ASSERT_TRUE(db.has_value()) << db.error().message;
  const AccountId owner = storage_testing::CreateAccount(**db, "gate-owner");
  Gate gate(**db);
  ASSERT_TRUE(gate.Load().has_value());
  storage_testing::FileWebsite(**db, owner, 1, "first.cn");
  storage_testing::FileWebsite(**db, owner, 2, "second.cn");
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "icp.db").c_str(), &raw), SQLITE_OK);
  sqlite3_busy_timeout(raw, 10000);
  ASSERT_EQ(
      sqlite3_exec(raw, "DELETE FROM gate_changes WHERE seq < (SELECT max(seq) FROM gate_changes)",
                   nullptr, nullptr, nullptr),
      SQLITE_OK)
      << sqlite3_errmsg(raw);
  sqlite3_close(raw);

  Result<GateRefresh> r = gate.Refresh();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_TRUE(r->rebuilt);
  EXPECT_TRUE(gate.Check("first.cn")->allowed) << "its changes were pruned: only a rebuild sees it";
  EXPECT_TRUE(gate.Check("second.cn")->allowed);
  db->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace icp
