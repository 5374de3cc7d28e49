#include "miit/zip_archive.h"

#include <gtest/gtest.h>
#include <minizip/zip.h>
#include <zlib.h>

#include <random>

namespace icp::miit {
namespace {

// A zip of several entries, made with minizip directly (ZipOne makes only one).
std::string ZipMany(int entries) {
  std::string path = ::testing::TempDir() + "/many.zip";
  zipFile zip = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  for (int i = 0; i < entries; ++i) {
    std::string name = "entry" + std::to_string(i);
    zip_fileinfo info{};
    EXPECT_EQ(zipOpenNewFileInZip(zip, name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr,
                                  Z_DEFLATED, Z_DEFAULT_COMPRESSION),
              ZIP_OK);
    EXPECT_EQ(zipWriteInFileInZip(zip, "x", 1), ZIP_OK);
    zipCloseFileInZip(zip);
  }
  zipClose(zip, nullptr);
  FILE* f = std::fopen(path.c_str(), "rb");
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  std::fclose(f);
  return out;
}

TEST(ZipOne, RoundTripsRandomData) {
  std::mt19937 rng(3);
  for (int n = 0; n < 50; ++n) {
    std::string data(rng() % 5000, '\0');
    for (char& c : data) c = static_cast<char>(rng() % 7);  // compressible and not
    Result<std::string> zip = ZipOne("beianinfo", data);
    ASSERT_TRUE(zip.has_value());
    Result<ZipEntry> entry = UnzipOne(*zip);
    ASSERT_TRUE(entry.has_value()) << entry.error().message;
    EXPECT_EQ(entry->name, "beianinfo");
    EXPECT_EQ(entry->data, data);
  }
}

TEST(ZipOne, GivesTheSameBytesForTheSameInput) {
  EXPECT_EQ(ZipOne("a1", "hello").value(), ZipOne("a1", "hello").value());
}

TEST(ZipOne, RefusesAnEntryNameOfTheWrongForm) {
  EXPECT_EQ(ZipOne("../x", "data").error().rule(), "miit.zip.file_name");
  EXPECT_EQ(ZipOne("", "data").error().rule(), "miit.zip.file_name");
  EXPECT_EQ(ZipOne(std::string(129, 'a'), "data").error().rule(), "miit.zip.file_name");
}

TEST(CheckFileName, TakesLettersDigitsAndAnXmlSuffix) {
  EXPECT_TRUE(CheckFileName("beianinfo.xml").has_value());
  EXPECT_TRUE(CheckFileName(std::string(128, '7')).has_value());
  EXPECT_FALSE(CheckFileName(".xml").has_value());
  EXPECT_FALSE(CheckFileName("a b").has_value());
}

TEST(UnzipOne, RefusesBytesThatAreNotAZip) {
  Result<ZipEntry> r = UnzipOne("this is not a zip file at all", kMaxFileBytes, "beianInfo");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "miit.zip.malformed");
  EXPECT_EQ(r.error().violations[0].field, "beianInfo");
  EXPECT_EQ(UnzipOne("").error().rule(), "miit.zip.malformed");
}

TEST(UnzipOne, RefusesATruncatedZip) {
  std::string zip = ZipOne("beianinfo", std::string(1000, 'q')).value();
  for (std::size_t cut : {std::size_t{10}, zip.size() / 2, zip.size() - 1}) {
    EXPECT_FALSE(UnzipOne(zip.substr(0, cut)).has_value()) << cut;
  }
}

TEST(UnzipOne, RefusesAFlippedByteInTheData) {
  std::string zip = ZipOne("beianinfo", std::string(1000, 'q')).value();
  zip[40] = static_cast<char>(zip[40] ^ 0x55);  // inside the deflate stream
  EXPECT_EQ(UnzipOne(zip).error().rule(), "miit.zip.malformed");
}

TEST(UnzipOne, RefusesACrcThatDoesNotMatch) {
  std::string zip = ZipOne("beianinfo", std::string(1000, 'q')).value();
  // The CRC-32 in the local header (offset 14) and the central directory (offset 16).
  zip[14] = static_cast<char>(zip[14] ^ 1);
  zip[zip.rfind("PK\x01\x02") + 16] = static_cast<char>(zip[zip.rfind("PK\x01\x02") + 16] ^ 1);
  Result<ZipEntry> r = UnzipOne(zip);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("CRC-32"), std::string::npos) << r.error().message;
}

TEST(UnzipOne, RefusesSeveralEntriesAndNone) {
  EXPECT_EQ(UnzipOne(ZipMany(2)).error().rule(), "miit.zip.entries");
  EXPECT_EQ(UnzipOne(ZipMany(0)).error().rule(), "miit.zip.entries");
  EXPECT_TRUE(UnzipOne(ZipMany(1)).has_value());
}

TEST(UnzipOne, StopsInflatingAtTheLimit) {
  std::string zip = ZipOne("bomb", std::string(3 * 1024 * 1024, '\0')).value();
  ASSERT_LT(zip.size(), 10000u);
  Result<ZipEntry> r = UnzipOne(zip, 1024 * 1024);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "miit.zip.too_large");
  EXPECT_TRUE(UnzipOne(zip, 3 * 1024 * 1024).has_value());
}

TEST(UnzipOne, CountsInflatedBytesWhateverTheHeadersClaim) {
  std::string zip = ZipOne("bomb", std::string(3 * 1024 * 1024, '\0')).value();
  // Claim 100 bytes uncompressed in the local header (offset 22) and in the central
  // directory entry (offset 24 from its signature).
  auto claim = [&](std::size_t at) { zip.replace(at, 4, std::string("\x64\0\0\0", 4)); };
  claim(22);
  claim(zip.rfind("PK\x01\x02") + 24);
  EXPECT_FALSE(UnzipOne(zip, 1024 * 1024).has_value());
}

TEST(UnzipOne, RefusesAnEncryptedEntry) {
  std::string path = ::testing::TempDir() + "/encrypted.zip";
  zipFile zip = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  zip_fileinfo info{};
  ASSERT_EQ(zipOpenNewFileInZip3(zip, "secret", &info, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED,
                                 Z_DEFAULT_COMPRESSION, 0, -MAX_WBITS, DEF_MEM_LEVEL,
                                 Z_DEFAULT_STRATEGY, "password", 0),
            ZIP_OK);
  ASSERT_EQ(zipWriteInFileInZip(zip, "hidden", 6), ZIP_OK);
  zipCloseFileInZip(zip);
  zipClose(zip, nullptr);
  FILE* f = std::fopen(path.c_str(), "rb");
  std::string bytes;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) bytes.append(buf, n);
  std::fclose(f);
  Result<ZipEntry> r = UnzipOne(bytes);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("encrypted"), std::string::npos) << r.error().message;
}

TEST(UnzipOne, RefusesACompressionMethodOtherThanStoredOrDeflate) {
  std::string zip = ZipOne("beianinfo", "data").value();
  // Method 12 (bzip2) in the local header (offset 8) and the central directory (offset 10).
  zip[8] = 12;
  zip[zip.rfind("PK\x01\x02") + 10] = 12;
  Result<ZipEntry> r = UnzipOne(zip);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("compression method 12"), std::string::npos)
      << r.error().message;
}

TEST(UnzipOne, RefusesBytesAfterTheArchive) {
  std::string zip = ZipOne("beianinfo", "data").value();
  EXPECT_EQ(UnzipOne(zip + "trailing").error().rule(), "miit.zip.malformed");
}

TEST(UnzipOne, RefusesAZipLargerThanTheLimit) {
  std::string zip = ZipOne("big", std::string(5000, 'a')).value();
  EXPECT_EQ(UnzipOne(zip, 50).error().rule(), "miit.zip.too_large");
}

}  // namespace
}  // namespace icp::miit
