// icpctl: Beian's command line. Offline commands work without a server; the commands that
// talk to icpd arrive with the API.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "cli/check_command.h"
#include "cli/db_command.h"
#include "cli/outbox_command.h"
#include "cli/resources_command.h"
#include "cli/rules_command.h"
#include "exe/clock.h"
#include "exe/storage_config.h"
#include "exe/worker_identity.h"
#include "version.h"

int main(int argc, char** argv) {
  try {
    CLI::App app{"icpctl: the command line of Beian, an ICP filing (ICP备案) platform"};
    app.set_version_flag("--version", std::string("icpctl ") + ICP_VERSION);
    app.require_subcommand(1);

    icp::cli::CheckRequest check;
    std::string kinds;
    for (std::string_view k : icp::cli::CheckKinds())
      kinds += std::string(kinds.empty() ? "" : ", ") + std::string(k);
    CLI::App* check_cmd = app.add_subcommand(
        "check",
        "Validate one identifier offline and show what it encodes (exit 0 valid, 1 invalid)");
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

    // Rules: data/rules under the current directory unless --rules or ICP_RULES_DIR says.
    const char* env_rules = std::getenv("ICP_RULES_DIR");
    std::string rules_dir = env_rules != nullptr ? env_rules : "data/rules";

    CLI::App* rules_cmd = app.add_subcommand("rules", "Work with the rules data");
    rules_cmd->require_subcommand(1);
    CLI::App* rules_check = rules_cmd->add_subcommand(
        "check", "Validate every rules file and run every rule case (exit 0 all pass, 1 not)");
    std::string check_dir;
    rules_check->add_option("dir", check_dir, "Rules directory (default: " + rules_dir + ")");

    icp::cli::PrecheckRequest precheck;
    std::string precheck_file;
    CLI::App* precheck_cmd = app.add_subcommand(
        "precheck", "Evaluate an application document offline: type, violations, materials");
    precheck_cmd->add_option("file", precheck_file, "Application JSON (docs/application-json.md)")
        ->required();
    precheck_cmd->add_option("--rules", rules_dir, "Rules directory");
    precheck_cmd->add_flag("--json", precheck.json, "Print one JSON object");
    std::string precheck_today;
    precheck_cmd->add_option("--today", precheck_today,
                             "Evaluate as on this day, YYYY-MM-DD (default: the document's "
                             "\"today\" if it is a rule case, else today in China)");

    icp::cli::MaterialsRequest materials;
    CLI::App* materials_cmd =
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

    // Operator commands on the store (docs/storage.md).
    icp::StorageConfig storage;
    auto add_storage_options = [&](CLI::App* cmd) {
      cmd->add_option("--database", storage.database,
                      "postgresql://user@host:port/db (the owner role for `db migrate`, the "
                      "runtime role otherwise), or sqlite:PATH (default: DATA_DIR/icp.db)");
      cmd->add_option("--data-dir", storage.data_dir, "Data directory (default: var)");
      cmd->add_option("--pii-key", storage.pii_key,
                      "Key file for personal data at rest (default: DATA_DIR/pii.key)");
    };
    CLI::App* db_cmd = app.add_subcommand("db", "Operate the store: migrate, backup, restore");
    db_cmd->require_subcommand(1);
    CLI::App* migrate_cmd =
        db_cmd->add_subcommand("migrate", "Apply the schema migrations this binary carries");
    add_storage_options(migrate_cmd);
    std::string backup_file;
    CLI::App* backup_cmd = db_cmd->add_subcommand(
        "backup", "Copy the live SQLite store to FILE (PostgreSQL: use pg_dump)");
    backup_cmd->add_option("file", backup_file, "Where to write; never overwritten")->required();
    add_storage_options(backup_cmd);
    std::string restore_file;
    CLI::App* restore_cmd = db_cmd->add_subcommand(
        "restore", "Replace the SQLite store's content with a backup (stop icpd first)");
    restore_cmd->add_option("file", restore_file, "A file written by `icpctl db backup`")
        ->required();
    add_storage_options(restore_cmd);
    CLI::App* audit_cmd = app.add_subcommand("audit", "Work with the audit log");
    audit_cmd->require_subcommand(1);
    bool audit_json = false;
    CLI::App* verify_cmd = audit_cmd->add_subcommand(
        "verify", "Check the audit log's hash chain; name the first broken entry (exit 1)");
    verify_cmd->add_flag("--json", audit_json, "Print one JSON object");
    add_storage_options(verify_cmd);
    std::unique_ptr<icp::cli::OutboxCommands> outbox_cmds =
        icp::cli::OutboxCommands::Register(app, add_storage_options);
    CLI::App* resources_cmd = app.add_subcommand("resources", "Work with the cloud inventory");
    resources_cmd->require_subcommand(1);
    icp::cli::ResourcesImportRequest resources_import;
    CLI::App* resources_import_cmd = resources_cmd->add_subcommand(
        "import", "Import or sync the inventory from a CSV or JSON file (all rows or none)");
    resources_import_cmd->add_option("file", resources_import.file, "The inventory file")
        ->required();
    resources_import_cmd->add_option("--format", resources_import.format,
                                     "csv or json (default: from the file's extension)");
    add_storage_options(resources_import_cmd);

    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int code = app.exit(e);
      return code == 0 ? 0 : 2;  // --help and --version exit 0; usage errors exit 2
    }
    if (check_cmd->parsed()) {
      return icp::cli::RunCheck(check, icp::TodayInChina(), std::cout, std::cerr);
    }
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
      return icp::cli::RunPrecheck(
          precheck, std::chrono::floor<std::chrono::seconds>(icp::RealNow()), std::cout, std::cerr);
    }
    if (materials_cmd->parsed()) {
      materials.rules_dir = rules_dir;
      return icp::cli::RunMaterials(materials, icp::TodayInChina(), std::cout, std::cerr);
    }
    if (db_cmd->parsed() || audit_cmd->parsed() || outbox_cmds->parsed() ||
        resources_cmd->parsed()) {
      storage.ApplyEnvironment();
      // Only migrate touches the schema (restore migrates what it restored); the other
      // commands refuse a store that is behind this binary.
      const icp::sql::SchemaPolicy schema = migrate_cmd->parsed() || restore_cmd->parsed()
                                                ? icp::sql::SchemaPolicy::kAsIs
                                                : icp::sql::SchemaPolicy::kRequire;
      // On PostgreSQL migrate connects as the owner role, everything else as the runtime role.
      icp::Result<icp::OpenedStore> store =
          icp::OpenStore(storage, std::chrono::floor<std::chrono::seconds>(icp::RealNow()), schema,
                         migrate_cmd->parsed() ? icp::StoreUse::kMigrate : icp::StoreUse::kRuntime);
      if (!store) {
        icp::cli::PrintError(store.error(), std::cerr);
        return 1;
      }
      if (migrate_cmd->parsed()) {
        std::cout << store->description << "\n";
        return icp::cli::RunMigrate(*store->admin, std::cout, std::cerr);
      }
      if (backup_cmd->parsed()) {
        return icp::cli::RunBackup(*store->admin, backup_file, std::cout, std::cerr);
      }
      if (restore_cmd->parsed()) {
        return icp::cli::RunRestore(*store->admin, restore_file, std::cout, std::cerr);
      }
      if (resources_cmd->parsed()) {
        resources_import.actor = icp::OperatorName();
        return icp::cli::RunResourcesImport(
            *store->database, resources_import,
            std::chrono::floor<std::chrono::seconds>(icp::RealNow()), std::cout, std::cerr);
      }
      if (outbox_cmds->parsed()) {
        return outbox_cmds->Run(*store->database,
                                std::chrono::floor<std::chrono::seconds>(icp::RealNow()),
                                icp::OperatorName(), std::cout, std::cerr);
      }
      return icp::cli::RunAuditVerify(*store->database, audit_json, std::cout, std::cerr);
    }
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "icpctl: internal error: " << e.what() << "\n";
    return 3;
  }
}
