#include "exe/config.h"

#include <gtest/gtest.h>

#include <fstream>

namespace icp {
namespace {

std::filesystem::path Write(const std::string& name, const std::string& text) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path;
}

TEST(Config, TheExampleFileListsEverySettingWithItsDefault) {
  Result<std::vector<SettingSource>> file =
      SettingsFromFile(std::filesystem::path(ICP_SOURCE_DIR) / "config/icpd.example.json");
  ASSERT_TRUE(file.has_value()) << file.error().message;
  std::vector<std::string> names;
  for (const SettingSource& s : *file) names.push_back(s.name);
  EXPECT_EQ(names, SettingNames());
  Result<ServeSettings> from_file = ResolveSettings({*file});
  ASSERT_TRUE(from_file.has_value());
  const ServeSettings defaults;
  EXPECT_EQ(from_file->listen, defaults.listen);
  EXPECT_EQ(from_file->port, defaults.port);
  EXPECT_EQ(from_file->max_body_bytes, defaults.max_body_bytes);
  EXPECT_EQ(from_file->storage.data_dir, defaults.storage.data_dir);
  EXPECT_EQ(from_file->rules_dir, defaults.rules_dir);
  EXPECT_EQ(from_file->console_dir, defaults.console_dir);
  EXPECT_EQ(from_file->cookie_secure, defaults.cookie_secure);
  EXPECT_EQ(from_file->login_backoff_seconds, defaults.login_backoff_seconds);
  EXPECT_EQ(from_file->password_hash_ops, defaults.password_hash_ops);
  EXPECT_EQ(from_file->password_hash_memory, defaults.password_hash_memory);
  EXPECT_EQ(from_file->notify.email, defaults.notify.email);
  EXPECT_EQ(from_file->notify.sms, defaults.notify.sms);
  EXPECT_EQ(from_file->notify.sweep_interval, defaults.notify.sweep_interval);
  EXPECT_EQ(from_file->log_level, defaults.log_level);
}

TEST(Config, TheSessionCookieIsSecureUnlessServingOnLoopbackOrToldOtherwise) {
  ServeSettings s;
  EXPECT_FALSE(CookieSecure(s)) << "127.0.0.1 by default";
  s.listen = "0.0.0.0";
  EXPECT_TRUE(CookieSecure(s));
  s.listen = "::1";
  EXPECT_FALSE(CookieSecure(s));
  s.cookie_secure = "always";
  EXPECT_TRUE(CookieSecure(s));
  s.listen = "10.0.0.5";
  s.cookie_secure = "never";
  EXPECT_FALSE(CookieSecure(s));
  Result<ServeSettings> bad = ResolveSettings({{{"cookie_secure", "yes", "ICP_COOKIE_SECURE"},
                                                {"password_hash_memory", "10", "f"},
                                                {"log_level", "verbose", "ICP_LOG_LEVEL"}}});
  ASSERT_FALSE(bad.has_value());
  ASSERT_EQ(bad.error().violations.size(), 3u);
  EXPECT_EQ(bad.error().violations[0].rule, "config.cookie-secure");
  EXPECT_EQ(bad.error().violations[1].rule, "config.password-hash-memory");
  EXPECT_EQ(bad.error().violations[2].rule, "config.log-level");
  EXPECT_EQ(bad.error().violations[2].field, "ICP_LOG_LEVEL");
  Result<ServeSettings> debug = ResolveSettings({{{"log_level", "debug", "--log-level"}}});
  ASSERT_TRUE(debug.has_value());
  EXPECT_EQ(debug->log_level, "debug");
}

TEST(Config, TheNotifySinkChoosesTheChannels) {
  Result<ServeSettings> s = ResolveSettings({{{"notify_sink", "smtp+webhook", "x"},
                                              {"smtp_url", "smtp://127.0.0.1:25", "x"},
                                              {"smtp_from", "noreply@beian.test", "x"},
                                              {"sms_webhook_url", "http://127.0.0.1/sms", "x"},
                                              {"sweep_interval_seconds", "15", "x"}}});
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_TRUE(s->notify.email);
  EXPECT_TRUE(s->notify.sms);
  EXPECT_EQ(s->notify.sweep_interval, std::chrono::seconds(15));
  s = ResolveSettings({{{"notify_sink", "log", "x"}}});
  ASSERT_TRUE(s.has_value());
  EXPECT_FALSE(s->notify.email || s->notify.sms);
}

TEST(Config, AChannelWithoutItsSettingsOrAnUnknownSinkIsRefused) {
  Result<ServeSettings> s = ResolveSettings({{{"notify_sink", "smtp+webhook", "--notify-sink"},
                                              {"smtp_url", "smtp://127.0.0.1:25", "x"}}});
  ASSERT_FALSE(s.has_value());
  ASSERT_EQ(s.error().violations.size(), 2u);
  EXPECT_EQ(s.error().violations[0].field, "--notify-sink");
  EXPECT_EQ(s.error().violations[0].rule, "config.notify-sink");
  EXPECT_NE(s.error().violations[0].message.find("smtp_from"), std::string::npos);
  EXPECT_NE(s.error().violations[1].message.find("sms_webhook_url"), std::string::npos);

  s = ResolveSettings(
      {{{"notify_sink", "mail", "ICP_NOTIFY_SINK"}, {"sweep_interval_seconds", "0", "x"}}});
  ASSERT_FALSE(s.has_value());
  ASSERT_EQ(s.error().violations.size(), 2u);
  EXPECT_NE(s.error().violations[0].message.find("log, smtp, webhook, smtp+webhook"),
            std::string::npos);
  EXPECT_EQ(s.error().violations[1].rule, "config.sweep-interval");
}

TEST(Config, LaterLayersWin) {
  Result<ServeSettings> s = ResolveSettings({{{"port", "1", "ICP_PORT"}, {"listen", "::1", "x"}},
                                             {{"port", "2", "icpd.json: port"}},
                                             {{"port", "0", "--port"}}});
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->port, 0);
  EXPECT_EQ(s->listen, "::1");
}

TEST(Config, EveryBadValueIsNamedWithWhereItCameFrom) {
  Result<ServeSettings> s = ResolveSettings(
      {{{"port", "70000", "ICP_PORT"}, {"max_body_bytes", "0", "--max-body-bytes"}}});
  ASSERT_FALSE(s.has_value());
  ASSERT_EQ(s.error().violations.size(), 2u);
  EXPECT_EQ(s.error().violations[0].field, "ICP_PORT");
  EXPECT_EQ(s.error().violations[0].rule, "config.port");
  EXPECT_EQ(s.error().violations[1].field, "--max-body-bytes");
}

TEST(Config, AFileRefusesUnknownKeysAndWrongTypesAllAtOnce) {
  Result<std::vector<SettingSource>> file = SettingsFromFile(
      Write("icpd-config-test.json", R"({"prot": 8080, "port": "8080", "listen": 5})"));
  ASSERT_FALSE(file.has_value());
  ASSERT_EQ(file.error().violations.size(), 3u);
  EXPECT_EQ(file.error().violations[0].rule, "config.unknown-setting");
  EXPECT_NE(file.error().violations[0].field.find(": prot"), std::string::npos);
  EXPECT_NE(file.error().violations[0].message.find("port"), std::string::npos);
  EXPECT_EQ(file.error().violations[1].rule, "config.type");
  EXPECT_EQ(file.error().violations[2].rule, "config.type");
}

TEST(Config, AFileThatIsNotAnObjectOrNotThereIsRefused) {
  EXPECT_EQ(SettingsFromFile(Write("icpd-config-array.json", "[1]")).error().rule(), "config.json");
  EXPECT_EQ(SettingsFromFile(Write("icpd-config-broken.json", "{\"port\": ")).error().rule(),
            "config.json");
  EXPECT_EQ(SettingsFromFile("/nonexistent/icpd.json").error().rule(), "config.read");
}

}  // namespace
}  // namespace icp
