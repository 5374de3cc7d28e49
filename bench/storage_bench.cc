// Storage: what one submission costs (an application, its audit entry and its outbox
// message in one unit of work) and what reading one back costs, on SQLite in WAL mode with
// synchronous=FULL, and on PostgreSQL when ICP_TEST_PG_URL names one (make bench-pg).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "storage/postgres/database.h"
#include "storage/sqlite/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using storage_testing::kT0;

PiiVault Vault() {
  std::array<unsigned char, 32> key{};
  key.fill(9);
  return PiiVault::FromMasterKey(key);
}

std::unique_ptr<Database> OpenSqlite() {
  static std::atomic<int> n = 0;
  const auto path = std::filesystem::temp_directory_path() /
                    ("beian-bench-" + std::to_string(getpid()) + "-" + std::to_string(++n) + ".db");
  std::filesystem::remove(path);
  return std::move(*sqlite::Database::Open({path}, Vault(), kT0));
}

std::unique_ptr<Database> OpenPostgres() {
  // scripts/with-postgres: the owner migrates, the store runs as the runtime role.
  const char* owner = std::getenv("ICP_TEST_PG_URL");
  const char* runtime = std::getenv("ICP_TEST_PG_RUNTIME_URL");
  if (owner == nullptr || runtime == nullptr) return nullptr;
  static std::atomic<int> n = 0;
  const std::string schema = "bench_" + std::to_string(getpid()) + "_" + std::to_string(++n);
  return std::move(*postgres::Database::Open(
      {runtime, schema, 8, sql::SchemaPolicy::kMigrate, postgres::Role::kRuntime, owner}, Vault(),
      kT0));
}

// One submission: the application, its audit entry and its outbox message, committed.
void Submit(benchmark::State& state, std::unique_ptr<Database> db) {
  if (db == nullptr) {
    state.SkipWithError("ICP_TEST_PG_URL not set");
    return;
  }
  // An account has one application in progress at a time (FACTS §4.5, held by the schema),
  // so each submission comes from an account of its own, made outside the timed part.
  std::vector<AccountId> accounts;
  int i = 0;
  for (auto _ : state) {
    if (static_cast<std::size_t>(i) == accounts.size()) {
      state.PauseTiming();
      auto made = std::move(*db->Begin());
      for (int a = 0; a < 1000; ++a) {
        accounts.push_back(*made->accounts().Insert(
            {AccountId(), "bench-" + std::to_string(i + a), Role::kCustomer, "客户", "x", kT0}));
      }
      if (!made->Commit()) state.SkipWithError("accounts not created");
      state.ResumeTiming();
    }
    auto uow = std::move(*db->Begin());
    ApplicationId id = *uow->applications().Insert(storage_testing::NewRecord(
        accounts[static_cast<std::size_t>(i)],
        storage_testing::SampleApplication(i, "b" + std::to_string(i) + ".cn")));
    // Not checked one by one: a failed write ends the unit of work, so Commit (checked
    // below) fails too.
    (void)uow->audit().Append({kT0, "account:1", "application.submit",
                               "application:" + std::to_string(id.value()), "{}"});
    (void)uow->outbox().Enqueue({"bureau.submit", "s" + std::to_string(i), "{}", kT0});
    if (!uow->Commit()) state.SkipWithError("commit failed");
    ++i;
  }
}

void Get(benchmark::State& state, std::unique_ptr<Database> db) {
  if (db == nullptr) {
    state.SkipWithError("ICP_TEST_PG_URL not set");
    return;
  }
  AccountId account = storage_testing::CreateAccount(*db, "bench");
  ApplicationId id;
  {
    auto uow = std::move(*db->Begin());
    id = *uow->applications().Insert(
        storage_testing::NewRecord(account, storage_testing::SampleApplication(1, "get.cn")));
    if (!uow->Commit()) {
      state.SkipWithError("commit failed: there is nothing to read");
      return;
    }
  }
  for (auto _ : state) {
    auto read = std::move(*db->BeginRead());
    benchmark::DoNotOptimize(read->applications().Get(id));
  }
}

void BM_SqliteSubmit(benchmark::State& s) { Submit(s, OpenSqlite()); }
void BM_SqliteGetApplication(benchmark::State& s) { Get(s, OpenSqlite()); }
void BM_PostgresSubmit(benchmark::State& s) { Submit(s, OpenPostgres()); }
void BM_PostgresGetApplication(benchmark::State& s) { Get(s, OpenPostgres()); }

BENCHMARK(BM_SqliteSubmit)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SqliteGetApplication)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PostgresSubmit)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PostgresGetApplication)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace icp
