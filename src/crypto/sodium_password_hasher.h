#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "ports/password_hasher.h"

namespace icp::crypto {

// argon2id through libsodium (crypto_pwhash_str): the hash string carries the algorithm, its
// limits and the salt, so a change of limits applies to new hashes and NeedsRehash() finds
// the old ones.
struct Argon2Limits {
  std::uint64_t ops = 2;                             // crypto_pwhash_OPSLIMIT_INTERACTIVE
  std::size_t memory_bytes = std::size_t{64} << 20;  // crypto_pwhash_MEMLIMIT_INTERACTIVE
};

// The smallest limits libsodium accepts: for tests only, where hashing must be fast.
Argon2Limits MinimumLimitsForTests();

class SodiumPasswordHasher final : public PasswordHasher {
 public:
  // kInvalidArgument (rule "crypto.argon2-limits") for limits libsodium does not accept.
  static Result<SodiumPasswordHasher> Create(Argon2Limits limits);

  Result<std::string> Hash(std::string_view password) override;
  bool Verify(std::string_view hash, std::string_view password) override;
  bool NeedsRehash(std::string_view hash) override;

 private:
  explicit SodiumPasswordHasher(Argon2Limits limits) : limits_(limits) {}
  Argon2Limits limits_;
};

// Tokens from randombytes_buf (the kernel's generator).
class SodiumTokenSource final : public TokenSource {
 public:
  std::string NewToken(std::size_t bytes) override;
};

}  // namespace icp::crypto
