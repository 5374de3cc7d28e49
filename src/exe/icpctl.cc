// icpctl: Beian's command line. Offline commands work without a server; `login`, `logout`
// and `accounts` talk to icpd over its API. Each command group registers itself on the parser
// in one function below and runs from one function, so each command is found in one hop.
#include <fmt/chrono.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/auth_service.h"
#include "bureau/curl_transport.h"
#include "cli/auth_command.h"
#include "cli/check_command.h"
#include "cli/db_command.h"
#include "cli/filing_command.h"
#include "cli/http_client.h"
#include "cli/outbox_command.h"
#include "cli/records_command.h"
#include "cli/resources_command.h"
#include "cli/rules_command.h"
#include "cli/transfer_command.h"
#include "crypto/sodium_password_hasher.h"
#include "exe/background.h"
#include "exe/clock.h"
#include "exe/config.h"
#include "exe/storage_config.h"
#include "exe/worker_identity.h"
#include "storage/files/blob_store.h"
#include "version.h"

namespace {

using AddStoreOptions = std::function<void(CLI::App*)>;

std::chrono::sys_seconds Now() { return std::chrono::floor<std::chrono::seconds>(icp::RealNow()); }

// ---- check: one identifier, offline ----
struct CheckGroup {
  icp::cli::CheckRequest request;
  CLI::App* cmd = nullptr;

  void Register(CLI::App& app) {
    std::string kinds;
    for (std::string_view k : icp::cli::CheckKinds()) {
      kinds += std::string(kinds.empty() ? "" : ", ") + std::string(k);
    }
    cmd = app.add_subcommand(
        "check",
        "Validate one identifier offline and show what it encodes (exit 0 valid, 1 invalid)");
    cmd->add_option("kind", request.kind, "One of: " + kinds)->required();
    cmd->add_option("value", request.value, "The value as written, e.g. 11010519491231002X")
        ->required();
    cmd->add_flag("--json", request.json, "Print one JSON object");
    cmd->footer(
        "Examples:\n"
        "  icpctl check resident-id 11010519491231002X\n"
        "  icpctl check credit-code 91350100M000100Y43 --json\n"
        "  icpctl check domain 例子.中国\n"
        "  icpctl check filing-number 京ICP备12345678号-1");
  }
  int Run() { return icp::cli::RunCheck(request, icp::TodayInChina(), std::cout, std::cerr); }
};

// ---- rules check, precheck, materials: the rules data, offline ----
struct RulesGroup {
  // data/rules under the current directory unless --rules or ICP_RULES_DIR says.
  std::string rules_dir;
  CLI::App* rules_check = nullptr;
  std::string check_dir;
  CLI::App* precheck_cmd = nullptr;
  icp::cli::PrecheckRequest precheck;
  std::string precheck_file;
  std::string precheck_today;
  CLI::App* materials_cmd = nullptr;
  icp::cli::MaterialsRequest materials;

  void Register(CLI::App& app) {
    const char* env_rules = std::getenv("ICP_RULES_DIR");
    rules_dir = env_rules != nullptr ? env_rules : "data/rules";

    CLI::App* rules_cmd = app.add_subcommand("rules", "Work with the rules data");
    rules_cmd->require_subcommand(1);
    rules_check = rules_cmd->add_subcommand(
        "check", "Validate every rules file and run every rule case (exit 0 all pass, 1 not)");
    rules_check->add_option("dir", check_dir, "Rules directory (default: " + rules_dir + ")");

    precheck_cmd = app.add_subcommand(
        "precheck", "Evaluate an application document offline: type, violations, materials");
    precheck_cmd->add_option("file", precheck_file, "Application JSON (docs/application-json.md)")
        ->required();
    precheck_cmd->add_option("--rules", rules_dir, "Rules directory");
    precheck_cmd->add_flag("--json", precheck.json, "Print one JSON object");
    precheck_cmd->add_option("--today", precheck_today,
                             "Evaluate as on this day, YYYY-MM-DD (default: the document's "
                             "\"today\" if it is a rule case, else today in China)");

    materials_cmd =
        app.add_subcommand("materials", "List the materials a filing needs in a province");
    materials_cmd->add_option("--province", materials.province, "Province code or name, e.g. 44")
        ->required();
    materials_cmd
        ->add_option("--subject-type", materials.subject_type, "e.g. individual, enterprise")
        ->required();
    materials_cmd->add_option("--application-type", materials.application_type, "e.g. first_filing")
        ->required();
    materials_cmd->add_option("--rules", rules_dir, "Rules directory");
    materials_cmd->add_flag("--json", materials.json, "Print one JSON object");
  }
  bool parsed() const {
    return rules_check->parsed() || precheck_cmd->parsed() || materials_cmd->parsed();
  }
  int Run() {
    if (rules_check->parsed()) {
      return icp::cli::RunRulesCheck(check_dir.empty() ? rules_dir : check_dir, std::cout,
                                     std::cerr);
    }
    if (precheck_cmd->parsed()) {
      precheck.file = precheck_file;
      precheck.rules_dir = rules_dir;
      if (!precheck_today.empty()) {
        icp::Result<icp::Date> day = icp::ParseIsoDate(precheck_today);
        if (!day) {
          std::cerr << "icpctl precheck: --today " << precheck_today
                    << " is not a date YYYY-MM-DD\n";
          return 2;
        }
        precheck.today = *day;
      }
      return icp::cli::RunPrecheck(precheck, Now(), std::cout, std::cerr);
    }
    materials.rules_dir = rules_dir;
    return icp::cli::RunMaterials(materials, icp::TodayInChina(), std::cout, std::cerr);
  }
};

// ---- db, audit: operator commands on the store (docs/storage.md) ----
struct StoreGroup {
  CLI::App* db_cmd = nullptr;
  CLI::App* migrate_cmd = nullptr;
  CLI::App* backup_cmd = nullptr;
  std::string backup_file;
  CLI::App* restore_cmd = nullptr;
  std::string restore_file;
  CLI::App* audit_cmd = nullptr;
  bool audit_json = false;

  void Register(CLI::App& app, const AddStoreOptions& add_storage_options) {
    db_cmd = app.add_subcommand("db", "Operate the store: migrate, backup, restore");
    db_cmd->require_subcommand(1);
    migrate_cmd =
        db_cmd->add_subcommand("migrate", "Apply the schema migrations this binary carries");
    add_storage_options(migrate_cmd);
    backup_cmd = db_cmd->add_subcommand(
        "backup", "Copy the live SQLite store to FILE (PostgreSQL: use pg_dump)");
    backup_cmd->add_option("file", backup_file, "Where to write; never overwritten")->required();
    add_storage_options(backup_cmd);
    restore_cmd = db_cmd->add_subcommand(
        "restore", "Replace the SQLite store's content with a backup (stop icpd first)");
    restore_cmd->add_option("file", restore_file, "A file written by `icpctl db backup`")
        ->required();
    add_storage_options(restore_cmd);
    audit_cmd = app.add_subcommand("audit", "Work with the audit log");
    audit_cmd->require_subcommand(1);
    CLI::App* verify_cmd = audit_cmd->add_subcommand(
        "verify", "Check the audit log's hash chain; name the first broken entry (exit 1)");
    verify_cmd->add_flag("--json", audit_json, "Print one JSON object");
    add_storage_options(verify_cmd);
  }
  bool parsed() const { return db_cmd->parsed() || audit_cmd->parsed(); }
  // Only migrate touches the schema (restore migrates what it restored); the other commands
  // refuse a store that is behind this binary.
  icp::sql::SchemaPolicy schema() const {
    return migrate_cmd->parsed() || restore_cmd->parsed() ? icp::sql::SchemaPolicy::kAsIs
                                                          : icp::sql::SchemaPolicy::kRequire;
  }
  // On PostgreSQL migrate connects as the owner role, everything else as the runtime role.
  icp::StoreUse use() const {
    return migrate_cmd->parsed() ? icp::StoreUse::kMigrate : icp::StoreUse::kRuntime;
  }
  int Run(icp::OpenedStore& store) {
    if (migrate_cmd->parsed()) {
      std::cout << store.description << "\n";
      return icp::cli::RunMigrate(*store.admin, std::cout, std::cerr);
    }
    if (backup_cmd->parsed()) {
      return icp::cli::RunBackup(*store.admin, backup_file, std::cout, std::cerr);
    }
    if (restore_cmd->parsed()) {
      return icp::cli::RunRestore(*store.admin, restore_file, std::cout, std::cerr);
    }
    return icp::cli::RunAuditVerify(*store.database, audit_json, std::cout, std::cerr);
  }
};

// ---- resources import: the cloud inventory straight into the store ----
struct ResourcesGroup {
  CLI::App* cmd = nullptr;
  icp::cli::ResourcesImportRequest request;

  void Register(CLI::App& app, const AddStoreOptions& add_storage_options) {
    cmd = app.add_subcommand("resources", "Work with the cloud inventory");
    cmd->require_subcommand(1);
    CLI::App* import_cmd = cmd->add_subcommand(
        "import", "Import or sync the inventory from a CSV or JSON file (all rows or none)");
    import_cmd->add_option("file", request.file, "The inventory file")->required();
    import_cmd->add_option("--format", request.format,
                           "csv or json (default: from the file's extension)");
    add_storage_options(import_cmd);
  }
  bool parsed() const { return cmd->parsed(); }
  int Run(icp::Database& db) {
    request.actor = icp::OperatorName();
    return icp::cli::RunResourcesImport(db, request, Now(), std::cout, std::cerr);
  }
};

// ---- records import: filed records through icpd's API (POST /v1/admin/records:import) ----
struct RecordsGroup {
  CLI::App* cmd = nullptr;
  std::string file;

  void Register(CLI::App& app) {
    cmd = app.add_subcommand("records", "Work with filed records (subjects, websites, numbers)");
    cmd->require_subcommand(1);
    CLI::App* import_cmd = cmd->add_subcommand(
        "import", "Import filed records from a JSON file through icpd (all or nothing; admin)");
    import_cmd->add_option("file", file, "{\"subjects\": [...]}, docs/api.md")->required();
  }
  bool parsed() const { return cmd->parsed(); }
};

// ---- bureau: resync (adoption of the filed estate), parked files and their replay, on the
// store ----
struct BureauGroup {
  CLI::App* cmd = nullptr;
  CLI::App* resync_cmd = nullptr;
  CLI::App* parked_cmd = nullptr;
  CLI::App* replay_cmd = nullptr;
  std::string config_file;
  std::optional<std::string> estate_account;
  bool all = false;
  std::string file_name;

  void Register(CLI::App& app, const AddStoreOptions& add_storage_options) {
    cmd = app.add_subcommand("bureau", "Work with the bureau link");
    cmd->require_subcommand(1);
    resync_cmd = cmd->add_subcommand(
        "resync",
        "Download and apply the bureau's files until none wait: the provider's filed estate "
        "(BASJ, SJTB) is written on record; run again, it changes nothing");
    parked_cmd = cmd->add_subcommand(
        "parked",
        "List the download files that could not be applied (parked and acknowledged), with why");
    parked_cmd->add_flag("--all", all, "also those replayed since");
    replay_cmd = cmd->add_subcommand(
        "replay",
        "Apply a parked download file again, once what stopped it is fixed (a key, a record)");
    replay_cmd->add_option("file", file_name, "its return_FileName, as `bureau parked` lists it")
        ->required();
    for (CLI::App* c : {resync_cmd, parked_cmd, replay_cmd}) {
      c->add_option("--config", config_file,
                    "icpd's JSON config file: the bureau_* settings and rules_dir (the "
                    "ICP_BUREAU_* variables too)");
      add_storage_options(c);
    }
    for (CLI::App* c : {resync_cmd, replay_cmd}) {
      c->add_option("--estate-account", estate_account,
                    "login of the customer account that holds records no customer's "
                    "verified real name claims (default: bureau_estate_account)");
    }
  }
  bool parsed() const { return cmd->parsed(); }

  int Run(icp::OpenedStore& store, icp::StorageConfig storage) {
    storage.ApplyEnvironment();  // as the store was opened
    std::vector<std::vector<icp::SettingSource>> layers{icp::SettingsFromEnvironment()};
    if (!config_file.empty()) {
      icp::Result<std::vector<icp::SettingSource>> file = icp::SettingsFromFile(config_file);
      if (!file) return Fail(file.error());
      layers.push_back(std::move(*file));
    }
    icp::Result<icp::ServeSettings> settings = icp::ResolveSettings(layers);
    if (!settings) return Fail(settings.error());
    if (settings->bureau.url.empty()) {
      std::cerr << "no bureau configured: set bureau_url (and bureau_isp_id, bureau_password) "
                   "in --config or ICP_BUREAU_URL\n";
      return 1;
    }
    icp::Result<icp::bureau::GatewaySettings> gateway =
        icp::GatewaySettingsOf(settings->bureau, icp::OperatorName());
    if (!gateway) return Fail(gateway.error());
    if (parked_cmd->parsed()) return ListParked(*store.database, gateway->isp_id);
    icp::Result<icp::RuleSet> rules = icp::cli::LoadRuleSet(settings->rules_dir);
    if (!rules) return Fail(rules.error());
    icp::Result<std::unique_ptr<icp::files::BlobStore>> blobs =
        icp::files::BlobStore::Open(storage.data_dir / "blobs");
    if (!blobs) return Fail(blobs.error());
    icp::bureau::CurlTransport transport;
    icp::RealClock clock;
    auto shared_rules = std::make_shared<const icp::RuleSet>(std::move(*rules));
    const std::string account = estate_account.value_or(settings->bureau.estate_account);
    if (replay_cmd->parsed()) {
      icp::Result<icp::bureau::PassReport> done =
          icp::ReplayParked(*store.database, **blobs, std::move(shared_rules), *gateway, transport,
                            account, clock, file_name);
      if (!done) return Fail(done.error());
      for (const std::string& p : done->problems) std::cout << "problem: " << p << "\n";
      std::cout << "replayed " << file_name << ": " << done->applied
                << " outcome(s) applied; adopted " << done->subjects_adopted << " subject(s) and "
                << done->websites_adopted << " website(s)\n";
      return 0;
    }
    icp::Result<icp::ResyncReport> done = icp::ResyncEstate(
        *store.database, **blobs, std::move(shared_rules), *gateway, transport, account, clock);
    if (!done) return Fail(done.error());
    const icp::bureau::PassReport& t = done->total;
    for (const std::string& p : t.problems) std::cout << "problem: " << p << "\n";
    std::cout << "resync: " << t.downloaded << " file(s) processed in " << done->passes
              << " pass(es); adopted " << t.subjects_adopted << " subject(s) and "
              << t.websites_adopted << " website(s); " << t.unchanged
              << " on record already; bureau ids updated for " << t.ids_updated << " subject(s); "
              << t.parked << " file(s) parked\n";
    return t.problems.empty() ? 0 : 1;
  }

  // One line per parked file: name, when, the rule, the reason, and when replayed.
  int ListParked(icp::Database& db, std::int64_t isp_id) {
    icp::Result<std::unique_ptr<icp::UnitOfWork>> uow = db.Begin();
    if (!uow) return Fail(uow.error());
    icp::Result<std::vector<icp::ParkedDownload>> parked =
        (*uow)->bureau_link().Parked(isp_id, !all);
    if (!parked) return Fail(parked.error());
    for (const icp::ParkedDownload& p : *parked) {
      std::cout << p.file_name << "\t" << fmt::format("{:%FT%TZ}", p.parked_at) << "\t" << p.rule
                << "\t" << p.reason;
      if (p.replayed_at) std::cout << "\treplayed " << fmt::format("{:%FT%TZ}", *p.replayed_at);
      std::cout << "\n";
    }
    std::cout << parked->size() << (all ? " parked file(s)\n" : " parked file(s) to replay\n");
    return 0;
  }

  static int Fail(const icp::Error& e) {
    icp::cli::PrintError(e, std::cerr);
    return 1;
  }
};

// ---- login, logout, accounts: icpd's API (and `accounts bootstrap` on the store) ----

// The token file: ICP_TOKEN_FILE, else $XDG_CONFIG_HOME/beian/token, else
// ~/.config/beian/token.
std::filesystem::path TokenFile() {
  if (const char* f = std::getenv("ICP_TOKEN_FILE"); f != nullptr && *f != '\0') return f;
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x != nullptr && *x != '\0') {
    return std::filesystem::path(x) / "beian" / "token";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr ? home : ".") / ".config" / "beian" / "token";
}

icp::Result<std::string> Password(std::string_view variable, std::string_view prompt) {
  if (const char* v = std::getenv(std::string(variable).c_str()); v != nullptr) return v;
  return icp::cli::PromptPassword(prompt);
}

// A store opened for a command, or 1 after printing why not.
icp::Result<icp::OpenedStore> OpenFor(icp::StorageConfig storage, icp::sql::SchemaPolicy schema,
                                      icp::StoreUse use) {
  storage.ApplyEnvironment();
  return icp::OpenStore(storage, Now(), schema, use);
}

int RunBootstrap(icp::cli::AuthCommands& auth_cmds, icp::Database& db) {
  icp::Result<icp::crypto::SodiumPasswordHasher> hasher =
      icp::crypto::SodiumPasswordHasher::Create({});
  if (!hasher) {
    icp::cli::PrintError(hasher.error(), std::cerr);
    return 1;
  }
  icp::crypto::SodiumTokenSource tokens;
  icp::RealClock clock;
  icp::Result<std::unique_ptr<icp::AuthService>> auth =
      icp::AuthService::Create(db, *hasher, tokens, clock);
  if (!auth) {
    icp::cli::PrintError(auth.error(), std::cerr);
    return 1;
  }
  return auth_cmds.RunBootstrap(**auth, Password, icp::OperatorName(), std::cout, std::cerr);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    CLI::App app{"icpctl: the command line of Beian, an ICP filing (ICP备案) platform"};
    app.set_version_flag("--version", std::string("icpctl ") + ICP_VERSION);
    app.require_subcommand(1);

    icp::StorageConfig storage;
    const AddStoreOptions add_storage_options = [&](CLI::App* cmd) {
      cmd->add_option("--database", storage.database,
                      "postgresql://user@host:port/db (the owner role for `db migrate`, the "
                      "runtime role otherwise), or sqlite:PATH (default: DATA_DIR/icp.db)");
      cmd->add_option("--data-dir", storage.data_dir, "Data directory (default: var)");
      cmd->add_option("--pii-key", storage.pii_key,
                      "Key file for personal data at rest (default: DATA_DIR/pii.key)");
    };

    CheckGroup check;
    check.Register(app);
    RulesGroup rules;
    rules.Register(app);
    StoreGroup store_cmds;
    store_cmds.Register(app, add_storage_options);
    std::unique_ptr<icp::cli::OutboxCommands> outbox_cmds =
        icp::cli::OutboxCommands::Register(app, add_storage_options);
    std::unique_ptr<icp::cli::AuthCommands> auth_cmds =
        icp::cli::AuthCommands::Register(app, add_storage_options);
    ResourcesGroup resources;
    resources.Register(app, add_storage_options);
    std::unique_ptr<icp::cli::FilingCommands> filing_cmds = icp::cli::FilingCommands::Register(app);
    std::unique_ptr<icp::cli::TransferCommands> transfer_cmds =
        icp::cli::TransferCommands::Register(app);
    RecordsGroup records;
    records.Register(app);
    BureauGroup bureau;
    bureau.Register(app, add_storage_options);

    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int code = app.exit(e);
      return code == 0 ? 0 : 2;  // --help and --version exit 0; usage errors exit 2
    }
    if (check.cmd->parsed()) return check.Run();
    if (rules.parsed()) return rules.Run();
    if (store_cmds.parsed() || outbox_cmds->parsed() || resources.parsed() || bureau.parsed() ||
        auth_cmds->needs_store()) {
      const bool db = store_cmds.parsed();
      icp::Result<icp::OpenedStore> store =
          OpenFor(storage, db ? store_cmds.schema() : icp::sql::SchemaPolicy::kRequire,
                  db ? store_cmds.use() : icp::StoreUse::kRuntime);
      if (!store) {
        icp::cli::PrintError(store.error(), std::cerr);
        return 1;
      }
      if (db) return store_cmds.Run(*store);
      if (resources.parsed()) return resources.Run(*store->database);
      if (bureau.parsed()) return bureau.Run(*store, storage);
      if (outbox_cmds->parsed()) {
        return outbox_cmds->Run(*store->database, Now(), icp::OperatorName(), std::cout, std::cerr);
      }
      return RunBootstrap(*auth_cmds, *store->database);
    }
    if (filing_cmds->parsed()) {
      std::unique_ptr<icp::cli::HttpClient> http = icp::cli::NewCurlHttpClient();
      return filing_cmds->Run(*http, TokenFile(), std::cout, std::cerr);
    }
    if (transfer_cmds->parsed()) {
      std::unique_ptr<icp::cli::HttpClient> http = icp::cli::NewCurlHttpClient();
      return transfer_cmds->Run(*http, TokenFile(), std::cout, std::cerr);
    }
    if (records.parsed()) {
      icp::Result<icp::cli::StoredToken> token = icp::cli::ReadTokenFile(TokenFile());
      if (!token) {
        icp::cli::PrintError(token.error(), std::cerr);
        return 1;
      }
      std::unique_ptr<icp::cli::HttpClient> http = icp::cli::NewCurlHttpClient();
      return icp::cli::RunRecordsImport(*http, *token, records.file, std::cout, std::cerr);
    }
    if (auth_cmds->parsed()) {
      std::unique_ptr<icp::cli::HttpClient> http = icp::cli::NewCurlHttpClient();
      return auth_cmds->Run(*http, TokenFile(), Password, std::cout, std::cerr);
    }
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "icpctl: internal error: " << e.what() << "\n";
    return 3;
  }
}
