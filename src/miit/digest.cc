#include "miit/digest.h"

#include <openssl/evp.h>

#include <memory>

#include "base/check.h"
#include "miit/wire_error.h"

namespace icp::miit {
namespace {

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const EVP_CIPHER* CipherFor(std::size_t key_size) {
  switch (key_size) {
    case 16:
      return EVP_aes_128_cbc();
    case 24:
      return EVP_aes_192_cbc();
    default:
      return EVP_aes_256_cbc();
  }
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

bool IsPrintableAscii(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// Runs the cipher over `in`. False when EVP refuses (on decryption: bad padding).
bool Crypt(const AesKey& key, std::string_view in, bool encrypt, std::string& out) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  ICP_CHECK(ctx != nullptr) << "EVP_CIPHER_CTX_new failed";
  ICP_CHECK(EVP_CipherInit_ex(ctx.get(), CipherFor(key.key().size()), nullptr, Bytes(key.key()),
                              Bytes(key.iv()), encrypt ? 1 : 0) == 1)
      << "EVP_CipherInit_ex failed";
  out.resize(in.size() + 16);
  int written = 0;
  int final_written = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_CipherUpdate(ctx.get(), dst, &written, Bytes(in), static_cast<int>(in.size())) != 1) {
    return false;
  }
  if (EVP_CipherFinal_ex(ctx.get(), dst + written, &final_written) != 1) return false;
  out.resize(static_cast<std::size_t>(written + final_written));
  return true;
}

}  // namespace

std::string Md5(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  ICP_CHECK(EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_md5(), nullptr) == 1)
      << "EVP_Digest(MD5) failed";
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string Md5Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : Md5(bytes)) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

Result<AesKey> AesKey::Parse(std::string_view key, std::string_view iv) {
  if ((key.size() != 16 && key.size() != 24 && key.size() != 32) || !IsPrintableAscii(key)) {
    return WireError(rule::kAesKey, "aes.key",
                     "the AES key is 16, 24 or 32 printable ASCII characters, not " +
                         std::to_string(key.size()) + " bytes",
                     "AES密钥须为16、24或32个可打印ASCII字符");
  }
  if (iv.size() != 16 || !IsPrintableAscii(iv)) {
    return WireError(rule::kAesKey, "aes.iv",
                     "the AES IV (密钥偏移量) is 16 printable ASCII characters, not " +
                         std::to_string(iv.size()) + " bytes",
                     "密钥偏移量须为16个可打印ASCII字符");
  }
  return AesKey(std::string(key), std::string(iv));
}

std::string AesCbcEncrypt(const AesKey& key, std::string_view plain) {
  std::string out;
  ICP_CHECK(Crypt(key, plain, true, out)) << "AES-CBC encryption failed";
  return out;
}

Result<std::string> AesCbcDecrypt(const AesKey& key, std::string_view cipher,
                                  std::string_view field) {
  if (cipher.empty() || cipher.size() % 16 != 0) {
    return WireError(
        rule::kDecrypt, std::string(field),
        "AES-CBC data is a positive multiple of 16 bytes, not " + std::to_string(cipher.size()),
        "解密失败：密文长度不是16字节的整数倍");
  }
  std::string out;
  if (!Crypt(key, cipher, false, out)) {
    return WireError(rule::kDecrypt, std::string(field),
                     "AES-CBC decryption failed: the padding is wrong (a different key or IV?)",
                     "解密失败：填充错误（密钥或偏移量不符）");
  }
  return out;
}

}  // namespace icp::miit
