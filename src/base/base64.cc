#include "base/base64.h"

#include <array>
#include <cstdint>
#include <vector>

namespace icp {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> MakeReverse() {
  std::array<std::int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}
constexpr std::array<std::int8_t, 256> kReverse = MakeReverse();

bool IsSkippedSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::unexpected<Base64Fault> Fault(std::size_t offset, std::string what) {
  return std::unexpected(Base64Fault{offset, std::move(what)});
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto at = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = at(i) << 16 | (rest == 2 ? at(i + 1) << 8 : 0);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += rest == 2 ? kAlphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::expected<std::string, Base64Fault> Base64Decode(std::string_view text, bool skip_whitespace) {
  // The significant characters and where each stood in `text`.
  std::string chars;
  std::vector<std::size_t> where;
  chars.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (skip_whitespace && IsSkippedSpace(text[i])) continue;
    chars += text[i];
    where.push_back(i);
  }
  if (chars.size() % 4 != 0) {
    return Fault(text.size(), "the length " + std::to_string(chars.size()) +
                                  (skip_whitespace ? " (without spaces)" : "") +
                                  " is not a multiple of 4");
  }
  std::size_t pad = 0;
  if (!chars.empty() && chars.back() == '=') pad = chars[chars.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(chars.size() / 4 * 3);
  for (std::size_t g = 0; g < chars.size(); g += 4) {
    bool last = g + 4 == chars.size();
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      char c = chars[g + k];
      bool padding_slot = last && k >= 4 - pad;
      if (padding_slot) {
        v <<= 6;
        continue;
      }
      std::int8_t d = kReverse[static_cast<unsigned char>(c)];
      if (d < 0) {
        return Fault(where[g + k], c == '=' ? std::string("'=' before the end")
                                            : std::string("a character outside the alphabet"));
      }
      v = v << 6 | static_cast<std::uint32_t>(d);
    }
    std::size_t keep = last ? 3 - pad : 3;
    // The bits under the padding must be zero: one encoding per byte string.
    if (last && pad > 0 && (v & (pad == 1 ? 0xFFu : 0xFFFFu)) != 0) {
      return Fault(where[g + 3 - pad], "the bits before the padding are not zero");
    }
    out += static_cast<char>(v >> 16 & 0xFF);
    if (keep > 1) out += static_cast<char>(v >> 8 & 0xFF);
    if (keep > 2) out += static_cast<char>(v & 0xFF);
  }
  return out;
}

}  // namespace icp
