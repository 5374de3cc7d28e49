// The outbox's rules hold against raw SQL on the file (storage/testing/outbox_schema.h).
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "storage/sqlite/connection.h"
#include "storage/sqlite/database.h"
#include "storage/testing/fixtures.h"
#include "storage/testing/outbox_schema.h"

namespace icp::sqlite {
namespace {

using storage_testing::kT0;

class SqliteOutboxSchema : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("beian-outbox-schema-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::array<unsigned char, 32> key{};
    key.fill(9);
    Result<std::unique_ptr<Database>> db =
        Database::Open({dir_ / "icp.db"}, PiiVault::FromMasterKey(key), kT0);
    ASSERT_TRUE(db.has_value()) << db.error().message;
    storage_testing::PrepareOutboxRows(**db);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result<sql::Rows> Raw(std::string_view statement) {
    Result<std::unique_ptr<Connection>> c = Connection::Open(dir_ / "icp.db");
    if (!c) return std::unexpected(c.error());
    return (*c)->Query(statement);
  }

  std::filesystem::path dir_;
};

TEST_F(SqliteOutboxSchema, EveryBypassIsRefusedByItsGuard) {
  for (const storage_testing::OutboxBypass& bypass : storage_testing::kOutboxBypasses) {
    Result<sql::Rows> r = Raw(bypass.statement);
    ASSERT_FALSE(r.has_value()) << bypass.statement;
    EXPECT_TRUE(storage_testing::NamesGuard(r.error(), bypass.guard))
        << bypass.statement << ": " << r.error().message;
  }
}

TEST_F(SqliteOutboxSchema, AValueOfTheWrongTypeIsRefused) {
  Result<sql::Rows> r = Raw("UPDATE outbox SET available_at = 'soon' WHERE id = 3");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("outbox.available_at"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace icp::sqlite
