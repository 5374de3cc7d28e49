#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "miit/digest.h"
#include "miit/zip_archive.h"

namespace icp::miit {

// The payload pipeline of every file that travels (BUREAU-PROTOCOL.md §1.5): uploads from the
// provider, downloads and isp_querypreviousupload from the bureau.
//
//   text (UTF-8) -> GBK bytes -> zip with one entry -> beianInfoHash = base64(MD5(zip))
//                -> beianInfo = base64(zip)  or  base64(AES-CBC-PKCS5(zip))
//
// and the exact inverse, with every check, in DecodePayload.

// encryptAlgorithm: 0 none, 1 AES-CBC.
enum class EncryptAlgorithm : std::int64_t { kNone = 0, kAes = 1 };

// hashAlgorithm 0 (MD5) and compressionFormat 0 (zip) are the only values the spec defines.
inline constexpr std::int64_t kHashMd5 = 0;
inline constexpr std::int64_t kCompressionZip = 0;

// The parameters of a file on the wire, as isp_upload takes them and `fileInfos` carries them.
struct WirePayload {
  std::string beian_info;       // base64
  std::string beian_info_hash;  // base64 of the 16 MD5 bytes
  std::int64_t encrypt_algorithm = 0;
  std::int64_t hash_algorithm = kHashMd5;
  std::int64_t compression_format = kCompressionZip;

  friend bool operator==(const WirePayload&, const WirePayload&) = default;
};

struct EncodeOptions {
  std::string entry_name = "beianinfo";  // the zip entry: a file name of the interface
  EncryptAlgorithm encrypt = EncryptAlgorithm::kNone;
  std::optional<AesKey> key = std::nullopt;  // REQUIRES: set when encrypt is kAes
};

// Runs the sender's side. kInvalidArgument for a character GBK cannot hold (rule
// "miit.gbk.unmappable", field "xml", with its byte offset), a bad entry name, or a GBK text
// over kMaxFileBytes ("miit.zip.too_large").
Result<WirePayload> EncodePayload(std::string_view text, const EncodeOptions& options);

struct DecodeOptions {
  std::optional<AesKey> key = std::nullopt;  // needed for encryptAlgorithm 1
  std::size_t max_bytes = kMaxFileBytes;     // for the zip and for the unzipped file
  bool require_encryption = false;           // refuse encryptAlgorithm 0 (a bureau setting)
};

struct DecodedPayload {
  std::string entry_name;
  std::string gbk;   // the file as it was zipped
  std::string text;  // the same, in UTF-8

  friend bool operator==(const DecodedPayload&, const DecodedPayload&) = default;
};

// Runs the receiver's side, checking in the spec's order. Every failure is kInvalidArgument
// with a rule WireRuleMsgCode maps to the msg_code a bureau answers:
//   "miit.encrypt_algorithm" / "miit.hash_algorithm" / "miit.compression_format" (9/10/11)
//       for an algorithm id the spec does not define (or 0 when encryption is required, or 1
//       without a key);
//   "miit.base64" for beianInfo or beianInfoHash that is not base64, or a hash that is not 16
//       bytes;
//   "miit.aes.decrypt" (6) when decryption fails;
//   "miit.hash.mismatch" (7) when MD5 of the zip is not beianInfoHash;
//   the zip rules of UnzipOne (8, 17, 18);
//   "miit.gbk.invalid" when the file is not GBK text.
Result<DecodedPayload> DecodePayload(const WirePayload& payload, const DecodeOptions& options);

}  // namespace icp::miit
