#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "miit/msg_code.h"

namespace icp::miit {

// Every refusal of the wire format is kInvalidArgument with one violation: `field` says where
// (a method parameter, "beianInfo", an XML path "UploadData/ICP/XZBA/Baxx[1]/Zt_xx/Dwxz", or a
// byte offset), `rule` what ("miit.hash.mismatch"). The rules of the payload pipeline and the
// envelope map to the msg_code a bureau answers with (WireRuleMsgCode), so both ends agree.
namespace rule {
inline constexpr std::string_view kBase64 = "miit.base64";
inline constexpr std::string_view kDecrypt = "miit.aes.decrypt";
inline constexpr std::string_view kAesKey = "miit.aes.key";
inline constexpr std::string_view kHashMismatch = "miit.hash.mismatch";
inline constexpr std::string_view kNotZip = "miit.zip.malformed";
inline constexpr std::string_view kZipEntries = "miit.zip.entries";
inline constexpr std::string_view kZipTooLarge = "miit.zip.too_large";
inline constexpr std::string_view kFileName = "miit.zip.file_name";
inline constexpr std::string_view kGbkUnmappable = "miit.gbk.unmappable";
inline constexpr std::string_view kNotGbk = "miit.gbk.invalid";
inline constexpr std::string_view kNotUtf8 = "miit.utf8.invalid";
inline constexpr std::string_view kEncryptAlgorithm = "miit.encrypt_algorithm";
inline constexpr std::string_view kHashAlgorithm = "miit.hash_algorithm";
inline constexpr std::string_view kCompressionFormat = "miit.compression_format";
inline constexpr std::string_view kRandValShort = "miit.rand_val.short";
inline constexpr std::string_view kRandValForm = "miit.rand_val.form";
inline constexpr std::string_view kDataSequence = "miit.data_sequence";
inline constexpr std::string_view kSoap = "miit.soap";
inline constexpr std::string_view kXml = "miit.xml";
inline constexpr std::string_view kSchema = "miit.schema";
inline constexpr std::string_view kVersion = "miit.version";
inline constexpr std::string_view kValue = "miit.value";
}  // namespace rule

// kInvalidArgument with one violation {field, rule, message, message_zh}.
std::unexpected<Error> WireError(std::string_view rule, std::string field, std::string message,
                                 std::string message_zh = {});

// The msg_code a bureau answers for an error of rule `rule`: kHashMismatch for
// "miit.hash.mismatch", kUnzipFailed for the zip rules, kFileTooLarge, kNotOneFile, ...;
// nullopt for rules that are not the pipeline's (an XML schema violation is not a msg_code but
// a result code, 5001, delivered later in BAJG).
std::optional<MsgCode> WireRuleMsgCode(std::string_view rule);

}  // namespace icp::miit
