#include "domain/image_header.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace icp {
namespace {

using Bytes = std::vector<unsigned char>;

void Put32(Bytes& b, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<unsigned char>(v >> shift));
}

Bytes Png(std::uint32_t width, std::uint32_t height) {
  Bytes b = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  Put32(b, 13);
  for (char c : {'I', 'H', 'D', 'R'}) b.push_back(static_cast<unsigned char>(c));
  Put32(b, width);
  Put32(b, height);
  for (unsigned char c : {8, 2, 0, 0, 0, 0, 0, 0, 0}) b.push_back(c);  // depth.., CRC
  return b;
}

// SOI, an APP0 segment, a DQT-like segment, then SOF `marker` with the size.
Bytes Jpeg(std::uint16_t width, std::uint16_t height, unsigned char marker = 0xc0) {
  Bytes b = {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0};
  b.insert(b.end(), {0xff, 0xff});  // a fill byte before the next marker
  b.insert(b.end(), {0xff, 0xdb, 0x00, 0x04, 0x00, 0x00});
  b.insert(b.end(), {0xff, marker, 0x00, 0x0b, 8});
  b.push_back(static_cast<unsigned char>(height >> 8));
  b.push_back(static_cast<unsigned char>(height));
  b.push_back(static_cast<unsigned char>(width >> 8));
  b.push_back(static_cast<unsigned char>(width));
  b.insert(b.end(), {1, 1, 0x11, 0});
  b.insert(b.end(), {0xff, 0xda, 0x00, 0x08, 1, 1, 0, 0, 0x3f, 0, 0xff, 0xd9});
  return b;
}

TEST(ReadImageSize, ReadsThePngHeader) {
  Result<ImageSize> size = ReadImageSize(ImageFormat::kPng, Png(640, 480));
  ASSERT_TRUE(size.has_value()) << size.error().message;
  EXPECT_EQ(*size, (ImageSize{640, 480}));
}

TEST(ReadImageSize, ReadsTheJpegFrameAfterOtherSegments) {
  Result<ImageSize> size = ReadImageSize(ImageFormat::kJpeg, Jpeg(1024, 768));
  ASSERT_TRUE(size.has_value()) << size.error().message;
  EXPECT_EQ(*size, (ImageSize{1024, 768}));
}

TEST(ReadImageSize, ReadsProgressiveFrames) {
  Result<ImageSize> size = ReadImageSize(ImageFormat::kJpeg, Jpeg(300, 200, 0xc2));
  ASSERT_TRUE(size.has_value()) << size.error().message;
  EXPECT_EQ(*size, (ImageSize{300, 200}));
}

TEST(ReadImageSize, ADhtSegmentIsNotAFrame) {
  // C4 sits in the SOF range but defines Huffman tables; taking it for a frame would read
  // table bytes as a size. With nothing else the image has no frame.
  Result<ImageSize> size = ReadImageSize(ImageFormat::kJpeg, Jpeg(300, 200, 0xc4));
  ASSERT_FALSE(size.has_value());
  EXPECT_EQ(size.error().rule(), "material.image-header");
}

TEST(ReadImageSize, RefusesAZeroSize) {
  EXPECT_FALSE(ReadImageSize(ImageFormat::kPng, Png(0, 10)).has_value());
  EXPECT_FALSE(ReadImageSize(ImageFormat::kJpeg, Jpeg(10, 0)).has_value());
}

TEST(ReadImageSize, RefusesAPngSizeBeyondTheFormat) {
  EXPECT_FALSE(ReadImageSize(ImageFormat::kPng, Png(0x80000000U, 10)).has_value());
}

TEST(ReadImageSize, RefusesTheWrongFormat) {
  EXPECT_FALSE(ReadImageSize(ImageFormat::kPng, Jpeg(10, 10)).has_value());
  EXPECT_FALSE(ReadImageSize(ImageFormat::kJpeg, Png(10, 10)).has_value());
}

TEST(ReadImageSize, RefusesAPngWhoseFirstChunkIsNotIhdr) {
  Bytes b = Png(10, 10);
  b[12] = 'X';
  EXPECT_FALSE(ReadImageSize(ImageFormat::kPng, b).has_value());
}

TEST(ReadImageSize, EveryTruncationIsRefusedWithoutReadingPastTheEnd) {
  for (ImageFormat format : {ImageFormat::kPng, ImageFormat::kJpeg}) {
    const Bytes whole = format == ImageFormat::kPng ? Png(20, 30) : Jpeg(20, 30);
    ASSERT_TRUE(ReadImageSize(format, whole).has_value());
    // The JPEG's size is known once the SOF's width is read; every shorter prefix fails.
    const std::size_t needed = format == ImageFormat::kPng ? 24 : whole.size() - 16;
    for (std::size_t n = 0; n < needed; ++n) {
      // A copy of exactly n bytes, so that the sanitizers see any read past it.
      const Bytes cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(n));
      Result<ImageSize> size = ReadImageSize(format, cut);
      ASSERT_FALSE(size.has_value()) << n << " bytes";
      EXPECT_EQ(size.error().rule(), "material.image-header");
    }
  }
}

TEST(ReadImageSize, ASegmentLengthBelowTwoCannotStallTheWalk) {
  Bytes b = {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x00, 0xff, 0xc0};
  EXPECT_FALSE(ReadImageSize(ImageFormat::kJpeg, b).has_value());
  b[5] = 0x01;
  EXPECT_FALSE(ReadImageSize(ImageFormat::kJpeg, b).has_value());
}

TEST(ReadImageSize, ALengthPastTheEndIsRefused) {
  Bytes b = {0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 0x00};
  EXPECT_FALSE(ReadImageSize(ImageFormat::kJpeg, b).has_value());
}

TEST(ReadImageSize, RandomBytesNeverCrash) {
  std::mt19937 random(9);
  for (int i = 0; i < 20000; ++i) {
    Bytes b = (i % 2 == 0) ? Jpeg(50, 60) : Png(50, 60);
    const std::size_t keep = random() % (b.size() + 1);
    b.resize(keep);
    for (int flips = random() % 4; flips > 0 && !b.empty(); --flips) {
      b[random() % b.size()] = static_cast<unsigned char>(random());
    }
    (void)ReadImageSize(i % 2 == 0 ? ImageFormat::kJpeg : ImageFormat::kPng, b);
  }
}

}  // namespace
}  // namespace icp
