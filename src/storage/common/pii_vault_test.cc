#include "storage/common/pii_vault.h"
#include "base/test_strictness.h"

#include <sys/stat.h>
#include <unistd.h>

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
  ASSERT_EQ(::stat(path.parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u) << "the directory the key is created in";
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

// A fresh directory under the test's temporary directory.
std::filesystem::path FreshDir(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void ExpectRefused(const std::filesystem::path& path, const std::string& why) {
  Result<PiiVault> vault = PiiVault::OpenKeyFile(path);
  ASSERT_FALSE(vault.has_value()) << path << " was accepted";
  EXPECT_EQ(vault.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(vault.error().rule(), "pii.key-file");
  EXPECT_NE(vault.error().message.find(why), std::string::npos) << vault.error().message;
}

TEST(PiiVaultTest, KeyFileAndItsDirectoryArePrivateWhateverTheUmask) {
  const std::filesystem::path dir = FreshDir("pii_key_umask");
  const std::filesystem::path path = dir / "a" / "b" / "pii.key";
  const mode_t old = ::umask(0277);  // would take the owner's write and search bits
  Result<PiiVault> vault = PiiVault::OpenKeyFile(path);
  ::umask(old);
  ASSERT_TRUE(vault.has_value()) << vault.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir / "a" / "b").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((dir / "a").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  std::filesystem::remove_all(dir);
}

TEST(PiiVaultTest, KeyFileThatIsASymbolicLinkIsRefused) {
  const std::filesystem::path dir = FreshDir("pii_key_symlink");
  ASSERT_TRUE(PiiVault::OpenKeyFile(dir / "real.key").has_value());
  std::filesystem::create_symlink(dir / "real.key", dir / "pii.key");
  ExpectRefused(dir / "pii.key", "symbolic link");
  // A dangling link is not followed to create a key where it points.
  std::filesystem::create_symlink(dir / "planted.key", dir / "dangling.key");
  ExpectRefused(dir / "dangling.key", "symbolic link");
  EXPECT_FALSE(std::filesystem::exists(dir / "planted.key"));
  std::filesystem::remove_all(dir);
}

TEST(PiiVaultTest, KeyFileOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0) {
    ICP_SKIP_OR_FAIL("giving the key file to another user (chown) needs root; this runs as uid "
                     << ::geteuid());
  }
  // nobody's uid on Debian; chown takes a uid whether or not a name goes with it.
  constexpr uid_t kNobody = 65534;
  const std::filesystem::path dir = FreshDir("pii_key_owner");
  const std::filesystem::path path = dir / "pii.key";
  ASSERT_TRUE(PiiVault::OpenKeyFile(path).has_value());
  ASSERT_EQ(::chown(path.c_str(), kNobody, kNobody), 0);
  ExpectRefused(path, "belongs to user 65534");
  std::filesystem::remove_all(dir);
}

TEST(PiiVaultTest, KeyFileThatIsNoRegularFileIsRefused) {
  const std::filesystem::path dir = FreshDir("pii_key_kind");
  std::filesystem::create_directories(dir / "pii.key");
  ::chmod((dir / "pii.key").c_str(), 0700);
  ExpectRefused(dir / "pii.key", "not a regular file");
  ASSERT_EQ(::mkfifo((dir / "fifo.key").c_str(), 0600), 0);
  ExpectRefused(dir / "fifo.key", "not a regular file");  // and opening it does not block
  std::filesystem::remove_all(dir);
}

TEST(PiiVaultTest, AnEmptySealedTextIsRefused) {
  PiiVault vault = PiiVault::FromMasterKey(Key(7));
  Result<std::string> opened = vault.Open("v1:", "application");
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().rule(), "pii.open");
  EXPECT_FALSE(vault.Open("v1:=", "application").has_value());
}

}  // namespace
}  // namespace icp
