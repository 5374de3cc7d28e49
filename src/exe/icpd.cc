// icpd: the Beian platform server. `icpd serve` opens the store, builds the route table and
// serves HTTP until SIGTERM or SIGINT, then finishes the requests in flight and exits 0.
#include <pthread.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/account_real_names.h"
#include "app/application_service.h"
#include "app/auth_service.h"
#include "app/authorization_code_service.h"
#include "app/material_service.h"
#include "app/notification_service.h"
#include "app/operator_service.h"
#include "app/public_records.h"
#include "app/record_service.h"
#include "app/resource_service.h"
#include "app/review_service.h"
#include "app/transfer_service.h"
#include "app/verification_service.h"
#include "bureau/curl_transport.h"
#include "bureau/registry_client.h"
#include "cli/rules_command.h"
#include "codec/material_limits_json.h"
#include "crypto/sodium_password_hasher.h"
#include "exe/background.h"
#include "exe/clock.h"
#include "exe/config.h"
#include "exe/embedded_bureau.h"
#include "exe/random_code_source.h"
#include "exe/storage_config.h"
#include "exe/worker_identity.h"
#include "http/dispatcher.h"
#include "http/metrics.h"
#include "http/routes.h"
#include "http/server.h"
#include "http/session_authenticator.h"
#include "media/magic_sniffer.h"
#include "rules/evaluate.h"
#include "storage/files/blob_store.h"
#include "version.h"

namespace {

// What `icpd serve` runs with: the settings (exe/config.h) and the rules they name.
struct ServeConfig {
  icp::StorageConfig storage;
  icp::http::ServerOptions server;
  std::size_t max_upload_bytes = 0;
  std::shared_ptr<const icp::RuleSet> rules;
  // Accounts and sign-in (exe/config.h).
  icp::crypto::Argon2Limits password_limits;
  icp::AuthSettings auth;
  icp::http::CookieSettings cookie;
  icp::NotifySettings notify;
  icp::BureauSettings bureau;
  bool with_bureau = false;  // --with-bureau: an embedded icp-bureau (exe/embedded_bureau.h)
  icp::EmbeddedBureauOptions embedded_bureau;  // its --bureau-* flags
  // The console's build (docs/console.md); empty: web/ beside icpd's bin/, when there.
  std::filesystem::path console_dir;
};

// The console's built files, read once at start, by path relative to `dir` ("index.html",
// "assets/x.js"). An empty map (no console) when `dir` was not given and the default is not
// there; kInvalidArgument when a directory given has no index.html.
icp::Result<std::map<std::string, std::string>> ReadConsole(std::filesystem::path dir) {
  const bool given = !dir.empty();
  if (!given) {
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    dir = self.parent_path().parent_path() / "web";
  }
  std::map<std::string, std::string> files;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir / "index.html", ec)) {
    if (!given) return files;
    return icp::InvalidArgument("the console directory " + dir.string() +
                                " has no index.html: build web/ into it (make build)");
  }
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      return icp::Unavailable("cannot read " + it->path().string());
    }
    files.emplace(std::filesystem::relative(it->path(), dir).generic_string(), std::move(bytes));
  }
  if (ec) return icp::Unavailable("cannot list " + dir.string() + ": " + ec.message());
  return files;
}

// The real-name verification of accounts, for the authorization-code rules.
// Prints an error with each of its violations, the way icpctl does.
void PrintError(std::string_view what, const icp::Error& error) {
  std::cerr << "icpd: " << what << ": " << error.message << "\n";
  for (const icp::FieldViolation& v : error.violations) {
    std::cerr << "  " << (v.field.empty() ? "-" : v.field) << " [" << v.rule << "] " << v.message
              << "\n";
  }
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

  // SQLite is migrated in place. On PostgreSQL icpd runs as the runtime role, which owns
  // nothing and cannot migrate: the operator migrates as the owner (`icpctl db migrate`), and
  // icpd refuses a schema that is behind it, naming that command.
  const bool postgres = config.storage.database.starts_with("postgres");
  icp::Result<icp::OpenedStore> store = icp::OpenStore(
      config.storage, std::chrono::floor<std::chrono::seconds>(icp::RealNow()),
      postgres ? icp::sql::SchemaPolicy::kRequire : icp::sql::SchemaPolicy::kMigrate);
  if (!store) {
    PrintError("cannot open the store", store.error());
    return 1;
  }
  // Data steps SQL alone cannot do (docs/storage.md, "Backfills"); once done, nothing to do.
  if (store->admin != nullptr) {
    icp::Result<std::vector<icp::BackfillStatus>> backfilled = store->admin->Backfill();
    if (!backfilled) {
      PrintError("cannot backfill the store", backfilled.error());
      return 1;
    }
    for (const icp::BackfillStatus& b : *backfilled) {
      if (!b.ran) continue;
      spdlog::info("backfill {}: {} rows looked at, {} filled, {} unreadable", b.name, b.scanned,
                   b.filled, b.unreadable);
    }
  }
  // Materials: uploads go to a blob directory beside the database, typed by libmagic, within
  // the limits compiled in from data/reference/material_limits.json (docs/materials.md).
  icp::Result<std::unique_ptr<icp::files::BlobStore>> blobs =
      icp::files::BlobStore::Open(config.storage.data_dir / "blobs");
  if (!blobs) {
    PrintError("cannot open the blob directory", blobs.error());
    return 1;
  }
  icp::Result<std::unique_ptr<icp::media::MagicSniffer>> sniffer = icp::media::MagicSniffer::Open();
  if (!sniffer) {
    PrintError("cannot start libmagic", sniffer.error());
    return 1;
  }
  icp::Result<icp::MaterialLimits> limits = icp::codec::BuiltinMaterialLimits();
  if (!limits) {
    PrintError("bad material limits", limits.error());
    return 1;
  }
  // The resource numbers are national (data/rules/national.json); no province overrides
  // them, so any province's merged parameters carry them.
  const icp::EligibilityPolicy policy =
      icp::PolicyOf(config.rules->For(icp::Province::All().front()).parameters);
  // The real clock, or for e2e tests one moved by ICP_TEST_CLOCK_FILE (exe/clock.h).
  icp::RealClock real_clock;
  const char* shift = std::getenv("ICP_TEST_CLOCK_FILE");
  icp::ShiftedClock shifted_clock(shift != nullptr ? shift : "");
  icp::Clock& clock =
      shift != nullptr && *shift != '\0' ? static_cast<icp::Clock&>(shifted_clock) : real_clock;
  icp::AccountRealNames real_names;
  icp::RandomCodeSource code_source;
  icp::MaterialService materials(*store->database, **blobs, **sniffer, *limits, clock);
  icp::VerificationService verifications(*store->database, **blobs, **sniffer, *limits, clock);
  icp::ResourceService resources(*store->database, policy, clock);
  icp::AuthorizationCodeService codes(*store->database, policy, real_names, code_source, clock);
  icp::http::MaterialApi material_api{materials, verifications, resources, codes};

  icp::http::Metrics metrics;
  const icp::StorageConfig storage = config.storage;

  // ---- accounts, sessions and API keys (issue 9) ----
  icp::Result<icp::crypto::SodiumPasswordHasher> hasher =
      icp::crypto::SodiumPasswordHasher::Create(config.password_limits);
  if (!hasher) {
    PrintError("bad password hash limits", hasher.error());
    return 1;
  }
  icp::crypto::SodiumTokenSource tokens;
  icp::Result<std::unique_ptr<icp::AuthService>> auth =
      icp::AuthService::Create(*store->database, *hasher, tokens, clock, config.auth);
  if (!auth) {
    PrintError("cannot start the account service", auth.error());
    return 1;
  }
  icp::http::SessionAuthenticator authenticator(**auth, config.cookie);

  // ---- applications and the provider's review ----
  const icp::HolidayCalendar& calendar = icp::HolidayCalendar::Builtin();
  icp::ApplicationService applications(*store->database, config.rules, calendar, clock);
  icp::ReviewService reviews(*store->database, config.rules, calendar, clock);
  icp::http::ApplicationApi application_api{applications, reviews, *store->database, clock};
  icp::http::Services services{
      {*store->database, [storage] { return icp::CheckSchemaCurrent(storage); }},
      metrics,
      auth->get(),
      config.cookie,
      &application_api};
  services.materials = &material_api;
  // ---- transfers of a subject between accounts (备案转移) ----
  icp::TransferService transfers(*store->database, **blobs, **sniffer, *limits, clock);
  icp::http::TransferApi transfer_api{transfers, *store->database, clock};
  services.transfers = &transfer_api;
  // ---- filed records: their import and the customer's view ----
  icp::RecordService records(*store->database, clock);
  icp::http::RecordApi record_api{records, clock};
  services.records = &record_api;
  services.max_upload_bytes = config.max_upload_bytes;
  // ---- the access gate (issue 10): the in-memory index, built before the server listens ----
  // It reads from the replica when --read-database names one (issue 12): a public answer
  // may lag the primary by the replication delay, never show a write that did not commit.
  icp::Gate gate(store->reads());
  if (icp::Result<icp::GateRefresh> loaded = gate.Load(); !loaded) {
    PrintError("cannot build the access gate's index", loaded.error());
    return 1;
  }
  services.gate = &gate;
  // ---- the console's public query and operator pages ----
  // The public query reads from the replica too, when there is one (issue 12).
  icp::PublicRecordService public_records(store->reads());
  services.public_records = &public_records;
  icp::OperatorService operators(*store->database, config.rules, clock);
  icp::http::OperatorApi operator_api{operators};
  services.operators = &operator_api;
  // ---- the customer's notifications (站内消息) ----
  icp::NotificationService notifications(*store->database, clock);
  services.notifications = &notifications;
  const icp::http::Router router = icp::http::BuildRouter(services);
  // The console (web/, docs/console.md): its built files, read once, served at /console/.
  icp::Result<std::map<std::string, std::string>> console_files = ReadConsole(config.console_dir);
  if (!console_files) {
    PrintError("cannot load the console", console_files.error());
    return 1;
  }
  const icp::http::ConsoleSite console(std::move(*console_files));
  const icp::http::Dispatcher dispatcher(router, metrics, &authenticator, &console);

  // SIGTERM and SIGINT are blocked before the server starts its threads (they inherit the
  // mask) and taken by one waiting thread, which asks the server to stop: no work happens in
  // a signal handler. Until here they end the process the default way.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Notifications and the deadline sweeper (exe/background.h): two threads of their own,
  // started with the signals blocked like the server's, and stopped after the server.
  icp::Result<std::unique_ptr<icp::BackgroundWork>> background =
      icp::BackgroundWork::Start(*store->database, *config.rules, config.notify, metrics,
                                 icp::NewWorkerIdentity("icpd"), clock);
  if (!background) {
    PrintError("cannot start notifications and the sweeper", background.error());
    return 1;
  }
  // --with-bureau: icp-bureau beside icpd (the binary next to ours), stopped on exit.
  std::unique_ptr<icp::EmbeddedBureau> embedded;
  if (config.with_bureau) {
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    icp::Result<std::unique_ptr<icp::EmbeddedBureau>> started =
        icp::EmbeddedBureau::Start(self.parent_path() / "icp-bureau", config.storage.data_dir,
                                   config.embedded_bureau, config.bureau);
    if (!started) {
      PrintError("cannot start the embedded bureau", started.error());
      return 1;
    }
    embedded = std::move(*started);
    const icp::EmbeddedBureauOptions& o = config.embedded_bureau;
    std::cout << "bureau " << embedded->url() << " (embedded icp-bureau)\n"
              << "bureau review: "
              << (o.auto_review == "off"
                      ? "by a person: icp-bureau review list --data-dir " +
                            (config.storage.data_dir / "bureau").string()
                      : o.auto_review + " after " + std::to_string(o.review_delay_seconds) + " s")
              << "\n"
              << "bureau SMS portal: " << embedded->url() << "/portal/"
              << (o.test_hooks ? " (codes sent: " + embedded->url() + "/test/messages?to=MOBILE)"
                               : std::string())
              << std::endl;
  }
  // The bureau gateway (exe/background.h BureauWork), when a bureau is configured.
  std::unique_ptr<icp::BureauWork> bureau;
  if (!config.bureau.url.empty()) {
    icp::Result<std::unique_ptr<icp::BureauWork>> started =
        icp::BureauWork::Start(*store->database, **blobs, config.rules, config.bureau,
                               icp::NewWorkerIdentity("icpd-bureau"), clock);
    if (!started) {
      PrintError("cannot start the bureau gateway", started.error());
      return 1;
    }
    bureau = std::move(*started);
  }
  // The type check and the filing password ask the bureau's registry (isp_querybeianstatus,
  // isp_verifybamm) through a transport of their own with a short timeout: a customer waits.
  std::unique_ptr<icp::bureau::CurlTransport> registry_transport;
  std::unique_ptr<icp::bureau::RegistryClient> registry;
  if (!config.bureau.url.empty()) {
    icp::Result<icp::bureau::GatewaySettings> settings =
        icp::GatewaySettingsOf(config.bureau, "icpd-registry");
    if (!settings) {
      PrintError("bad bureau settings", settings.error());
      return 1;
    }
    registry_transport = std::make_unique<icp::bureau::CurlTransport>(std::chrono::seconds(10));
    registry = std::make_unique<icp::bureau::RegistryClient>(*settings, *registry_transport);
    applications.SetRegistry(registry.get());
  }

  // The gate follows the store's change sequence on a thread of its own (exe/background.h).
  icp::GateRefresher gate_refresher(gate, std::chrono::milliseconds(200), metrics);

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
  // After "listening on", which scripts and tests read as the second line.
  if (console.built()) {
    std::cout << "console " << Url(config.server.address, *port) << "/console/" << std::endl;
  }
  server.Run();
  waiter.join();
  if (bureau) bureau->Stop();
  (*background)->Stop();
  gate_refresher.Stop();
  std::cout << "stopped" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    CLI::App app{"icpd: the Beian ICP filing platform server"};
    app.set_version_flag("--version", std::string("icpd ") + ICP_VERSION);
    CLI::App* serve = app.add_subcommand("serve", "Serve the filing API");
    // Each flag is a setting of exe/config.h; what a flag gives wins over the config file,
    // which wins over the ICP_* environment (docs/configuration.md).
    struct Flag {
      const char* flag;
      const char* setting;
      const char* help;
    };
    static constexpr Flag kFlags[] = {
        {"--listen", "listen", "IP address to listen on (ICP_LISTEN; default 127.0.0.1)"},
        {"--port", "port", "TCP port (ICP_PORT; default 8080; 0 picks a free one and prints it)"},
        {"--max-body-bytes", "max_body_bytes",
         "Largest request body accepted (ICP_MAX_BODY_BYTES; default 1048576)"},
        {"--max-upload-bytes", "max_upload_bytes",
         "Largest body of the file upload routes (ICP_MAX_UPLOAD_BYTES; default 16777216)"},
        {"--data-dir", "data_dir",
         "Data directory: icp.db and pii.key live here (ICP_DATA_DIR; default var)"},
        {"--database", "database",
         "postgresql://... or sqlite:PATH (ICP_DATABASE; default SQLite in the data directory)"},
        {"--read-database", "read_database",
         "postgresql://... of a streaming replica of --database: the access gate's index "
         "loads and refreshes from it (ICP_READ_DATABASE; default: read from --database)"},
        {"--pii-key", "pii_key",
         "Key file for personal data (ICP_PII_KEY; default DATA_DIR/pii.key)"},
        {"--rules", "rules_dir",
         "Rules directory, checked at start (ICP_RULES_DIR; default data/rules)"},
        {"--console-dir", "console_dir",
         "The console's build, served at /console/ (ICP_CONSOLE_DIR; default web/ beside "
         "icpd's bin/ directory, when there)"},
        {"--cookie-secure", "cookie_secure",
         "auto, always or never: the session cookie's Secure flag (ICP_COOKIE_SECURE; default "
         "auto: Secure unless listening on loopback)"},
        {"--notify-sink", "notify_sink",
         "Where notifications go: log, smtp, webhook or smtp+webhook (ICP_NOTIFY_SINK; "
         "default log)"},
        {"--smtp-url", "smtp_url", "SMTP server, smtp://host:port (ICP_SMTP_URL)"},
        {"--smtp-from", "smtp_from", "Sender address of e-mail (ICP_SMTP_FROM)"},
        {"--sms-webhook-url", "sms_webhook_url", "SMS gateway URL (ICP_SMS_WEBHOOK_URL)"},
        {"--sweep-interval-seconds", "sweep_interval_seconds",
         "Seconds between deadline sweeps (ICP_SWEEP_INTERVAL_SECONDS; default 60)"},
        {"--log-level", "log_level",
         "debug, info, warn or error (ICP_LOG_LEVEL; default info; debug adds the gate's "
         "access lines)"},
    };
    std::vector<std::string> given(std::size(kFlags));
    for (std::size_t i = 0; i < std::size(kFlags); ++i) {
      serve->add_option(kFlags[i].flag, given[i], kFlags[i].help);
    }
    std::string config_file;
    serve->add_option("--config", config_file,
                      "JSON file of settings (config/icpd.example.json lists them all)");
    bool with_bureau = false;
    serve->add_flag("--with-bureau", with_bureau,
                    "Start an embedded icp-bureau on loopback (data in DATA_DIR/bureau) and send "
                    "filings to it; it stops with icpd");
    icp::EmbeddedBureauOptions embedded_bureau;
    serve
        ->add_option("--bureau-auto-review", embedded_bureau.auto_review,
                     "With --with-bureau: the embedded bureau decides filings in review itself "
                     "(off, approve or return; default off: icp-bureau review)")
        ->check(CLI::IsMember({"off", "approve", "return"}));
    serve
        ->add_option("--bureau-review-delay", embedded_bureau.review_delay_seconds,
                     "With --with-bureau and --bureau-auto-review: seconds a filing waits in "
                     "review first")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{31'536'000}));
    serve->add_flag("--bureau-test-hooks", embedded_bureau.test_hooks,
                    "With --with-bureau: the embedded bureau serves /test/ (the SMS codes it "
                    "sent, a settable clock); demos and tests only");
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
    std::vector<std::vector<icp::SettingSource>> layers{icp::SettingsFromEnvironment()};
    if (!config_file.empty()) {
      icp::Result<std::vector<icp::SettingSource>> file = icp::SettingsFromFile(config_file);
      if (!file) {
        PrintError("bad config file", file.error());
        return 2;
      }
      layers.push_back(std::move(*file));
    }
    std::vector<icp::SettingSource> flags;
    for (std::size_t i = 0; i < std::size(kFlags); ++i) {
      if (serve->count(kFlags[i].flag) > 0) {
        flags.push_back({kFlags[i].setting, given[i], kFlags[i].flag});
      }
    }
    layers.push_back(std::move(flags));
    icp::Result<icp::ServeSettings> settings = icp::ResolveSettings(layers);
    if (!settings) {
      PrintError("bad settings", settings.error());
      return 2;
    }
    spdlog::set_level(spdlog::level::from_str(settings->log_level));
    // The rules are checked before anything opens: icpd refuses to start on a bad rules
    // directory, naming every problem (DESIGN.md "Rules are data").
    icp::Result<icp::RuleSet> rules = icp::cli::LoadRuleSet(settings->rules_dir);
    if (!rules) {
      PrintError("bad rules directory " + settings->rules_dir.string(), rules.error());
      return 1;
    }
    ServeConfig config;
    config.storage = settings->storage;
    config.server.address = settings->listen;
    config.server.port = settings->port;
    config.server.max_body_bytes = settings->max_body_bytes;
    config.max_upload_bytes = settings->max_upload_bytes;
    config.rules = std::make_shared<const icp::RuleSet>(std::move(*rules));
    config.password_limits = {settings->password_hash_ops,
                              static_cast<std::size_t>(settings->password_hash_memory)};
    config.auth.backoff_base = std::chrono::seconds(settings->login_backoff_seconds);
    config.cookie.secure = icp::CookieSecure(*settings);
    config.notify = settings->notify;
    config.bureau = settings->bureau;
    config.with_bureau = with_bureau;
    if (!with_bureau &&
        (serve->count("--bureau-auto-review") + serve->count("--bureau-review-delay") +
             serve->count("--bureau-test-hooks") >
         0)) {
      std::cerr << "icpd: --bureau-auto-review, --bureau-review-delay and --bureau-test-hooks "
                   "set up the embedded bureau: they need --with-bureau\n";
      return 2;
    }
    if (serve->count("--bureau-review-delay") > 0 && embedded_bureau.auto_review == "off") {
      std::cerr << "icpd: --bureau-review-delay needs --bureau-auto-review approve or return\n";
      return 2;
    }
    config.embedded_bureau = embedded_bureau;
    config.console_dir = settings->console_dir;
    return Serve(std::move(config));
  } catch (const std::exception& e) {
    std::cerr << "icpd: internal error: " << e.what() << "\n";
    return 3;
  }
}
