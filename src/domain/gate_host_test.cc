#include "domain/gate_host.h"

#include <gtest/gtest.h>

namespace icp {
namespace {

GateHost Name(std::string text) { return {GateHost::Kind::kName, std::move(text)}; }
GateHost Ip(std::string text) { return {GateHost::Kind::kIpLiteral, std::move(text)}; }

std::string RuleOf(std::string_view text) {
  Result<GateHost> h = ParseGateHost(text);
  if (h) return "accepted";
  EXPECT_EQ(h.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(h.error().violations.at(0).field, "host");
  return std::string(h.error().rule());
}

TEST(GateHost, FoldsCaseTheTrailingDotAndThePort) {
  EXPECT_EQ(ParseGateHost("WWW.Example.CN"), Name("www.example.cn"));
  EXPECT_EQ(ParseGateHost("example.cn."), Name("example.cn"));
  EXPECT_EQ(ParseGateHost("example.cn:8080"), Name("example.cn"));
  EXPECT_EQ(ParseGateHost("Example.CN.:443"), Name("example.cn"));
  EXPECT_EQ(ParseGateHost("localhost"), Name("localhost"));
}

TEST(GateHost, TurnsUnicodeLabelsIntoALabels) {
  EXPECT_EQ(ParseGateHost("www.例子.中国"), Name("www.xn--fsqu00a.xn--fiqs8s"));
  EXPECT_EQ(ParseGateHost("例子。中国:80"), Name("xn--fsqu00a.xn--fiqs8s"));
  EXPECT_EQ(ParseGateHost("WWW.xn--fsqu00a.xn--fiqs8s"), Name("www.xn--fsqu00a.xn--fiqs8s"));
}

TEST(GateHost, TellsIpLiteralsApart) {
  EXPECT_EQ(ParseGateHost("192.0.2.1"), Ip("192.0.2.1"));
  EXPECT_EQ(ParseGateHost("192.0.2.1:80"), Ip("192.0.2.1"));
  EXPECT_EQ(ParseGateHost("[2001:db8::1]:443"), Ip("2001:db8::1"));
  EXPECT_EQ(ParseGateHost("[::1]"), Ip("::1"));
  EXPECT_EQ(ParseGateHost("2001:db8::1"), Ip("2001:db8::1"));
  EXPECT_EQ(ParseGateHost("example.123"), Ip("example.123")) << "read as IPv4 by resolvers";
  EXPECT_EQ(ParseGateHost("0x7f000001"), Ip("0x7f000001"));
}

TEST(GateHost, RefusesBadInputNamingTheRule) {
  EXPECT_EQ(RuleOf(""), "gate.host-empty");
  EXPECT_EQ(RuleOf(":80"), "gate.host-empty");
  EXPECT_EQ(RuleOf(std::string(2000, 'a')), "gate.host-length");
  EXPECT_EQ(RuleOf(std::string(260, 'a') + ".cn"), "gate.host-length");
  EXPECT_EQ(RuleOf("example.cn:0"), "gate.host-port");
  EXPECT_EQ(RuleOf("example.cn:99999"), "gate.host-port");
  EXPECT_EQ(RuleOf("example.cn:http"), "gate.host-port");
  EXPECT_EQ(RuleOf("[::1]x"), "gate.host-port");
  EXPECT_EQ(RuleOf("-bad.cn"), "gate.host-label");
  EXPECT_EQ(RuleOf("a..b.cn"), "gate.host-label");
  EXPECT_EQ(RuleOf("under_score.cn"), "gate.host-label");
  EXPECT_EQ(RuleOf("sp ace.cn"), "gate.host-label");
  EXPECT_EQ(RuleOf(std::string(64, 'a') + ".cn"), "gate.host-label");
  EXPECT_EQ(RuleOf("[zz::1]"), "gate.host-label");
  EXPECT_EQ(RuleOf("\xff\xfe.cn"), "gate.host-encoding");
  EXPECT_EQ(RuleOf("例子_.中国"), "gate.host-idna");
}

}  // namespace
}  // namespace icp
