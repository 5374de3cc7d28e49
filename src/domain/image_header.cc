#include "domain/image_header.h"

#include <array>
#include <cstddef>
#include <string>

namespace icp {
namespace {

constexpr std::array<unsigned char, 8> kPngSignature = {0x89, 'P',  'N',  'G',
                                                        '\r', '\n', 0x1a, '\n'};

std::unexpected<Error> Refuse(std::string message, std::string message_zh) {
  return InvalidValue("material.image-header", std::move(message), std::move(message_zh));
}

std::uint32_t Big32(std::span<const unsigned char> b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}

std::uint32_t Big16(std::span<const unsigned char> b, std::size_t at) {
  return (std::uint32_t{b[at]} << 8) | std::uint32_t{b[at + 1]};
}

Result<ImageSize> Checked(ImageSize size) {
  if (size.width == 0 || size.height == 0) {
    return Refuse("The image declares a zero width or height.", "图片声明的宽度或高度为 0。");
  }
  return size;
}

// Signature, then the IHDR chunk: length 13, type "IHDR", width, height (PNG §5.3, §11.2.2).
Result<ImageSize> PngSize(std::span<const unsigned char> b) {
  if (b.size() < 24) return Refuse("The PNG file ends before its IHDR header.", "PNG 文件不完整。");
  for (std::size_t i = 0; i < kPngSignature.size(); ++i) {
    if (b[i] != kPngSignature[i])
      return Refuse("The file has no PNG signature.", "不是 PNG 文件。");
  }
  if (Big32(b, 8) != 13 || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
    return Refuse("The PNG file does not start with an IHDR chunk.", "PNG 文件头缺少 IHDR。");
  }
  const std::uint32_t width = Big32(b, 16);
  const std::uint32_t height = Big32(b, 20);
  // PNG limits both to 2^31 - 1 (§11.2.2).
  if (width > 0x7fffffffU || height > 0x7fffffffU) {
    return Refuse("The PNG header declares a size beyond the format's limit.",
                  "PNG 文件头声明的尺寸超出格式上限。");
  }
  return Checked({width, height});
}

// SOFn markers carry the frame size; C4 (DHT), C8 (JPG extension) and CC (DAC) share the
// range but are not frames (T.81 Table B.1).
bool IsStartOfFrame(unsigned char marker) {
  return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
}

// Markers without a length field: TEM, RSTm, SOI (T.81 §B.1.1.3).
bool IsStandalone(unsigned char marker) {
  return marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8);
}

// Walks the marker segments from SOI to the first SOFn. Each step moves forward by at least
// two bytes, so the walk ends within size / 2 steps whatever the bytes say.
Result<ImageSize> JpegSize(std::span<const unsigned char> b) {
  if (b.size() < 4 || b[0] != 0xff || b[1] != 0xd8) {
    return Refuse("The file has no JPEG start-of-image marker.", "不是 JPEG 文件。");
  }
  std::size_t at = 2;
  while (at + 1 < b.size()) {
    if (b[at] != 0xff) {
      return Refuse("The JPEG header has bytes outside a marker segment.", "JPEG 文件头格式错误。");
    }
    const unsigned char marker = b[at + 1];
    if (marker == 0xff) {  // fill byte (T.81 §B.1.1.2)
      at += 1;
      continue;
    }
    if (IsStandalone(marker)) {
      at += 2;
      continue;
    }
    if (marker == 0xd9 || marker == 0xda || marker == 0x00) {
      return Refuse("The JPEG file has no frame header before its image data.",
                    "JPEG 文件在图像数据前没有帧头。");
    }
    if (at + 4 > b.size()) break;
    const std::uint32_t length = Big16(b, at + 2);  // counts itself, not the marker
    if (length < 2)
      return Refuse("A JPEG marker segment has a length below 2.", "JPEG 文件头格式错误。");
    if (IsStartOfFrame(marker)) {
      // Length, precision (1), height (2), width (2).
      if (length < 7 || at + 9 > b.size()) break;
      return Checked({Big16(b, at + 7), Big16(b, at + 5)});
    }
    at += 2 + length;
  }
  return Refuse("The JPEG file ends before its frame header.", "JPEG 文件不完整。");
}

}  // namespace

Result<ImageSize> ReadImageSize(ImageFormat format, std::span<const unsigned char> bytes) {
  switch (format) {
    case ImageFormat::kPng:
      return PngSize(bytes);
    case ImageFormat::kJpeg:
      return JpegSize(bytes);
  }
  return Refuse("Unknown image format.", "未知的图片格式。");
}

}  // namespace icp
