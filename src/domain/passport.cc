#include "domain/passport.h"

#include "base/strings.h"
#include "domain/document_number.h"

namespace icp {
namespace {

Passport::Kind Classify(std::string_view n) {
  auto digits_after = [&](std::size_t k) { return n.size() == 9 && IsAsciiDigits(n.substr(k)); };
  if ((n[0] == 'E' || n[0] == 'G') && digits_after(1)) return Passport::Kind::kChineseOrdinary;
  if (n[0] == 'E' && n[1] >= 'A' && n[1] <= 'F' && digits_after(2)) {
    return Passport::Kind::kChineseOrdinary;
  }
  if ((n[0] == 'D' || n[0] == 'S' || n[0] == 'P') && digits_after(1)) {
    return Passport::Kind::kChineseOfficial;
  }
  if ((n.starts_with("SE") || n.starts_with("PE") || n.starts_with("DE")) && digits_after(2)) {
    return Passport::Kind::kChineseOfficial;
  }
  return Passport::Kind::kOther;
}

}  // namespace

std::string_view PassportKindName(Passport::Kind kind) {
  switch (kind) {
    case Passport::Kind::kChineseOrdinary:
      return "chinese_ordinary";
    case Passport::Kind::kChineseOfficial:
      return "chinese_official";
    case Passport::Kind::kOther:
      return "other";
  }
  return "other";
}

Result<Passport> Passport::Parse(std::string_view text) {
  Result<std::string> number =
      internal::NormalizeDocumentNumber(text, "passport", "passport number", "护照号码");
  if (!number) return std::unexpected(number.error());
  const std::string& n = *number;
  if (n.size() < 5 || n.size() > 17) {
    return InvalidValue("passport.length",
                        "a passport number has 5 to 17 letters and digits, not " + Quote(text),
                        "护照号码应为 5 至 17 位字母或数字");
  }
  if (!internal::IsUpperAlnum(n)) {
    return InvalidValue("passport.format",
                        "a passport number has only letters and digits, not " + Quote(text),
                        "护照号码只能包含字母和数字");
  }
  return Passport(n, Classify(n));
}

}  // namespace icp
