#include "storage/memory/database.h"

#include <gtest/gtest.h>

#include "storage/testing/contract.h"
#include "storage/testing/fixtures.h"

namespace icp {

namespace storage_testing {
std::vector<StoreUnderTest> StoresUnderTest() {
  return {{"Memory", []() -> std::unique_ptr<Database> { return memory::Database::Create(); }}};
}
}  // namespace storage_testing

namespace memory {
namespace {

using storage_testing::CreateAccount;
using storage_testing::kT0;
using storage_testing::NewRecord;
using storage_testing::SampleApplication;

class MemoryTest : public ::testing::Test {
 protected:
  std::unique_ptr<UnitOfWork> Begin() { return std::move(*db_->Begin()); }

  std::unique_ptr<Database> db_ = Database::Create();
};

TEST_F(MemoryTest, AFailedWriteRefusesEveryFurtherCall) {
  AccountId account = CreateAccount(*db_, "c");
  auto uow = Begin();
  ASSERT_TRUE(uow->applications().Insert(NewRecord(account, SampleApplication(1, "a.cn"))));
  ASSERT_FALSE(uow->applications().Insert(NewRecord(account, SampleApplication(1, "b.cn"))));
  Result<Account> read = uow->accounts().Get(account);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code, ErrorCode::kAborted);
}

TEST_F(MemoryTest, NotFoundLeavesTheUnitOfWorkUsable) {
  AccountId account = CreateAccount(*db_, "c");
  auto uow = Begin();
  EXPECT_EQ(uow->accounts().Get(AccountId(404)).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(uow->materials().Remove(MaterialId(404)).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(uow->accounts().Get(account).has_value());
  EXPECT_TRUE(uow->Commit().has_value());
}

TEST_F(MemoryTest, ACommitEndsTheUnitOfWorkAndFreesTheStore) {
  auto uow = Begin();
  ASSERT_TRUE(uow->Commit().has_value());
  EXPECT_EQ(uow->Commit().error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(uow->accounts().Get(AccountId(1)).error().code, ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(Begin()->Commit().has_value()) << "the lock went with the commit";
}

TEST_F(MemoryTest, RowsMustNameRowsThatExist) {
  auto uow = Begin();
  SubjectRecord orphan{SubjectId(),
                       AccountId(77),
                       SampleApplication(2, "x.cn").subject,
                       std::nullopt,
                       false,
                       std::nullopt,
                       0};
  EXPECT_EQ(uow->subjects().Insert(orphan).error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(MemoryTest, AnUpdateKeepsTheSubjectsAccount) {
  AccountId owner = CreateAccount(*db_, "owner");
  AccountId other = CreateAccount(*db_, "other");
  auto uow = Begin();
  SubjectId id = *uow->subjects().Insert({SubjectId(), owner, SampleApplication(3, "x.cn").subject,
                                          std::nullopt, false, std::nullopt, 0});
  SubjectRecord record = *uow->subjects().Get(id);
  record.account = other;
  ASSERT_TRUE(uow->subjects().Update(record).has_value());
  EXPECT_EQ(uow->subjects().Get(id)->account, owner);
}

TEST_F(MemoryTest, ABackendDroppedFromItsLoadBalancerIsListedOnItsOwn) {
  Resource cvm{"ins-1",
               "c",
               ResourceKind::kCvm,
               {"ap-guangzhou", true},
               BillingMode::kPrepaid,
               false,
               {1, TermUnit::kMonths},
               std::nullopt,
               std::nullopt,
               {}};
  Resource clb{"lb-1",
               "c",
               ResourceKind::kClb,
               {"ap-guangzhou", true},
               BillingMode::kPayAsYouGo,
               false,
               {0, TermUnit::kMonths},
               std::nullopt,
               std::nullopt,
               {cvm}};
  auto uow = Begin();
  ASSERT_TRUE(uow->resources().Upsert(clb));
  EXPECT_EQ(uow->resources().ListByAccount("c")->size(), 1u);
  clb.backends.clear();
  ASSERT_TRUE(uow->resources().Upsert(clb));
  Result<std::vector<Resource>> listed = uow->resources().ListByAccount("c");
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, "ins-1");
  EXPECT_TRUE((*listed)[1].backends.empty());
}

TEST_F(MemoryTest, TheAuditChainStartsAtGenesis) {
  auto uow = Begin();
  ASSERT_TRUE(uow->audit().Append({kT0, "system", "test", "x", "{}"}));
  EXPECT_TRUE(uow->audit().Read(0, 10)->empty()) << "entries are written at commit";
  ASSERT_TRUE(uow->Commit().has_value());
  std::vector<StoredAuditEntry> entries = *Begin()->audit().Read(0, 10);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].seq, 1);
  EXPECT_EQ(entries[0].prev_hash, std::string(64, '0'));
}

}  // namespace
}  // namespace memory
}  // namespace icp
