#include "bureau_sim/registry.h"

#include <gtest/gtest.h>

#include <string>

#include "bureau_sim/store.h"
#include "storage/sql/connection.h"
#include "storage/sqlite/connection.h"

namespace icp::bureau_sim {
namespace {

constexpr std::int64_t kIsp = 440000000123;

Subject ASubject(std::string number = "京ICP备2026000001号",
                 std::string certificate = "91110000MA0000001X") {
  Subject s;
  s.block.number = std::move(number);
  s.block.isp_id = 70001;
  s.block.name = "示例科技有限公司";
  s.block.nature = 4;
  s.block.address = {110000, 110100, 110105, "示例路1号"};
  s.block.certificate = {1, std::move(certificate), "示例路1号"};
  s.block.leader.name = "李四";
  s.block.leader.mobiles = "13800000000";
  s.block.leader.emails = "li@example.cn";
  s.province = 110000;
  s.filed_via = kIsp;
  s.filed_at = 1'780'000'000;
  s.modified_at = 1'780'000'000;
  return s;
}

miit::WebsiteBlock AWebsite(std::string number, std::string domain) {
  miit::WebsiteBlock w;
  w.isp_id = 80001;
  w.number = std::move(number);
  w.name = "示例网站";
  w.service_content = {1, 2};
  w.languages = {1};
  w.pre_approvals = {{3, "教审2026-1", {}}};
  w.domains = {{90001, std::nullopt, std::move(domain)}};
  miit::AccessBlock a;
  a.isp_id = 60001;
  a.provider = kIsp;
  a.locations = {19};
  a.methods = {3};
  a.ips = {{50001, std::nullopt, 3221225994, 3221225994}};
  w.accesses = {a};
  w.leader.name = "王五";
  w.leader.mobiles = "13900000000";
  w.leader.emails = "wang@example.cn";
  w.home_url = "www." + w.domains[0].name;
  return w;
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<sqlite::Connection>> connection = sqlite::Connection::Open(":memory:");
    ASSERT_TRUE(connection.has_value()) << connection.error().message;
    raw_ = connection->get();
    Result<std::unique_ptr<Store>> store = Store::OpenOn(std::move(*connection), 1);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
    ASSERT_TRUE(store_->AddProvider(kIsp, "isp", "secret01", 1).has_value());
  }

  // The subjects whose indexed name (subject_names, migration 0006) holds the phrase `text`:
  // MATCH reads the index alone (LIKE would check each row's name again), so a name the index
  // kept after a rename shows here.
  std::vector<std::int64_t> NamesContaining(const std::string& text) {
    const sql::Value phrase[] = {"\"" + text + "\""};
    Result<sql::Rows> rows = raw_->Query(
        "SELECT rowid FROM subject_names WHERE subject_names MATCH $1 ORDER BY rowid", phrase);
    EXPECT_TRUE(rows.has_value()) << rows.error().message;
    std::vector<std::int64_t> out;
    if (rows) {
      for (const sql::Row& row : rows->rows) out.push_back(row.Int(0));
    }
    return out;
  }

  // Files a subject with one website; returns (ztid, wzid).
  std::pair<std::int64_t, std::int64_t> File(Subject subject, std::string domain) {
    const std::string number = *subject.block.number;
    auto filed =
        store_->Transact([&](Registry& r) -> Result<std::pair<std::int64_t, std::int64_t>> {
          Result<std::int64_t> ztid = r.InsertSubject(subject, "hash");
          if (!ztid) return std::unexpected(ztid.error());
          Result<std::int64_t> wzid =
              r.InsertWebsite(*ztid, 1, AWebsite(number + "-1", domain), kIsp, 1'780'000'000);
          if (!wzid) return std::unexpected(wzid.error());
          return std::pair{*ztid, *wzid};
        });
    EXPECT_TRUE(filed.has_value()) << filed.error().message;
    return filed.value_or(std::pair{0, 0});
  }

  // The constraint a write breaks ("accepted" when it is not refused).
  template <typename F>
  std::string Refused(F&& body) {
    Result<int> r = store_->Transact([&](Registry& registry) -> Result<int> {
      Result<void> done = body(registry);
      if (!done) return std::unexpected(done.error());
      return 0;
    });
    return r ? std::string("accepted") : std::string(sql::ConstraintOf(r.error()));
  }

  std::unique_ptr<Store> store_;
  sql::Connection* raw_ = nullptr;  // the store's own connection, to read the index
};

TEST_F(RegistryTest, TheUnitNameIndexFollowsInsertsAndRenames) {
  const auto [ztid, wzid] = File(ASubject(), "example.cn");
  EXPECT_EQ(NamesContaining("示例科技"), std::vector<std::int64_t>{ztid});
  Subject renamed = ASubject();
  renamed.block.name = "新名字网络有限公司";
  ASSERT_TRUE(store_
                  ->Transact([&](Registry& r) -> Result<int> {
                    if (Result<void> done = r.UpdateSubject(ztid, renamed.block, 1'790'000'000);
                        !done) {
                      return std::unexpected(done.error());
                    }
                    return 0;
                  })
                  .has_value());
  EXPECT_EQ(NamesContaining("新名字网络"), std::vector<std::int64_t>{ztid});
  EXPECT_TRUE(NamesContaining("示例科技").empty()) << "the old name left the index";
}

TEST_F(RegistryTest, AFiledRecordReadsBackInTheWiresBlocks) {
  const auto [ztid, wzid] = File(ASubject(), "example.cn");
  auto read = store_->Transact([&](Registry& r) -> Result<std::pair<Subject, Website>> {
    Result<std::optional<Subject>> s = r.SubjectByNumber("京ICP备2026000001号");
    Result<std::optional<Website>> w = r.WebsiteById(wzid);
    if (!s || !w || !*s || !*w) return Internal("not found");
    return std::pair{**s, **w};
  });
  ASSERT_TRUE(read.has_value()) << read.error().message;
  const auto& [subject, website] = *read;
  EXPECT_EQ(subject.block.bureau_id, ztid);
  EXPECT_EQ(subject.block.leader, ASubject().block.leader);
  EXPECT_EQ(subject.block.certificate, ASubject().block.certificate);
  EXPECT_EQ(subject.block.first_filed_at, "2026-05-29");
  EXPECT_TRUE(subject.has_password);
  EXPECT_EQ(subject.filed_via, kIsp);
  EXPECT_EQ(website.block.number, "京ICP备2026000001号-1");
  EXPECT_EQ(website.block.pre_approvals.size(), 1U);
  EXPECT_EQ(website.block.pre_approvals[0].number, "教审2026-1");
  ASSERT_EQ(website.block.domains.size(), 1U);
  EXPECT_TRUE(website.block.domains[0].bureau_id.has_value());
  EXPECT_EQ(website.block.domains[0].isp_id, 90001);
  ASSERT_EQ(website.block.accesses.size(), 1U);
  EXPECT_EQ(website.block.accesses[0].provider, kIsp);
  EXPECT_EQ(website.block.accesses[0].ips[0].first, 3221225994);
  EXPECT_EQ(website.block.service_content, (std::vector<std::int64_t>{1, 2}));
}

TEST_F(RegistryTest, SerialsRisePerProvinceAndYear) {
  auto serials = store_->Transact([](Registry& r) -> Result<std::vector<std::int64_t>> {
    std::vector<std::int64_t> out;
    for (auto [province, year] : {std::pair{110000, 2026},
                                  {110000, 2026},
                                  {440000, 2026},
                                  {110000, 2027},
                                  {110000, 2026}}) {
      Result<std::int64_t> s = r.NextSerial(province, year);
      if (!s) return std::unexpected(s.error());
      out.push_back(*s);
    }
    if (Result<void> reserved = r.ReserveSerial(440000, 2026, 500); !reserved) {
      return std::unexpected(reserved.error());
    }
    if (Result<void> lower = r.ReserveSerial(440000, 2026, 7); !lower) {
      return std::unexpected(lower.error());
    }
    Result<std::int64_t> after = r.NextSerial(440000, 2026);
    if (!after) return std::unexpected(after.error());
    out.push_back(*after);
    return out;
  });
  ASSERT_TRUE(serials.has_value()) << serials.error().message;
  EXPECT_EQ(*serials, (std::vector<std::int64_t>{1, 2, 1, 1, 3, 501}));
}

TEST_F(RegistryTest, ALiveDomainBelongsToOneWebsiteAndASubjectIsFiledOnce) {
  File(ASubject(), "example.cn");
  EXPECT_EQ(Refused([](Registry& r) -> Result<void> {
              Result<std::int64_t> id =
                  r.InsertSubject(ASubject("京ICP备2026000002号"), std::nullopt);
              if (!id) return std::unexpected(id.error());
              return {};
            }),
            "subjects.certificate_type, subjects.certificate_number");
  const auto [other, _] = File(ASubject("京ICP备2026000002号", "91110000MA0000002X"), "other.cn");
  EXPECT_EQ(Refused([&](Registry& r) -> Result<void> {
              Result<std::int64_t> id = r.InsertWebsite(
                  other, 2, AWebsite("京ICP备2026000002号-2", "example.cn"), kIsp, 1);
              if (!id) return std::unexpected(id.error());
              return {};
            }),
            "domains.name");
  // A number that is not the subject's own with its index.
  EXPECT_EQ(Refused([&](Registry& r) -> Result<void> {
              Result<std::int64_t> id =
                  r.InsertWebsite(other, 3, AWebsite("京ICP备2026000002号-2", "third.cn"), kIsp, 1);
              if (!id) return std::unexpected(id.error());
              return {};
            }),
            "bureau.website.number");
}

TEST_F(RegistryTest, CancellingCascadesAndIsFinalAndNumbersAreNeverReused) {
  const auto [ztid, wzid] = File(ASubject(), "example.cn");
  ASSERT_EQ(Refused([&](Registry& r) { return r.CancelSubject(ztid, 5); }), "accepted");
  auto after = store_->Transact(
      [&](Registry& r) -> Result<std::optional<Website>> { return r.WebsiteById(wzid); });
  ASSERT_TRUE(after.has_value() && after->has_value());
  EXPECT_TRUE((*after)->cancelled);
  EXPECT_TRUE((*after)->block.domains.empty());
  EXPECT_TRUE((*after)->block.accesses.empty());

  // The domain may be filed again; the number may not.
  EXPECT_EQ(Refused([&](Registry& r) -> Result<void> {
              Result<std::optional<DomainOwner>> owner = r.OwnerOfDomain("example.cn");
              if (!owner) return std::unexpected(owner.error());
              if (owner->has_value()) return Internal("still owned");
              return {};
            }),
            "accepted");
  File(ASubject("京ICP备2026000002号"), "example.cn");
  EXPECT_EQ(Refused([&](Registry& r) -> Result<void> {
              Result<std::int64_t> id = r.InsertSubject(ASubject("京ICP备2026000001号", "X1"), {});
              if (!id) return std::unexpected(id.error());
              return {};
            }),
            "subjects.number");
  EXPECT_EQ(Refused([&](Registry& r) { return r.CancelSubject(ztid, 6); }), "bureau.cancel.final");
  EXPECT_EQ(Refused([&](Registry& r) -> Result<void> {
              Result<std::int64_t> id =
                  r.InsertWebsite(ztid, 2, AWebsite("京ICP备2026000001号-2", "new.cn"), kIsp, 7);
              if (!id) return std::unexpected(id.error());
              return {};
            }),
            "bureau.subject.cancelled");
}

TEST_F(RegistryTest, AccessesAreOnePerProviderAndTheLastLeavesAnEmptyShell) {
  const auto [ztid, wzid] = File(ASubject(), "example.cn");
  miit::AccessBlock again;
  again.provider = kIsp;
  EXPECT_EQ(Refused([&](Registry& r) -> Result<void> {
              Result<std::int64_t> id = r.InsertAccess(wzid, again, 2);
              if (!id) return std::unexpected(id.error());
              return {};
            }),
            "accesses.wzid, accesses.isp_id");
  auto shell = store_->Transact([&](Registry& r) -> Result<std::int64_t> {
    Result<std::optional<AccessRef>> access = r.LiveAccessOf(wzid, kIsp);
    if (!access || !*access) return Internal("no access");
    if (Result<void> c = r.CancelAccess((*access)->jrid, 3); !c) return std::unexpected(c.error());
    return r.LiveAccessCount(wzid);
  });
  ASSERT_TRUE(shell.has_value()) << shell.error().message;
  EXPECT_EQ(*shell, 0);
}

TEST_F(RegistryTest, AFilingMovesForwardAndADecisionIsFinal) {
  auto id = store_->Transact([](Registry& r) -> Result<std::int64_t> {
    if (Result<void> up =
            r.InsertUpload(kIsp, 1, "XZBA1", {"aW5mbw==", "aGFzaA==", 0, 0, 0}, "<UploadData/>", 2);
        !up) {
      return std::unexpected(up.error());
    }
    Filing f;
    f.isp_id = kIsp;
    f.data_sequence = 1;
    f.operation = 1;
    f.key = "70001";
    f.record = "<UploadData/>";
    f.created_at = 2;
    return r.InsertFiling(f);
  });
  ASSERT_TRUE(id.has_value()) << id.error().message;
  const Reason why[] = {{1002, std::string("websites[0].name"), "网站名称不规范"}};
  EXPECT_EQ(
      Refused([&](Registry& r) { return r.MoveFiling(*id, FilingState::kApproved, {}, {}, 3); }),
      "bureau.filing.transition");
  Result<void> early = store_->Transact(
      [&](Registry& r) { return r.RecordDecision(*id, "approve", {}, "reviewer", 3); });
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().rule(), "bureau.filing.state");
  EXPECT_EQ(
      Refused([&](Registry& r) { return r.MoveFiling(*id, FilingState::kReview, {}, 100, 3); }),
      "accepted");
  EXPECT_EQ(Refused([&](Registry& r) { return r.RecordDecision(*id, "return", why, "赵六", 4); }),
            "accepted");
  Result<void> twice = store_->Transact(
      [&](Registry& r) { return r.RecordDecision(*id, "approve", {}, "reviewer", 5); });
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().rule(), "bureau.filing.state");
  EXPECT_EQ(
      Refused([&](Registry& r) { return r.MoveFiling(*id, FilingState::kReturned, why, {}, 6); }),
      "accepted");
  EXPECT_EQ(
      Refused([&](Registry& r) { return r.MoveFiling(*id, FilingState::kApproved, {}, {}, 7); }),
      "bureau.filing.decided");
  auto stored = store_->Transact([&](Registry& r) { return r.FilingById(*id); });
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_EQ((*stored)->state, FilingState::kReturned);
  EXPECT_EQ((*stored)->reasons, (std::vector<Reason>{why[0]}));
  EXPECT_EQ((*stored)->decision, "return");
  EXPECT_EQ((*stored)->decided_at, 6);
}

TEST_F(RegistryTest, DownloadFilesAreNumberedByTheQueue) {
  auto names = store_->Transact([](Registry& r) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    for (std::string_view prefix : {"BAJG", "HMDLB"}) {
      Result<std::string> name = r.QueueFile(kIsp, prefix, "<DownloadData/>", 1);
      if (!name) return std::unexpected(name.error());
      out.push_back(*name);
    }
    return out;
  });
  ASSERT_TRUE(names.has_value()) << names.error().message;
  EXPECT_EQ(*names, (std::vector<std::string>{"BAJG0000000001", "HMDLB0000000002"}));
  EXPECT_EQ(store_->Waiting(kIsp, 10)->size(), 2U);
}

}  // namespace
}  // namespace icp::bureau_sim
