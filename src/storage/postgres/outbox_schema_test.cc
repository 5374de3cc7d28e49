// The outbox's rules hold against raw SQL (storage/testing/outbox_schema.h).
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>

#include "base/test_strictness.h"
#include "storage/postgres/connection.h"
#include "storage/postgres/database.h"
#include "storage/testing/fixtures.h"
#include "storage/testing/outbox_schema.h"

namespace icp::postgres {
namespace {

using storage_testing::kT0;

const char* TestUrl() { return std::getenv("ICP_TEST_PG_URL"); }  // the owner role
const char* RuntimeUrl() { return std::getenv("ICP_TEST_PG_RUNTIME_URL"); }

class PostgresOutboxSchema : public ::testing::Test {
 protected:
  void SetUp() override {
    if (TestUrl() == nullptr || RuntimeUrl() == nullptr) {
      ICP_SKIP_OR_FAIL("ICP_TEST_PG_URL or ICP_TEST_PG_RUNTIME_URL is not set");
    }
    static std::atomic<int> counter = 0;
    schema_ = "t_outbox_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    std::array<unsigned char, 32> key{};
    key.fill(9);
    Options options;
    options.url = RuntimeUrl();
    options.owner_url = TestUrl();
    options.schema = schema_;
    options.connections = 2;
    Result<std::unique_ptr<Database>> db =
        Database::Open(options, PiiVault::FromMasterKey(key), kT0);
    ASSERT_TRUE(db.has_value()) << db.error().message;
    storage_testing::PrepareOutboxRows(**db);
  }

  // Raw SQL as the runtime role, the rights icpd has.
  Result<sql::Rows> Raw(std::string_view statement) {
    Result<std::unique_ptr<Connection>> c = Connection::Open(RuntimeUrl(), schema_);
    if (!c) return std::unexpected(c.error());
    return (*c)->Query(statement);
  }

  std::string schema_;
};

TEST_F(PostgresOutboxSchema, EveryBypassIsRefusedByItsGuard) {
  for (const storage_testing::OutboxBypass& bypass : storage_testing::kOutboxBypasses) {
    Result<sql::Rows> r = Raw(bypass.statement);
    ASSERT_FALSE(r.has_value()) << bypass.statement;
    EXPECT_TRUE(storage_testing::NamesGuard(r.error(), bypass.guard))
        << bypass.statement << ": " << r.error().message;
  }
}

}  // namespace
}  // namespace icp::postgres
