// icpctl: Beian's command line. Offline commands work without a server; the commands that
// talk to icpd arrive with the API.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "cli/check_command.h"
#include "exe/clock.h"
#include "version.h"

int main(int argc, char** argv) {
  try {
    CLI::App app{"icpctl: the command line of Beian, an ICP filing (ICP备案) platform"};
    app.set_version_flag("--version", std::string("icpctl ") + ICP_VERSION);
    app.require_subcommand(1);

    icp::cli::CheckRequest check;
    std::string kinds;
    for (std::string_view k : icp::cli::CheckKinds()) kinds += std::string(kinds.empty() ? "" : ", ") + std::string(k);
    CLI::App* check_cmd = app.add_subcommand(
        "check", "Validate one identifier offline and show what it encodes (exit 0 valid, 1 invalid)");
    check_cmd->add_option("kind", check.kind, "One of: " + kinds)->required();
    check_cmd->add_option("value", check.value, "The value as written, e.g. 11010519491231002X")
        ->required();
    check_cmd->add_flag("--json", check.json, "Print one JSON object");
    check_cmd->footer(
        "Examples:\n"
        "  icpctl check resident-id 11010519491231002X\n"
        "  icpctl check credit-code 91350100M000100Y43 --json\n"
        "  icpctl check domain 例子.中国\n"
        "  icpctl check filing-number 京ICP备12345678号-1");

    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int code = app.exit(e);
      return code == 0 ? 0 : 2;  // --help and --version exit 0; usage errors exit 2
    }
    if (check_cmd->parsed()) {
      return icp::cli::RunCheck(check, icp::TodayInChina(), std::cout, std::cerr);
    }
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "icpctl: internal error: " << e.what() << "\n";
    return 3;
  }
}
