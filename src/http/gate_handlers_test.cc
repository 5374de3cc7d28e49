#include "http/gate_handlers.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "app/gate_lists.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp::http {
namespace {

Request Get(std::string target) {
  Request request;
  request.method = "GET";
  request.target = std::move(target);
  request.request_id = "r1";
  return request;
}

class GateHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const AccountId owner = storage_testing::CreateAccount(*db_, "owner");
    number_ = storage_testing::FileWebsite(*db_, owner, 1, "example.cn").canonical();
    ASSERT_TRUE(ApplyGateLists(*db_,
                               {{{GateList::kBlacklist, "bad.example.cn", "HMDLB", false}}, {}},
                               "system:test", storage_testing::kT0)
                    .has_value());
    ASSERT_TRUE(gate_.Load().has_value());
  }

  std::unique_ptr<Database> db_ = memory::Database::Create();
  Gate gate_{*db_};
  std::string number_;
};

TEST_F(GateHandlerTest, AllowsAFiledHostWithItsNumber) {
  Response r = CheckGate(Get("/v1/gate?host=WWW.example.cn%3A8443"), gate_);
  EXPECT_EQ(r.status, 200);
  boost::json::value body = boost::json::parse(r.body);
  EXPECT_EQ(body.at("decision"), "allow");
  EXPECT_EQ(body.at("host"), "www.example.cn");
  EXPECT_EQ(body.at("domain"), "example.cn");
  EXPECT_EQ(body.at("number"), number_.c_str());
  EXPECT_FALSE(body.as_object().contains("reason"));
  EXPECT_EQ(r.Get("X-Gate-Decision"), "allow");
  EXPECT_EQ(r.Get("X-Gate-Reason"), "filed");
  EXPECT_EQ(r.Get("X-Gate-Domain"), "example.cn");
  EXPECT_EQ(r.Get("Cache-Control"), "public, max-age=5");
}

TEST_F(GateHandlerTest, DeniesUnfiledListedAndIpHostsWithTheReason) {
  struct Case {
    std::string target;
    std::string reason;
    boost::json::value domain;
  };
  for (const Case& c : {Case{"/v1/gate?host=unfiled.cn", "not_filed", nullptr},
                        Case{"/v1/gate?host=www.bad.example.cn", "blacklist", "bad.example.cn"},
                        Case{"/v1/gate?host=192.0.2.1", "ip_literal", nullptr},
                        Case{"/v1/gate?host=%5B%3A%3A1%5D%3A80", "ip_literal", nullptr}}) {
    Response r = CheckGate(Get(c.target), gate_);
    EXPECT_EQ(r.status, 403) << c.target;
    boost::json::value body = boost::json::parse(r.body);
    EXPECT_EQ(body.at("decision"), "deny");
    EXPECT_EQ(body.at("reason"), c.reason.c_str()) << c.target;
    EXPECT_EQ(body.at("domain"), c.domain) << c.target;
    EXPECT_FALSE(body.as_object().contains("number"));
    EXPECT_EQ(r.Get("X-Gate-Decision"), "deny");
    EXPECT_EQ(r.Get("X-Gate-Reason"), c.reason);
  }
}

TEST_F(GateHandlerTest, BadInputIsAProblemNamingTheField) {
  struct Case {
    std::string target;
    std::string field;
    std::string rule;
  };
  for (const Case& c : {Case{"/v1/gate", "host", "gate.host-empty"},
                        Case{"/v1/gate?host=", "host", "gate.host-empty"},
                        Case{"/v1/gate?host=" + std::string(1100, 'a'), "host", "gate.host-length"},
                        Case{"/v1/gate?host=a..b.cn", "host", "gate.host-label"},
                        Case{"/v1/gate?host=a.cn&hots=b", "hots", "request.unknown-parameter"}}) {
    Response r = CheckGate(Get(c.target), gate_);
    EXPECT_EQ(r.status, 400) << c.target;
    boost::json::value body = boost::json::parse(r.body);
    const boost::json::value& v = body.at("violations").at(0);
    EXPECT_EQ(v.at("field"), c.field.c_str()) << c.target;
    EXPECT_EQ(v.at("rule"), c.rule.c_str()) << c.target;
  }
}

}  // namespace
}  // namespace icp::http
