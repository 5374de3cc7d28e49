#include "ports/bureau_link.h"

#include <array>
#include <string>
#include <utility>

namespace icp {
namespace {

constexpr std::array<std::pair<SentFileState, std::string_view>, 3> kStates = {{
    {SentFileState::kKept, "kept"},
    {SentFileState::kAccepted, "accepted"},
    {SentFileState::kRefused, "refused"},
}};

}  // namespace

std::string_view SentFileStateName(SentFileState state) {
  for (const auto& [s, name] : kStates) {
    if (s == state) return name;
  }
  return "unknown";
}

std::optional<SentFileState> SentFileStateFromName(std::string_view name) {
  for (const auto& [s, n] : kStates) {
    if (n == name) return s;
  }
  return std::nullopt;
}

std::unexpected<Error> BureauLeaseLost(std::int64_t isp_id) {
  return Refusal(ErrorCode::kAborted, "", "bureau.lease-lost",
                 "the upload lease of bureau account " + std::to_string(isp_id) +
                     " is not held by this uploader",
                 "本进程未持有该管局账号的上报租约");
}

std::unexpected<Error> BureauSequenceRefused(std::string why) {
  return Refusal(ErrorCode::kFailedPrecondition, "data_sequence", "bureau.sequence",
                 "dataSequence: " + why, "上报序号不连续");
}

std::unexpected<Error> BureauFileNameTaken(std::string_view file_name) {
  return Refusal(ErrorCode::kAlreadyExists, "file_name", "bureau.file-name",
                 "the file name " + std::string(file_name) + " was sent before",
                 "该上报文件名已使用");
}

std::unexpected<Error> BureauSubjectIdTaken(std::int64_t bureau_id) {
  return Refusal(ErrorCode::kAlreadyExists, "subject", "bureau.subject-id",
                 "the bureau's subject id " + std::to_string(bureau_id) +
                     " belongs to another subject on record",
                 "该管局主体编号已属于另一备案主体");
}

std::unexpected<Error> BureauParkedNotFound(std::int64_t isp_id, std::string_view file_name) {
  return Refusal(
      ErrorCode::kNotFound, "file_name", "bureau.parked-not-found",
      "bureau account " + std::to_string(isp_id) + " has no parked file " + std::string(file_name),
      "没有该暂存的管局下载文件");
}

std::unexpected<Error> BureauParkedReplayed(std::string_view file_name) {
  return Refusal(ErrorCode::kFailedPrecondition, "file_name", "bureau.parked-replayed",
                 "the parked file " + std::string(file_name) + " was replayed before",
                 "该暂存文件已重新处理过");
}

std::unexpected<Error> BureauParkedUnprocessed(std::string_view file_name) {
  return Refusal(ErrorCode::kFailedPrecondition, "file_name", "bureau.parked-unprocessed",
                 "the parked file " + std::string(file_name) +
                     " is marked replayed only when it is recorded processed",
                 "暂存文件只有在处理完成后才能标记为已重新处理");
}

}  // namespace icp
