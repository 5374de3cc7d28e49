#include "bureau_sim/import.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "bureau_sim/lists.h"
#include "bureau_sim/review_api.h"
#include "miit/messages.h"
#include "miit/payload.h"
#include "ports/testing/fake_password_hasher.h"
#include "storage/sqlite/connection.h"

namespace icp::bureau_sim {
namespace {

constexpr std::int64_t kIsp = 440000000123;

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::unique_ptr<sqlite::Connection> connection =
        std::move(*sqlite::Connection::Open(":memory:"));
    raw_ = connection.get();
    store_ = std::move(*Store::OpenOn(std::move(connection), 1));
    ASSERT_TRUE(store_->AddProvider(kIsp, "isp", "secret01", 1).has_value());
  }

  ImportReport Import(const std::string& text, std::size_t batch = 1000) {
    std::istringstream in(text);
    Result<ImportReport> report = ImportRecords(*store_, in, hasher_, 1'780'000'000, batch);
    EXPECT_TRUE(report.has_value()) << report.error().message;
    return report.value_or(ImportReport{});
  }

  // The files waiting for the provider, decoded.
  std::vector<miit::IcpDownload> Waiting() {
    std::vector<miit::IcpDownload> out;
    const Result<std::vector<QueuedFile>> waiting = store_->Waiting(kIsp, 100);
    for (const QueuedFile& f : *waiting) {
      Result<miit::DecodedPayload> payload = miit::DecodePayload(f.payload, {});
      EXPECT_TRUE(payload.has_value()) << payload.error().message;
      if (!payload) continue;
      Result<miit::IcpDownload> file = miit::DecodeDownload(payload->text);
      EXPECT_TRUE(file.has_value()) << file.error().message << "\n" << payload->text;
      if (file) out.push_back(std::move(*file));
    }
    return out;
  }

  // A setting of the store's connection ("synchronous", "cache_size").
  std::int64_t Pragma(const std::string& name) {
    Result<sql::Rows> rows = raw_->Query("PRAGMA " + name);
    EXPECT_TRUE(rows.has_value()) << rows.error().message;
    return rows && !rows->empty() ? rows->rows.front().Int(0) : -1;
  }

  FakePasswordHasher hasher_;
  std::unique_ptr<Store> store_;
  sql::Connection* raw_ = nullptr;  // the store's own connection
};

std::string LineOf(int serial, std::string domain, std::string extra = "") {
  return fmt::format(
      R"({{"subject": {{"number": "京ICP备2025{:06d}号", "name": "单位{}", "nature": 4,)"
      R"( "certificate": {{"type": 1, "number": "9111000000000{:05d}"}},)"
      R"( "region": {{"province": 110000, "city": 110100}}, "leader": {{"name": "张三",)"
      R"( "mobiles": "13800000000", "emails": "z@example.cn"}}{}}},)"
      R"( "websites": [{{"number": "京ICP备2025{:06d}号-1", "name": "网站{}",)"
      R"( "domains": ["{}"], "languages": [1], "leader": {{"name": "李四",)"
      R"( "mobiles": "13900000000", "emails": "l@example.cn"}},)"
      R"( "accesses": [{{"isp_id": 440000000123, "locations": [19], "methods": [3],)"
      R"( "ips": ["192.0.2.10", "192.0.2.20-192.0.2.29"]}}]}}]}})",
      serial, serial, serial, extra, serial, serial, domain);
}

TEST_F(ImportTest, TheBulkLoadSettingsEndWithTheImport) {
  ASSERT_EQ(Pragma("synchronous"), 2);  // FULL: a commit that returned is on disk
  Import(LineOf(1, "one.cn") + "\n" + LineOf(2, "two.cn") + "\n", 1);
  EXPECT_EQ(Pragma("synchronous"), 2) << "the store's later commits are durable again";
  EXPECT_EQ(Pragma("cache_size"), -2000) << "the bulk cache is given back";
  // The settings themselves, on and off.
  ASSERT_TRUE(store_->BulkLoad(true, 64).has_value());
  EXPECT_EQ(Pragma("synchronous"), 1);
  EXPECT_EQ(Pragma("cache_size"), -64 * 1024);
  ASSERT_TRUE(store_->BulkLoad(false).has_value());
  EXPECT_EQ(Pragma("synchronous"), 2);
}

TEST_F(ImportTest, RecordsAreImportedAndAnIdenticalReimportChangesNothing) {
  std::string text = LineOf(1, "one.cn") + "\n\n" + LineOf(2, "two.cn") + "\n" +
                     LineOf(3, "three.cn", R"(, "password": "Abc12345")") + "\n";
  ImportReport first = Import(text, 2);
  EXPECT_EQ(first.lines, 3);
  EXPECT_EQ(first.imported, 3);
  EXPECT_TRUE(first.problems.empty()) << first.problems[0];
  ImportReport again = Import(text, 2);
  EXPECT_EQ(again.imported, 0);
  EXPECT_EQ(again.unchanged, 3);

  auto read = store_->Transact([](Registry& r) -> Result<std::pair<Subject, std::int64_t>> {
    Result<std::optional<Subject>> s = r.SubjectByNumber("京ICP备2025000003号");
    if (!s || !*s) return Internal("missing");
    // The number sequence moved past the imported serials.
    Result<std::int64_t> next = r.NextSerial(110000, 2025);
    if (!next) return std::unexpected(next.error());
    return std::pair{**s, *next};
  });
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(read->first.has_password);
  EXPECT_FALSE(read->first.filed_via.has_value());
  EXPECT_EQ(read->second, 4);

  // The provider's estate, as a resync downloads it.
  Result<std::vector<std::string>> sent = SendEstate(*store_, kIsp, 1'780'000'100, 2);
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  EXPECT_EQ(sent->size(), 2U);
  const std::vector<miit::IcpDownload> files = Waiting();
  ASSERT_EQ(files.size(), 2U);
  EXPECT_EQ(files[0].filed_records.size(), 2U);
  EXPECT_EQ(files[1].filed_records[0].websites[0].number, "京ICP备2025000003号-1");
  EXPECT_EQ(files[1].filed_records[0].websites[0].accesses[0].ips[1].last, 3221226013);

  // The same estate as the full sync (SJTB): the same records, in files of their own kind.
  Result<std::vector<std::string>> synced = SyncEstate(*store_, kIsp, 1'780'000'200, 2);
  ASSERT_TRUE(synced.has_value()) << synced.error().message;
  ASSERT_EQ(synced->size(), 2U);
  EXPECT_TRUE(synced->at(0).starts_with("SJTB")) << synced->at(0);
  const std::vector<miit::IcpDownload> all = Waiting();
  ASSERT_EQ(all.size(), 4U);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(all[2 + i].filed_records.empty());
    EXPECT_EQ(all[2 + i].synced_records, files[i].filed_records);
  }
}

TEST_F(ImportTest, ABadLineIsReportedWithItsPathsAndTheOthersAreImported) {
  const std::string text =
      LineOf(1, "one.cn") + "\n" +
      R"({"subject": {"number": "ICP备1号", "nam": "x", "certificate": {"type": "1"}}, "websites": [{"number": "x", "domains": ["a"]}]})" +
      "\nnot json\n" + LineOf(4, "one.cn") + "\n" +
      // The same number with other data.
      R"({"subject": {"number": "京ICP备2025000001号", "name": "别的单位", "certificate": {"type": 1, "number": "X"}, "region": {"province": 110000}, "leader": {"name": "王", "mobiles": "13800000000", "emails": "w@example.cn"}}, "websites": []})" +
      "\n" + LineOf(6, "six.cn") + "\n";
  const ImportReport report = Import(text);
  EXPECT_EQ(report.lines, 6);
  EXPECT_EQ(report.imported, 2);
  EXPECT_EQ(report.refused, 4);
  const std::vector<std::string> expected = {
      "line 2: subject.nam: unknown field",
      "line 2: subject.number: not a subject number <prefix>ICP备<8 or 10 digits>号",
      "line 2: subject.name: required",
      "line 2: subject.certificate.type: must be a whole number in 1..999",
      "line 2: subject.certificate.number: required",
      "line 2: subject.region: required",
      "line 2: subject.leader: required",
      "line 2: websites[0].number: must be the subject's number followed by -N",
      "line 2: websites[0].name: required",
      "line 2: websites[0].languages: at least one language id",
      "line 2: websites[0].leader: required",
      "line 2: websites[0].domains[0]: must be a domain name",
      "line 3: not a JSON object",
      "line 4: a domain is filed already on another website",
      "line 5: subject.number: the number is filed with other data",
  };
  EXPECT_EQ(report.problems, expected);
}

TEST_F(ImportTest, ListsAreQueuedToEveryProviderOnce) {
  ASSERT_TRUE(store_->AddProvider(110000000456, "b", "secret02", 1).has_value());
  Result<std::vector<std::string>> listed = BlacklistDomain(*store_, "Bad.CN", "诈骗", 5);
  ASSERT_TRUE(listed.has_value()) << listed.error().message;
  EXPECT_EQ(listed->size(), 2U);
  EXPECT_TRUE(BlacklistDomain(*store_, "bad.cn", "again", 6)->empty());
  EXPECT_FALSE(BlacklistDomain(*store_, "not a domain", "", 6).has_value());
  ASSERT_TRUE(BlacklistSubject(*store_, 1, "91110000MA0000001X", "坏单位", 7).has_value());
  ASSERT_TRUE(ReportUnfiledSite(*store_, "unfiled.cn", "203.0.113.5", kIsp, 8).has_value());
  EXPECT_FALSE(ReportUnfiledSite(*store_, "unfiled.cn", "203.0.113", kIsp, 8).has_value());
  const std::vector<miit::IcpDownload> files = Waiting();
  ASSERT_EQ(files.size(), 3U);
  EXPECT_EQ(files[0].blacklisted_websites[0].domains[0], "bad.cn");
  EXPECT_EQ(files[1].blacklisted_subjects[0].certificate->number, "91110000MA0000001X");
  EXPECT_EQ(files[2].unfiled_sites[0].domain, "unfiled.cn");
  EXPECT_EQ(files[2].unfiled_sites[0].ip, 3405803781);
  EXPECT_EQ(store_->Waiting(110000000456, 10)->size(), 2U);  // the blacklists, not the site
}

TEST(ReviewBody, AReturnIsDecodedStrictlyWithEveryProblem) {
  Result<ReturnBody> ok = DecodeReturnBody(
      R"({"reasons": [{"jgdm": 1002, "path": "websites[0].name", "text": "名称不符"}], "reviewer": "赵六"})");
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->reviewer, "赵六");
  EXPECT_EQ(ok->reasons, (std::vector<Reason>{{1002, "websites[0].name", "名称不符"}}));

  Result<ReturnBody> bad =
      DecodeReturnBody(R"({"reasons": [{"jgdm": 4242, "txt": "x"}, 7], "extra": 1})");
  ASSERT_FALSE(bad.has_value());
  std::vector<std::string> fields;
  for (const FieldViolation& v : bad.error().violations) fields.push_back(v.field + " " + v.rule);
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "extra document.unknown-field", "reasons[0].txt document.unknown-field",
                        "reasons[0].jgdm bureau.review.jgdm", "reasons[0].text bureau.review.text",
                        "reasons[1] bureau.review.reason"}));
  EXPECT_FALSE(DecodeReturnBody(R"({"reasons": []})").has_value());

  Result<Reason> reason = ParseReasonArgument("1005@websites[0].domains[0]:域名冲突");
  ASSERT_TRUE(reason.has_value());
  EXPECT_EQ(*reason, (Reason{1005, "websites[0].domains[0]", "域名冲突"}));
  EXPECT_EQ(ParseReasonArgument("1002:名称").value().path, std::nullopt);
  EXPECT_FALSE(ParseReasonArgument("4242:x").has_value());
  EXPECT_FALSE(ParseReasonArgument("1002").has_value());
}

}  // namespace
}  // namespace icp::bureau_sim
