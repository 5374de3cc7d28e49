#include "cli/auth_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include <sstream>

namespace icp::cli {
namespace {

// Answers every call with `reply` and keeps what was sent.
class FakeHttp final : public HttpClient {
 public:
  Result<HttpReply> Send(const HttpCall& call) override {
    calls.push_back(call);
    return reply;
  }
  HttpReply reply;
  std::vector<HttpCall> calls;
};

std::filesystem::path TempDir() {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("icpctl-auth-" + std::to_string(::getpid()) + "-" +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  return dir;
}

Result<std::string> FixedPassword(std::string_view, std::string_view) {
  return std::string("pw-123456");
}

TEST(TokenFile, IsWrittenOwnerOnlyAndReadBack) {
  const std::filesystem::path file = TempDir() / "beian" / "token";
  ::umask(022);
  ASSERT_TRUE(WriteTokenFile(file, {"http://h:1", "sess", "csrf"}).has_value());
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(file.parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  Result<StoredToken> back = ReadTokenFile(file);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->url, "http://h:1");
  EXPECT_EQ(back->session, "sess");
  EXPECT_EQ(back->csrf_token, "csrf");
  EXPECT_EQ(ReadTokenFile(file.parent_path() / "none").error().rule(), "cli.not-signed-in");
}

TEST(AuthCommands, LoginPostsTheCredentialsAndKeepsTheCookieAndCsrfToken) {
  CLI::App app;
  std::unique_ptr<AuthCommands> cmds = AuthCommands::Register(app, [](CLI::App*) {});
  app.parse("login --url http://127.0.0.1:9/ --login alice");
  ASSERT_TRUE(cmds->parsed());
  FakeHttp http;
  http.reply.status = 201;
  http.reply.headers.emplace("set-cookie", "icp_session=tok123; Path=/; HttpOnly");
  http.reply.body = R"({"role":"customer","csrf_token":"c-1","expires_at":"2026-11-29T14:00:00Z"})";
  const std::filesystem::path file = TempDir() / "token";
  std::ostringstream out, err;
  ASSERT_EQ(cmds->Run(http, file, FixedPassword, out, err), 0) << err.str();
  ASSERT_EQ(http.calls.size(), 1u);
  EXPECT_EQ(http.calls[0].method, "POST");
  EXPECT_EQ(http.calls[0].url, "http://127.0.0.1:9/v1/sessions");
  EXPECT_NE(http.calls[0].body.find("\"pw-123456\""), std::string::npos);
  Result<StoredToken> token = ReadTokenFile(file);
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->session, "tok123");
  EXPECT_EQ(token->csrf_token, "c-1");
  EXPECT_NE(out.str().find("signed in as alice"), std::string::npos);
}

TEST(AuthCommands, ARefusalIsPrintedWithItsRuleAndRetryAfter) {
  CLI::App app;
  std::unique_ptr<AuthCommands> cmds = AuthCommands::Register(app, [](CLI::App*) {});
  app.parse("login --url http://h --login alice");
  FakeHttp http;
  http.reply.status = 429;
  http.reply.headers.emplace("retry-after", "4");
  http.reply.body =
      R"({"detail":"too many failed sign-ins","violations":[{"field":"","rule":"auth.throttled","message":"wait"}]})";
  std::ostringstream out, err;
  EXPECT_EQ(cmds->Run(http, TempDir() / "token", FixedPassword, out, err), 1);
  EXPECT_NE(err.str().find("[auth.throttled]"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("try again in 4 s"), std::string::npos) << err.str();
}

TEST(AuthCommands, CommandsAfterLoginSendTheCookieAndTheCsrfToken) {
  const std::filesystem::path file = TempDir() / "token";
  ASSERT_TRUE(WriteTokenFile(file, {"http://h", "tok", "csrf-9"}).has_value());
  CLI::App app;
  std::unique_ptr<AuthCommands> cmds = AuthCommands::Register(app, [](CLI::App*) {});
  app.parse("accounts disable 7");
  FakeHttp http;
  http.reply.status = 200;
  http.reply.body = R"({"id":7,"login":"bob","role":"customer","status":"disabled"})";
  std::ostringstream out, err;
  ASSERT_EQ(cmds->Run(http, file, FixedPassword, out, err), 0) << err.str();
  ASSERT_EQ(http.calls.size(), 1u);
  EXPECT_EQ(http.calls[0].url, "http://h/v1/accounts/7:disable");
  EXPECT_EQ(http.calls[0].headers["Cookie"], "icp_session=tok");
  EXPECT_EQ(http.calls[0].headers["X-CSRF-Token"], "csrf-9");
  EXPECT_NE(out.str().find("bob"), std::string::npos);
}

}  // namespace
}  // namespace icp::cli
