#include "cli/records_command.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace icp::cli {
namespace {

class FakeHttp final : public HttpClient {
 public:
  Result<HttpReply> Send(const HttpCall& call) override {
    calls.push_back(call);
    return reply;
  }
  HttpReply reply;
  std::vector<HttpCall> calls;
};

std::filesystem::path WriteFile(std::string_view text) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() /
      ("icpctl-records-" + std::to_string(::getpid()) + "-" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json");
  std::ofstream(file) << text;
  return file;
}

const StoredToken kToken{"http://127.0.0.1:9", "sess", "csrf"};

TEST(RecordsImport, PostsTheFileToTheImportRouteAndPrintsWhatItDid) {
  const std::filesystem::path file = WriteFile(R"({"subjects": []})");
  FakeHttp http;
  http.reply.status = 200;
  http.reply.body =
      R"({"created": 1, "unchanged": 1, "subjects": [{"id": 4, "number": "粤ICP备2020012345号",)"
      R"( "outcome": "unchanged", "websites": [{"id": 9, "number": "粤ICP备2020012345号-2",)"
      R"( "outcome": "created"}]}]})";
  std::ostringstream out, err;
  ASSERT_EQ(RunRecordsImport(http, kToken, file, out, err), 0) << err.str();
  ASSERT_EQ(http.calls.size(), 1u);
  EXPECT_EQ(http.calls[0].method, "POST");
  EXPECT_EQ(http.calls[0].url, "http://127.0.0.1:9/v1/admin/records:import");
  EXPECT_EQ(http.calls[0].body, R"({"subjects": []})");
  EXPECT_NE(out.str().find("subject 4\t粤ICP备2020012345号\tunchanged"), std::string::npos);
  EXPECT_NE(out.str().find("website 9\t粤ICP备2020012345号-2\tcreated"), std::string::npos);
  EXPECT_NE(out.str().find("1 created, 1 unchanged"), std::string::npos) << out.str();
}

TEST(RecordsImport, PrintsEveryProblemWithItsPathAndRule) {
  const std::filesystem::path file = WriteFile("{}");
  FakeHttp http;
  http.reply.status = 409;
  http.reply.headers.emplace("content-type", "application/problem+json");
  http.reply.body =
      R"({"code": "ALREADY_EXISTS", "detail": "1 records clash", "violations": [{"field":)"
      R"( "subjects[0].websites[0].website.domains[0]", "rule": "website.domain-taken",)"
      R"( "message": "domain a.cn belongs to another website on record", "message_zh": ""}]})";
  std::ostringstream out, err;
  EXPECT_EQ(RunRecordsImport(http, kToken, file, out, err), 1);
  EXPECT_NE(err.str().find("nothing imported"), std::string::npos);
  EXPECT_NE(err.str().find("subjects[0].websites[0].website.domains[0]"), std::string::npos)
      << err.str();
  EXPECT_NE(err.str().find("website.domain-taken"), std::string::npos);
}

TEST(RecordsImport, AFileThatCannotBeReadIsAUsageError) {
  FakeHttp http;
  std::ostringstream out, err;
  EXPECT_EQ(RunRecordsImport(http, kToken, "/nonexistent/records.json", out, err), 2);
  EXPECT_TRUE(http.calls.empty());
}

}  // namespace
}  // namespace icp::cli
