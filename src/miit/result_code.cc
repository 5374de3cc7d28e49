#include "miit/result_code.h"

namespace icp::miit {

std::optional<ResultCode> ResultCodeFromNumber(std::int64_t number) {
  for (const ResultCodeInfo& info : kResultCodeInfo) {
    if (ResultCodeNumber(info.code) == number) return info.code;
  }
  return std::nullopt;
}

ResultClass ClassifyResult(std::int64_t number) {
  for (const ResultCodeInfo& info : kResultCodeInfo) {
    if (ResultCodeNumber(info.code) == number) return info.cls;
  }
  return ResultClass::kProvider;
}

}  // namespace icp::miit
