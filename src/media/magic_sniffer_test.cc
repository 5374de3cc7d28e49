#include "media/magic_sniffer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace icp::media {
namespace {

std::string ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The signature and a whole IHDR chunk (length, type, 13 bytes of data, CRC): 33 bytes.
std::string PngHeader() {
  return std::string(
      "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x01\x90\0\0\x01\x2c\x08\x02\0\0\0\x62\xd5\x72\x95", 33);
}

std::string JpegHeader() {
  return std::string("\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 20);
}

std::string Sniff(const std::string& bytes) {
  static std::unique_ptr<MagicSniffer> sniffer = MagicSniffer::Open().value();
  Result<std::string> type = sniffer->Sniff(bytes);
  EXPECT_TRUE(type.has_value()) << type.error().message;
  return type.value_or("");
}

TEST(MagicSniffer, KnowsTheAcceptedTypes) {
  EXPECT_EQ(Sniff(PngHeader()), "image/png");
  EXPECT_EQ(Sniff(JpegHeader()), "image/jpeg");
  EXPECT_EQ(Sniff("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"),
            "application/pdf");
}

TEST(MagicSniffer, SeesAnExecutableWhateverItIsCalled) {
  const std::string elf = ReadFile("/bin/true");
  ASSERT_GT(elf.size(), 4u);
  // libmagic 5.44 calls a position-independent executable (Debian's default) x-sharedlib.
  const std::string type = Sniff(elf);
  EXPECT_TRUE(type == "application/x-executable" || type == "application/x-pie-executable" ||
              type == "application/x-sharedlib")
      << type;
}

TEST(MagicSniffer, SeesThroughAPngSignatureOnlyWhenTheRestIsPng) {
  // Text is text, even when the client says image/png.
  EXPECT_EQ(Sniff("just some text, called photo.png"), "text/plain");
  EXPECT_EQ(Sniff(""), "application/x-empty");
}

// Found by fuzz/upload_sniffer: libmagic 5.44 answers nothing, without an error, for these 55
// bytes (two JPEG markers and noise). An upload of them is of an unknown type, not a failure.
TEST(MagicSniffer, BytesLibmagicGivesUpOnAreOfNoKnownType) {
  const std::string bytes(
      "\x00\x00\xfe\xff\xff\x01\x00\x01\x00\x00\xff\xc0\x0b\x08\x00\x10\x32\x4a\xb1\xb6\xb9\x11"
      "\x00\x00\x00\x00\x00\x23\xb6\xb9\xff\xfe\xfe\xff\xff\x01\x00\x01\x00\x00\xff\xc0\x0b\x08"
      "\x00\x10\x32\x4a\xb1\xb6\xb9\x11\x00\xff\xd9",
      55);
  EXPECT_EQ(Sniff(bytes), "application/octet-stream");
}

}  // namespace
}  // namespace icp::media
