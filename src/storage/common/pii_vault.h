#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>

#include "base/result.h"

namespace icp {

// Personal data at rest (PIPL art. 51; DESIGN.md "crypto"). Every store keeps the documents
// that hold certificate numbers and mobile numbers sealed with this vault, and indexes them
// by a keyed hash, so a copy of the database alone reveals neither and cannot be searched
// by guessing numbers without the key.
//
// One 32-byte master key, kept in a key file; two subkeys are derived from it with
// crypto_kdf: one for XChaCha20-Poly1305 (sealing), one for keyed BLAKE2b (lookups).
class PiiVault {
 public:
  // Reads the key file, or creates it when absent: 32 random bytes, hex, mode 0600 in a
  // directory created 0700 (whatever the umask), created atomically so that two processes
  // starting together end up with the same key, and its directory fsynced after.
  // The file is opened with O_NOFOLLOW and checked with fstat on the descriptor it is read
  // from. kFailedPrecondition (rule "pii.key-file", saying why) if it is a symbolic link, not
  // a regular file, owned by another user than the effective one, open to group or others,
  // unreadable, or not 64 hex digits.
  static Result<PiiVault> OpenKeyFile(const std::filesystem::path& path);
  // A vault from a fixed master key (tests, and the in-memory store).
  static PiiVault FromMasterKey(const std::array<unsigned char, 32>& master);

  // "v1:" + base64(nonce || ciphertext). `context` (the kind of document) is authenticated
  // but not stored: a sealed subject pasted into an application's row does not open.
  std::string Seal(std::string_view plaintext, std::string_view context) const;
  // kInternal (rule "pii.open") when the text was not sealed with this key and context or
  // was changed since.
  Result<std::string> Open(std::string_view sealed, std::string_view context) const;
  // Hex keyed BLAKE2b-256 of `value` under `context`: equal inputs give equal hashes, so
  // unique indexes and lookups work on it.
  std::string Hash(std::string_view value, std::string_view context) const;

  // The HMAC-SHA256 key of the audit log's chain (storage/common/audit_chain.h), derived
  // from the same master key under its own crypto_kdf context ("beianaud", subkey 1), so the
  // database never holds it (docs/storage.md "The audit log").
  const std::array<unsigned char, 32>& audit_key() const { return audit_key_; }

 private:
  PiiVault() = default;
  std::array<unsigned char, 32> seal_key_{};
  std::array<unsigned char, 32> hash_key_{};
  std::array<unsigned char, 32> audit_key_{};
};

}  // namespace icp
