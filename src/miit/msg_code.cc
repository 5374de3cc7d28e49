#include "miit/msg_code.h"

namespace icp::miit {

std::optional<MsgCode> MsgCodeFromNumber(std::int64_t number) {
  for (MsgCode code : kMsgCodes.All()) {
    if (MsgCodeNumber(code) == number) return code;
  }
  return std::nullopt;
}

bool IsSuccess(MsgCode code) {
  return code == MsgCode::kSuccess || code == MsgCode::kAllDownloaded ||
         code == MsgCode::kNothingToDownload || code == MsgCode::kCallAgain;
}

}  // namespace icp::miit
