#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/enum_table.h"

namespace icp::miit {

// The status every method of the interface returns in `<return><msg_code>` (MIIT V3.0
// 企业系统接口规范 §3; BUREAU-PROTOCOL.md §3.1). The enumerator's value is the wire number.
// The return XSDs document 0-15 and 999 only; the spec's table adds 16-22, 901 and 902.
enum class MsgCode : std::int64_t {
  kSuccess = 0,                 // 操作成功
  kAllDownloaded = 1,           // 数据已经下载完毕: stop polling
  kNothingToDownload = 2,       // 没有可以下载的数据: stop polling
  kCallAgain = 3,               // 请继续调用: more files wait
  kBadUserName = 4,             // 用户名错误
  kBadPassword = 5,             // 密码错误
  kDecryptionFailed = 6,        // 解密失败
  kHashMismatch = 7,            // 哈希值验证未通过
  kUnzipFailed = 8,             // 解压缩失败
  kBadEncryptAlgorithm = 9,     // 加密算法类型错误
  kBadHashAlgorithm = 10,       // Hash算法类型错误
  kBadCompressionFormat = 11,   // 压缩格式错误
  kAuthenticationRefused = 12,  // 认证信息错误
  kOtherProvince = 13,          // 非本省ISP
  kSequenceGap = 14,            // 请首先上载漏报的数据 (with <dataSequences>)
  kTooManyPending = 15,         // 超过最大受理数量
  kRandValTooShort = 16,        // 随机数小于20个字符
  kNotOneFile = 17,             // 每次必须上报1个文件
  kFileTooLarge = 18,           // 文件过大 (over 50 MB)
  kRightsNotOpened = 19,        // 报备权限未开放
  kOutsideHours = 20,           // 不在规定的时间段内上报
  kAckFileNameEmpty = 21,       // 回调响应文件名称不能为空
  kPasswordTriesExceeded = 22,  // 备案密码校验超过X次 (isp_verifybamm only)
  kUploadMaintenance = 901,     // 系统正在维护, upload refused
  kDownloadMaintenance = 902,   // 系统正在维护, download refused
  kOther = 999,                 // 其他错误
};

// Names ("hash_mismatch") and the spec's Chinese texts ("哈希值验证未通过") of every code.
inline constexpr EnumTable<MsgCode, 26> kMsgCodes({{
    {MsgCode::kSuccess, "success", "操作成功"},
    {MsgCode::kAllDownloaded, "all_downloaded", "数据已经下载完毕"},
    {MsgCode::kNothingToDownload, "nothing_to_download", "没有可以下载的数据"},
    {MsgCode::kCallAgain, "call_again", "请继续调用"},
    {MsgCode::kBadUserName, "bad_user_name", "用户名错误"},
    {MsgCode::kBadPassword, "bad_password", "密码错误"},
    {MsgCode::kDecryptionFailed, "decryption_failed", "解密失败"},
    {MsgCode::kHashMismatch, "hash_mismatch", "哈希值验证未通过"},
    {MsgCode::kUnzipFailed, "unzip_failed", "解压缩失败"},
    {MsgCode::kBadEncryptAlgorithm, "bad_encrypt_algorithm", "加密算法类型错误"},
    {MsgCode::kBadHashAlgorithm, "bad_hash_algorithm", "Hash算法类型错误"},
    {MsgCode::kBadCompressionFormat, "bad_compression_format", "压缩格式错误"},
    {MsgCode::kAuthenticationRefused, "authentication_refused", "认证信息错误"},
    {MsgCode::kOtherProvince, "other_province", "非本省ISP"},
    {MsgCode::kSequenceGap, "sequence_gap", "请首先上载漏报的数据"},
    {MsgCode::kTooManyPending, "too_many_pending", "超过最大受理数量"},
    {MsgCode::kRandValTooShort, "rand_val_too_short", "随机数小于20个字符"},
    {MsgCode::kNotOneFile, "not_one_file", "每次必须上报1个文件"},
    {MsgCode::kFileTooLarge, "file_too_large", "文件过大"},
    {MsgCode::kRightsNotOpened, "rights_not_opened", "报备权限未开放"},
    {MsgCode::kOutsideHours, "outside_hours", "不在规定的时间段内上报"},
    {MsgCode::kAckFileNameEmpty, "ack_file_name_empty", "回调响应文件名称不能为空"},
    {MsgCode::kPasswordTriesExceeded, "password_tries_exceeded", "备案密码校验超过最大次数"},
    {MsgCode::kUploadMaintenance, "upload_maintenance", "系统正在维护，暂停上报"},
    {MsgCode::kDownloadMaintenance, "download_maintenance", "系统正在维护，暂停下载"},
    {MsgCode::kOther, "other", "其他错误"},
}});

// The code with wire number `number`; nullopt for a number the spec does not define.
std::optional<MsgCode> MsgCodeFromNumber(std::int64_t number);

inline std::int64_t MsgCodeNumber(MsgCode code) { return static_cast<std::int64_t>(code); }

// True for 0, 1, 2 and 3: the call did what it was asked.
bool IsSuccess(MsgCode code);

}  // namespace icp::miit
