#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace icp::miit {

// MD5 and AES-CBC through OpenSSL's libcrypto (EVP), the only algorithms of the interface
// (BUREAU-PROTOCOL.md §1.3, §1.5): hashAlgorithm 0 and encryptAlgorithm 1.

// The 16 raw bytes of MD5(bytes).
std::string Md5(std::string_view bytes);

// Lower-case hex of MD5(bytes): the form of `ICPmm` (§4.3).
std::string Md5Hex(std::string_view bytes);

// The key and IV of encryptAlgorithm 1. The spec's IV (密钥偏移量) is a bureau-generated
// string such as "0102030405060708", used as its 16 ASCII bytes; the key's origin is
// ambiguous (§1.5), and NetEase configured a 16-character string used the same way
// (AES-128). So both are strings taken byte for byte: a key of 16, 24 or 32 printable ASCII
// characters (AES-128/192/256) and an IV of exactly 16.
class AesKey {
 public:
  // kInvalidArgument (rule "miit.aes.key") naming "aes.key" or "aes.iv" for any other length
  // or a character outside printable ASCII.
  static Result<AesKey> Parse(std::string_view key, std::string_view iv);

  const std::string& key() const { return key_; }
  const std::string& iv() const { return iv_; }

 private:
  AesKey(std::string key, std::string iv) : key_(std::move(key)), iv_(std::move(iv)) {}
  std::string key_;
  std::string iv_;
};

// AES-CBC with PKCS#5 (PKCS#7) padding: always a whole number of 16-byte blocks, one more
// block when the input is already aligned.
std::string AesCbcEncrypt(const AesKey& key, std::string_view plain);

// The inverse. kInvalidArgument (rule "miit.aes.decrypt") naming `field` when the length is
// not a positive multiple of 16 or the padding is wrong (the wrong key, almost always).
Result<std::string> AesCbcDecrypt(const AesKey& key, std::string_view cipher,
                                  std::string_view field = "beianInfo");

}  // namespace icp::miit
