#include "codec/resource_import.h"

#include <gtest/gtest.h>

namespace icp::codec {
namespace {

constexpr std::string_view kHeader =
    "id,account,kind,region,mainland,billing,trial,purchased_count,purchased_unit,expires_at,"
    "public_ip,parent\n";

std::vector<std::string> Fields(const Error& e) {
  std::vector<std::string> out;
  for (const FieldViolation& v : e.violations) out.push_back(v.field);
  return out;
}

TEST(ParseRfc3339, ReadsOffsetsAndZulu) {
  EXPECT_EQ(ParseRfc3339("2027-03-01T00:00:00+08:00").value(),
            ParseRfc3339("2027-02-28T16:00:00Z").value());
  EXPECT_EQ(ParseRfc3339("1970-01-01T00:00:01.5Z")->time_since_epoch().count(), 1);
  for (std::string_view bad :
       {"2027-03-01", "2027-03-01T00:00:00", "2027-02-30T00:00:00Z", "2027-03-01T24:00:00Z",
        "2027-03-01T00:00:00+0800", "2027-03-01 00:00:00Z", "2027-03-01T00:00:00.Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

TEST(ParseResourcesCsv, ReadsRowsAndNestsBackendsBehindTheirLoadBalancer) {
  const std::string csv =
      std::string(kHeader) +
      "lb-1,alice,clb,ap-guangzhou,true,pay_as_you_go,false,0,months,,,\r\n"
      "ins-1,alice,cvm,ap-guangzhou,true,prepaid,false,3,months,"
      "2027-03-01T00:00:00+08:00,203.0.113.10,lb-1\r\n"
      "ins-2,bob,lighthouse,\"ap-hong\"\"kong\",false,prepaid,true,90,days,,,\n";
  Result<std::vector<Resource>> r = ParseResourcesCsv(csv);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].id, "lb-1");
  ASSERT_EQ((*r)[0].backends.size(), 1u);
  EXPECT_EQ((*r)[0].backends[0].public_ip, "203.0.113.10");
  EXPECT_EQ((*r)[0].backends[0].expires_at, ParseRfc3339("2027-02-28T16:00:00Z").value());
  EXPECT_EQ((*r)[1].kind, ResourceKind::kLighthouse);
  EXPECT_EQ((*r)[1].region.id, "ap-hong\"kong") << "a quoted field keeps its doubled quote";
  EXPECT_FALSE((*r)[1].region.mainland);
  EXPECT_TRUE((*r)[1].trial);
  EXPECT_EQ((*r)[1].purchased, (Term{90, TermUnit::kDays}));
}

TEST(ParseResourcesCsv, NamesEveryBadRowByLineAndField) {
  const std::string csv = std::string(kHeader) +
                          "ins-1,alice,cvm,ap-guangzhou,true,prepaid,false,3,months,,,\n"
                          "ins-2,alice,vps,ap-guangzhou,yes,prepaid,false,3,weeks,tomorrow,1.2.3,\n"
                          "ins-3,alice,cvm\n"
                          "ins-1,alice,cvm,ap-guangzhou,true,prepaid,false,3,months,,,\n"
                          "ins-4,alice,cvm,ap-guangzhou,true,prepaid,false,3,months,,,ins-1\n";
  Result<std::vector<Resource>> r = ParseResourcesCsv(csv);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(Fields(r.error()),
            (std::vector<std::string>{"line[3].kind", "line[3].mainland", "line[3].purchased_unit",
                                      "line[3].expires_at", "line[3].public_ip", "line[4]"}));
  // Rows that parse are checked against each other once every row parses.
  Result<std::vector<Resource>> links = ParseResourcesCsv(
      std::string(kHeader) + "ins-1,alice,cvm,ap-guangzhou,true,prepaid,false,3,months,,,\n" +
      "ins-1,alice,cvm,ap-guangzhou,true,prepaid,false,3,months,,,\n" +
      "ins-4,alice,cvm,ap-guangzhou,true,prepaid,false,3,months,,,ins-1\n");
  ASSERT_FALSE(links.has_value());
  EXPECT_EQ(Fields(links.error()), (std::vector<std::string>{"line[3].id", "line[4].parent"}));
}

TEST(ParseResourcesCsv, RefusesAWrongHeaderAndBrokenQuoting) {
  EXPECT_EQ(ParseResourcesCsv("id,account\nx,y\n").error().rule(), "resource-import.header");
  EXPECT_EQ(ParseResourcesCsv("").error().rule(), "resource-import.header");
  EXPECT_EQ(ParseResourcesCsv(std::string(kHeader) + "\"ins-1,alice\n").error().rule(),
            "resource-import.csv");
  EXPECT_TRUE(ParseResourcesCsv(kHeader).value().empty());
}

TEST(ParseResourcesJson, ReadsTheSameFields) {
  Result<std::vector<Resource>> r = ParseResourcesJson(R"({"resources": [
    {"id": "lb-1", "account": "alice", "kind": "clb", "region": "ap-guangzhou",
     "mainland": true, "billing": "pay_as_you_go", "purchased": {"count": 0, "unit": "months"},
     "backends": [{"id": "ins-1", "account": "alice", "kind": "cvm", "region": "ap-guangzhou",
                   "mainland": true, "billing": "prepaid", "purchased": {"count": 3, "unit": "months"},
                   "expires_at": "2027-03-01T00:00:00+08:00", "public_ip": "2001:db8::10"}]}]})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  ASSERT_EQ((*r)[0].backends.size(), 1u);
  EXPECT_EQ((*r)[0].backends[0].public_ip, "2001:db8::10");
}

TEST(ParseResourcesJson, NamesEveryProblemWithItsPath) {
  Result<std::vector<Resource>> r = ParseResourcesJson(R"({"resources": [
    {"id": "ins 1", "account": "alice", "kind": "cvm", "region": "ap-guangzhou", "mainland": "yes",
     "billing": "prepaid", "purchased": {"count": 3, "unit": "months"}, "colour": "red"},
    {"id": "ins-2", "account": "alice", "kind": "cvm", "region": "ap-guangzhou", "mainland": true,
     "billing": "prepaid", "purchased": {"count": 3, "unit": "months"},
     "backends": [{"id": "x"}]}]})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(Fields(r.error()),
            (std::vector<std::string>{"resources[0].colour", "resources[0].mainland",
                                      "resources[0].id", "resources[1].backends"}));
  EXPECT_EQ(ParseResourcesJson("[1]").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseResourcesJson("{").error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace icp::codec
