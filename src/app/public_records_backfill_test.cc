// The unit-name backfill (DatabaseAdmin::Backfill, storage/sql/backfill.h) on SQLite and
// PostgreSQL: a unit on record before migration 0011 (unit_name NULL, its name only in the
// sealed document) is not found by the public query by unit name until the backfill names it.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>

#include "app/public_records.h"
#include "app/record_service.h"
#include "base/test_strictness.h"
#include "ports/testing/fake_clock.h"
#include "storage/postgres/connection.h"
#include "storage/postgres/database.h"
#include "storage/sql/backfill.h"
#include "storage/sqlite/connection.h"
#include "storage/sqlite/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

namespace st = storage_testing;
using st::kT0;

constexpr std::string_view kUnit = "广州旧单位科技有限公司";

PiiVault TestVault() {
  std::array<unsigned char, 32> key{};
  key.fill(7);
  return PiiVault::FromMasterKey(key);
}

std::string RunId() {
  static const std::string id = std::to_string(std::random_device()());
  return id;
}

// A store, its admin, and a raw connection with the owner's rights.
struct Opened {
  std::unique_ptr<Database> db;
  DatabaseAdmin* admin = nullptr;
  std::unique_ptr<sql::Connection> raw;
  // Makes every subject's unit_name NULL, as before 0011, with the guard trigger back after.
  std::vector<std::string> forget;
};

struct Engine {
  std::string name;
  std::function<std::optional<Opened>()> open;  // nullopt: not available here
};
void PrintTo(const Engine& e, std::ostream* os) { *os << e.name; }

std::vector<Engine> Engines() {
  return {
      {"Sqlite",
       []() -> std::optional<Opened> {
         static std::atomic<int> counter = 0;
         const std::filesystem::path dir =
             std::filesystem::path(::testing::TempDir()) / ("beian-backfill-" + RunId());
         std::filesystem::create_directories(dir);
         const std::filesystem::path path = dir / (std::to_string(++counter) + ".db");
         std::filesystem::remove(path);
         Result<std::unique_ptr<sqlite::Database>> db =
             sqlite::Database::Open({path}, TestVault(), kT0);
         if (!db) ADD_FAILURE() << db.error().message;
         Result<std::unique_ptr<sqlite::Connection>> raw = sqlite::Connection::Open(path);
         if (!db || !raw) return Opened{};
         Opened o{nullptr, db->get(), std::move(*raw), {}};
         o.db = std::move(*db);
         o.forget = {"DROP TRIGGER subjects_unit_name_follows_content",
                     "UPDATE subjects SET unit_name = NULL",
                     "CREATE TRIGGER subjects_unit_name_follows_content BEFORE UPDATE OF "
                     "unit_name ON subjects WHEN NEW.unit_name IS NOT OLD.unit_name AND "
                     "NEW.content_hash IS OLD.content_hash AND OLD.unit_name IS NOT NULL "
                     "BEGIN SELECT RAISE(ABORT, 'subject.unit-name-follows-content'); END",
                     "DELETE FROM backfills"};
         return o;
       }},
      {"Postgres",
       []() -> std::optional<Opened> {
         const char* owner = std::getenv("ICP_TEST_PG_URL");
         const char* runtime = std::getenv("ICP_TEST_PG_RUNTIME_URL");
         if (owner == nullptr || runtime == nullptr) return std::nullopt;
         static std::atomic<int> counter = 0;
         postgres::Options options;
         options.url = runtime;
         options.owner_url = owner;
         options.schema = "t_backfill_" + RunId() + "_" + std::to_string(++counter);
         options.connections = 2;
         Result<std::unique_ptr<postgres::Database>> db =
             postgres::Database::Open(options, TestVault(), kT0);
         if (!db) ADD_FAILURE() << db.error().message;
         Result<std::unique_ptr<postgres::Connection>> raw =
             postgres::Connection::Open(owner, options.schema);
         if (!db || !raw) return Opened{};
         Opened o{nullptr, db->get(), std::move(*raw), {}};
         o.db = std::move(*db);
         o.forget = {"DROP TRIGGER subjects_unit_name_follows_content ON subjects",
                     "UPDATE subjects SET unit_name = NULL",
                     "CREATE TRIGGER subjects_unit_name_follows_content BEFORE UPDATE OF "
                     "unit_name ON subjects FOR EACH ROW EXECUTE FUNCTION "
                     "subjects_unit_name_follows_content()",
                     "DELETE FROM backfills"};
         return o;
       }},
  };
}

FilingNumber Number(std::string_view text) { return *FilingNumber::Parse(text); }

// Subject `serial` of Guangdong with one website; a unit named `unit` when given.
SubjectImport Filed(AccountId account, int serial, std::string_view unit = {}) {
  const std::string domain = "backfill" + std::to_string(serial) + ".cn";
  Application a = st::SampleApplication(serial, domain);
  if (!unit.empty()) {
    a.subject.type = SubjectType::kEnterprise;
    a.subject.name = std::string(unit);
  }
  const std::string number = "粤ICP备20260" + std::to_string(20000 + serial) + "号";
  SubjectImport in{account, Number(number), a.subject, {}};
  in.websites.push_back({Number(number.substr(0, number.size() - 3) + "号-1"),
                         st::SampleApplication(serial, domain).websites[0]});
  return in;
}

class UnitNameBackfillTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    std::optional<Opened> o = GetParam().open();
    if (!o) ICP_SKIP_OR_FAIL(GetParam().name << " is not available here");
    ASSERT_NE(o->db, nullptr);
    store_ = std::move(*o);
    admin_caller_ = {st::CreateAccount(*store_.db, "admin"), Role::kAdmin};
    const AccountId customer = st::CreateAccount(*store_.db, "customer");
    RecordService records(*store_.db, clock_);
    Result<RecordImportReport> r =
        records.Import(admin_caller_, {Filed(customer, 1), Filed(customer, 2, kUnit)});
    ASSERT_TRUE(r.has_value()) << r.error().message;
  }

  std::size_t FoundByName() {
    PublicRecordService query(*store_.db);
    Result<PublicRecordPage> page =
        query.Query({PublicQueryBy::kUnitName, std::string(kUnit), SubjectId(0), 10});
    EXPECT_TRUE(page.has_value()) << page.error().message;
    return page ? page->items.size() : 0;
  }

  Opened store_;
  FakeClock clock_{kT0};
  Caller admin_caller_;
};

TEST_P(UnitNameBackfillTest, AUnitWrittenWithoutItsNameIsFoundAfterTheBackfill) {
  ASSERT_EQ(FoundByName(), 1u) << "written since 0011: found at once";
  for (const std::string& statement : store_.forget) {
    ASSERT_TRUE(store_.raw->Execute(statement).has_value()) << statement;
  }
  ASSERT_EQ(FoundByName(), 0u) << "as on record before 0011: not found by name";

  // In batches of one subject: the person is looked at and left NULL, the unit is named.
  Result<BackfillStatus> done =
      sql::BackfillUnitNames(*store_.raw, TestVault(), kT0.time_since_epoch().count(), 1);
  ASSERT_TRUE(done.has_value()) << done.error().message;
  EXPECT_TRUE(done->ran);
  EXPECT_EQ(done->scanned, 2);
  EXPECT_EQ(done->filled, 1);
  EXPECT_EQ(done->unreadable, 0);
  EXPECT_EQ(FoundByName(), 1u);

  // Once finished, recorded: the store's own backfill (icpd's start, icpctl db migrate) does
  // nothing more.
  Result<std::vector<BackfillStatus>> again = store_.admin->Backfill();
  ASSERT_TRUE(again.has_value()) << again.error().message;
  ASSERT_EQ(again->size(), 1u);
  EXPECT_FALSE(again->front().ran);
  EXPECT_EQ(again->front().name, "subjects.unit_name");
  // The name follows the document: the trigger of 0011 still refuses another one.
  EXPECT_FALSE(store_.raw
                   ->Execute("UPDATE subjects SET unit_name = '别的公司' "
                             "WHERE unit_name IS NOT NULL")
                   .has_value());
}

TEST_P(UnitNameBackfillTest, TheStoresBackfillRunsUntilNoneIsLeftAndKeepsWhatWasWritten) {
  for (const std::string& statement : store_.forget) {
    ASSERT_TRUE(store_.raw->Execute(statement).has_value()) << statement;
  }
  ASSERT_EQ(FoundByName(), 0u);
  Result<std::vector<BackfillStatus>> done = store_.admin->Backfill();
  ASSERT_TRUE(done.has_value()) << done.error().message;
  ASSERT_EQ(done->size(), 1u);
  EXPECT_TRUE(done->front().ran);
  EXPECT_EQ(done->front().filled, 1);
  EXPECT_EQ(FoundByName(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Engines, UnitNameBackfillTest, ::testing::ValuesIn(Engines()),
                         [](const auto& param) { return param.param.name; });

}  // namespace
}  // namespace icp
