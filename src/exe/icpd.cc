// icpd: the Beian platform server. At this stage it reports its version and what it will
// serve; the HTTP API, storage and console arrive with the issues that build them.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "version.h"

int main(int argc, char** argv) {
  try {
    CLI::App app{"icpd: the Beian ICP filing platform server"};
    app.set_version_flag("--version", std::string("icpd ") + ICP_VERSION);
    CLI::App* serve = app.add_subcommand("serve", "Serve the filing API and the console");
    std::string data_dir = "./var";
    int port = 8080;
    serve->add_option("--data-dir", data_dir, "Data directory (SQLite file icp.db lives here)");
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
    std::cout << "icpd " << ICP_VERSION << "\n"
              << "The server is not built yet: the HTTP API, storage (SQLite / PostgreSQL), the\n"
              << "embedded bureau and the console come with the next issues. Nothing was started.\n"
              << "What works today is offline validation of every identifier a filing carries:\n"
              << "  build/bin/icpctl check --help\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "icpd: internal error: " << e.what() << "\n";
    return 3;
  }
}
