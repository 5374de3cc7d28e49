#include "app/gate.h"

#include <gtest/gtest.h>

#include "app/gate_lists.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using storage_testing::kT0;
using storage_testing::SampleApplication;

FilingNumber File(Database& db, AccountId account, int serial, std::string_view domain) {
  return storage_testing::FileWebsite(db, account, serial, domain);
}

class GateTest : public ::testing::Test {
 protected:
  GateDecision Check(std::string_view host) {
    Result<GateDecision> d = gate_.Check(host);
    EXPECT_TRUE(d.has_value()) << d.error().message;
    return d.value_or(GateDecision{});
  }
  void Refresh() {
    Result<GateRefresh> r = gate_.Refresh();
    ASSERT_TRUE(r.has_value()) << r.error().message;
  }
  GateListReport Lists(GateListUpdate update) {
    Result<GateListReport> r = ApplyGateLists(*db_, update, "system:test", kT0);
    EXPECT_TRUE(r.has_value()) << r.error().message;
    return r.value_or(GateListReport{});
  }

  std::unique_ptr<Database> db_ = memory::Database::Create();
  AccountId account_ = storage_testing::CreateAccount(*db_, "gate-owner");
  Gate gate_{*db_};
};

TEST_F(GateTest, AllowsAFiledDomainAndItsSubdomainsOnly) {
  ASSERT_TRUE(gate_.Load().has_value());
  EXPECT_EQ(Check("example.cn").reason, GateDecision::Reason::kNotFiled);
  const FilingNumber n = File(*db_, account_, 1, "example.cn");
  EXPECT_FALSE(Check("example.cn").allowed) << "not before the refresh";
  Refresh();
  GateDecision d = Check("WWW.Example.CN.:443");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason, GateDecision::Reason::kFiled);
  EXPECT_EQ(d.host, "www.example.cn");
  EXPECT_EQ(d.matched, "example.cn");
  EXPECT_EQ(d.number, n.canonical());
  EXPECT_TRUE(Check("a.b.c.example.cn").allowed);
  EXPECT_FALSE(Check("badexample.cn").allowed) << "a suffix match is by whole labels";
  EXPECT_FALSE(Check("cn").allowed);
  EXPECT_FALSE(Check("example.com").allowed);
}

TEST_F(GateTest, AnswersIdnHostsInEitherForm) {
  File(*db_, account_, 2, "例子.中国");
  ASSERT_TRUE(gate_.Load().has_value());
  EXPECT_EQ(Check("www.例子.中国").matched, "xn--fsqu00a.xn--fiqs8s");
  EXPECT_TRUE(Check("www.xn--fsqu00a.xn--fiqs8s").allowed);
}

TEST_F(GateTest, TheBureausListsDenyEvenWhereARecordAllows) {
  File(*db_, account_, 3, "example.cn");
  ASSERT_TRUE(gate_.Load().has_value());
  GateListReport r = Lists({{{GateList::kBlacklist, "Bad.Example.CN.", "HMDLB 网站", false},
                             {GateList::kUnfiled, "unfiled.cn", "WBAWZLB 9", false},
                             {GateList::kIllegalAccess, "192.0.2.1", "FFJRHMD 1", false},
                             {GateList::kIllegalAccess, "bad_label.cn", "FFJRHMD 2", false}},
                            {}});
  EXPECT_EQ(r.added, 2u);
  ASSERT_EQ(r.skipped.size(), 2u);
  EXPECT_EQ(r.skipped[0].field, "items[2].domain");
  EXPECT_EQ(r.skipped[0].rule, "gate.host-ip-literal");
  EXPECT_EQ(r.skipped[1].rule, "gate.host-label");
  Refresh();
  GateDecision d = Check("www.bad.example.cn");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, GateDecision::Reason::kBlacklist);
  EXPECT_EQ(d.matched, "bad.example.cn");
  EXPECT_TRUE(Check("www.example.cn").allowed) << "the entry covers its own subtree only";
  EXPECT_EQ(Check("unfiled.cn").reason, GateDecision::Reason::kUnfiled);

  // A blacklist entry on the filed domain itself.
  Lists({{{GateList::kIllegalAccess, "example.cn", "FFJRHMD 3", false}}, {}});
  Refresh();
  EXPECT_EQ(Check("www.example.cn").reason, GateDecision::Reason::kIllegalAccess);
  // Removed (HMDLB Czlx = 2), or left out of a list given whole: allowed again.
  r = Lists({{{GateList::kIllegalAccess, "example.cn", "", true}}, {GateList::kBlacklist}});
  EXPECT_EQ(r.removed, 2u) << "the removed entry and the blacklist entry not in the whole list";
  Refresh();
  EXPECT_TRUE(Check("www.example.cn").allowed);
  EXPECT_TRUE(Check("bad.example.cn").allowed);
  EXPECT_EQ(Check("unfiled.cn").reason, GateDecision::Reason::kUnfiled);
}

TEST_F(GateTest, DeniesIpLiteralsAndRefusesBadHosts) {
  ASSERT_TRUE(gate_.Load().has_value());
  EXPECT_EQ(Check("192.0.2.1:80").reason, GateDecision::Reason::kIpLiteral);
  EXPECT_EQ(Check("[::1]").reason, GateDecision::Reason::kIpLiteral);
  Result<GateDecision> bad = gate_.Check("bad host.cn");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().violations.at(0).field, "host");
}

TEST_F(GateTest, ABurstOfChangesRebuildsTheTableWithTheSameAnswers) {
  Gate small(*db_, {.page = 2, .overlay_limit = 3});
  ASSERT_TRUE(small.Load().has_value());
  for (int i = 0; i < 6; ++i) File(*db_, account_, 10 + i, "burst" + std::to_string(i) + ".cn");
  Result<GateRefresh> r = small.Refresh();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_TRUE(r->rebuilt);
  EXPECT_EQ(small.stats().table_entries, 6u);
  EXPECT_EQ(small.stats().overlay_entries, 0u);
  for (int i = 0; i < 6; ++i)
    EXPECT_TRUE(small.Check("burst" + std::to_string(i) + ".cn")->allowed);
  File(*db_, account_, 20, "later.cn");
  r = small.Refresh();
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->rebuilt);
  EXPECT_EQ(small.stats().overlay_entries, 1u);
  EXPECT_TRUE(small.Check("later.cn")->allowed);
}

}  // namespace
}  // namespace icp
