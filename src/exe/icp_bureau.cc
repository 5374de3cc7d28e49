// icp-bureau: the stand-in for the bureau's side (管局 + MIIT) of MIIT's enterprise interface
// V3.0 (docs/bureau-protocol.md, "icp-bureau"). `serve` answers the SOAP services on loopback
// until SIGTERM or SIGINT and decides filings in the background; `providers add` opens a
// provider's account; `review`, `lists`, `estate` and `import` work on the registry.
#include <signal.h>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <boost/json.hpp>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "bureau_sim/import.h"
#include "bureau_sim/lists.h"
#include "bureau_sim/operator_uploads.h"
#include "bureau_sim/pipeline.h"
#include "bureau_sim/review_api.h"
#include "bureau_sim/service.h"
#include "bureau_sim/store.h"
// ---- the portal part: SMS verification, the sink, the portal stand-in, test hooks ----
#include "bureau_sim/faults.h"
#include "bureau_sim/offset_clock.h"
#include "bureau_sim/portal.h"
#include "bureau_sim/portal_registry.h"
#include "bureau_sim/public_query.h"
#include "bureau_sim/sms_store.h"
// ---- end of the portal part ----
#include "clock.h"
#include "crypto/sodium_password_hasher.h"
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

// ---- registry (h-registry): the pipeline's options, its ports, the background tick ----

struct RegistryFlags {
  std::string protocol = "extended";  // --protocol extended | v3.0-strict
  std::string auto_review = "off";    // --auto-review off | approve | return
  std::int64_t review_delay = 0;      // --review-delay SECONDS
  int tick_ms = 200;                  // --tick-ms
  std::int64_t province = 0;          // --province XX0000 (0: every province's system)
};

icp::bureau_sim::PipelineOptions PipelineOptionsOf(const RegistryFlags& flags) {
  icp::bureau_sim::PipelineOptions o;
  o.protocol = flags.protocol == "v3.0-strict" ? icp::bureau_sim::Protocol::kStrict
                                               : icp::bureau_sim::Protocol::kExtended;
  o.auto_review = flags.auto_review == "approve"  ? icp::bureau_sim::AutoReview::kApprove
                  : flags.auto_review == "return" ? icp::bureau_sim::AutoReview::kReturn
                                                  : icp::bureau_sim::AutoReview::kOff;
  o.review_delay_seconds = flags.review_delay;
  return o;
}

// The filing password's hash: argon2id at libsodium's interactive limits.
std::unique_ptr<icp::PasswordHasher> MakeHasher() {
  icp::Result<icp::crypto::SodiumPasswordHasher> hasher =
      icp::crypto::SodiumPasswordHasher::Create(icp::crypto::Argon2Limits{});
  if (!hasher) return nullptr;
  return std::make_unique<icp::crypto::SodiumPasswordHasher>(std::move(*hasher));
}

// Calls pipeline.Tick every `tick_ms` until Stop().
class Ticker {
 public:
  Ticker(icp::bureau_sim::Pipeline& pipeline, icp::Clock& clock, int tick_ms)
      : thread_([this, &pipeline, &clock, tick_ms] {
          std::unique_lock lock(mutex_);
          while (!stopping_) {
            lock.unlock();
            icp::Result<icp::bureau_sim::TickReport> report = pipeline.Tick(NowSeconds(clock));
            if (!report) spdlog::error("pipeline tick failed: {}", report.error().message);
            // A filing stuck on a failing step is told once, not at every pass.
            std::set<std::string> failing;
            if (report) failing.insert(report->failed.begin(), report->failed.end());
            for (const std::string& f : failing) {
              if (!failing_.contains(f)) spdlog::error("pipeline: {} (tried again each pass)", f);
            }
            failing_ = std::move(failing);
            lock.lock();
            wake_.wait_for(lock, std::chrono::milliseconds(tick_ms), [this] { return stopping_; });
          }
        }) {}
  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  ~Ticker() { Stop(); }

 private:
  std::set<std::string> failing_;  // the ticker thread's own
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// ---- end registry ----

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
          const RegistryFlags& registry_flags, const PortalFlags& portal) {
  spdlog::set_default_logger(spdlog::stderr_logger_mt("icp-bureau"));
  // The serve clock: the system's, moved forward only by the test hooks (POST /test/clock).
  icp::RealClock system_clock;
  icp::bureau_sim::OffsetClock clock(system_clock);
  icp::Result<std::unique_ptr<icp::bureau_sim::Store>> store = OpenStore(data_dir, clock);
  if (!store) {
    PrintError("cannot open the store", store.error());
    return 1;
  }
  std::unique_ptr<icp::PasswordHasher> hasher = MakeHasher();
  if (!hasher) {
    std::cerr << "icp-bureau: libsodium refused the password hashing limits\n";
    return 1;
  }
  icp::crypto::SodiumTokenSource tokens;
  // ---- the portal part: SMS verification and the message sink over the same file ----
  icp::Result<std::unique_ptr<icp::bureau_sim::SmsStore>> sms = OpenSmsStore(data_dir, clock);
  if (!sms) {
    PrintError("cannot open the SMS store", sms.error());
    return 1;
  }
  // ---- end of the portal part ----
  icp::bureau_sim::ServiceOptions service_options;
  service_options.protocol = PipelineOptionsOf(registry_flags).protocol;
  if (registry_flags.province != 0) service_options.province = registry_flags.province;
  icp::bureau_sim::Service service(**store, clock, *hasher, service_options);
  // The pipeline's SMS verification and messages: the portal stand-in's store (the pipeline
  // itself makes no verification in v3.0-strict).
  icp::bureau_sim::Pipeline pipeline(**store, *hasher, tokens, **sms, sms->get(),
                                     PipelineOptionsOf(registry_flags));
  icp::http::Router router;
  icp::bureau_sim::AddRoutes(router, service);
  const char* review_token = std::getenv("ICP_BUREAU_REVIEW_TOKEN");
  icp::bureau_sim::AddReviewRoutes(router, **store, pipeline, clock,
                                   review_token == nullptr ? "" : review_token);
  // ---- the portal part ----
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
  // The public query and the filing-password recovery over the registry.
  icp::Result<std::unique_ptr<icp::bureau_sim::PublicQuery>> public_query =
      icp::bureau_sim::PublicQuery::Open(std::filesystem::path(data_dir) / "bureau.db");
  if (!public_query) {
    PrintError("cannot open the public query", public_query.error());
    return 1;
  }
  icp::bureau_sim::PasswordRecovery recovery(**store, *hasher, tokens, **sms);
  icp::bureau_sim::AddRegistryPortalRoutes(router, **public_query, recovery, clock);
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
  Ticker ticker(pipeline, clock, registry_flags.tick_ms);
  std::cout << "icp-bureau " << ICP_VERSION << " serving " << data_dir << "/bureau.db\n"
            << "listening on http://" << address << ":" << *listening << std::endl;
  server.Run();
  waiter.join();
  ticker.Stop();
  if (portal.faults.any()) {
    // What the run met (tests/reliability/faults_test.py reads it).
    spdlog::info("faults met: {} errors, {} dropped answers, {} duplicated files", faults.errors(),
                 faults.drops(), faults.duplicates());
  }
  std::cout << "stopped" << std::endl;
  return 0;
}

int AddProvider(const std::string& data_dir, std::int64_t isp_id, const std::string& user_name,
                std::string password, const std::string& aes_key, const std::string& aes_iv,
                const icp::bureau_sim::ProviderHome& home) {
  if (password.empty()) {
    const char* from_env = std::getenv("ICP_BUREAU_PROVIDER_PASSWORD");
    if (from_env != nullptr) password = from_env;
  }
  if (password.empty()) {
    std::cerr << "icp-bureau: give the password with --password or ICP_BUREAU_PROVIDER_PASSWORD\n";
    return 2;
  }
  std::optional<icp::miit::AesKey> aes;
  if (!aes_key.empty() || !aes_iv.empty()) {
    icp::Result<icp::miit::AesKey> parsed = icp::miit::AesKey::Parse(aes_key, aes_iv);
    if (!parsed) {
      std::cerr << "icp-bureau: --aes-key and --aes-iv: " << parsed.error().message
                << " (a key of 16, 24 or 32 characters and an IV of 16, both or neither)\n";
      return 2;
    }
    aes = std::move(*parsed);
  }
  icp::RealClock clock;
  icp::Result<std::unique_ptr<icp::bureau_sim::Store>> store = OpenStore(data_dir, clock);
  if (!store) {
    PrintError("cannot open the store", store.error());
    return 1;
  }
  if (icp::Result<void> added =
          (*store)->AddProvider(isp_id, user_name, password, NowSeconds(clock), aes, home);
      !added) {
    PrintError("cannot add the provider", added.error());
    return 1;
  }
  std::cout << "provider " << isp_id << " (" << user_name << ") added\n";
  // registry: a provider new to the bureau downloads the estate it already serves first.
  icp::Result<std::vector<std::string>> estate =
      icp::bureau_sim::SendEstate(**store, isp_id, NowSeconds(clock));
  if (!estate) {
    PrintError("cannot queue the provider's estate", estate.error());
    return 1;
  }
  if (!estate->empty()) std::cout << estate->size() << " BASJ file(s) of its estate queued\n";
  return 0;
}

// ---- registry (h-registry): review, lists, estate, import ----

struct RegistryCommand {
  std::string state = "review";
  std::int64_t filing_id = 0;
  std::string reviewer = "管局审核员";
  std::vector<std::string> reasons;
  std::string domain;
  std::string reason;
  std::string unfiled;
  std::string ip;
  std::int64_t isp_id = 0;
  std::int64_t certificate_type = 0;
  std::string certificate_number;
  std::string name;
  std::string file;
  std::size_t batch = 10000;
  std::int64_t cache_mib = 1024;
  std::string estate_as = "basj";
};

int PrintFiles(icp::Result<std::vector<std::string>> files, std::string_view what,
               std::string_view none = "nothing queued (already listed)") {
  if (!files) {
    PrintError(what, files.error());
    return 1;
  }
  for (const std::string& f : *files) std::cout << "queued " << f << "\n";
  if (files->empty()) std::cout << none << "\n";
  return 0;
}

int ReviewList(icp::bureau_sim::Store& store, const RegistryCommand& c) {
  const std::optional<icp::bureau_sim::FilingState> state =
      icp::bureau_sim::kFilingStates.FromName(c.state);
  if (!state) {
    std::cerr << "icp-bureau: --state is one of intake, sms_pending, review, approved, returned\n";
    return 2;
  }
  std::int64_t after = 0;
  while (true) {
    icp::Result<std::vector<icp::bureau_sim::Filing>> page = store.Transact(
        [&](icp::bureau_sim::Registry& r) { return r.FilingsIn(*state, after, 500); });
    if (!page) {
      PrintError("cannot list filings", page.error());
      return 1;
    }
    for (const icp::bureau_sim::Filing& f : *page) {
      std::cout << boost::json::serialize(icp::bureau_sim::FilingJson(f, false)) << "\n";
      after = f.id;
    }
    if (page->size() < 500) return 0;
  }
}

int ReviewShow(icp::bureau_sim::Store& store, const RegistryCommand& c) {
  icp::Result<std::optional<icp::bureau_sim::Filing>> f =
      store.Transact([&](icp::bureau_sim::Registry& r) { return r.FilingById(c.filing_id); });
  if (!f) {
    PrintError("cannot read the filing", f.error());
    return 1;
  }
  if (!f->has_value()) {
    std::cerr << "icp-bureau: no filing " << c.filing_id << "\n";
    return 1;
  }
  std::cout << boost::json::serialize(icp::bureau_sim::FilingJson(**f, true)) << "\n";
  return 0;
}

// Records the decision; the serving icp-bureau applies it on its next tick.
int ReviewDecide(icp::bureau_sim::Store& store, const RegistryCommand& c, bool approve,
                 std::int64_t now) {
  std::vector<icp::bureau_sim::Reason> reasons;
  for (const std::string& text : c.reasons) {
    icp::Result<icp::bureau_sim::Reason> reason = icp::bureau_sim::ParseReasonArgument(text);
    if (!reason) {
      PrintError("bad --reason", reason.error());
      return 2;
    }
    reasons.push_back(std::move(*reason));
  }
  if (!approve && reasons.empty()) {
    std::cerr << "icp-bureau: a return needs at least one --reason JGDM[@PATH]:TEXT\n";
    return 2;
  }
  icp::Result<void> recorded = store.Transact([&](icp::bureau_sim::Registry& r) {
    return r.RecordDecision(c.filing_id, approve ? "approve" : "return", reasons, c.reviewer, now);
  });
  if (!recorded) {
    PrintError("cannot record the decision", recorded.error());
    return 1;
  }
  std::cout << "filing " << c.filing_id << ": " << (approve ? "approval" : "return")
            << " recorded; the serving icp-bureau applies it on its next tick\n";
  return 0;
}

int ListsAdd(icp::bureau_sim::Store& store, const RegistryCommand& c, std::int64_t now) {
  const int given = !c.domain.empty() + !c.unfiled.empty() + (c.certificate_type != 0);
  if (given != 1) {
    std::cerr << "icp-bureau: give one of --domain, --unfiled (with --ip) or "
                 "--certificate-type with --certificate-number\n";
    return 2;
  }
  if (!c.domain.empty()) {
    return PrintFiles(icp::bureau_sim::BlacklistDomain(store, c.domain, c.reason, now),
                      "cannot list the domain");
  }
  if (!c.unfiled.empty()) {
    return PrintFiles(
        icp::bureau_sim::ReportUnfiledSite(
            store, c.unfiled, c.ip,
            c.isp_id == 0 ? std::nullopt : std::optional<std::int64_t>(c.isp_id), now),
        "cannot report the site");
  }
  return PrintFiles(icp::bureau_sim::BlacklistSubject(store, c.certificate_type,
                                                      c.certificate_number, c.name, now),
                    "cannot list the subject");
}

int Import(icp::bureau_sim::Store& store, const RegistryCommand& c, std::int64_t now) {
  std::ifstream in(c.file);
  if (!in) {
    std::cerr << "icp-bureau: cannot read " << c.file << "\n";
    return 2;
  }
  std::unique_ptr<icp::PasswordHasher> hasher = MakeHasher();
  if (!hasher) return 1;
  icp::Result<icp::bureau_sim::ImportReport> report =
      icp::bureau_sim::ImportRecords(store, in, *hasher, now, c.batch, c.cache_mib);
  if (!report) {
    PrintError("import stopped", report.error());
    return 1;
  }
  for (const std::string& p : report->problems) std::cerr << p << "\n";
  std::cout << report->lines << " line(s): " << report->imported << " imported, "
            << report->unchanged << " unchanged, " << report->refused << " refused\n";
  return report->refused == 0 ? 0 : 1;
}

// ---- end registry ----

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
    // registry (h-registry): the pipeline's flags.
    RegistryFlags registry_flags;
    serve->add_option("--protocol", registry_flags.protocol, "extended (default) or v3.0-strict")
        ->check(CLI::IsMember({"extended", "v3.0-strict"}));
    serve
        ->add_option("--auto-review", registry_flags.auto_review,
                     "decide filings in review automatically: off, approve or return")
        ->check(CLI::IsMember({"off", "approve", "return"}));
    serve
        ->add_option("--review-delay", registry_flags.review_delay,
                     "seconds a filing waits in review before the automatic decision")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{31'536'000}));
    serve
        ->add_option("--tick-ms", registry_flags.tick_ms,
                     "milliseconds between two passes of the filing pipeline")
        ->check(CLI::Range(10, 600'000));
    serve
        ->add_option("--province", registry_flags.province,
                     "play this province's system only (GB/T 2260 XX0000): accounts of other "
                     "provinces and MIIT's own are refused with msg_code 13")
        ->check(CLI::Range(std::int64_t{110000}, std::int64_t{829999}));
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
    std::string aes_key;
    std::string aes_iv;
    add->add_option("--aes-key", aes_key,
                    "AES key for its encrypted uploads (16, 24 or 32 characters; with --aes-iv)");
    add->add_option("--aes-iv", aes_iv, "AES IV (密钥偏移量, 16 characters; with --aes-key)");
    add->add_option("--data-dir", data_dir, "directory of the store (bureau.db)");
    std::int64_t home_province = 0;
    bool ministry = false;
    CLI::Option* province_option =
        add->add_option("--province", home_province,
                        "the province whose bureau issued the account (GB/T 2260 XX0000)");
    add->add_flag("--ministry", ministry,
                  "an account of MIIT's own system (部级系统): its ICP uploads get 1045")
        ->excludes(province_option);

    // registry (h-registry): review, lists, estate, import.
    RegistryCommand rc;
    CLI::App* review = app.add_subcommand("review", "The bureau reviewer's decisions");
    review->require_subcommand(1);
    CLI::App* review_list = review->add_subcommand("list", "Filings in a state (JSON lines)");
    review_list->add_option("--state", rc.state, "intake, sms_pending, review (default), ...");
    CLI::App* review_show = review->add_subcommand("show", "One filing with its record");
    CLI::App* review_approve = review->add_subcommand("approve", "Approve a filing in review");
    CLI::App* review_return = review->add_subcommand("return", "Return a filing in review");
    for (CLI::App* sub : {review_show, review_approve, review_return}) {
      sub->add_option("id", rc.filing_id, "the filing's id")->required();
    }
    for (CLI::App* sub : {review_approve, review_return}) {
      sub->add_option("--reviewer", rc.reviewer, "the reviewer's name (Gjsh/Shrxm)");
    }
    review_return
        ->add_option("--reason", rc.reasons,
                     "JGDM[@PATH]:TEXT, e.g. 1002@websites[0].name:网站名称不规范 (repeatable)")
        ->required();
    CLI::App* lists = app.add_subcommand("lists", "Blacklists and unfiled sites (HMDLB, WBAWZLB)");
    lists->require_subcommand(1);
    CLI::App* lists_add = lists->add_subcommand("add", "List a domain, a subject or a site");
    lists_add->add_option("--domain", rc.domain, "blacklist a domain (HMDLB to every provider)");
    lists_add->add_option("--reason", rc.reason, "why the domain is listed");
    lists_add->add_option("--unfiled", rc.unfiled, "report an unfiled site's domain (WBAWZLB)");
    lists_add->add_option("--ip", rc.ip, "the unfiled site's IPv4 address");
    lists_add->add_option("--isp-id", rc.isp_id, "the provider whose network serves it");
    lists_add->add_option("--certificate-type", rc.certificate_type,
                          "blacklist a subject by its certificate type (Zjlx)");
    lists_add->add_option("--certificate-number", rc.certificate_number, "and number");
    lists_add->add_option("--name", rc.name, "the blacklisted subject's name");
    CLI::App* lists_unfiled = lists->add_subcommand(
        "send-unfiled", "Queue the provider's WBAWZLB of the unfiled sites it has not handled");
    lists_unfiled->add_option("--isp-id", rc.isp_id, "the provider")->required();
    CLI::App* verify = app.add_subcommand("verify", "Verification tasks (HSRW, answered by HSJG)");
    verify->require_subcommand(1);
    CLI::App* verify_send =
        verify->add_subcommand("send", "Queue an HSRW task about a website to its providers");
    std::int64_t verify_wzid = 0;
    verify_send->add_option("--wzid", verify_wzid, "the website's bureau id (Wzid)")->required();
    verify_send->add_option("--isp-id", rc.isp_id, "only this provider (default: every one)");
    CLI::App* codes = app.add_subcommand("codes", "The code tables (JCDM, 基础代码)");
    codes->require_subcommand(1);
    CLI::App* codes_send =
        codes->add_subcommand("send", "Queue JCDM, the code tables, to a provider");
    codes_send->add_option("--isp-id", rc.isp_id, "the provider")->required();
    codes_send
        ->add_option("--protocol", registry_flags.protocol,
                     "extended (default: with Beian's added codes) or v3.0-strict")
        ->check(CLI::IsMember({"extended", "v3.0-strict"}));
    CLI::App* estate = app.add_subcommand("estate", "A provider's filed estate");
    estate->require_subcommand(1);
    CLI::App* estate_send = estate->add_subcommand(
        "send", "Queue BASJ (or SJTB, the full sync) of every website the provider serves");
    estate_send->add_option("--isp-id", rc.isp_id, "the provider")->required();
    estate_send->add_option("--as", rc.estate_as, "basj (default) or sjtb")
        ->check(CLI::IsMember({"basj", "sjtb"}));
    CLI::App* import = app.add_subcommand("import", "Import filed records (JSON Lines)");
    import->add_option("file", rc.file, "the JSON Lines file")->required();
    import->add_option("--batch", rc.batch, "lines per transaction")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}));
    import->add_option("--cache-mib", rc.cache_mib, "page cache while importing, MiB")
        ->check(CLI::Range(std::int64_t{2}, std::int64_t{65'536}));
    std::vector<CLI::App*> registry_commands = {
        review_list,   review_show, review_approve, review_return, lists_add,
        lists_unfiled, verify_send, codes_send,     estate_send,   import};
    for (CLI::App* sub : registry_commands) {
      sub->add_option("--data-dir", data_dir, "directory of the store (bureau.db)");
    }
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int code = app.exit(e);
      return code == 0 ? 0 : 2;
    }
    if (serve->parsed()) {
      return Serve(data_dir, address, static_cast<std::uint16_t>(port), registry_flags, portal);
    }
    // registry (h-registry).
    for (CLI::App* sub : registry_commands) {
      if (!sub->parsed()) continue;
      icp::RealClock clock;
      icp::Result<std::unique_ptr<icp::bureau_sim::Store>> store = OpenStore(data_dir, clock);
      if (!store) {
        PrintError("cannot open the store", store.error());
        return 1;
      }
      const std::int64_t now = NowSeconds(clock);
      if (sub == review_list) return ReviewList(**store, rc);
      if (sub == review_show) return ReviewShow(**store, rc);
      if (sub == review_approve) return ReviewDecide(**store, rc, true, now);
      if (sub == review_return) return ReviewDecide(**store, rc, false, now);
      if (sub == lists_add) return ListsAdd(**store, rc, now);
      if (sub == lists_unfiled) {
        return PrintFiles(icp::bureau_sim::SendUnfiledList(**store, rc.isp_id, now),
                          "cannot queue the unfiled sites",
                          "nothing queued (no unfiled site left unhandled)");
      }
      if (sub == verify_send) {
        return PrintFiles(
            icp::bureau_sim::SendVerificationTask(
                **store, verify_wzid,
                rc.isp_id != 0 ? std::optional<std::int64_t>(rc.isp_id) : std::nullopt, now),
            "cannot send the verification task");
      }
      if (sub == codes_send) {
        return PrintFiles(icp::bureau_sim::SendCodeTables(
                              **store, rc.isp_id, PipelineOptionsOf(registry_flags).protocol, now),
                          "cannot queue the code tables");
      }
      if (sub == estate_send) {
        return PrintFiles(rc.estate_as == "sjtb"
                              ? icp::bureau_sim::SyncEstate(**store, rc.isp_id, now)
                              : icp::bureau_sim::SendEstate(**store, rc.isp_id, now),
                          "cannot queue the estate");
      }
      return Import(**store, rc, now);
    }
    if (add->parsed()) {
      icp::bureau_sim::ProviderHome home;
      if (home_province != 0) home.province = home_province;
      home.ministry = ministry;
      return AddProvider(data_dir, isp_id, user_name.empty() ? std::to_string(isp_id) : user_name,
                         password, aes_key, aes_iv, home);
    }
    std::cout << app.help();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "icp-bureau: internal error: " << e.what() << "\n";
    return 3;
  }
}
