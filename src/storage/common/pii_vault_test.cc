#include "storage/common/pii_vault.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

namespace icp {
namespace {

std::array<unsigned char, 32> Key(unsigned char fill) {
  std::array<unsigned char, 32> key{};
  key.fill(fill);
  return key;
}

TEST(PiiVaultTest, SealsAndOpensWithTheSameKeyAndContext) {
  PiiVault vault = PiiVault::FromMasterKey(Key(7));
  const std::string sealed = vault.Seal("440308199901101512 张三", "subject");
  EXPECT_EQ(sealed.find("440308199901101512"), std::string::npos);
  EXPECT_NE(vault.Seal("440308199901101512 张三", "subject"), sealed) << "nonces are random";
  Result<std::string> opened = vault.Open(sealed, "subject");
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, "440308199901101512 张三");
}

TEST(PiiVaultTest, RefusesAnotherKeyAnotherContextOrAChangedText) {
  PiiVault vault = PiiVault::FromMasterKey(Key(7));
  const std::string sealed = vault.Seal("13800138000", "application");
  EXPECT_FALSE(PiiVault::FromMasterKey(Key(8)).Open(sealed, "application").has_value());
  EXPECT_FALSE(vault.Open(sealed, "subject").has_value());
  std::string changed = sealed;
  changed[10] = changed[10] == 'A' ? 'B' : 'A';
  Result<std::string> bad = vault.Open(changed, "application");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().rule(), "pii.open");
  EXPECT_FALSE(vault.Open("plain text", "application").has_value());
  EXPECT_FALSE(vault.Open("v1:", "application").has_value());
}

TEST(PiiVaultTest, HashesAreKeyedStableAndContextBound) {
  PiiVault a = PiiVault::FromMasterKey(Key(1));
  EXPECT_EQ(a.Hash("13800138000", "mobile"), a.Hash("13800138000", "mobile"));
  EXPECT_EQ(a.Hash("13800138000", "mobile").size(), 64u);
  EXPECT_NE(a.Hash("13800138000", "mobile"), a.Hash("13800138001", "mobile"));
  EXPECT_NE(a.Hash("13800138000", "mobile"), a.Hash("13800138000", "certificate"));
  EXPECT_NE(a.Hash("13800138000", "mobile"),
            PiiVault::FromMasterKey(Key(2)).Hash("13800138000", "mobile"));
}

TEST(PiiVaultTest, KeyFileIsCreatedPrivateOnceAndReused) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "pii_key_test";
  std::filesystem::remove_all(dir);
  const std::filesystem::path path = dir / "keys" / "pii.key";
  Result<PiiVault> first = PiiVault::OpenKeyFile(path);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  Result<PiiVault> second = PiiVault::OpenKeyFile(path);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->Hash("x", "c"), first->Hash("x", "c"));
  ASSERT_TRUE(second->Open(first->Seal("x", "c"), "c").has_value());

  std::filesystem::permissions(path, std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  Result<PiiVault> loose = PiiVault::OpenKeyFile(path);
  ASSERT_FALSE(loose.has_value());
  EXPECT_EQ(loose.error().rule(), "pii.key-file");

  const std::filesystem::path bad = dir / "bad.key";
  std::ofstream(bad) << "not a key\n";
  std::filesystem::permissions(
      bad, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_FALSE(PiiVault::OpenKeyFile(bad).has_value());
  std::filesystem::remove_all(dir);
}

TEST(PiiVaultTest, StartingTogetherEveryoneGetsTheSameKey) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "pii_key_race";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / "pii.key";
  std::vector<std::string> hashes(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    threads.emplace_back([&, i] {
      Result<PiiVault> vault = PiiVault::OpenKeyFile(path);
      hashes[i] = vault ? vault->Hash("x", "c") : vault.error().message;
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& h : hashes) EXPECT_EQ(h, hashes[0]);
  EXPECT_EQ(hashes[0].size(), 64u) << hashes[0];
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u) << "no temporary key file is left behind";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace icp
