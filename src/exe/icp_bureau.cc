// icp-bureau: the bureau side (管局 + MIIT) that Beian submits filings to. At this stage it
// reports its version and usage; the service arrives with its own issue.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "version.h"

int main(int argc, char** argv) {
  try {
    CLI::App app{
        "icp-bureau: the bureau side of ICP filing (submissions, SMS verification, numbers)"};
    app.set_version_flag("--version", std::string("icp-bureau ") + ICP_VERSION);
    CLI::App* serve = app.add_subcommand("serve", "Serve the bureau API");
    int port = 8090;
    serve->add_option("--port", port, "TCP port on 127.0.0.1 (0 picks a free one)");
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int code = app.exit(e);
      return code == 0 ? 0 : 2;
    }
    if (!serve->parsed()) {
      std::cout << app.help();
      return 0;
    }
    std::cout << "icp-bureau " << ICP_VERSION << "\n"
              << "The bureau service is not built yet; nothing was started.\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "icp-bureau: internal error: " << e.what() << "\n";
    return 3;
  }
}
