#pragma once

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>

#include "cli/http_client.h"

namespace CLI {
class App;
}

namespace icp::cli {

// Transfers of a subject between accounts (备案转移, docs/transfers.md), over icpd's API as
// `icpctl login` signed in:
//   icpctl transfers request (--subject-number N | --certificate-type T --certificate-number N)
//                            --reason R --letter FILE --id-document FILE [--certificate FILE]
//   icpctl transfers list [--state pending]     yours (customers) or everyone's (staff)
//   icpctl transfers show ID                    the transfer and its evidence
//   icpctl transfers approve|reject ID --reason R                  (admins)
//   icpctl transfers object ID --reason R       the old account, within the window
//   icpctl transfers withdraw ID                the requester
// Acts read the transfer first and send its ETag as If-Match.
class TransferCommands {
 public:
  static std::unique_ptr<TransferCommands> Register(CLI::App& app);

  bool parsed() const;
  int Run(HttpClient& http, const std::filesystem::path& token_file, std::ostream& out,
          std::ostream& err);

 private:
  TransferCommands() = default;

  CLI::App* group_ = nullptr;
  CLI::App* request_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* show_ = nullptr;
  CLI::App* approve_ = nullptr;
  CLI::App* reject_ = nullptr;
  CLI::App* object_ = nullptr;
  CLI::App* withdraw_ = nullptr;
  std::string id_;
  std::string subject_number_;
  std::string certificate_type_;
  std::string certificate_number_;
  std::string reason_;
  std::string letter_;
  std::string id_document_;
  std::string certificate_;
  std::string state_;
};

}  // namespace icp::cli
