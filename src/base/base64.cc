#include "base/base64.h"

#include <algorithm>
#include <cstdint>

namespace icp {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int ValueOf(char c) {
  const std::size_t i = kAlphabet.find(c);
  return i == std::string_view::npos ? -1 : static_cast<int>(i);
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t block = 0;
    for (std::size_t j = 0; j < 3; ++j) {
      block <<= 8;
      if (j < n) block |= static_cast<unsigned char>(bytes[i + j]);
    }
    for (std::size_t j = 0; j < 4; ++j) {
      out += j <= n ? kAlphabet[(block >> (18 - 6 * j)) & 0x3F] : '=';
    }
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::size_t pad = 0;
    if (last && text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
    std::uint32_t block = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const int v = j < 4 - pad ? ValueOf(text[i + j]) : 0;
      if (v < 0) return std::nullopt;
      block = (block << 6) | static_cast<std::uint32_t>(v);
    }
    // Canonical: the bits the padding leaves unused are zero.
    if ((pad == 1 && (block & 0xFF) != 0) || (pad == 2 && (block & 0xFFFF) != 0)) {
      return std::nullopt;
    }
    for (std::size_t j = 0; j < 3 - pad; ++j) {
      out += static_cast<char>((block >> (16 - 8 * j)) & 0xFF);
    }
  }
  return out;
}

}  // namespace icp
