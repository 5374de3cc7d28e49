#include "app/resource_service.h"

#include <gtest/gtest.h>

#include "ports/testing/fake_clock.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using std::chrono::hours;
using storage_testing::kT0;

Resource Cvm(std::string id, std::string account) {
  return {std::move(id),          std::move(account),
          ResourceKind::kCvm,     {"ap-guangzhou", true},
          BillingMode::kPrepaid,  false,
          {3, TermUnit::kMonths}, kT0 + hours(24 * 60),
          "203.0.113.7",          {}};
}

class ResourceServiceTest : public ::testing::Test {
 protected:
  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  FakeClock clock_{kT0};
  EligibilityPolicy policy_;
  ResourceService service_{*db_, policy_, clock_};
  Caller admin_{storage_testing::CreateAccount(*db_, "admin"), Role::kAdmin};
  Caller alice_{storage_testing::CreateAccount(*db_, "alice"), Role::kCustomer};
};

TEST_F(ResourceServiceTest, ListsTheCallersResourcesWithTheReasonsTheyCannotBeUsed) {
  Resource hk = Cvm("ins-hk", "alice");
  hk.region = {"ap-hongkong", false};
  Resource payg = Cvm("ins-payg", "alice");
  payg.billing = BillingMode::kPayAsYouGo;
  ASSERT_EQ(
      service_.Import(admin_, {Cvm("ins-ok", "alice"), hk, payg, Cvm("ins-bob", "bob")}).value(),
      4u);
  Result<std::vector<ResourceView>> mine = service_.ListMine(alice_);
  ASSERT_TRUE(mine.has_value()) << mine.error().message;
  ASSERT_EQ(mine->size(), 3u);
  EXPECT_EQ((*mine)[0].resource.id, "ins-hk");
  EXPECT_FALSE((*mine)[0].eligible());
  EXPECT_EQ((*mine)[0].refusals[0].rule, "resource.not-mainland");
  EXPECT_TRUE((*mine)[1].eligible()) << (*mine)[1].resource.id;
  EXPECT_EQ((*mine)[2].refusals[0].rule, "resource.pay-as-you-go");
}

TEST_F(ResourceServiceTest, EligibilityFollowsTheClock) {
  ASSERT_TRUE(service_.Import(admin_, {Cvm("ins-ok", "alice")}).has_value());
  clock_.Advance(hours(24 * 45));  // 15 days left: less than a month
  EXPECT_EQ(service_.ListMine(alice_)->at(0).refusals.at(0).rule, "resource.remaining-too-short");
}

TEST_F(ResourceServiceTest, OnlyAdminsImport) {
  Result<std::size_t> r = service_.Import(alice_, {Cvm("ins-x", "alice")});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(service_.ListMine(alice_)->empty());
}

TEST_F(ResourceServiceTest, AnImportIsAuditedAndAllOrNothing) {
  Resource bad = Cvm("ins-bad", "alice");
  bad.purchased.count = -1;  // the store refuses it
  EXPECT_FALSE(service_.Import(admin_, {Cvm("ins-1", "alice"), bad}).has_value());
  EXPECT_TRUE(service_.ListMine(alice_)->empty()) << "nothing of a failed import is stored";
  ASSERT_TRUE(service_.Import(admin_, {Cvm("ins-1", "alice")}).has_value());
  auto uow = std::move(*db_->Begin());
  const std::vector<StoredAuditEntry> audit = uow->audit().Read(0, 10).value();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].entry.action, "resources.import");
}

}  // namespace
}  // namespace icp
