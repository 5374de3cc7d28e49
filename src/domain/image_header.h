#pragma once

#include <cstdint>
#include <span>

#include "base/result.h"

namespace icp {

// The pixel size an image file declares in its header.
struct ImageSize {
  std::uint32_t width = 0;
  std::uint32_t height = 0;

  friend bool operator==(const ImageSize&, const ImageSize&) = default;
};

// The image formats whose headers ReadImageSize understands.
enum class ImageFormat { kPng, kJpeg };

// Reads the width and height from the header of a PNG (the IHDR chunk that must follow the
// signature, ISO/IEC 15948 §11.2.2) or a JPEG (the first start-of-frame marker SOF0..SOF15,
// ITU-T T.81 §B.2.2, reached by walking the marker segments from SOI). Pure and bounded:
// every read is checked against the input, so truncated or hostile bytes give an error,
// never a read past the end or a loop that does not end. kInvalidArgument (rule
// "material.image-header") when the header is missing, cut short, malformed, or declares a
// zero width or height.
Result<ImageSize> ReadImageSize(ImageFormat format, std::span<const unsigned char> bytes);

}  // namespace icp
