#include "bureau/registry_client.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "miit/soap.h"

namespace icp::bureau {
namespace {

constexpr Date kToday{std::chrono::year(2026), std::chrono::November, std::chrono::day(23)};

// Answers each call with the next queued return (or a transport error), and keeps the
// requests it was sent, parsed as the bureau parses them.
class ScriptedTransport final : public SoapTransport {
 public:
  std::deque<Result<miit::MethodReturn>> answers;
  std::vector<miit::SoapRequest> requests;
  std::vector<std::string> urls;

  Result<std::string> Post(const std::string& url, std::string_view,
                           std::string_view envelope) override {
    Result<miit::SoapRequest> parsed = miit::ParseRequest(envelope);
    EXPECT_TRUE(parsed.has_value());
    if (parsed) requests.push_back(*parsed);
    urls.push_back(url);
    if (answers.empty()) return Refusal(ErrorCode::kUnavailable, "", "test", "no answer queued");
    Result<miit::MethodReturn> a = answers.front();
    answers.pop_front();
    if (!a) return std::unexpected(a.error());
    return miit::BuildResponse(parsed->method, *a);
  }
};

GatewaySettings Settings() {
  GatewaySettings s;
  s.base_url = "http://bureau.test";
  s.isp_id = 440000000001;
  s.user_name = "u";
  s.password = "secret01";
  return s;
}

miit::MethodReturn Filed(std::string subject, std::string name, std::string website) {
  miit::MethodReturn r;
  r.status_info = miit::StatusInfo{0, "example.cn", 0, subject, name, website};
  return r;
}

TEST(RegistryClient, AsksByDomainAndReadsTheFiledRecord) {
  ScriptedTransport t;
  t.answers.push_back(Filed("粤ICP备2026000001号", "示例", "粤ICP备2026000001号-1"));
  RegistryClient client(Settings(), t);
  Result<RegistryStatus> s = client.StatusOfDomain(*DomainName::Parse("Example.CN"));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_TRUE(s->filed);
  EXPECT_EQ(s->subject_number, "粤ICP备2026000001号");
  EXPECT_EQ(s->website_number, "粤ICP备2026000001号-1");
  ASSERT_EQ(t.requests.size(), 1u);
  EXPECT_EQ(t.requests[0].query_condition_type, 0);
  EXPECT_EQ(t.requests[0].query_condition, "example.cn");
  EXPECT_EQ(t.requests[0].isp_id, 440000000001);
  EXPECT_EQ(t.urls[0], "http://bureau.test/BeianStatusWebService/queryBeianStatus");
}

TEST(RegistryClient, ReadsBaztOneAsNotFiled) {
  ScriptedTransport t;
  miit::MethodReturn r;
  r.status_info = miit::StatusInfo{0, "example.cn", 1, std::nullopt, std::nullopt, std::nullopt};
  t.answers.push_back(r);
  RegistryClient client(Settings(), t);
  Result<RegistryStatus> s = client.StatusOfDomain(*DomainName::Parse("example.cn"));
  ASSERT_TRUE(s.has_value());
  EXPECT_FALSE(s->filed);
}

TEST(RegistryClient, AsksByCertificateWithItsZjlx) {
  ScriptedTransport t;
  t.answers.push_back(Filed("粤ICP备2026000001号", "", ""));
  RegistryClient client(Settings(), t);
  Result<Certificate> c =
      Certificate::Parse(CertificateType::kBusinessLicence, "91350100M000100Y43", kToday);
  ASSERT_TRUE(c.has_value());
  Result<std::optional<RegistryStatus>> s =
      client.StatusOfCertificate(SubjectType::kEnterprise, *c);
  ASSERT_TRUE(s.has_value());
  ASSERT_TRUE(s->has_value());
  EXPECT_EQ((*s)->subject_number, "粤ICP备2026000001号");
  EXPECT_EQ(t.requests[0].query_condition_type, 1);  // 工商营业执照
  EXPECT_EQ(t.requests[0].query_condition, "91350100M000100Y43");
}

TEST(RegistryClient, DoesNotAskForACertificateV30CannotQuery) {
  ScriptedTransport t;
  RegistryClient client(Settings(), t);
  Result<Certificate> c =
      Certificate::Parse(CertificateType::kCreditCodeCertificate, "91350100M000100Y43", kToday);
  ASSERT_TRUE(c.has_value());
  Result<std::optional<RegistryStatus>> s =
      client.StatusOfCertificate(SubjectType::kGovernment, *c);
  ASSERT_TRUE(s.has_value());
  EXPECT_FALSE(s->has_value());
  EXPECT_TRUE(t.requests.empty());
}

TEST(RegistryClient, UnreachableOrRefusedIsUnavailable) {
  ScriptedTransport t;
  t.answers.push_back(Refusal(ErrorCode::kDeadlineExceeded, "", "test", "timed out"));
  t.answers.push_back(miit::MethodReturn::Of(miit::MsgCode::kBadPassword));
  RegistryClient client(Settings(), t);
  for (int i = 0; i < 2; ++i) {
    Result<RegistryStatus> s = client.StatusOfDomain(*DomainName::Parse("example.cn"));
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(s.error().rule(), "bureau.unavailable");
  }
}

TEST(RegistryClient, VerifiesThePasswordAndTellsRightWrongAndLocked) {
  ScriptedTransport t;
  miit::MethodReturn right;
  right.verify_result = 0;
  miit::MethodReturn wrong;
  wrong.verify_result = 1;
  miit::MethodReturn locked;
  locked.msg_code = 22;
  locked.msg = "备案密码校验超过5次";
  t.answers = {right, wrong, locked};
  RegistryClient client(Settings(), t);
  const FilingNumber number = *FilingNumber::Parse("粤ICP备2026000001号");
  EXPECT_EQ(client.VerifyPassword(number, "口令ab").value(), PasswordVerdict::kRight);
  EXPECT_EQ(client.VerifyPassword(number, "x").value(), PasswordVerdict::kWrong);
  EXPECT_EQ(client.VerifyPassword(number, "x").value(), PasswordVerdict::kLocked);
  EXPECT_EQ(t.requests[0].baxh, "粤ICP备2026000001号");
  EXPECT_EQ(t.requests[0].bamm, "口令ab");
  EXPECT_EQ(t.urls[0], "http://bureau.test/BeianStatusWebService/verifyBamm");
}

}  // namespace
}  // namespace icp::bureau
