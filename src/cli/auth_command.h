#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "app/auth_service.h"
#include "base/result.h"
#include "cli/http_client.h"

namespace CLI {
class App;
}

namespace icp::cli {

// What `icpctl login` keeps between commands (the token file, mode 0600 in a 0700
// directory): where icpd is, and the console session it opened (its cookie value and CSRF
// token).
struct StoredToken {
  std::string url;
  std::string session;
  std::string csrf_token;
};

Result<void> WriteTokenFile(const std::filesystem::path& path, const StoredToken& token);
// kNotFound (rule "cli.not-signed-in") when there is no token file: run icpctl login.
Result<StoredToken> ReadTokenFile(const std::filesystem::path& path);

// How the commands get a password: from the environment variable `variable` (ICP_PASSWORD
// to sign in, ICP_NEW_PASSWORD for a new account) when set, else a prompt on the terminal
// without echo. exe/ supplies it: nothing below exe/ reads the environment.
using PasswordSource =
    std::function<Result<std::string>(std::string_view variable, std::string_view prompt)>;
// Reads a line from /dev/tty with echo off; kFailedPrecondition without a terminal.
Result<std::string> PromptPassword(std::string_view prompt);

// `icpctl login|logout` and `icpctl accounts create|list|real-name|mobile|disable` over the
// API (api/openapi.yaml), and `icpctl accounts bootstrap` on the store itself.
class AuthCommands {
 public:
  static std::unique_ptr<AuthCommands> Register(
      CLI::App& app, const std::function<void(CLI::App*)>& add_store_options);

  bool parsed() const;
  // `accounts bootstrap`: needs the store, not a server.
  bool needs_store() const;

  // Runs a parsed API command. `token_file`: ICP_TOKEN_FILE or ~/.config/beian/token.
  int Run(HttpClient& http, const std::filesystem::path& token_file, const PasswordSource& password,
          std::ostream& out, std::ostream& err);
  // Runs `accounts bootstrap` with `auth` over the store; `actor` names the operator.
  int RunBootstrap(AuthService& auth, const PasswordSource& password, std::string_view actor,
                   std::ostream& out, std::ostream& err);

 private:
  AuthCommands() = default;

  CLI::App* login_ = nullptr;
  CLI::App* logout_ = nullptr;
  CLI::App* accounts_ = nullptr;
  CLI::App* create_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* real_name_ = nullptr;
  CLI::App* mobile_ = nullptr;
  CLI::App* disable_ = nullptr;
  CLI::App* bootstrap_ = nullptr;

  std::string url_;
  std::string login_name_;
  std::string role_ = "customer";
  std::string display_name_;
  std::string email_;
  std::string mobile_number_;
  std::string account_id_;
  std::string kind_;
  std::string real_name_value_;
  std::string cert_type_;
  std::string cert_number_;
  bool json_ = false;
};

}  // namespace icp::cli
