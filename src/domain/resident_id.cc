#include "domain/resident_id.h"

#include <array>

#include "base/strings.h"

namespace icp {
namespace {

// W_i = 2^(17-i) mod 11 (GB 11643-1999 §7.2, ISO 7064 MOD 11-2).
constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kCheckCharacters = "10X98765432";
constexpr std::size_t kMaxInputBytes = 256;

std::unexpected<Error> Fail(std::string rule, std::string en, std::string zh) {
  return InvalidValue("resident-id." + rule, std::move(en), std::move(zh));
}

// The birth date part: a real day, not before 1900, not after `today`.
Result<Date> CheckBirthDate(const std::string& digits, Date today) {
  Result<Date> birth = ParseCompactDate(digits);
  if (!birth) {
    return Fail("birth-date", "the birth date " + digits + " in the number is not a real day",
                "号码中的出生日期 " + digits + " 不存在");
  }
  if (birth->year() < std::chrono::year(1900)) {
    return Fail("birth-date", "the birth date " + FormatIsoDate(*birth) + " is before 1900",
                "出生日期早于 1900 年");
  }
  if (*birth > today) {
    return Fail("birth-in-future",
                "the birth date " + FormatIsoDate(*birth) + " is after today (" +
                    FormatIsoDate(today) + ")",
                "出生日期晚于今天");
  }
  return birth;
}

struct Region {
  ResidentIdKind kind = ResidentIdKind::kResidentId;
  std::string name;
  std::string note;
};

// What the first six digits say: the kind of number and where it was issued.
Result<Region> ResolveRegion(const std::string& number, int birth_year,
                             const RegionTable& regions) {
  const std::string code = number.substr(0, 6);
  if (number[0] == '9') {
    // 外国人永久居留身份证 (2023): 9 + province of issue + 3-digit nationality code.
    const std::string province = number.substr(1, 2) + "0000";
    if (!regions.Contains(province)) {
      return Fail("region",
                  "a foreign permanent resident number starts with 9 and a province code; " +
                      number.substr(1, 2) + " is not one",
                  "外国人永久居留身份证号码中的省份代码 " + number.substr(1, 2) + " 不存在");
    }
    return Region{ResidentIdKind::kForeignPermanentResident, regions.NameIn(province, birth_year),
                  ""};
  }
  if (code.starts_with("81") || code.starts_with("82") || code.starts_with("83")) {
    // 港澳台居民居住证 (2018): the address code is exactly 810000, 820000 or 830000.
    if (code.substr(2) != "0000") {
      return Fail("region",
                  "a residence permit of Hong Kong, Macao or Taiwan residents starts with "
                  "810000, 820000 or 830000, not " +
                      code,
                  "港澳台居民居住证号码应以 810000、820000 或 830000 开头");
    }
    if (code[1] == '1')
      return Region{ResidentIdKind::kHongKongResidencePermit, "香港特别行政区", ""};
    if (code[1] == '2') return Region{ResidentIdKind::kMacaoResidencePermit, "澳门特别行政区", ""};
    return Region{ResidentIdKind::kTaiwanResidencePermit, "台湾省", ""};
  }
  if (regions.Contains(code)) {
    return Region{ResidentIdKind::kResidentId, regions.FullNameIn(code, birth_year), ""};
  }
  // The division lists are incomplete for some counties that real numbers carry (321119 is
  // reported real); when the prefecture exists, accept and say so.
  const std::string prefecture = code.substr(0, 4) + "00";
  if (code.substr(4) != "00" && regions.Contains(prefecture)) {
    return Region{ResidentIdKind::kResidentId, regions.FullNameIn(prefecture, birth_year),
                  "the county code " + code +
                      " is not in the GB/T 2260 lists we have; its "
                      "prefecture " +
                      prefecture + " is"};
  }
  return Fail("region", "the address code " + code + " is not, and never was, a GB/T 2260 division",
              "地址码 " + code + " 不是有效的行政区划代码");
}

}  // namespace

char ResidentIdCheckCharacter(std::string_view digits) {
  int sum = 0;
  for (std::size_t i = 0; i < kWeights.size(); ++i) sum += (digits[i] - '0') * kWeights[i];
  return kCheckCharacters[static_cast<std::size_t>(sum % 11)];
}

std::string_view ResidentIdKindName(ResidentIdKind kind) {
  switch (kind) {
    case ResidentIdKind::kResidentId:
      return "resident_id";
    case ResidentIdKind::kHongKongResidencePermit:
      return "hong_kong_residence_permit";
    case ResidentIdKind::kMacaoResidencePermit:
      return "macao_residence_permit";
    case ResidentIdKind::kTaiwanResidencePermit:
      return "taiwan_residence_permit";
    case ResidentIdKind::kForeignPermanentResident:
      return "foreign_permanent_resident_id";
  }
  return "resident_id";
}

std::string_view ResidentIdKindLabel(ResidentIdKind kind) {
  switch (kind) {
    case ResidentIdKind::kResidentId:
      return "居民身份证";
    case ResidentIdKind::kHongKongResidencePermit:
      return "港澳居民居住证（香港）";
    case ResidentIdKind::kMacaoResidencePermit:
      return "港澳居民居住证（澳门）";
    case ResidentIdKind::kTaiwanResidencePermit:
      return "台湾居民居住证";
    case ResidentIdKind::kForeignPermanentResident:
      return "外国人永久居留身份证";
  }
  return "居民身份证";
}

Result<ResidentId> ResidentId::Parse(std::string_view text, Date today) {
  return Parse(text, today, RegionTable::Builtin());
}

Result<ResidentId> ResidentId::Parse(std::string_view text, Date today,
                                     const RegionTable& regions) {
  if (text.size() > kMaxInputBytes) {
    return Fail("length",
                "an identity number has 18 characters; this input has " +
                    std::to_string(text.size()) + " bytes",
                "身份证号码应为 18 位");
  }
  if (!IsValidUtf8(text)) {
    return Fail("encoding", "the identity number is not valid UTF-8 text",
                "身份证号码含有无法识别的字符");
  }
  std::string number = ToUpperAscii(FoldWidthRemoveSpaces(text));
  if (number.empty()) return Fail("empty", "the identity number is empty", "身份证号码不能为空");

  ResidentId id;
  if (number.size() == 15) {
    if (!IsAsciiDigits(number)) {
      return Fail("format", "a 15-digit identity number has only digits, not " + Quote(text),
                  "15 位身份证号码只能包含数字");
    }
    // First-generation numbers: YYMMDD stands for 19YYMMDD; the check character is new.
    number = number.substr(0, 6) + "19" + number.substr(6);
    number += ResidentIdCheckCharacter(number);
    id.legacy_15_ = true;
  } else if (number.size() != 18) {
    return Fail("length",
                "an identity number has 18 characters (or 15 digits for a first-generation "
                "card), not " +
                    std::to_string(DecodeUtf8(number)->size()),
                "身份证号码应为 18 位（一代证 15 位）");
  }
  if (!IsAsciiDigits(std::string_view(number).substr(0, 17)) ||
      !(IsAsciiDigits(std::string_view(number).substr(17)) || number[17] == 'X')) {
    return Fail("format",
                "an identity number is 17 digits followed by a digit or X, not " + Quote(text),
                "身份证号码应为 17 位数字加 1 位数字或 X");
  }
  // The number is well-formed; from here on every problem is reported, not only the first,
  // so that "Feb 30, and the check character is wrong too" reads as one answer.
  std::vector<FieldViolation> problems;
  auto problem = [&](std::string rule, std::string en, std::string zh) {
    problems.push_back({"", "resident-id." + rule, std::move(en), std::move(zh)});
  };
  if (const char expected = ResidentIdCheckCharacter(number); expected != number[17]) {
    problem("checksum",
            std::string("the check character should be ") + expected + ", not " + number[17] +
                ": a digit is probably mistyped",
            std::string("校验码应为 ") + expected + "，号码可能输入有误");
  }
  Result<Date> birth = CheckBirthDate(number.substr(6, 8), today);
  if (!birth) problems.push_back(birth.error().violations.front());
  const int birth_year = birth ? static_cast<int>(birth->year()) : 9999;
  if (Result<Region> region = ResolveRegion(number, birth_year, regions); !region) {
    problems.push_back(region.error().violations.front());
  } else {
    id.kind_ = region->kind;
    id.region_name_ = std::move(region->name);
    if (!region->note.empty()) id.notes_.push_back(std::move(region->note));
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
  id.birth_date_ = *birth;
  id.value_ = std::move(number);
  return id;
}

Sex ResidentId::sex() const { return (value_[16] - '0') % 2 == 1 ? Sex::kMale : Sex::kFemale; }

std::string ResidentId::region_code() const {
  if (kind_ == ResidentIdKind::kForeignPermanentResident) return value_.substr(1, 2) + "0000";
  return value_.substr(0, 6);
}

std::string ResidentId::nationality_code() const {
  return kind_ == ResidentIdKind::kForeignPermanentResident ? value_.substr(3, 3) : "";
}

int ResidentId::AgeOn(Date day) const {
  int age = static_cast<int>(day.year()) - static_cast<int>(birth_date_.year());
  const auto md_day = std::chrono::month_day(day.month(), day.day());
  const auto md_birth = std::chrono::month_day(birth_date_.month(), birth_date_.day());
  if (md_day < md_birth) --age;
  return age;
}

}  // namespace icp
