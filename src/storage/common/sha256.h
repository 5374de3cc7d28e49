#pragma once

#include <string>
#include <string_view>

namespace icp {

// The SHA-256 of `bytes` (FIPS 180-4, libsodium), 64 lowercase hex digits: a blob's name.
std::string Sha256Hex(std::string_view bytes);

}  // namespace icp
