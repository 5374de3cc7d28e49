// Storage: what one submission costs (an application, its audit entry and its outbox
// message in one unit of work) and what reading one back costs, on SQLite in WAL mode with
// synchronous=FULL, and on PostgreSQL when ICP_TEST_PG_URL names one (make bench-pg).
//
// BM_*SubmitVsRaw (issue 12): the store's own durable submission beside a raw single-row
// durable commit of a row of the same size, on the same engine with the same settings, in a
// store already holding ICP_BENCH_SEED_APPLICATIONS applications (1 million by default;
// seeded once per run with set-based SQL). Each iteration times one of each, back to back,
// so that both see the same disk (this machine's fsync time moves by a factor of ten while
// others build); the counter `ratio` is raw time over store time (1 would be free).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "base/check.h"
#include "storage/postgres/connection.h"
#include "storage/postgres/database.h"
#include "storage/sqlite/connection.h"
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

std::filesystem::path SqlitePath() {
  static std::atomic<int> n = 0;
  return std::filesystem::temp_directory_path() /
         ("beian-bench-" + std::to_string(getpid()) + "-" + std::to_string(++n) + ".db");
}

std::unique_ptr<Database> OpenSqlite(const std::filesystem::path& path) {
  std::filesystem::remove(path);
  return std::move(*sqlite::Database::Open({path}, Vault(), kT0));
}

std::unique_ptr<Database> OpenSqlite() { return OpenSqlite(SqlitePath()); }

std::string PostgresSchema() {
  static std::atomic<int> n = 0;
  return "bench_" + std::to_string(getpid()) + "_" + std::to_string(++n);
}

std::unique_ptr<Database> OpenPostgres(const std::string& schema) {
  // scripts/with-postgres: the owner migrates, the store runs as the runtime role.
  const char* owner = std::getenv("ICP_TEST_PG_URL");
  const char* runtime = std::getenv("ICP_TEST_PG_RUNTIME_URL");
  if (owner == nullptr || runtime == nullptr) return nullptr;
  return std::move(*postgres::Database::Open(
      {runtime, schema, 8, sql::SchemaPolicy::kMigrate, postgres::Role::kRuntime, owner}, Vault(),
      kT0));
}

std::unique_ptr<Database> OpenPostgres() { return OpenPostgres(PostgresSchema()); }

// The accounts submissions come from: an account has one application in progress at a time
// (FACTS §4.5, held by the schema), so each submission comes from an account of its own,
// made outside the timed part, 1000 at a time.
class Accounts {
 public:
  AccountId Next(Database& db) {
    if (next_ == made_.size()) {
      auto uow = std::move(*db.Begin());
      for (int a = 0; a < 1000; ++a) {
        made_.push_back(
            *uow->accounts().Insert({AccountId(), "bench-" + std::to_string(made_.size()),
                                     Role::kCustomer, "客户", "x", kT0}));
      }
      ICP_CHECK(uow->Commit().has_value()) << "accounts not created";
    }
    return made_[next_++];
  }

 private:
  std::vector<AccountId> made_;
  std::size_t next_ = 0;
};

// One submission: the application, its audit entry and its outbox message, committed.
// `serial` makes the subject, the domain and the outbox key its own.
bool SubmitOne(Database& db, AccountId account, int serial) {
  auto uow = std::move(*db.Begin());
  Result<ApplicationId> id = uow->applications().Insert(storage_testing::NewRecord(
      account, storage_testing::SampleApplication(serial, "b" + std::to_string(serial) + ".cn")));
  if (!id) return false;
  // Not checked one by one: a failed write ends the unit of work, so Commit (checked
  // below) fails too.
  (void)uow->audit().Append(
      {kT0, "account:1", "application.submit", "application:" + std::to_string(id->value()), "{}"});
  (void)uow->outbox().Enqueue({"bureau.submit", "s" + std::to_string(serial), "{}", kT0});
  return uow->Commit().has_value();
}

void Submit(benchmark::State& state, std::unique_ptr<Database> db) {
  if (db == nullptr) {
    state.SkipWithError("ICP_TEST_PG_URL not set");
    return;
  }
  Accounts accounts;
  int i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const AccountId account = accounts.Next(*db);
    state.ResumeTiming();
    if (!SubmitOne(*db, account, i)) state.SkipWithError("commit failed");
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

// ---- the store against a raw commit, on a store holding a million applications ----

int SeedCount() {
  const char* n = std::getenv("ICP_BENCH_SEED_APPLICATIONS");
  return n != nullptr ? std::atoi(n) : 1'000'000;
}

// Set-based SQL that fills a migrated store with `n` decided applications (approved, so they
// hold no open slot), one indexed domain, one move and one audit entry each, and `n`
// delivered outbox messages; and the raw table with `n` rows of the same size. The template
// is an application the store itself wrote (its sealed body gives the rows their real size).
// $1 = the template's id and $2 = n, or $1 = n where no template is needed.
struct SeedSql {
  std::string_view applications;
  std::string_view domains;
  std::string_view moves;
  std::string_view audit;
  std::string_view head;
  std::string_view outbox;
  std::string_view raw_table;
  std::string_view raw_rows;
  std::string_view raw_insert;
  std::string_view row_size;
  std::string_view wal_position;  // bytes of WAL written so far ("" where not measured)
};

constexpr SeedSql kSqliteSeed{
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2) "
    "INSERT INTO applications (account_id, type, state, province, subject_key, body, "
    "content_hash, entered_at, missed_calls, deadline_provisional, reminded, history_length, "
    "revision, created_at, updated_at) SELECT account_id, type, 'approved', province, "
    "'seed-' || i, body, content_hash || i, entered_at, 0, 0, '', 1, 1, created_at, updated_at "
    "FROM applications, n WHERE id = $1",
    "INSERT INTO application_domains (application_id, domain, field, open_domain, content_hash) "
    "SELECT id, 'seed' || id || '.cn', 'websites[0].domains[0]', NULL, content_hash "
    "FROM applications WHERE subject_key LIKE 'seed-%'",
    "INSERT INTO application_transitions (application_id, seq, from_state, event, to_state, at) "
    "SELECT id, 1, 'draft', 'submit', 'provider_review', entered_at FROM applications "
    "WHERE subject_key LIKE 'seed-%'",
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) "
    "INSERT INTO audit_log (seq, at, actor, action, entity, details, prev_hash, hash) "
    "SELECT i, 1795000000, 'account:1', 'application.submit', 'application:' || i, '{}', "
    "printf('%064d', i - 1), printf('%064d', i) FROM n",
    "SELECT $1",  // SQLite's triggers moved the head row by row
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) "
    "INSERT INTO outbox (topic, idempotency_key, payload, available_at, delivered_at) "
    "SELECT 'bureau.submit', 'seed-' || i, '{}', 1795000000, 1795000001 FROM n",
    "CREATE TABLE bench_raw (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT",
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2) "
    "INSERT INTO bench_raw (body) SELECT (SELECT body FROM applications WHERE id = $1) FROM n",
    "INSERT INTO bench_raw (body) VALUES ($1)",
    "SELECT length(body) + length(content_hash) + length(subject_key) + 120 FROM applications "
    "WHERE id = $1",
    ""};

constexpr SeedSql kPostgresSeed{
    "INSERT INTO applications (account_id, type, state, province, subject_key, body, "
    "content_hash, entered_at, missed_calls, deadline_provisional, reminded, history_length, "
    "revision, created_at, updated_at) SELECT account_id, type, 'approved', province, "
    "'seed-' || i, body, content_hash || i, entered_at, 0, 0, '', 1, 1, created_at, updated_at "
    "FROM applications, generate_series(1, $2::bigint) i WHERE id = $1",
    "INSERT INTO application_domains (application_id, domain, field, open_domain, content_hash) "
    "SELECT id, 'seed' || id || '.cn', 'websites[0].domains[0]', NULL, content_hash "
    "FROM applications WHERE subject_key LIKE 'seed-%'",
    "INSERT INTO application_transitions (application_id, seq, from_state, event, to_state, at) "
    "SELECT id, 1, 'draft', 'submit', 'provider_review', entered_at FROM applications "
    "WHERE subject_key LIKE 'seed-%'",
    "INSERT INTO audit_log (seq, at, actor, action, entity, details, prev_hash, hash) "
    "SELECT i, 1795000000, 'account:1', 'application.submit', 'application:' || i, '{}', "
    "lpad((i - 1)::text, 64, '0'), lpad(i::text, 64, '0') "
    "FROM generate_series(1, $1::bigint) i",
    "UPDATE audit_head SET seq = $1::bigint, hash = lpad($1::text, 64, '0') WHERE id = 1",
    "INSERT INTO outbox (topic, idempotency_key, payload, available_at, delivered_at) "
    "SELECT 'bureau.submit', 'seed-' || i, '{}', 1795000000, 1795000001 "
    "FROM generate_series(1, $1::bigint) i",
    "CREATE TABLE bench_raw (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
    "body TEXT NOT NULL)",
    "INSERT INTO bench_raw (body) SELECT (SELECT body FROM applications WHERE id = $1) "
    "FROM generate_series(1, $2::bigint)",
    "INSERT INTO bench_raw (body) VALUES ($1)",
    "SELECT length(body) + length(content_hash) + length(subject_key) + 120 FROM applications "
    "WHERE id = $1",
    "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint"};

// The tables whose triggers PostgreSQL's seeding switches off while it loads (as the owner;
// SQLite's triggers are cheap enough to run row by row).
constexpr std::string_view kSeededTables[] = {
    "applications", "application_domains", "application_transitions",
    "audit_log",    "audit_head",          "outbox"};

void Must(Result<sql::Rows> r, std::string_view what) {
  ICP_CHECK(r.has_value()) << "seeding " << what << ": " << r.error().message;
}

// A store holding SeedCount() applications, a raw connection beside it with the same
// settings, and the raw row (as large as an application row).
struct SeededStore {
  std::unique_ptr<Database> db;
  std::unique_ptr<sql::Connection> raw;
  std::string raw_row;
  const SeedSql* sql = nullptr;
  Accounts accounts;
  int serial = 0;
};

void Seed(SeededStore& s, sql::Connection& owner) {
  const AccountId account = s.accounts.Next(*s.db);
  ApplicationId template_id;
  {
    auto uow = std::move(*s.db->Begin());
    template_id = *uow->applications().Insert(storage_testing::NewRecord(
        account, storage_testing::SampleApplication(999'999, "template.cn")));
    ICP_CHECK(uow->Commit().has_value()) << "template not stored";
  }
  const auto started = std::chrono::steady_clock::now();
  const sql::Value p[] = {std::int64_t{template_id.value()}, std::int64_t{SeedCount()}};
  const bool pg = owner.dialect() == sql::Dialect::kPostgres;
  ICP_CHECK(owner.Begin().has_value());
  if (pg) {
    for (std::string_view t : kSeededTables) {
      ICP_CHECK(owner.Execute("ALTER TABLE " + std::string(t) + " DISABLE TRIGGER USER"));
    }
  }
  Must(owner.Query(s.sql->applications, p), "applications");
  Must(owner.Query(s.sql->domains), "domains");
  Must(owner.Query(s.sql->moves), "moves");
  const std::span<const sql::Value> count(p + 1, 1);
  Must(owner.Query(s.sql->audit, count), "audit");
  Must(owner.Query(s.sql->head, count), "audit head");
  Must(owner.Query(s.sql->outbox, count), "outbox");
  Must(owner.Query(s.sql->raw_table), "raw table");
  Must(owner.Query(s.sql->raw_rows, p), "raw rows");
  if (pg) {
    for (std::string_view t : kSeededTables) {
      ICP_CHECK(owner.Execute("ALTER TABLE " + std::string(t) + " ENABLE TRIGGER USER"));
    }
  }
  ICP_CHECK(owner.Commit().has_value());
  if (pg) {
    for (std::string_view t : kSeededTables) {
      ICP_CHECK(owner.Execute("VACUUM ANALYZE " + std::string(t)));
    }
    ICP_CHECK(owner.Execute("VACUUM ANALYZE bench_raw"));
  }
  Result<sql::Rows> size = owner.Query(s.sql->row_size, std::span(p, 1));
  ICP_CHECK(size.has_value() && !size->empty());
  s.raw_row.assign(static_cast<std::size_t>(size->rows[0].Int(0)), 'r');
  std::fprintf(stderr, "seeded %d applications in %.1f s; raw rows of %zu bytes\n", SeedCount(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
               s.raw_row.size());
}

SeededStore* SeededSqlite() {
  static SeededStore* store = [] {
    auto* s = new SeededStore;
    const std::filesystem::path path = SqlitePath();
    s->db = OpenSqlite(path);
    s->sql = &kSqliteSeed;
    s->raw = std::move(*sqlite::Connection::Open(path));
    Seed(*s, *s->raw);
    return s;
  }();
  return store;
}

SeededStore* SeededPostgres() {
  static SeededStore* store = []() -> SeededStore* {
    const char* owner = std::getenv("ICP_TEST_PG_URL");
    if (owner == nullptr) return nullptr;
    auto* s = new SeededStore;
    const std::string schema = PostgresSchema();
    s->db = OpenPostgres(schema);
    if (s->db == nullptr) return nullptr;
    s->sql = &kPostgresSeed;
    // The raw writer is the owner, in the store's schema: the same server and settings.
    s->raw = std::move(*postgres::Connection::Open(owner, schema));
    Seed(*s, *s->raw);
    return s;
  }();
  return store;
}

void SubmitVsRaw(benchmark::State& state, SeededStore* s) {
  if (s == nullptr) {
    state.SkipWithError("ICP_TEST_PG_URL not set");
    return;
  }
  using Clock = std::chrono::steady_clock;
  Clock::duration store{};
  Clock::duration raw{};
  std::int64_t store_wal = 0;
  std::int64_t raw_wal = 0;
  // PostgreSQL's WAL position before and after each (outside the timed parts): what each
  // commit had to flush.
  const auto wal = [s]() -> std::int64_t {
    if (s->sql->wal_position.empty()) return 0;
    Result<sql::Rows> r = s->raw->Query(s->sql->wal_position);
    return r && !r->empty() ? r->rows[0].Int(0) : 0;
  };
  const sql::Value row[] = {s->raw_row};
  for (auto _ : state) {
    const AccountId account = s->accounts.Next(*s->db);
    const std::int64_t w0 = wal();
    const auto t0 = Clock::now();
    if (!SubmitOne(*s->db, account, s->serial++)) state.SkipWithError("commit failed");
    const auto t1 = Clock::now();
    const std::int64_t w1 = wal();
    const auto t2 = Clock::now();
    if (!s->raw->Query(s->sql->raw_insert, row)) state.SkipWithError("raw commit failed");
    const auto t3 = Clock::now();
    raw_wal += wal() - w1;
    store_wal += w1 - w0;
    store += t1 - t0;
    raw += t3 - t2;
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
  }
  const auto us = [](Clock::duration d) {
    return std::chrono::duration<double, std::micro>(d).count();
  };
  const double n = static_cast<double>(state.iterations());
  state.counters["store_us"] = us(store) / n;
  state.counters["raw_us"] = us(raw) / n;
  state.counters["ratio"] = us(raw) / us(store);
  if (!s->sql->wal_position.empty()) {
    state.counters["store_wal_kb"] = static_cast<double>(store_wal) / 1024 / n;
    state.counters["raw_wal_kb"] = static_cast<double>(raw_wal) / 1024 / n;
  }
}

void BM_SqliteSubmit(benchmark::State& s) { Submit(s, OpenSqlite()); }
void BM_SqliteGetApplication(benchmark::State& s) { Get(s, OpenSqlite()); }
void BM_PostgresSubmit(benchmark::State& s) { Submit(s, OpenPostgres()); }
void BM_PostgresGetApplication(benchmark::State& s) { Get(s, OpenPostgres()); }
void BM_SqliteSubmitVsRaw(benchmark::State& s) { SubmitVsRaw(s, SeededSqlite()); }
void BM_PostgresSubmitVsRaw(benchmark::State& s) { SubmitVsRaw(s, SeededPostgres()); }

BENCHMARK(BM_SqliteSubmit)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SqliteGetApplication)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PostgresSubmit)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PostgresGetApplication)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SqliteSubmitVsRaw)->UseManualTime()->Unit(benchmark::kMicrosecond)->MinTime(2.0);
BENCHMARK(BM_PostgresSubmitVsRaw)->UseManualTime()->Unit(benchmark::kMicrosecond)->MinTime(2.0);

}  // namespace
}  // namespace icp
