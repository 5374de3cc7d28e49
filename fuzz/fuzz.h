#pragma once

// What every fuzz target shares (docs/reliability.md): the input as text, and Require, which
// stops the run with a message when a property of the code under test does not hold. A crash,
// a sanitizer report or a failed Require is a finding; any Result the code returns is not.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace icp::fuzz {

inline std::string_view Text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline void Require(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "fuzz: property broken: %s\n", property);
  std::abort();
}

// A value that decodes encodes to text that decodes to the same value.
template <typename Decode, typename Encode>
void RoundTrip(std::string_view text, Decode decode, Encode encode, const char* property) {
  auto value = decode(text);
  if (!value) return;
  auto again = decode(encode(*value));
  Require(again.has_value() && *again == *value, property);
}

}  // namespace icp::fuzz
