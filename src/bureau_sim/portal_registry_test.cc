#include "bureau_sim/portal_registry.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>

#include "bureau_sim/sms_store.h"
#include "miit/digest.h"
#include "storage/sqlite/connection.h"

namespace icp::bureau_sim {
namespace {

namespace json = boost::json;

constexpr std::int64_t kT0 = 1'800'000'000;

class FixedClock final : public Clock {
 public:
  std::chrono::sys_seconds Now() override {
    return std::chrono::sys_seconds(std::chrono::seconds(kT0));
  }
};

// Hashes that show what was hashed: enough to check the stored hash is the new password's.
class VisibleHasher final : public PasswordHasher {
 public:
  Result<std::string> Hash(std::string_view password) override {
    return "visible:" + std::string(password);
  }
  bool Verify(std::string_view hash, std::string_view password) override {
    return hash == "visible:" + std::string(password);
  }
  bool NeedsRehash(std::string_view) override { return false; }
};

class FixedTokens final : public TokenSource {
 public:
  std::string NewToken(std::size_t) override { return "Ab3dE6"; }
};

http::Request Get(std::string target) {
  http::Request r;
  r.method = "GET";
  r.target = std::move(target);
  return r;
}

http::Request Post(std::string target, std::string body) {
  http::Request r;
  r.method = "POST";
  r.target = std::move(target);
  r.headers["content-type"] = "application/json";
  r.body = std::move(body);
  return r;
}

class PortalRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bureau_sim_portal_registry_" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Result<std::unique_ptr<Store>> store = Store::Open(dir_ / "bureau.db", kT0);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
    Result<std::unique_ptr<SmsStore>> sms = SmsStore::Open(
        dir_ / "bureau.db", [] { return std::uint64_t{9}; }, kT0);
    ASSERT_TRUE(sms.has_value()) << sms.error().message;
    sms_ = std::move(*sms);
    raw_ = std::move(*sqlite::Connection::Open(dir_ / "bureau.db"));
    Exec(
        "INSERT INTO subjects (ztid, number, province, name, nature, certificate_type, "
        "certificate_number, leader_name, leader_mobiles, leader_emails, password_hash, "
        "filed_at, modified_at) VALUES "
        "(1, '京ICP备27000001号', 110000, '北京示例科技有限公司', 4, 1, '91110000MA01ABCD1X', "
        "'张三', '13800138000;13800138009', 'zhang@example.cn', 'visible:old', 1700000000, "
        "1700000000)");
    Exec(
        "INSERT INTO websites (wzid, ztid, idx, number, name, home_url, filed_at, modified_at) "
        "VALUES (11, 1, 1, '京ICP备27000001号-1', '示例<网站>', 'www.example.cn', 1700000000, "
        "1700000000)");
    Exec("INSERT INTO domains (ymid, wzid, name) VALUES (101, 11, 'example.cn')");
    query_ = std::move(*PublicQuery::Open(dir_ / "bureau.db"));
    recovery_ = std::make_unique<PasswordRecovery>(*store_, hasher_, tokens_, *sms_);
  }
  void TearDown() override {
    recovery_.reset();
    query_.reset();
    raw_.reset();
    sms_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Exec(std::string_view statement) {
    Result<sql::Rows> done = raw_->Query(statement);
    ASSERT_TRUE(done.has_value()) << statement << ": " << done.error().message;
  }

  std::string PasswordHash() {
    return raw_->Query("SELECT password_hash FROM subjects WHERE ztid = 1")->rows.front().Text(0);
  }

  http::Response Recover(const json::object& body) {
    return RecoverPasswordApi(Post("/portal/api/password/recover", json::serialize(body)),
                              *recovery_, clock_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SmsStore> sms_;
  std::unique_ptr<sql::Connection> raw_;
  std::unique_ptr<PublicQuery> query_;
  std::unique_ptr<PasswordRecovery> recovery_;
  VisibleHasher hasher_;
  FixedTokens tokens_;
  FixedClock clock_;
};

TEST_F(PortalRegistryTest, RecoveryNeedsTheNumberCertificateAndMobileToMatch) {
  const json::object right{{"number", "京ICP备27000001号"},
                           {"certificate_type", 1},
                           {"certificate_number", "91110000MA01ABCD1X"},
                           {"mobile", "13800138009"}};
  // Seed 004: every mismatch is the same answer, and nothing is reset or sent.
  for (const auto& [key, value] : std::vector<std::pair<std::string, json::value>>{
           {"number", json::value("京ICP备27000001号-1")},
           {"certificate_type", json::value(2)},
           {"certificate_number", json::value("91110000MA01ABCD2Y")},
           {"mobile", json::value("13900139000")}}) {
    json::object wrong = right;
    wrong[key] = value;
    http::Response refused = Recover(wrong);
    EXPECT_EQ(refused.status, 404) << key;
    EXPECT_NE(refused.body.find("该备案信息不存在，请确认输入内容"), std::string::npos) << key;
    EXPECT_NE(refused.body.find("recovery.not_found"), std::string::npos) << key;
  }
  EXPECT_EQ(PasswordHash(), "visible:old");
  EXPECT_TRUE(sms_->MessagesTo("13800138009")->empty());

  http::Response done = Recover(right);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(PasswordHash(), "visible:" + miit::Md5Hex("Ab3dE6"))
      << "the new password's hash replaces the old one, as the pipeline stores it";
  Result<std::vector<SinkMessage>> sms = sms_->MessagesTo("13800138009");
  ASSERT_EQ(sms->size(), 1u);
  EXPECT_EQ(sms->front().channel, "sms");
  EXPECT_NE(sms->front().text.find("Ab3dE6"), std::string::npos);
  Result<std::vector<SinkMessage>> mail = sms_->MessagesTo("zhang@example.cn");
  ASSERT_EQ(mail->size(), 1u);
  EXPECT_EQ(mail->front().channel, "email");
}

TEST_F(PortalRegistryTest, RecoveryRefusesMissingFields) {
  http::Response bad = Recover(json::object{{"number", ""}, {"certificate_type", "1"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("\"field\":\"certificate_type\""), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("\"field\":\"mobile\""), std::string::npos) << bad.body;
}

TEST_F(PortalRegistryTest, TheQueryApiUsesMiitsNamesAndPages) {
  http::Response found = QueryApi(Get("/portal/api/query?condition=example.cn"), *query_);
  ASSERT_EQ(found.status, 200) << found.body;
  const json::object body = json::parse(found.body).as_object();
  EXPECT_EQ(body.at("total"), 1);
  EXPECT_EQ(body.at("isLastPage"), true);
  const json::object& record = body.at("list").as_array().at(0).as_object();
  EXPECT_EQ(record.at("unitName"), "北京示例科技有限公司");
  EXPECT_EQ(record.at("serviceLicence"), "京ICP备27000001号-1");
  EXPECT_EQ(record.at("limitAccess"), "否");
  EXPECT_EQ(QueryApi(Get("/portal/api/query?condition=x&by=fuzzy&page_size=ten"), *query_).status,
            400);

  http::Response batch =
      QueryBatchApi(Post("/portal/api/query/batch",
                         R"({"conditions":["example.cn","京ICP备27000001号","nothing.cn"]})"),
                    *query_);
  ASSERT_EQ(batch.status, 200) << batch.body;
  const json::array results = json::parse(batch.body).at("results").as_array();
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].at("total"), 1);
  EXPECT_EQ(results[1].at("condition"), "京ICP备27000001号");
  EXPECT_EQ(results[2].at("total"), 0);
  EXPECT_EQ(QueryBatchApi(Post("/portal/api/query/batch", R"({"conditions":[]})"), *query_).status,
            400);
}

TEST_F(PortalRegistryTest, TheQueryPageEscapesWhatItShows) {
  http::Response page = QueryHtml(Get("/portal/query?condition=example.cn"), *query_);
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("示例&lt;网站&gt;"), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("示例<网站>"), std::string::npos);
  http::Response none = QueryHtml(Get("/portal/query?condition=%3Cb%3E.cn"), *query_);
  EXPECT_NE(none.body.find("value=\"&lt;b&gt;.cn\""), std::string::npos) << none.body;
}

}  // namespace
}  // namespace icp::bureau_sim
