#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "cli/http_client.h"

namespace CLI {
class App;
}

namespace icp::cli {

// A whole filing from a terminal, over icpd's API as `icpctl login` signed in:
//   icpctl apply FILE                       open an application from a document (JSON)
//   icpctl upload ID FILE --kind K --owner O [--certificate-number N]
//   icpctl submit ID                        check the rules and send it for review
//   icpctl status ID                        state, deadline, the reasons of a return
//   icpctl review queue                     the review queue, oldest deadline first
//   icpctl review claim|pass ID
//   icpctl review contact ID reached|missed
//   icpctl review return ID --field F --reason R [--suggestion S]
//   icpctl codes create SERVER_ID           a 备案授权码 for one of this account's servers
//   icpctl codes list                       codes generated or redeemed by this account
//   icpctl codes revoke|redeem CODE
// Acts on an application read it first and send its ETag as If-Match, so an act on a copy
// someone changed meanwhile is refused (412) rather than applied.
class FilingCommands {
 public:
  static std::unique_ptr<FilingCommands> Register(CLI::App& app);

  bool parsed() const;
  // `token_file`: where `icpctl login` keeps the session.
  int Run(HttpClient& http, const std::filesystem::path& token_file, std::ostream& out,
          std::ostream& err);

 private:
  FilingCommands() = default;

  CLI::App* apply_ = nullptr;
  CLI::App* upload_ = nullptr;
  CLI::App* submit_ = nullptr;
  CLI::App* status_ = nullptr;
  CLI::App* review_ = nullptr;
  CLI::App* queue_ = nullptr;
  CLI::App* claim_ = nullptr;
  CLI::App* pass_ = nullptr;
  CLI::App* contact_ = nullptr;
  CLI::App* return_ = nullptr;
  CLI::App* codes_ = nullptr;
  CLI::App* code_create_ = nullptr;
  CLI::App* code_list_ = nullptr;
  CLI::App* code_revoke_ = nullptr;
  CLI::App* code_redeem_ = nullptr;
  std::string file_;
  std::string id_;
  std::string kind_;
  std::string owner_;
  std::string certificate_number_;
  std::string outcome_;
  std::string field_;
  std::string reason_;
  std::string suggestion_;
};

}  // namespace icp::cli
