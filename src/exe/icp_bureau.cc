// icp-bureau: the stand-in for the bureau's side (管局 + MIIT) of MIIT's enterprise interface
// V3.0 (docs/bureau-protocol.md, "icp-bureau"). `serve` answers the SOAP upload/download
// service on loopback until SIGTERM or SIGINT; `providers add` opens a provider's account.
#include <signal.h>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>

#include "bureau_sim/service.h"
#include "bureau_sim/store.h"
#include "clock.h"
#include "http/dispatcher.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "version.h"

namespace {

void PrintError(std::string_view what, const icp::Error& error) {
  std::cerr << "icp-bureau: " << what << ": " << error.message << "\n";
  for (const icp::FieldViolation& v : error.violations) {
    std::cerr << "  " << v.field << ": " << v.message << " (" << v.rule << ")\n";
  }
}

std::int64_t NowSeconds(icp::Clock& clock) { return clock.Now().time_since_epoch().count(); }

icp::Result<std::unique_ptr<icp::bureau_sim::Store>> OpenStore(const std::string& data_dir,
                                                               icp::Clock& clock) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return icp::FailedPrecondition("cannot create " + data_dir + ": " + ec.message());
  return icp::bureau_sim::Store::Open(std::filesystem::path(data_dir) / "bureau.db",
                                      NowSeconds(clock));
}

int Serve(const std::string& data_dir, const std::string& address, std::uint16_t port) {
  spdlog::set_default_logger(spdlog::stderr_logger_mt("icp-bureau"));
  icp::RealClock clock;
  icp::Result<std::unique_ptr<icp::bureau_sim::Store>> store = OpenStore(data_dir, clock);
  if (!store) {
    PrintError("cannot open the store", store.error());
    return 1;
  }
  icp::bureau_sim::Service service(**store, clock);
  icp::http::Router router;
  icp::bureau_sim::AddRoutes(router, service);
  icp::http::Metrics metrics;
  const icp::http::Dispatcher dispatcher(router, metrics);

  // As icpd: the signals are blocked before the server's threads start and taken by one
  // waiting thread, which stops the server.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  icp::http::ServerOptions options;
  options.address = address;
  options.port = port;
  options.max_body_bytes = 64 << 20;  // a 50 MB file in base64 (§1.6) and its envelope
  icp::http::Server server(options, dispatcher);
  icp::Result<std::uint16_t> listening = server.Listen();
  if (!listening) {
    PrintError("cannot listen", listening.error());
    return 1;
  }
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    spdlog::info("received signal {}: shutting down", signal);
    server.Stop();
  });
  std::cout << "icp-bureau " << ICP_VERSION << " serving " << data_dir << "/bureau.db\n"
            << "listening on http://" << address << ":" << *listening << std::endl;
  server.Run();
  waiter.join();
  std::cout << "stopped" << std::endl;
  return 0;
}

int AddProvider(const std::string& data_dir, std::int64_t isp_id, const std::string& user_name,
                std::string password) {
  if (password.empty()) {
    const char* from_env = std::getenv("ICP_BUREAU_PROVIDER_PASSWORD");
    if (from_env != nullptr) password = from_env;
  }
  if (password.empty()) {
    std::cerr << "icp-bureau: give the password with --password or ICP_BUREAU_PROVIDER_PASSWORD\n";
    return 2;
  }
  icp::RealClock clock;
  icp::Result<std::unique_ptr<icp::bureau_sim::Store>> store = OpenStore(data_dir, clock);
  if (!store) {
    PrintError("cannot open the store", store.error());
    return 1;
  }
  if (icp::Result<void> added =
          (*store)->AddProvider(isp_id, user_name, password, NowSeconds(clock));
      !added) {
    PrintError("cannot add the provider", added.error());
    return 1;
  }
  std::cout << "provider " << isp_id << " (" << user_name << ") added\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    CLI::App app{"icp-bureau: the bureau's side of MIIT's enterprise interface V3.0"};
    app.set_version_flag("--version", std::string("icp-bureau ") + ICP_VERSION);
    app.require_subcommand(0, 1);
    std::string data_dir = "bureau-data";

    CLI::App* serve = app.add_subcommand("serve", "Serve the SOAP interface on loopback");
    int port = 8090;
    std::string address = "127.0.0.1";
    serve->add_option("--port", port, "TCP port (0 picks a free one)")->check(CLI::Range(0, 65535));
    serve->add_option("--address", address, "address to listen on");
    serve->add_option("--data-dir", data_dir, "directory of the store (bureau.db)");

    CLI::App* providers = app.add_subcommand("providers", "Provider accounts");
    providers->require_subcommand(1);
    CLI::App* add = providers->add_subcommand("add", "Open a provider's account");
    std::int64_t isp_id = 0;
    std::string user_name;
    std::string password;
    add->add_option("--isp-id", isp_id, "the provider's ispId")->required();
    add->add_option("--user-name", user_name, "the account's userName (default: the ispId)");
    add->add_option("--password", password,
                    "the password pwdHash is made from (or ICP_BUREAU_PROVIDER_PASSWORD)");
    add->add_option("--data-dir", data_dir, "directory of the store (bureau.db)");
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int code = app.exit(e);
      return code == 0 ? 0 : 2;
    }
    if (serve->parsed()) return Serve(data_dir, address, static_cast<std::uint16_t>(port));
    if (add->parsed()) {
      return AddProvider(data_dir, isp_id, user_name.empty() ? std::to_string(isp_id) : user_name,
                         password);
    }
    std::cout << app.help();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "icp-bureau: internal error: " << e.what() << "\n";
    return 3;
  }
}
