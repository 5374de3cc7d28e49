#include "crypto/sodium_password_hasher.h"

#include <sodium.h>

#include <vector>

#include "base/check.h"

namespace icp::crypto {
namespace {

// sodium_init() is idempotent and thread-safe; every entry point calls it first.
void Init() { ICP_CHECK(sodium_init() >= 0); }

// A hash string as libsodium reads it: NUL-terminated, at most crypto_pwhash_STRBYTES.
bool AsHashString(std::string_view hash, char (&out)[crypto_pwhash_STRBYTES]) {
  if (hash.size() >= crypto_pwhash_STRBYTES || hash.find('\0') != std::string_view::npos) {
    return false;
  }
  std::copy(hash.begin(), hash.end(), out);
  out[hash.size()] = '\0';
  return true;
}

}  // namespace

Argon2Limits MinimumLimitsForTests() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

Result<SodiumPasswordHasher> SodiumPasswordHasher::Create(Argon2Limits limits) {
  Init();
  if (limits.ops < crypto_pwhash_OPSLIMIT_MIN || limits.ops > crypto_pwhash_OPSLIMIT_MAX ||
      limits.memory_bytes < crypto_pwhash_MEMLIMIT_MIN ||
      limits.memory_bytes > crypto_pwhash_MEMLIMIT_MAX) {
    return InvalidValue("crypto.argon2-limits",
                        "argon2id limits out of range: ops " +
                            std::to_string(crypto_pwhash_OPSLIMIT_MIN) + ".." +
                            std::to_string(crypto_pwhash_OPSLIMIT_MAX) + ", memory at least " +
                            std::to_string(crypto_pwhash_MEMLIMIT_MIN) + " bytes");
  }
  return SodiumPasswordHasher(limits);
}

Result<std::string> SodiumPasswordHasher::Hash(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), limits_.ops, limits_.memory_bytes) !=
      0) {
    return Internal("argon2id could not allocate " + std::to_string(limits_.memory_bytes) +
                    " bytes to hash a password");
  }
  return std::string(out);
}

bool SodiumPasswordHasher::Verify(std::string_view hash, std::string_view password) {
  char str[crypto_pwhash_STRBYTES];
  if (!AsHashString(hash, str)) return false;
  return crypto_pwhash_str_verify(str, password.data(), password.size()) == 0;
}

bool SodiumPasswordHasher::NeedsRehash(std::string_view hash) {
  char str[crypto_pwhash_STRBYTES];
  if (!AsHashString(hash, str)) return true;
  // 1: other limits; -1: not an argon2id string at all. Either way a new hash is due.
  return crypto_pwhash_str_needs_rehash(str, limits_.ops, limits_.memory_bytes) != 0;
}

std::string SodiumTokenSource::NewToken(std::size_t bytes) {
  Init();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  sodium_memzero(raw.data(), raw.size());
  return out;
}

}  // namespace icp::crypto
