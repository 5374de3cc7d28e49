#include "miit/payload.h"

#include <openssl/crypto.h>

#include "miit/base64.h"
#include "miit/gbk.h"
#include "miit/wire_error.h"

namespace icp::miit {
namespace {

Result<void> CheckAlgorithms(const WirePayload& p, const DecodeOptions& options) {
  if (p.hash_algorithm != kHashMd5) {
    return WireError(rule::kHashAlgorithm, "hashAlgorithm",
                     "hashAlgorithm " + std::to_string(p.hash_algorithm) + " is not 0 (MD5)",
                     "Hash算法类型错误");
  }
  if (p.compression_format != kCompressionZip) {
    return WireError(
        rule::kCompressionFormat, "compressionFormat",
        "compressionFormat " + std::to_string(p.compression_format) + " is not 0 (zip)",
        "压缩格式错误");
  }
  bool known = p.encrypt_algorithm == 0 || p.encrypt_algorithm == 1;
  if (!known || (p.encrypt_algorithm == 0 && options.require_encryption) ||
      (p.encrypt_algorithm == 1 && !options.key)) {
    std::string why = !known                     ? "is neither 0 (none) nor 1 (AES)"
                      : p.encrypt_algorithm == 0 ? "is 0, but this account must encrypt"
                                                 : "is 1 (AES), but no AES key is configured";
    return WireError(rule::kEncryptAlgorithm, "encryptAlgorithm",
                     "encryptAlgorithm " + std::to_string(p.encrypt_algorithm) + " " + why,
                     "加密算法类型错误");
  }
  return {};
}

}  // namespace

Result<WirePayload> EncodePayload(std::string_view text, const EncodeOptions& options) {
  Result<std::string> gbk = Utf8ToGbk(text, "xml");
  if (!gbk) return std::unexpected(gbk.error());
  if (gbk->size() > kMaxFileBytes) {
    return WireError(rule::kZipTooLarge, "xml",
                     "the file is " + std::to_string(gbk->size()) + " bytes, over the " +
                         std::to_string(kMaxFileBytes) + " the interface takes",
                     "文件过大");
  }
  Result<std::string> zip = ZipOne(options.entry_name, *gbk);
  if (!zip) return std::unexpected(zip.error());
  WirePayload out;
  out.beian_info_hash = Base64Encode(Md5(*zip));
  if (options.encrypt == EncryptAlgorithm::kAes) {
    if (!options.key) return Internal("EncodePayload: AES requested without a key");
    out.beian_info = Base64Encode(AesCbcEncrypt(*options.key, *zip));
    out.encrypt_algorithm = 1;
  } else {
    out.beian_info = Base64Encode(*zip);
  }
  return out;
}

Result<DecodedPayload> DecodePayload(const WirePayload& p, const DecodeOptions& options) {
  if (Result<void> ok = CheckAlgorithms(p, options); !ok) return std::unexpected(ok.error());
  // Base64 of the largest allowed zip, with line breaks, is well under twice its size: anything
  // longer is refused before it is decoded.
  if (p.beian_info.size() / 2 > options.max_bytes) {
    return WireError(rule::kZipTooLarge, "beianInfo",
                     "beianInfo is larger than " + std::to_string(options.max_bytes) + " bytes",
                     "文件过大");
  }
  Result<std::string> expected_hash = Base64Decode(p.beian_info_hash, "beianInfoHash");
  if (!expected_hash) return std::unexpected(expected_hash.error());
  if (expected_hash->size() != 16) {
    return WireError(rule::kBase64, "beianInfoHash",
                     "an MD5 hash is 16 bytes, this one " + std::to_string(expected_hash->size()),
                     "哈希值长度错误");
  }
  Result<std::string> body = Base64Decode(p.beian_info, "beianInfo");
  if (!body) return std::unexpected(body.error());
  if (p.encrypt_algorithm == 1) {
    body = AesCbcDecrypt(*options.key, *body, "beianInfo");
    if (!body) return std::unexpected(body.error());
  }
  std::string actual = Md5(*body);
  if (CRYPTO_memcmp(actual.data(), expected_hash->data(), 16) != 0) {
    return WireError(rule::kHashMismatch, "beianInfoHash",
                     "MD5 of the zip is " + Base64Encode(actual) + ", not " + p.beian_info_hash,
                     "哈希值验证未通过");
  }
  Result<ZipEntry> entry = UnzipOne(*body, options.max_bytes, "beianInfo");
  if (!entry) return std::unexpected(entry.error());
  Result<std::string> text = GbkToUtf8(entry->data, "beianInfo." + entry->name);
  if (!text) return std::unexpected(text.error());
  return DecodedPayload{std::move(entry->name), std::move(entry->data), std::move(*text)};
}

}  // namespace icp::miit
