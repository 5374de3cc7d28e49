#include "storage/files/blob_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <random>

#include "storage/memory/blob_store.h"
#include "storage/testing/blob_store_contract.h"

namespace icp {
namespace storage_testing {

std::filesystem::path FreshDirectory() {
  static std::mt19937_64 random{std::random_device()()};
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("icp-blobs-" + std::to_string(random()));
  return dir / "blobs";
}

void Overwrite(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::vector<BlobStoreUnderTest> BlobStoresUnderTest() {
  return {
      {"memory",
       [] {
         auto store = std::make_shared<memory::BlobStore>();
         return BlobStoreUnderTest::Instance{
             store, [store](const std::string& n, const std::string& b) { store->Tamper(n, b); }};
       }},
      {"files",
       [] {
         std::shared_ptr<files::BlobStore> store = files::BlobStore::Open(FreshDirectory()).value();
         return BlobStoreUnderTest::Instance{store,
                                             [store](const std::string& n, const std::string& b) {
                                               Overwrite(store->PathOf(n), b);
                                             }};
       }},
  };
}

}  // namespace storage_testing

namespace {

mode_t ModeOf(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

TEST(FileBlobStore, KeepsBlobsPrivateUnderTheirFannedOutName) {
  const mode_t old = ::umask(0);  // the store must not rely on the umask
  const std::filesystem::path root = storage_testing::FreshDirectory();
  std::unique_ptr<files::BlobStore> store = files::BlobStore::Open(root).value();
  const std::string name = store->Put("abc").value();
  ::umask(old);
  const std::filesystem::path file = root / "ba" / name.substr(2);
  EXPECT_EQ(store->PathOf(name), file);
  EXPECT_TRUE(std::filesystem::is_regular_file(file));
  EXPECT_EQ(ModeOf(root), 0700);
  EXPECT_EQ(ModeOf(root / "ba"), 0700);
  EXPECT_EQ(ModeOf(file), 0600);
  // Nothing but the blob is left in its directory (no temporary file).
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(root / "ba"),
                          std::filesystem::directory_iterator()),
            1);
  std::filesystem::remove_all(root.parent_path());
}

TEST(FileBlobStore, ASymbolicLinkInPlaceOfABlobIsNotFollowed) {
  const std::filesystem::path root = storage_testing::FreshDirectory();
  std::unique_ptr<files::BlobStore> store = files::BlobStore::Open(root).value();
  const std::string name = store->Put("abc").value();
  const std::filesystem::path file = store->PathOf(name);
  std::filesystem::remove(file);
  std::filesystem::create_symlink("/etc/hostname", file);
  EXPECT_FALSE(store->Get(name).has_value());
  std::filesystem::remove_all(root.parent_path());
}

TEST(FileBlobStore, OpenRefusesAFileWhereTheDirectoryShouldBe) {
  const std::filesystem::path root = storage_testing::FreshDirectory();
  std::filesystem::create_directories(root.parent_path());
  storage_testing::Overwrite(root, "not a directory");
  Result<std::unique_ptr<files::BlobStore>> store = files::BlobStore::Open(root);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().rule(), "storage.data-dir");
  std::filesystem::remove_all(root.parent_path());
}

}  // namespace
}  // namespace icp
