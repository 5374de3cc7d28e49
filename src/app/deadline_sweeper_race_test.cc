// Two sweepers, each on its own connection to one store (as two icpd processes would be),
// run the same passes at once on the real engines (SQLite, PostgreSQL): every reminder and
// every expiry happens once, with one notification and one audit entry.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "app/deadline_sweeper.h"
#include "base/test_strictness.h"
#include "storage/postgres/database.h"
#include "storage/sqlite/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using std::chrono::days;
using storage_testing::kT0;

constexpr int kApplications = 40;  // returned to the customer: a reminder, then expiry
constexpr int kSmsPending = 20;    // at MIIT's SMS check: a timeout (no notification)

std::string RunId() {
  static const std::string id = std::to_string(std::random_device()());
  return id;
}

PiiVault TestVault() {
  std::array<unsigned char, 32> key{};
  key.fill(6);
  return PiiVault::FromMasterKey(key);
}

// Runs one pass at `now` on `a` and on `b` at the same moment; returns their reports.
std::pair<SweepReport, SweepReport> RaceOnce(Database& a, Database& b,
                                             std::chrono::sys_seconds now) {
  auto policy = [](const Province&) { return storage_testing::TestDeadlinePolicy(); };
  DeadlineSweeper sa(a, storage_testing::TestCalendar(), policy, {.page = 7});
  DeadlineSweeper sb(b, storage_testing::TestCalendar(), policy, {.page = 7});
  std::atomic<bool> go = false;
  SweepReport ra;
  SweepReport rb;
  auto run = [&](DeadlineSweeper& s, SweepReport& out) {
    while (!go) std::this_thread::yield();
    Result<SweepReport> r = s.RunOnce(now);
    if (!r) {
      ADD_FAILURE() << r.error().message;
      return;
    }
    for (const Error& e : r->errors) ADD_FAILURE() << e.message;
    out = *r;
  };
  std::thread ta(run, std::ref(sa), std::ref(ra));
  std::thread tb(run, std::ref(sb), std::ref(rb));
  go = true;
  ta.join();
  tb.join();
  return {ra, rb};
}

void Race(Database& a, Database& b) {
  // An account has one application in progress: each its own.
  std::vector<AccountId> accounts;
  for (int i = 0; i < kApplications + kSmsPending; ++i) {
    accounts.push_back(
        storage_testing::CreateAccount(a, "race-" + RunId() + "-" + std::to_string(i)));
  }
  {
    auto uow = std::move(*a.Begin());
    for (int i = 0; i < kApplications; ++i) {
      ApplicationRecord r = storage_testing::NewRecord(
          accounts[i],
          storage_testing::SampleApplication(100 + i, "race" + std::to_string(i) + ".cn"));
      storage_testing::Move(r, ApplicationEvent::kSubmit, kT0);
      storage_testing::Move(r, ApplicationEvent::kProviderReturn, kT0);
      ASSERT_TRUE(uow->applications().Insert(r).has_value());
    }
    for (int i = kApplications; i < kApplications + kSmsPending; ++i) {
      ApplicationRecord r = storage_testing::NewRecord(
          accounts[i],
          storage_testing::SampleApplication(100 + i, "race" + std::to_string(i) + ".cn"));
      for (ApplicationEvent e :
           {ApplicationEvent::kSubmit, ApplicationEvent::kProviderPass,
            ApplicationEvent::kVerificationDone, ApplicationEvent::kSentToBureau}) {
        storage_testing::Move(r, e, kT0);
      }
      ASSERT_TRUE(uow->applications().Insert(r).has_value());
    }
    ASSERT_TRUE(uow->Commit().has_value());
  }
  auto [r1a, r1b] = RaceOnce(a, b, kT0 + days(16));
  EXPECT_EQ(r1a.reminders + r1b.reminders, kApplications);
  EXPECT_EQ(r1a.skipped_reminders + r1b.skipped_reminders, kApplications);
  // Timeouts put nothing in the outbox: only the revision check keeps them single.
  EXPECT_EQ(r1a.sms_timed_out + r1b.sms_timed_out, kSmsPending);
  {
    auto uow = std::move(*a.Begin());
    ApplicationQuery returned;
    returned.states = {ApplicationState::kProviderReturned};
    returned.limit = 1000;
    const std::vector<ApplicationRecord> all = *uow->applications().List(returned);
    EXPECT_EQ(all.size(), static_cast<std::size_t>(kApplications));
    for (const ApplicationRecord& r : all) {
      EXPECT_EQ(r.lifecycle.reminded(), std::vector<int>{15});
      EXPECT_EQ(r.lifecycle.skipped_reminders(), std::vector<int>{7});
      EXPECT_EQ(r.revision, 2);  // inserted, reminded once
    }
    ApplicationQuery ready;
    ready.states = {ApplicationState::kReadyForBureau};
    ready.limit = 1000;
    const std::vector<ApplicationRecord> timed_out = *uow->applications().List(ready);
    EXPECT_EQ(timed_out.size(), static_cast<std::size_t>(kSmsPending));
    for (const ApplicationRecord& r : timed_out) {
      EXPECT_EQ(r.revision, 2);  // inserted, timed out once
      EXPECT_EQ(r.lifecycle.history().size(), 5u);
    }
  }
  auto [r2a, r2b] = RaceOnce(a, b, kT0 + days(46));
  EXPECT_EQ(r2a.expired + r2b.expired, kApplications);
  EXPECT_EQ(r2a.reminders + r2b.reminders, 0);
  std::cout << "reminders by a " << r1a.reminders << ", b " << r1b.reminders
            << "; SMS timeouts by a " << r1a.sms_timed_out << ", b " << r1b.sms_timed_out
            << "; conflicts a " << r1a.conflicts << ", b " << r1b.conflicts << "; expiries by a "
            << r2a.expired << ", b " << r2b.expired << "\n";

  auto uow = std::move(*a.Begin());
  std::vector<OutboxEntry> out = *uow->outbox().List({.limit = 1000});
  std::set<std::string> keys;
  int reminders = 0;
  int expiries = 0;
  for (const OutboxEntry& e : out) {
    EXPECT_TRUE(keys.insert(e.message.idempotency_key).second) << e.message.idempotency_key;
    if (e.message.idempotency_key.find(":reminder:15:") != std::string::npos) ++reminders;
    if (e.message.idempotency_key.find(":expired:") != std::string::npos) ++expiries;
  }
  EXPECT_EQ(reminders, kApplications);
  EXPECT_EQ(expiries, kApplications);
  EXPECT_EQ(out.size(), 2u * kApplications);
  int audited = 0;
  const std::vector<StoredAuditEntry> entries = *uow->audit().Read(0, 10'000);
  for (const StoredAuditEntry& e : entries) {
    if (e.entry.actor == "system:sweeper") ++audited;
  }
  EXPECT_EQ(audited, 2 * kApplications + kSmsPending);
  ApplicationQuery expired;
  expired.states = {ApplicationState::kExpired};
  expired.limit = 1000;
  std::vector<ApplicationRecord> all = *uow->applications().List(expired);
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kApplications));
  for (const ApplicationRecord& r : all) {
    EXPECT_EQ(r.revision, 3);  // inserted, reminded, expired: once each
  }
}

TEST(DeadlineSweeperRace, TwoSweepersOnSqliteActOnEachItemOnce) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / ("beian-sweep-" + RunId());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Result<std::unique_ptr<sqlite::Database>> a =
      sqlite::Database::Open({dir / "icp.db"}, TestVault(), kT0);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  Result<std::unique_ptr<sqlite::Database>> b =
      sqlite::Database::Open({dir / "icp.db"}, TestVault(), kT0);
  ASSERT_TRUE(b.has_value()) << b.error().message;
  Race(**a, **b);
  a->reset();
  b->reset();
  std::filesystem::remove_all(dir);
}

TEST(DeadlineSweeperRace, TwoSweepersOnPostgresActOnEachItemOnce) {
  const char* owner = std::getenv("ICP_TEST_PG_URL");
  const char* runtime = std::getenv("ICP_TEST_PG_RUNTIME_URL");
  if (owner == nullptr || runtime == nullptr) {
    ICP_SKIP_OR_FAIL("ICP_TEST_PG_URL or ICP_TEST_PG_RUNTIME_URL is not set");
  }
  postgres::Options options;
  options.url = runtime;
  options.owner_url = owner;
  options.schema = "t_sweep_" + RunId();
  options.connections = 4;
  Result<std::unique_ptr<postgres::Database>> a =
      postgres::Database::Open(options, TestVault(), kT0);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  Result<std::unique_ptr<postgres::Database>> b =
      postgres::Database::Open(options, TestVault(), kT0);
  ASSERT_TRUE(b.has_value()) << b.error().message;
  Race(**a, **b);
}

}  // namespace
}  // namespace icp
