// Two dispatchers, each its own worker identity and its own connection to the store, claim
// from one outbox at once on the real engines (SQLite, PostgreSQL): every message reaches
// the Inbox-backed receiver exactly once, and none is delivered by both while a lease holds.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <latch>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "app/outbox_dispatcher.h"
#include "base/test_strictness.h"
#include "ports/testing/fake_clock.h"
#include "storage/postgres/database.h"
#include "storage/sqlite/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using std::chrono::seconds;
using storage_testing::kT0;

constexpr int kMessages = 200;

// Keeps concurrent runs of this test (and their files and schemas) apart.
std::string RunId() {
  static const std::string id = std::to_string(std::random_device()());
  return id;
}

PiiVault TestVault() {
  std::array<unsigned char, 32> key{};
  key.fill(5);
  return PiiVault::FromMasterKey(key);
}

// The receiving system: applies a message's effect in the same unit of work as its key
// (the store's own Inbox), and notes which dispatcher each arrival came from.
class Receiver {
 public:
  explicit Receiver(Database& db) : db_(db) {}

  // One dispatcher's way in. Its first delivery waits until the other dispatcher's first
  // delivery arrives too, so both hold leased batches at the same time: without it, on
  // SQLite one dispatcher may claim everything while the other waits for the write lock.
  class From final : public MessageSink {
   public:
    From(Receiver& r, std::string worker, std::latch& both_claimed)
        : r_(r), worker_(std::move(worker)), both_claimed_(both_claimed) {}
    // A dispatcher that stops before its first delivery does not hold the other one up.
    ~From() override {
      if (first_) both_claimed_.count_down();
    }
    Result<void> Deliver(const ClaimedMessage& m) override {
      if (first_) {
        first_ = false;
        both_claimed_.arrive_and_wait();
      }
      return r_.Deliver(m, worker_);
    }

   private:
    Receiver& r_;
    std::string worker_;
    std::latch& both_claimed_;
    bool first_ = true;
  };

  Result<void> Deliver(const ClaimedMessage& m, const std::string& worker) {
    {
      std::lock_guard lock(mutex_);
      arrivals_[m.message.idempotency_key].push_back(worker);
    }
    Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
    if (!uow) return std::unexpected(uow.error());
    Result<bool> first = (*uow)->inbox().Accept(m.message.idempotency_key, kT0);
    if (!first) return std::unexpected(first.error());
    if (Result<void> c = (*uow)->Commit(); !c) return c;
    if (*first) ++effects_;
    return {};
  }

  std::map<std::string, std::vector<std::string>> arrivals() {
    std::lock_guard lock(mutex_);
    return arrivals_;
  }
  int effects() const { return effects_; }

 private:
  Database& db_;
  std::mutex mutex_;
  std::map<std::string, std::vector<std::string>> arrivals_;
  std::atomic<int> effects_ = 0;
};

// Enqueues kMessages on `a`, then runs a dispatcher on `a` and one on `b` (two connections to
// one store, as two processes would have) until the outbox is empty.
void Race(Database& a, Database& b) {
  {
    auto uow = std::move(*a.Begin());
    for (int i = 0; i < kMessages; ++i) {
      ASSERT_TRUE(*uow->outbox().Enqueue(
          {"bureau.submit", "application:" + std::to_string(i) + ":submit:1", "{}", kT0}));
    }
    ASSERT_TRUE(uow->Commit().has_value());
  }
  FakeClock clock(kT0);  // never moves: every lease holds for the whole race
  Receiver receiver(a);
  std::atomic<bool> go = false;
  std::latch both_claimed(2);
  std::atomic<int> failures = 0;
  auto run = [&](Database& db, std::string worker, int& delivered) {
    Receiver::From sink(receiver, worker, both_claimed);
    Result<OutboxDispatcher> d =
        OutboxDispatcher::Create(db, sink, clock, {.worker = worker, .batch = 7});
    if (!d) {
      ++failures;
      return;
    }
    while (!go) std::this_thread::yield();
    for (;;) {
      Result<OutboxDispatcher::Round> round = d->RunOnce();
      if (!round) {
        ADD_FAILURE() << worker << ": " << round.error().message;
        ++failures;
        return;
      }
      if (round->retried != 0 || round->dead != 0 || round->handed_back != 0) ++failures;
      if (round->delivered == 0) return;
      delivered += round->delivered;
    }
  };
  const std::string pid = RunId();
  int by_a = 0;
  int by_b = 0;
  std::thread ta(run, std::ref(a), "race-a-" + pid, std::ref(by_a));
  std::thread tb(run, std::ref(b), "race-b-" + pid, std::ref(by_b));
  go = true;
  ta.join();
  tb.join();
  EXPECT_EQ(failures, 0);
  std::map<std::string, std::vector<std::string>> arrivals = receiver.arrivals();
  ASSERT_EQ(arrivals.size(), static_cast<std::size_t>(kMessages));
  for (const auto& [key, by] : arrivals) {
    ASSERT_EQ(by.size(), 1u) << key << " arrived from " << by[0] << " and " << by[1];
  }
  EXPECT_EQ(receiver.effects(), kMessages);
  EXPECT_EQ(by_a + by_b, kMessages);
  EXPECT_GT(by_a, 0);
  EXPECT_GT(by_b, 0);
  OutboxStats stats = *(*a.Begin())->outbox().Stats();
  EXPECT_EQ(stats.delivered, kMessages);
  EXPECT_EQ(stats.pending, 0);
  std::cout << "dispatcher a delivered " << by_a << ", b " << by_b << "\n";
}

TEST(OutboxDispatcherRace, TwoDispatchersOnSqliteDeliverEachMessageOnce) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / ("beian-race-" + RunId());
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

TEST(OutboxDispatcherRace, TwoDispatchersOnPostgresDeliverEachMessageOnce) {
  // The owner migrates; the dispatchers run as the runtime role, as icpd does.
  const char* owner = std::getenv("ICP_TEST_PG_URL");
  const char* runtime = std::getenv("ICP_TEST_PG_RUNTIME_URL");
  if (owner == nullptr || runtime == nullptr) {
    // make test always sets them (scripts/with-postgres).
    ICP_SKIP_OR_FAIL("ICP_TEST_PG_URL or ICP_TEST_PG_RUNTIME_URL is not set");
  }
  const std::string schema = "t_race_" + RunId();
  postgres::Options options;
  options.url = runtime;
  options.owner_url = owner;
  options.schema = schema;
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
