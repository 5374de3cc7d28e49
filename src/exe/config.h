#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "exe/storage_config.h"

namespace icp {

// Where notifications go and how often the deadline sweeper runs (docs/configuration.md).
struct NotifySettings {
  bool email = false;           // "notify_sink" has smtp: e-mail over SMTP
  bool sms = false;             // "notify_sink" has webhook: SMS through the HTTP gateway
  std::string smtp_url;         // "smtp_url", smtp://host:port (smtps://; user:pass@ allowed)
  std::string smtp_from;        // "smtp_from", the sender address
  std::string sms_webhook_url;  // "sms_webhook_url", http(s)://...
  std::chrono::seconds sweep_interval{60};  // "sweep_interval_seconds", 1 to 86400
};

// The bureau gateway (docs/configuration.md "The bureau", BUREAU-PROTOCOL §1.3): off while
// url is empty. The password comes from ICP_BUREAU_PASSWORD (or the file), never a flag.
struct BureauSettings {
  std::string url;          // "bureau_url": the bureau system, http://host:port (no path)
  std::int64_t isp_id = 0;  // "bureau_isp_id": ispId, the provider's id at the bureau
  std::string user_name;    // "bureau_user_name"; the isp id when empty
  std::string password;     // "bureau_password", ICP_BUREAU_PASSWORD
  std::string aes_key;      // "bureau_aes_key": 16/24/32 characters; empty: no AES
  std::string aes_iv;       // "bureau_aes_iv": 16 characters, with the key
  bool strict = false;      // "bureau_protocol": "extended" (default) or "v3.0-strict"
  std::chrono::seconds upload_interval{10};    // "bureau_upload_interval_seconds"
  std::chrono::seconds download_interval{30};  // "bureau_download_interval_seconds"
  // "bureau_estate_account": the login of the customer account that holds adopted records no
  // customer's verified real name claims (docs/bureau-protocol.md "Adoption"); "" for none.
  std::string estate_account;
};

// Everything `icpd serve` reads, setting by setting (docs/configuration.md; every setting with
// its default is in config/icpd.example.json). Built once in main() and passed down as plain
// values; nothing below exe/ reads a file, a flag or the environment (STYLE.md §2.7).
struct ServeSettings {
  std::string listen = "127.0.0.1";      // "listen", --listen, ICP_LISTEN
  std::uint16_t port = 8080;             // "port", --port, ICP_PORT (0: a free port)
  std::size_t max_body_bytes = 1 << 20;  // "max_body_bytes", --max-body-bytes
  // The body limit of the routes that take files (material and curtain-photo uploads, the
  // import of filed records) only; every other route keeps max_body_bytes.
  // "max_upload_bytes", --max-upload-bytes.
  std::size_t max_upload_bytes = 16 << 20;
  StorageConfig storage;                           // "data_dir", "database", "pii_key"
  std::filesystem::path rules_dir = "data/rules";  // "rules_dir", --rules, ICP_RULES_DIR
  // The console's build (web/, docs/console.md), served at /console/. Empty: the directory
  // `web` beside icpd's own bin/ directory (build/web for build/bin/icpd), and no console when
  // it is not there; a directory given must hold index.html. "console_dir", --console-dir,
  // ICP_CONSOLE_DIR.
  std::filesystem::path console_dir;
  // Accounts and sign-in (docs/configuration.md "Accounts and sessions").
  // The session cookie's Secure flag: "auto" (set unless listening on a loopback address,
  // where plain http is the norm), "always" or "never". "cookie_secure", --cookie-secure,
  // ICP_COOKIE_SECURE.
  std::string cookie_secure = "auto";
  // The first wait after the free failed sign-ins; it doubles with each further failure.
  std::uint64_t login_backoff_seconds = 2;  // "login_backoff_seconds", ICP_LOGIN_BACKOFF_SECONDS
  // argon2id's limits for new password hashes (libsodium's "interactive" by default); older
  // hashes are replaced at their next sign-in.
  std::uint64_t password_hash_ops = 2;  // "password_hash_ops", ICP_PASSWORD_HASH_OPS
  std::uint64_t password_hash_memory = std::uint64_t{64} << 20;  // bytes; ICP_PASSWORD_HASH_MEMORY
  // What stderr gets: "debug" (also the gate's access lines), "info" (the access log and
  // events), "warn" or "error". "log_level", --log-level, ICP_LOG_LEVEL.
  std::string log_level = "info";
  NotifySettings notify;  // "notify_sink", "smtp_url", "smtp_from", "sms_webhook_url", ...
  BureauSettings bureau;  // "bureau_url", "bureau_isp_id", ...
};

// Whether the session cookie carries Secure for `settings` (cookie_secure and listen).
bool CookieSecure(const ServeSettings& settings);

// One source of settings as text, by setting name ("port" → "8080"), with where it came
// from for messages ("--port", "ICP_PORT", "icpd.json: port").
struct SettingSource {
  std::string name;   // the setting, as in the config file
  std::string value;  // as given
  std::string where;  // the flag, variable or file key that gave it
};

// The environment's ICP_* variables as settings (ICP_LISTEN, ICP_PORT, ICP_MAX_BODY_BYTES,
// ICP_MAX_UPLOAD_BYTES,
// ICP_DATA_DIR, ICP_DATABASE, ICP_PII_KEY, ICP_RULES_DIR).
// ICP_DATA_DIR, ICP_DATABASE, ICP_PII_KEY, ICP_RULES_DIR, ICP_NOTIFY_SINK, ICP_SMTP_URL,
// ICP_SMTP_FROM, ICP_SMS_WEBHOOK_URL, ICP_SWEEP_INTERVAL_SECONDS).
std::vector<SettingSource> SettingsFromEnvironment();

// The settings in a JSON config file: one object whose keys are setting names. Every
// problem at once, each naming the file and key: an unreadable file, text that is not a JSON
// object, an unknown key (with the known ones), a value of the wrong JSON type.
Result<std::vector<SettingSource>> SettingsFromFile(const std::filesystem::path& file);

// Applies the sources in order (later ones win: environment, then the file, then flags)
// over the defaults. kInvalidArgument listing every value that does not parse, each naming
// where it came from, and a notify_sink whose channel lacks its settings (rule
// "config.notify-sink": smtp needs smtp_url and smtp_from, webhook needs sms_webhook_url).
Result<ServeSettings> ResolveSettings(const std::vector<std::vector<SettingSource>>& layers);

// The names of every setting, in the order the example file lists them.
const std::vector<std::string>& SettingNames();

}  // namespace icp
