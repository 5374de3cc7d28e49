#include "storage/common/personal_data_guard.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "domain/personal_data.h"
#include "domain/personal_data_scan.h"

namespace icp {
namespace {

// `length` code points of `text` from code point `offset` (bytes when it is not UTF-8, as
// the scan counts them then).
std::string Slice(std::string_view text, std::size_t offset, std::size_t length) {
  std::optional<std::vector<char32_t>> cps = DecodeUtf8(text);
  if (!cps) return std::string(text.substr(offset, length));
  std::string out;
  for (std::size_t i = offset; i < offset + length && i < cps->size(); ++i) {
    AppendUtf8((*cps)[i], out);
  }
  return out;
}

std::string Masked(PersonalDataKind kind, std::string_view value) {
  switch (kind) {
    case PersonalDataKind::kMobile:
      return MaskMobile(value);
    case PersonalDataKind::kEmail:
      return MaskEmail(value);
    case PersonalDataKind::kResidentId:
    case PersonalDataKind::kTaiwanId:
    case PersonalDataKind::kHongKongIdCard:
      return MaskCertificateNumber(value);
  }
  return MaskCertificateNumber(value);
}

// One violation per identifier found in `text`, the field `field` of a `what`.
void Scan(std::string_view what, std::string_view what_zh, std::string_view rule,
          std::string_view field, std::string_view text, std::vector<FieldViolation>& out) {
  for (const PersonalDataFound& f : FindUnmaskedPersonalData(text)) {
    const std::string at = std::to_string(f.offset + 1);
    out.push_back({std::string(field), std::string(rule),
                   std::string(what) + " holds an unmasked " +
                       std::string(PersonalDataKindName(f.kind)) + " at character " + at + " (" +
                       Masked(f.kind, Slice(text, f.offset, f.length)) + "); write it masked",
                   std::string(what_zh) + "第 " + at + " 个字符起含未脱敏的" +
                       std::string(PersonalDataKindLabel(f.kind)) + "，应脱敏后写入"});
  }
}

Result<void> Refuse(std::vector<FieldViolation> violations) {
  if (violations.empty()) return {};
  return InvalidFields(std::move(violations));
}

}  // namespace

Result<void> RefuseUnmaskedPersonalData(const AuditEntry& entry) {
  constexpr std::string_view kWhat = "an audit entry";
  constexpr std::string_view kWhatZh = "审计记录";
  constexpr std::string_view kRule = "audit.personal-data";
  std::vector<FieldViolation> found;
  Scan(kWhat, kWhatZh, kRule, "actor", entry.actor, found);
  Scan(kWhat, kWhatZh, kRule, "action", entry.action, found);
  Scan(kWhat, kWhatZh, kRule, "entity", entry.entity, found);
  Scan(kWhat, kWhatZh, kRule, "details", entry.details, found);
  return Refuse(std::move(found));
}

Result<void> RefuseUnmaskedPersonalData(const OutboxMessage& message) {
  constexpr std::string_view kWhat = "an outbox message";
  constexpr std::string_view kWhatZh = "待发消息";
  constexpr std::string_view kRule = "outbox.personal-data";
  std::vector<FieldViolation> found;
  Scan(kWhat, kWhatZh, kRule, "topic", message.topic, found);
  Scan(kWhat, kWhatZh, kRule, "idempotency_key", message.idempotency_key, found);
  Scan(kWhat, kWhatZh, kRule, "payload", message.payload, found);
  return Refuse(std::move(found));
}

}  // namespace icp
