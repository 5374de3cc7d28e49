#include "miit/wire_error.h"

#include <utility>

namespace icp::miit {

std::unexpected<Error> WireError(std::string_view rule, std::string field, std::string message,
                                 std::string message_zh) {
  return Refusal(ErrorCode::kInvalidArgument, std::move(field), std::string(rule),
                 std::move(message), std::move(message_zh));
}

std::optional<MsgCode> WireRuleMsgCode(std::string_view r) {
  struct Row {
    std::string_view rule;
    MsgCode code;
  };
  // Base64 that does not decode is a payload the bureau cannot decrypt or unzip: with
  // encryption on it fails at decryption (6); the spec has no code of its own for it.
  static constexpr Row kRows[] = {
      {rule::kBase64, MsgCode::kDecryptionFailed},
      {rule::kDecrypt, MsgCode::kDecryptionFailed},
      {rule::kHashMismatch, MsgCode::kHashMismatch},
      {rule::kNotZip, MsgCode::kUnzipFailed},
      {rule::kZipEntries, MsgCode::kNotOneFile},
      {rule::kZipTooLarge, MsgCode::kFileTooLarge},
      {rule::kEncryptAlgorithm, MsgCode::kBadEncryptAlgorithm},
      {rule::kHashAlgorithm, MsgCode::kBadHashAlgorithm},
      {rule::kCompressionFormat, MsgCode::kBadCompressionFormat},
      {rule::kRandValShort, MsgCode::kRandValTooShort},
      {rule::kRandValForm, MsgCode::kAuthenticationRefused},
  };
  for (const Row& row : kRows) {
    if (row.rule == r) return row.code;
  }
  return std::nullopt;
}

}  // namespace icp::miit
