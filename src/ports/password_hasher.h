#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace icp {

// Passwords, one way (argon2id in crypto/sodium_password_hasher.h). Slow on purpose:
// call it outside any unit of work.
class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;

  // A self-describing hash string (algorithm, limits, salt, digest). kInternal only when
  // the machine lacks the memory the limits ask for.
  virtual Result<std::string> Hash(std::string_view password) = 0;
  // Whether `password` is the one `hash` was made from. False for a malformed hash.
  virtual bool Verify(std::string_view hash, std::string_view password) = 0;
  // Whether `hash` was made with other limits than the hasher's own (rehash at sign-in).
  virtual bool NeedsRehash(std::string_view hash) = 0;
};

// Secrets nobody can guess: session tokens, CSRF tokens, API keys.
class TokenSource {
 public:
  virtual ~TokenSource() = default;

  // `bytes` random bytes from the operating system's generator, as unpadded base64url
  // (A-Z a-z 0-9 - _): 32 bytes give 43 characters.
  virtual std::string NewToken(std::size_t bytes) = 0;
};

}  // namespace icp
