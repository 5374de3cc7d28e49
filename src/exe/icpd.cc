// icpd: the Beian platform server. `icpd serve` opens the store, builds the route table and
// serves HTTP until SIGTERM or SIGINT, then finishes the requests in flight and exits 0.
#include <pthread.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "exe/clock.h"
#include "exe/storage_config.h"
#include "http/dispatcher.h"
#include "http/metrics.h"
#include "http/routes.h"
#include "http/server.h"
#include "version.h"

namespace {

// What `icpd serve` reads: flags, then ICP_* variables for what no flag gave
// (docs/configuration.md).
struct ServeConfig {
  icp::StorageConfig storage;
  icp::http::ServerOptions server;
};

// Prints an error with each of its violations, the way icpctl does.
void PrintError(std::string_view what, const icp::Error& error) {
  std::cerr << "icpd: " << what << ": " << error.message << "\n";
  for (const icp::FieldViolation& v : error.violations) {
    std::cerr << "  " << (v.field.empty() ? "-" : v.field) << " [" << v.rule << "] " << v.message
              << "\n";
  }
}

// Reads unsigned variable `name` into `out` unless `given` (a flag set it); false and a
// message naming the variable when it is not a number in [min, max].
template <typename T>
bool FromEnvironment(const char* name, bool given, T& out, T min, T max,
                     std::vector<std::string>& problems) {
  const char* v = std::getenv(name);
  if (given || v == nullptr) return true;
  std::string_view text(v);
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || n < min || n > max) {
    problems.push_back(std::string(name) + "=" + v + " is not a number from " +
                       std::to_string(min) + " to " + std::to_string(max));
    return false;
  }
  out = static_cast<T>(n);
  return true;
}

std::string Url(const std::string& address, std::uint16_t port) {
  const bool v6 = address.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

int Serve(ServeConfig config) {
  // Access log and diagnostics go to stderr; stdout carries the few lines an operator (and
  // the e2e test) waits for.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("icpd"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");

  icp::Result<icp::OpenedStore> store =
      icp::OpenStore(config.storage, std::chrono::floor<std::chrono::seconds>(icp::RealNow()),
                     icp::sql::SchemaPolicy::kMigrate);
  if (!store) {
    PrintError("cannot open the store", store.error());
    return 1;
  }
  icp::http::Metrics metrics;
  const icp::StorageConfig storage = config.storage;
  const icp::http::Services services{
      {*store->database, [storage] { return icp::CheckSchemaCurrent(storage); }}, metrics};
  const icp::http::Router router = icp::http::BuildRouter(services);
  const icp::http::Dispatcher dispatcher(router, metrics);

  // SIGTERM and SIGINT are blocked before the server starts its threads (they inherit the
  // mask) and taken by one waiting thread, which asks the server to stop: no work happens in
  // a signal handler. Until here they end the process the default way.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  config.server.on_draining = [] {
    std::cout << "stopping: no new connections; finishing the requests in flight" << std::endl;
  };
  icp::http::Server server(config.server, dispatcher);
  icp::Result<std::uint16_t> port = server.Listen();
  if (!port) {
    PrintError("cannot listen", port.error());
    return 1;
  }
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    spdlog::info("received signal {}: shutting down", signal);
    server.Stop();
  });

  std::cout << "icpd " << ICP_VERSION << " serving " << store->description << "\n"
            << "listening on " << Url(config.server.address, *port) << std::endl;
  server.Run();
  waiter.join();
  std::cout << "stopped" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    CLI::App app{"icpd: the Beian ICP filing platform server"};
    app.set_version_flag("--version", std::string("icpd ") + ICP_VERSION);
    CLI::App* serve = app.add_subcommand("serve", "Serve the filing API");
    ServeConfig config;
    std::string data_dir;
    serve->add_option("--listen", config.server.address,
                      "IP address to listen on (ICP_LISTEN; default 127.0.0.1)");
    serve->add_option("--port", config.server.port,
                      "TCP port (ICP_PORT; default 8080; 0 picks a free one and prints it)");
    serve->add_option("--max-body-bytes", config.server.max_body_bytes,
                      "Largest request body accepted (ICP_MAX_BODY_BYTES; default 1048576)");
    serve->add_option("--data-dir", data_dir,
                      "Data directory: icp.db and pii.key live here (ICP_DATA_DIR; default var)");
    serve->add_option("--database", config.storage.database,
                      "postgresql://... or sqlite:PATH (ICP_DATABASE; default SQLite in the "
                      "data directory)");
    serve->add_option("--pii-key", config.storage.pii_key,
                      "Key file for personal data (ICP_PII_KEY; default DATA_DIR/pii.key)");
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
    if (!data_dir.empty()) config.storage.data_dir = data_dir;
    config.storage.ApplyEnvironment();
    std::vector<std::string> problems;
    if (const char* v = std::getenv("ICP_LISTEN"); v != nullptr && serve->count("--listen") == 0) {
      config.server.address = v;
    }
    FromEnvironment<std::uint16_t>("ICP_PORT", serve->count("--port") > 0, config.server.port, 0,
                                   65535, problems);
    FromEnvironment<std::size_t>("ICP_MAX_BODY_BYTES", serve->count("--max-body-bytes") > 0,
                                 config.server.max_body_bytes, 1, std::size_t{1} << 30, problems);
    if (!problems.empty()) {
      for (const std::string& p : problems) std::cerr << "icpd: " << p << "\n";
      return 2;
    }
    return Serve(std::move(config));
  } catch (const std::exception& e) {
    std::cerr << "icpd: internal error: " << e.what() << "\n";
    return 3;
  }
}
