#include "bureau/gate_lists.h"

#include <gtest/gtest.h>

namespace icp::bureau {
namespace {

TEST(GateListsOf, TakesEveryDomainOfTheBureausListsWithItsAction) {
  miit::IcpDownload d;
  d.blacklisted_websites.push_back(
      {"违法网站", {"bad.cn", "www.bad.cn"}, std::nullopt, miit::ListAction::kAdd});
  d.blacklisted_websites.push_back({"已解除", {"ok.cn"}, std::nullopt, miit::ListAction::kDelete});
  d.blacklisted_websites.push_back({"改名", {"moved.cn"}, std::nullopt, miit::ListAction::kModify});
  d.blacklisted_subjects.push_back({});  // no domain: nothing for the gate
  miit::IllegalAccess illegal;
  illegal.id = 7;
  illegal.domain = "illegal.cn";
  d.illegal_accesses.push_back(illegal);
  miit::UnfiledSite unfiled;
  unfiled.id = 9;
  unfiled.domain = "例子.中国";
  d.unfiled_sites.push_back(unfiled);

  const GateListUpdate u = GateListsOf(d);
  const std::vector<GateListItem> expected = {
      {GateList::kBlacklist, "bad.cn", "HMDLB 违法网站", false},
      {GateList::kBlacklist, "www.bad.cn", "HMDLB 违法网站", false},
      {GateList::kBlacklist, "ok.cn", "HMDLB 已解除", true},
      {GateList::kBlacklist, "moved.cn", "HMDLB 改名", false},
      {GateList::kIllegalAccess, "illegal.cn", "FFJRHMD 7", false},
      {GateList::kUnfiled, "例子.中国", "WBAWZLB 9", false},
  };
  EXPECT_EQ(u.items, expected);
  EXPECT_TRUE(u.replace.empty()) << "the downloads are changes, not whole lists";
}

TEST(GateListsOf, AFileWithoutListsGivesNothing) {
  EXPECT_TRUE(GateListsOf(miit::IcpDownload{}).items.empty());
}

}  // namespace
}  // namespace icp::bureau
