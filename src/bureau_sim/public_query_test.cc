#include "bureau_sim/public_query.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "bureau_sim/sms_store.h"
#include "storage/sqlite/connection.h"

namespace icp::bureau_sim {
namespace {

constexpr std::int64_t kT0 = 1'800'000'000;  // 2027-01-15 08:00:00 UTC

class PublicQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() /
        ("bureau_sim_query_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    // Opening a store applies every migration of the stand-in (the registry's among them).
    Result<std::unique_ptr<SmsStore>> store = SmsStore::Open(
        dir_ / "bureau.db", [] { return std::uint64_t{4}; }, kT0);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    raw_ = std::move(*sqlite::Connection::Open(dir_ / "bureau.db"));
    // Two subjects: 京 with two websites (one with a news pre-approval, one whose only access
    // was cancelled), 沪 with one website and a cancelled one.
    Exec(
        "INSERT INTO subjects (ztid, number, province, name, nature, certificate_type, "
        "certificate_number, leader_name, leader_mobiles, filed_at, modified_at) VALUES "
        "(1, '京ICP备27000001号', 110000, '北京示例科技有限公司', 4, 1, '91110000MA01ABCD1X', "
        "'张三', '13800138000', 1700000000, 1700000000), "
        "(2, '沪ICP备27000002号', 310000, '上海示例网络有限公司', 4, 1, '91310000MA01ABCD2Y', "
        "'李四', '13900139000', 1700000000, 1700000000)");
    // A writer outside the registry (this raw connection) rebuilds the unit-name index,
    // which Registry::InsertSubject keeps (migration 0006).
    Exec("INSERT INTO subject_names (subject_names) VALUES ('rebuild')");
    Exec(
        "INSERT INTO websites (wzid, ztid, idx, number, name, home_url, pre_approvals, "
        "filed_at, modified_at) VALUES "
        "(11, 1, 1, '京ICP备27000001号-1', '示例新闻', 'www.example.cn', '1\tX-2027-1', "
        "1700000000, 1800000000), "
        "(12, 1, 2, '京ICP备27000001号-2', '示例博客', 'blog.example.com.cn', '', "
        "1700000000, 1700000000), "
        "(21, 2, 1, '沪ICP备27000002号-1', '上海示例', 'www.example.sh.cn', '', "
        "1700000000, 1700000000), "
        "(22, 2, 2, '沪ICP备27000002号-2', '已注销', 'www.gone.cn', '', "
        "1700000000, 1700000000)");
    Exec(
        "INSERT INTO domains (ymid, wzid, name) VALUES (101, 11, 'example.cn'), "
        "(102, 11, 'example.net'), (103, 12, 'example.com.cn'), (201, 21, 'example.sh.cn'), "
        "(202, 22, 'gone.cn')");
    Exec(
        "INSERT INTO accesses (jrid, wzid, isp_id, created_at) VALUES "
        "(1001, 11, 440000000123, 1700000000), (1002, 12, 440000000123, 1700000000), "
        "(2001, 21, 440000000123, 1700000000), (2002, 22, 440000000123, 1700000000)");
    // Seed 002: the blog's only access is cancelled, its number stays; a website cancelled
    // goes.
    Exec("UPDATE accesses SET live = 0, cancelled_at = 1750000000 WHERE jrid = 1002");
    Exec("UPDATE websites SET state = 'cancelled', cancelled_at = 1750000000 WHERE wzid = 22");
    query_ = std::move(*PublicQuery::Open(dir_ / "bureau.db"));
  }
  void TearDown() override {
    query_.reset();
    raw_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Exec(std::string_view statement) {
    Result<sql::Rows> done = raw_->Query(statement);
    ASSERT_TRUE(done.has_value()) << statement << ": " << done.error().message;
  }

  QueryPage Find(QueryBy by, std::string_view condition, std::int64_t page = 1,
                 std::int64_t size = 10) {
    Result<QueryPage> found = query_->Find(by, condition, page, size);
    EXPECT_TRUE(found.has_value()) << found.error().message;
    return found.value_or(QueryPage{});
  }

  static std::vector<std::string> Domains(const QueryPage& page) {
    std::vector<std::string> out;
    for (const PublicRecord& r : page.list) out.push_back(r.domain);
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<sql::Connection> raw_;
  std::unique_ptr<PublicQuery> query_;
};

TEST_F(PublicQueryTest, ByDomainReturnsMiitsFields) {
  QueryPage page = Find(QueryBy::kAuto, " EXAMPLE.CN ");
  ASSERT_EQ(page.total, 1);
  const PublicRecord& r = page.list.at(0);
  EXPECT_EQ(r.unit_name, "北京示例科技有限公司");
  EXPECT_EQ(r.nature_name, "企业");
  EXPECT_EQ(r.main_licence, "京ICP备27000001号");
  EXPECT_EQ(r.service_licence, "京ICP备27000001号-1");
  EXPECT_EQ(r.service_name, "示例新闻");
  EXPECT_EQ(r.domain, "example.cn");
  EXPECT_EQ(r.domain_id, 101);
  EXPECT_EQ(r.home_url, "www.example.cn");
  EXPECT_EQ(r.leader_name, "");
  EXPECT_EQ(r.limit_access, "否");
  EXPECT_EQ(r.content_type_name, "新闻");
  EXPECT_EQ(r.update_record_time, "2027-01-15 16:00:00");
  EXPECT_EQ(r.main_id, 1);
  EXPECT_EQ(r.service_id, 11);
  EXPECT_EQ(Find(QueryBy::kDomain, "www.example.cn").total, 0) << "no subdomains, as MIIT";
}

TEST_F(PublicQueryTest, ByNumberOfASubjectOrAWebsite) {
  EXPECT_EQ(Domains(Find(QueryBy::kAuto, "京ICP备27000001号")),
            (std::vector<std::string>{"example.cn", "example.net", "example.com.cn"}));
  EXPECT_EQ(Domains(Find(QueryBy::kNumber, "京ICP备27000001号-2")),
            (std::vector<std::string>{"example.com.cn"}))
      << "a website without access keeps its number in the query (seed 002)";
  EXPECT_EQ(Find(QueryBy::kNumber, "沪ICP备27000002号-2").total, 0) << "cancelled";
}

TEST_F(PublicQueryTest, ByUnitNameWithPages) {
  QueryPage first = Find(QueryBy::kAuto, "示例", 1, 2);
  EXPECT_EQ(first.total, 4);
  EXPECT_EQ(first.last_page, 2);
  EXPECT_FALSE(first.is_last_page);
  EXPECT_EQ(Domains(first), (std::vector<std::string>{"example.cn", "example.net"}));
  QueryPage second = Find(QueryBy::kUnitName, "示例", 2, 2);
  EXPECT_TRUE(second.is_last_page);
  EXPECT_EQ(Domains(second), (std::vector<std::string>{"example.com.cn", "example.sh.cn"}));
  EXPECT_EQ(Find(QueryBy::kUnitName, "北京_例").total, 0) << "_ is a character, not a wildcard";
  EXPECT_EQ(Find(QueryBy::kUnitName, "示例%").total, 0) << "% is a character, not a wildcard";
}

TEST_F(PublicQueryTest, ALongerUnitNameIsFoundThroughTheIndexAndCheckedOnTheRow) {
  EXPECT_EQ(Domains(Find(QueryBy::kUnitName, "示例科技")),
            (std::vector<std::string>{"example.cn", "example.net", "example.com.cn"}));
  EXPECT_EQ(Domains(Find(QueryBy::kUnitName, "示例网络有限")),
            (std::vector<std::string>{"example.sh.cn"}));
  EXPECT_EQ(Domains(Find(QueryBy::kUnitName, "EXAMPLE")), (std::vector<std::string>{}));
  // An index entry that no longer matches its row (a stale name) finds nothing: the index
  // checks the pattern on each candidate's subjects.name.
  Exec(
      "INSERT INTO subject_names (subject_names, rowid, name) VALUES "
      "('delete', 2, '上海示例网络有限公司')");
  Exec("INSERT INTO subject_names (rowid, name) VALUES (2, '上海示例网络有限公司旧名')");
  EXPECT_EQ(Find(QueryBy::kUnitName, "有限公司旧名").total, 0);
}

// A unit name is looked for by its rarest trigrams where it has rare ones, by all of them
// where even its rarest lists more names than the probe reads, and by a scan under three
// characters: every way finds exactly the names that contain it, as a plain scan does.
TEST_F(PublicQueryTest, AUnitNameIsFoundByItsRarestTrigramsAsByEveryOne) {
  std::string subjects, websites, domains;
  auto subject = [&](int ztid, const std::string& name) {
    const std::string n = std::to_string(ztid);
    subjects += (subjects.empty() ? "" : ",") +
                fmt::format(
                    "({0}, '京ICP备2{0:07d}号', 110000, '{1}', 4, 1, '9111000{0:011d}', '王五', "
                    "'13800138000', 1700000000, 1700000000)",
                    ztid, name);
    websites +=
        (websites.empty() ? "" : ",") +
        fmt::format(
            "({0}, {0}, 1, '京ICP备2{0:07d}号-1', '站点', 'w{0}.cn', '', 1700000000, 1700000000)",
            ztid);
    domains += (domains.empty() ? "" : ",") + fmt::format("({0}, {0}, 'w{0}.cn')", ztid);
  };
  // More names sharing 星辰科技有限公司 than the probe reads (its trigrams are all common),
  // and one that holds two rare trigrams of "星辰科技有限公司12" but not the text.
  for (int i = 0; i < 300; ++i) subject(1000 + i, "星辰科技有限公司" + std::to_string(i));
  subject(2000, "公司1司12");
  Exec(
      "INSERT INTO subjects (ztid, number, province, name, nature, certificate_type, "
      "certificate_number, leader_name, leader_mobiles, filed_at, modified_at) VALUES " +
      subjects);
  Exec(
      "INSERT INTO websites (wzid, ztid, idx, number, name, home_url, pre_approvals, "
      "filed_at, modified_at) VALUES " +
      websites);
  Exec("INSERT INTO domains (ymid, wzid, name) VALUES " + domains);
  Exec("INSERT INTO subject_names (subject_names) VALUES ('rebuild')");
  for (const std::string text :
       {"星辰科技有限公司", "星辰科技有限公司12", "有限公司299", "司12", "公司1司", "科技有限",
        "示例网络有限", "北京示例科技有限公司", "星辰", "不存在的名字", "司12星"}) {
    // The plain scan, without the index.
    Result<sql::Rows> expected = raw_->Query(
        "SELECT d.name FROM domains d JOIN websites w ON w.wzid = d.wzid JOIN subjects s ON "
        "s.ztid = w.ztid WHERE d.live = 1 AND w.state = 'filed' AND s.state = 'filed' AND "
        "instr(s.name, $1) > 0 ORDER BY s.ztid, w.idx, d.ymid",
        std::vector<sql::Value>{std::string(text)});
    ASSERT_TRUE(expected.has_value()) << expected.error().message;
    std::vector<std::string> want;
    for (const sql::Row& row : expected->rows) want.push_back(row.Text(0));
    const QueryPage page = Find(QueryBy::kUnitName, text, 1, 100);
    EXPECT_EQ(page.total, static_cast<std::int64_t>(want.size())) << text;
    want.resize(std::min<std::size_t>(want.size(), 100));
    EXPECT_EQ(Domains(page), want) << text;
  }
}

TEST_F(PublicQueryTest, BadConditionsAndPagesAreNamed) {
  Result<QueryPage> bad = query_->Find(QueryBy::kUnitName, "京", 0, 101);
  ASSERT_FALSE(bad.has_value());
  ASSERT_EQ(bad.error().violations.size(), 3u);
  EXPECT_EQ(bad.error().violations[0].field, "condition");
  EXPECT_EQ(bad.error().violations[1].field, "page_num");
  EXPECT_EQ(bad.error().violations[2].field, "page_size");
  EXPECT_FALSE(query_->Find(QueryBy::kAuto, "   ", 1, 10).has_value());
}

// The server's handler threads ask at once, each on a connection of the pool: every answer
// is whole and right while the others read (and a writer writes).
TEST_F(PublicQueryTest, ThreadsQueryAtOnceAndEachGetsItsOwnAnswer) {
  std::atomic<int> wrong = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        const bool by_domain = (t + i) % 2 == 0;
        Result<QueryPage> page =
            query_->Find(by_domain ? QueryBy::kDomain : QueryBy::kNumber,
                         by_domain ? "example.cn" : "京ICP备27000001号", 1, 10);
        if (!page || page->total != (by_domain ? 1 : 3)) ++wrong;
      }
    });
  }
  for (int i = 0; i < 20; ++i) {  // the writer: a subject the queries do not match
    Exec("UPDATE subjects SET modified_at = modified_at + 1 WHERE ztid = 2");
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(PublicQueryOpen, SaysWhenTheFileCannotBeOpened) {
  Result<std::unique_ptr<PublicQuery>> query =
      PublicQuery::Open(std::filesystem::temp_directory_path() / "no-such-dir-icp" / "bureau.db");
  ASSERT_FALSE(query.has_value());
  EXPECT_EQ(query.error().code, ErrorCode::kUnavailable) << query.error().message;
}

TEST(ClassifyTest, NumbersDomainsAndNames) {
  EXPECT_EQ(Classify("京ICP备27000001号-1"), QueryBy::kNumber);
  EXPECT_EQ(Classify("京ICP证030173号"), QueryBy::kNumber);
  EXPECT_EQ(Classify("example.cn"), QueryBy::kDomain);
  EXPECT_EQ(Classify("北京百度网讯科技有限公司"), QueryBy::kUnitName);
  EXPECT_EQ(ChinaTime(0), "1970-01-01 08:00:00");
}

}  // namespace
}  // namespace icp::bureau_sim
