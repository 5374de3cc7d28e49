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
#include <random>
#include <string>
#include <thread>

#include "bureau_sim/service.h"
#include "bureau_sim/store.h"
// ---- the portal part: SMS verification, the sink, the portal stand-in, test hooks ----
#include "bureau_sim/faults.h"
#include "bureau_sim/offset_clock.h"
#include "bureau_sim/portal.h"
#include "bureau_sim/sms_store.h"
// ---- end of the portal part ----
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

// ---- the portal part ----
// What `serve` takes for the portal stand-in and its test hooks.
struct PortalFlags {
  bool test_hooks = false;  // /test/ endpoints: the sink's messages, the settable clock
  icp::bureau_sim::FaultOptions faults;  // around the SOAP endpoints
};

// The SMS verifier and message sink over the store's file: codes from the operating system's
// random generator.
icp::Result<std::unique_ptr<icp::bureau_sim::SmsStore>> OpenSmsStore(const std::string& data_dir,
                                                                     icp::Clock& clock) {
  auto device = std::make_shared<std::random_device>();
  return icp::bureau_sim::SmsStore::Open(
      std::filesystem::path(data_dir) / "bureau.db",
      [device] { return (std::uint64_t{(*device)()} << 32) | (*device)(); }, NowSeconds(clock));
}
// ---- end of the portal part ----

int Serve(const std::string& data_dir, const std::string& address, std::uint16_t port,
          const PortalFlags& portal) {
  spdlog::set_default_logger(spdlog::stderr_logger_mt("icp-bureau"));
  // The serve clock: the system's, moved forward only by the test hooks (POST /test/clock).
  icp::RealClock system_clock;
  icp::bureau_sim::OffsetClock clock(system_clock);
  icp::Result<std::unique_ptr<icp::bureau_sim::Store>> store = OpenStore(data_dir, clock);
  if (!store) {
    PrintError("cannot open the store", store.error());
    return 1;
  }
  icp::bureau_sim::Service service(**store, clock);
  icp::http::Router router;
  icp::bureau_sim::AddRoutes(router, service);
  // ---- the portal part ----
  icp::Result<std::unique_ptr<icp::bureau_sim::SmsStore>> sms = OpenSmsStore(data_dir, clock);
  if (!sms) {
    PrintError("cannot open the SMS store", sms.error());
    return 1;
  }
  if (icp::Result<void> ok = icp::bureau_sim::CheckFaultOptions(portal.faults); !ok) {
    PrintError("bad fault options", ok.error());
    return 2;
  }
  icp::bureau_sim::FaultInjector faults(portal.faults);
  if (portal.faults.any()) {
    spdlog::warn(
        "fault injection on: error rate {}, drop rate {}, latency {} ms, duplicate "
        "downloads {}, seed {}",
        portal.faults.error_rate, portal.faults.drop_rate, portal.faults.latency_ms,
        portal.faults.duplicate_download_rate, portal.faults.seed);
    router = icp::bureau_sim::WithFaults(router, faults);
  }
  icp::bureau_sim::AddPortalRoutes(router, **sms, clock);
  if (portal.test_hooks) {
    spdlog::warn("test hooks on: /test/ reads every message and moves the clock");
    icp::bureau_sim::AddTestHookRoutes(router, **sms, clock);
  }
  // ---- end of the portal part ----
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
    // ---- the portal part ----
    PortalFlags portal;
    serve->add_flag("--test-hooks", portal.test_hooks,
                    "serve /test/ endpoints (the sink's messages, a settable clock): tests only");
    serve->add_option("--fault-error-rate", portal.faults.error_rate,
                      "share of SOAP calls answered with a server Fault, not processed (0-1)");
    serve->add_option("--fault-drop-rate", portal.faults.drop_rate,
                      "share of SOAP calls processed whose answer is dropped (0-1)");
    serve->add_option("--fault-latency-ms", portal.faults.latency_ms,
                      "delay before each SOAP call is processed");
    serve->add_option("--fault-duplicate-downloads", portal.faults.duplicate_download_rate,
                      "share of acknowledged download files delivered once more (0-1)");
    serve->add_option("--fault-seed", portal.faults.seed, "seed of the fault decisions");
    // ---- end of the portal part ----

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
    if (serve->parsed()) return Serve(data_dir, address, static_cast<std::uint16_t>(port), portal);
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
