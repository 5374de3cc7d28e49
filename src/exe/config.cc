#include "exe/config.h"

#include <boost/json.hpp>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/strings.h"

namespace icp {
namespace {

namespace json = boost::json;

struct Setting {
  const char* name;
  const char* variable;
  bool number;  // a JSON number in the file; text everywhere else
};

// Every setting: its name in the file, its variable; the flags are declared in icpd.cc.
constexpr Setting kSettings[] = {
    {"listen", "ICP_LISTEN", false},
    {"port", "ICP_PORT", true},
    {"max_body_bytes", "ICP_MAX_BODY_BYTES", true},
    {"max_upload_bytes", "ICP_MAX_UPLOAD_BYTES", true},
    {"data_dir", "ICP_DATA_DIR", false},
    {"database", "ICP_DATABASE", false},
    {"read_database", "ICP_READ_DATABASE", false},
    {"pii_key", "ICP_PII_KEY", false},
    {"rules_dir", "ICP_RULES_DIR", false},
    {"console_dir", "ICP_CONSOLE_DIR", false},
    {"cookie_secure", "ICP_COOKIE_SECURE", false},
    {"login_backoff_seconds", "ICP_LOGIN_BACKOFF_SECONDS", true},
    {"password_hash_ops", "ICP_PASSWORD_HASH_OPS", true},
    {"password_hash_memory", "ICP_PASSWORD_HASH_MEMORY", true},
    {"notify_sink", "ICP_NOTIFY_SINK", false},
    {"smtp_url", "ICP_SMTP_URL", false},
    {"smtp_from", "ICP_SMTP_FROM", false},
    {"sms_webhook_url", "ICP_SMS_WEBHOOK_URL", false},
    {"sweep_interval_seconds", "ICP_SWEEP_INTERVAL_SECONDS", true},
    {"log_level", "ICP_LOG_LEVEL", false},
    {"bureau_url", "ICP_BUREAU_URL", false},
    {"bureau_isp_id", "ICP_BUREAU_ISP_ID", true},
    {"bureau_user_name", "ICP_BUREAU_USER_NAME", false},
    {"bureau_password", "ICP_BUREAU_PASSWORD", false},
    {"bureau_aes_key", "ICP_BUREAU_AES_KEY", false},
    {"bureau_aes_iv", "ICP_BUREAU_AES_IV", false},
    {"bureau_protocol", "ICP_BUREAU_PROTOCOL", false},
    {"bureau_upload_interval_seconds", "ICP_BUREAU_UPLOAD_INTERVAL_SECONDS", true},
    {"bureau_download_interval_seconds", "ICP_BUREAU_DOWNLOAD_INTERVAL_SECONDS", true},
    {"bureau_estate_account", "ICP_BUREAU_ESTATE_ACCOUNT", false},
};

// The notify_sink values: where notifications go.
struct Sink {
  std::string_view name;
  bool email;
  bool sms;
};
constexpr Sink kSinks[] = {
    {"log", false, false},
    {"smtp", true, false},
    {"webhook", false, true},
    {"smtp+webhook", true, true},
};

FieldViolation Problem(const std::string& where, std::string rule, std::string message) {
  return {where, std::move(rule), std::move(message), ""};
}

// Parses `text` as an unsigned number in [min, max].
std::optional<std::uint64_t> Number(std::string_view text, std::uint64_t min, std::uint64_t max) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < min || n > max) {
    return std::nullopt;
  }
  return n;
}

void ApplyBureauSetting(const SettingSource& v, BureauSettings& b,
                        std::vector<FieldViolation>& problems) {
  auto seconds = [&](std::chrono::seconds& out) {
    if (std::optional<std::uint64_t> n = Number(v.value, 1, 86400)) {
      out = std::chrono::seconds(*n);
    } else {
      problems.push_back(Problem(v.where, "config.bureau-interval",
                                 v.value + " is not a number of seconds from 1 to 86400"));
    }
  };
  if (v.name == "bureau_url") {
    if (!v.value.empty() && !v.value.starts_with("http://") && !v.value.starts_with("https://")) {
      problems.push_back(Problem(v.where, "config.bureau-url", v.value + " is not an http(s) URL"));
    } else {
      b.url = v.value;
      while (b.url.ends_with('/')) b.url.pop_back();
    }
  } else if (v.name == "bureau_isp_id") {
    if (std::optional<std::uint64_t> n = Number(v.value, 0, std::uint64_t{1} << 62)) {
      b.isp_id = static_cast<std::int64_t>(*n);
    } else {
      problems.push_back(Problem(v.where, "config.bureau-isp-id", v.value + " is not an isp id"));
    }
  } else if (v.name == "bureau_user_name") {
    b.user_name = v.value;
  } else if (v.name == "bureau_password") {
    b.password = v.value;
  } else if (v.name == "bureau_aes_key") {
    b.aes_key = v.value;
  } else if (v.name == "bureau_aes_iv") {
    b.aes_iv = v.value;
  } else if (v.name == "bureau_protocol") {
    if (v.value == "extended" || v.value == "v3.0-strict") {
      b.strict = v.value == "v3.0-strict";
    } else {
      problems.push_back(Problem(v.where, "config.bureau-protocol",
                                 v.value + " is not one of extended, v3.0-strict"));
    }
  } else if (v.name == "bureau_upload_interval_seconds") {
    seconds(b.upload_interval);
  } else if (v.name == "bureau_download_interval_seconds") {
    seconds(b.download_interval);
  } else if (v.name == "bureau_estate_account") {
    b.estate_account = v.value;
  }
}

}  // namespace

const std::vector<std::string>& SettingNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Setting& s : kSettings) out.emplace_back(s.name);
    return out;
  }();
  return names;
}

std::vector<SettingSource> SettingsFromEnvironment() {
  std::vector<SettingSource> out;
  for (const Setting& s : kSettings) {
    if (const char* v = std::getenv(s.variable)) out.push_back({s.name, v, s.variable});
  }
  return out;
}

Result<std::vector<SettingSource>> SettingsFromFile(const std::filesystem::path& file) {
  const std::string where = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) return InvalidValue("config.read", where + ": cannot read the config file");
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value doc = json::parse(text.str(), ec);
  if (ec) return InvalidValue("config.json", where + ": not JSON: " + ec.message());
  if (!doc.is_object()) {
    return InvalidValue("config.json", where + ": a config file is one JSON object");
  }
  std::vector<SettingSource> out;
  std::vector<FieldViolation> problems;
  for (const auto& [key, value] : doc.as_object()) {
    const std::string at = where + ": " + std::string(key);
    const Setting* setting = nullptr;
    for (const Setting& s : kSettings) {
      if (key == s.name) setting = &s;
    }
    if (setting == nullptr) {
      problems.push_back(Problem(at, "config.unknown-setting",
                                 "unknown setting; the settings are " + JoinNames(SettingNames())));
      continue;
    }
    if (setting->number) {
      if (!value.is_int64() || value.as_int64() < 0) {
        problems.push_back(
            Problem(at, "config.type", "must be a whole number, not " + json::serialize(value)));
        continue;
      }
      out.push_back({setting->name, std::to_string(value.as_int64()), at});
    } else {
      if (!value.is_string()) {
        problems.push_back(
            Problem(at, "config.type", "must be a string, not " + json::serialize(value)));
        continue;
      }
      out.push_back({setting->name, std::string(value.as_string()), at});
    }
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
  return out;
}

bool CookieSecure(const ServeSettings& settings) {
  if (settings.cookie_secure == "always") return true;
  if (settings.cookie_secure == "never") return false;
  const std::string& a = settings.listen;
  const bool loopback = a == "::1" || a == "localhost" || a.starts_with("127.");
  return !loopback;
}

Result<ServeSettings> ResolveSettings(const std::vector<std::vector<SettingSource>>& layers) {
  ServeSettings s;
  std::vector<FieldViolation> problems;
  std::string sink_where;  // where notify_sink was given
  for (const std::vector<SettingSource>& layer : layers) {
    for (const SettingSource& v : layer) {
      if (v.name == "listen") {
        s.listen = v.value;
      } else if (v.name == "port") {
        if (std::optional<std::uint64_t> n = Number(v.value, 0, 65535)) {
          s.port = static_cast<std::uint16_t>(*n);
        } else {
          problems.push_back(
              Problem(v.where, "config.port", v.value + " is not a port from 0 to 65535"));
        }
      } else if (v.name == "max_body_bytes") {
        if (std::optional<std::uint64_t> n = Number(v.value, 1, std::uint64_t{1} << 30)) {
          s.max_body_bytes = static_cast<std::size_t>(*n);
        } else {
          problems.push_back(Problem(v.where, "config.max-body-bytes",
                                     v.value + " is not a number from 1 to 1073741824"));
        }
      } else if (v.name == "max_upload_bytes") {
        if (std::optional<std::uint64_t> n = Number(v.value, 1, std::uint64_t{1} << 30)) {
          s.max_upload_bytes = static_cast<std::size_t>(*n);
        } else {
          problems.push_back(Problem(v.where, "config.max-upload-bytes",
                                     v.value + " is not a number from 1 to 1073741824"));
        }
      } else if (v.name == "data_dir") {
        s.storage.data_dir = v.value;
      } else if (v.name == "database") {
        s.storage.database = v.value;
      } else if (v.name == "read_database") {
        s.storage.read_database = v.value;
      } else if (v.name == "pii_key") {
        s.storage.pii_key = v.value;
      } else if (v.name == "rules_dir") {
        s.rules_dir = v.value;
      } else if (v.name == "console_dir") {
        s.console_dir = v.value;
      } else if (v.name == "cookie_secure") {
        if (v.value == "auto" || v.value == "always" || v.value == "never") {
          s.cookie_secure = v.value;
        } else {
          problems.push_back(Problem(v.where, "config.cookie-secure",
                                     v.value + " is not one of auto, always, never"));
        }
      } else if (v.name == "log_level") {
        if (v.value == "debug" || v.value == "info" || v.value == "warn" || v.value == "error") {
          s.log_level = v.value;
        } else {
          problems.push_back(Problem(v.where, "config.log-level",
                                     v.value + " is not one of debug, info, warn, error"));
        }
      } else if (v.name == "login_backoff_seconds") {
        if (std::optional<std::uint64_t> n = Number(v.value, 1, 3600)) {
          s.login_backoff_seconds = *n;
        } else {
          problems.push_back(Problem(v.where, "config.login-backoff-seconds",
                                     v.value + " is not a number of seconds from 1 to 3600"));
        }
      } else if (v.name == "password_hash_ops") {
        if (std::optional<std::uint64_t> n = Number(v.value, 1, 100)) {
          s.password_hash_ops = *n;
        } else {
          problems.push_back(
              Problem(v.where, "config.password-hash-ops", v.value + " is not from 1 to 100"));
        }
      } else if (v.name == "password_hash_memory") {
        if (std::optional<std::uint64_t> n = Number(v.value, 8192, std::uint64_t{1} << 32)) {
          s.password_hash_memory = *n;
        } else {
          problems.push_back(Problem(v.where, "config.password-hash-memory",
                                     v.value + " is not a number of bytes from 8192 to 4 GiB"));
        }
      } else if (v.name == "notify_sink") {
        const Sink* sink = nullptr;
        for (const Sink& k : kSinks) {
          if (v.value == k.name) sink = &k;
        }
        if (sink == nullptr) {
          problems.push_back(
              Problem(v.where, "config.notify-sink",
                      v.value + " is not a sink; the sinks are " +
                          JoinNames(NamesOf(kSinks, [](const Sink& k) { return k.name; }))));
        } else {
          s.notify.email = sink->email;
          s.notify.sms = sink->sms;
          sink_where = v.where;
        }
      } else if (v.name == "smtp_url") {
        s.notify.smtp_url = v.value;
      } else if (v.name == "smtp_from") {
        s.notify.smtp_from = v.value;
      } else if (v.name == "sms_webhook_url") {
        s.notify.sms_webhook_url = v.value;
      } else if (v.name == "sweep_interval_seconds") {
        if (std::optional<std::uint64_t> n = Number(v.value, 1, 86400)) {
          s.notify.sweep_interval = std::chrono::seconds(*n);
        } else {
          problems.push_back(Problem(v.where, "config.sweep-interval",
                                     v.value + " is not a number of seconds from 1 to 86400"));
        }
      } else if (v.name.starts_with("bureau_")) {
        ApplyBureauSetting(v, s.bureau, problems);
      }
    }
  }
  if (!s.bureau.url.empty() && (s.bureau.isp_id == 0 || s.bureau.password.empty())) {
    problems.push_back(Problem("bureau_url", "config.bureau",
                               "the bureau gateway needs bureau_isp_id and bureau_password"));
  }
  if (s.bureau.aes_key.empty() != s.bureau.aes_iv.empty()) {
    problems.push_back(Problem("bureau_aes_key", "config.bureau",
                               "bureau_aes_key and bureau_aes_iv come together"));
  }
  if (s.bureau.user_name.empty() && s.bureau.isp_id != 0) {
    s.bureau.user_name = std::to_string(s.bureau.isp_id);
  }
  // A channel needs its settings, wherever each came from.
  if (s.notify.email && (s.notify.smtp_url.empty() || s.notify.smtp_from.empty())) {
    problems.push_back(
        Problem(sink_where, "config.notify-sink", "the smtp sink needs smtp_url and smtp_from"));
  }
  if (s.notify.sms && s.notify.sms_webhook_url.empty()) {
    problems.push_back(
        Problem(sink_where, "config.notify-sink", "the webhook sink needs sms_webhook_url"));
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
  return s;
}

}  // namespace icp
