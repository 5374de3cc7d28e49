// Two accounts redeem one authorization code at once, each through its own connection to the
// store (as two icpd processes would), on the real engines: exactly one wins, every time.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "app/authorization_code_service.h"
#include "app/resource_service.h"
#include "app/test_support.h"
#include "base/test_strictness.h"
#include "ports/testing/fake_clock.h"
#include "storage/postgres/database.h"
#include "storage/sqlite/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using std::chrono::hours;
using storage_testing::kT0;

constexpr int kRounds = 25;

std::string RunId() {
  static const std::string id = std::to_string(std::random_device()());
  return id;
}

PiiVault TestVault() {
  std::array<unsigned char, 32> key{};
  key.fill(7);
  return PiiVault::FromMasterKey(key);
}

// `a` and `b` are two connections to one store.
void Race(Database& a, Database& b) {
  FakeClock clock(kT0);
  EligibilityPolicy policy;
  policy.max_codes_per_server = kRounds;
  app_testing::FakeRealNames names;
  app_testing::CountingCodes codes;
  const AccountId admin = storage_testing::CreateAccount(a, "admin");
  const AccountId lender = storage_testing::CreateAccount(a, "lender");
  const Caller first{storage_testing::CreateAccount(a, "first"), Role::kCustomer};
  const Caller second{storage_testing::CreateAccount(a, "second"), Role::kCustomer};
  names.by_account[lender.value()] = AccountVerification::kEnterprise;
  ResourceService resources(a, policy, clock);
  Resource server{"ins-race",
                  "lender",
                  ResourceKind::kCvm,
                  {"ap-guangzhou", true},
                  BillingMode::kPrepaid,
                  false,
                  {12, TermUnit::kMonths},
                  kT0 + hours(24 * 300),
                  "203.0.113.20",
                  {}};
  ASSERT_TRUE(resources.Import({admin, Role::kAdmin}, {server}).has_value());
  AuthorizationCodeService on_a(a, policy, names, codes, clock);
  AuthorizationCodeService on_b(b, policy, names, codes, clock);
  int won_by_first = 0;
  int won_by_second = 0;
  for (int round = 0; round < kRounds; ++round) {
    const AuthorizationCode code = on_a.Create({lender, Role::kCustomer}, "ins-race").value();
    std::atomic<int> ready = 0;
    Result<AuthorizationCode> r1 = NotFound("not run");
    Result<AuthorizationCode> r2 = NotFound("not run");
    auto run = [&](AuthorizationCodeService& s, const Caller& c, Result<AuthorizationCode>& out) {
      ++ready;
      while (ready < 2) std::this_thread::yield();
      out = s.Redeem(c, code.code);
    };
    std::thread t1(run, std::ref(on_a), std::cref(first), std::ref(r1));
    std::thread t2(run, std::ref(on_b), std::cref(second), std::ref(r2));
    t1.join();
    t2.join();
    ASSERT_NE(r1.has_value(), r2.has_value()) << "round " << round << ": exactly one wins";
    const Error& lost = r1 ? r2.error() : r1.error();
    EXPECT_TRUE(lost.rule() == "auth-code.used" || lost.rule() == "auth-code.state-changed")
        << lost.message;
    EXPECT_TRUE(lost.code == ErrorCode::kFailedPrecondition || lost.code == ErrorCode::kAborted);
    const AuthorizationCode stored = (*a.Begin())->authorization_codes().Get(code.code).value();
    EXPECT_EQ(stored.state, AuthorizationCodeState::kUsed);
    EXPECT_EQ(stored.closed_by, r1 ? "first" : "second");
    (r1 ? won_by_first : won_by_second) += 1;
  }
  std::cout << "first won " << won_by_first << ", second " << won_by_second << "\n";
}

TEST(AuthorizationCodeRace, TwoRedeemersOnSqliteOneWins) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / ("beian-code-race-" + RunId());
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

TEST(AuthorizationCodeRace, TwoRedeemersOnPostgresOneWins) {
  const char* owner = std::getenv("ICP_TEST_PG_URL");
  const char* runtime = std::getenv("ICP_TEST_PG_RUNTIME_URL");
  if (owner == nullptr || runtime == nullptr) {
    ICP_SKIP_OR_FAIL("ICP_TEST_PG_URL or ICP_TEST_PG_RUNTIME_URL is not set");
  }
  postgres::Options options;
  options.url = runtime;
  options.owner_url = owner;
  options.schema = "t_code_race_" + RunId();
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
