#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/result.h"
#include "domain/region_table.h"

namespace icp {

// What an 18-character number in the GB 11643-1999 layout identifies.
enum class ResidentIdKind {
  kResidentId,                // 居民身份证 (mainland resident identity card)
  kHongKongResidencePermit,   // 港澳台居民居住证, address code 810000
  kMacaoResidencePermit,      // address code 820000
  kTaiwanResidencePermit,     // address code 830000
  kForeignPermanentResident,  // 外国人永久居留身份证 (2023 format, leading 9)
};

std::string_view ResidentIdKindName(ResidentIdKind kind);   // "resident_id", ...
std::string_view ResidentIdKindLabel(ResidentIdKind kind);  // "居民身份证", ...

enum class Sex { kMale, kFemale };

// A citizen identity number (公民身份号码, GB 11643-1999) or a number issued in the same
// layout: 6-digit address code, 8-digit birth date, 3-digit sequence (odd = male), and an
// ISO 7064 MOD 11-2 check character. Holding one proves the check character is right, the
// birth date is a real day between 1900-01-01 and the day of parsing, and the address code
// exists or existed in GB/T 2260 (historic codes count whatever the birth year, because
// real people hold such numbers).
class ResidentId {
 public:
  // Accepts what people type: surrounding or full-width spaces, full-width digits, a
  // lower-case x. A 15-digit first-generation number is accepted and upgraded to its
  // 18-digit form (legacy_15() tells). `today` bounds the birth date.
  // kInvalidArgument with one of the rules resident-id.{empty, encoding, length, format,
  // checksum, birth-date, birth-in-future, region}.
  static Result<ResidentId> Parse(std::string_view text, Date today);
  static Result<ResidentId> Parse(std::string_view text, Date today, const RegionTable& regions);

  const std::string& str() const { return value_; }  // 18 characters, upper-case X
  ResidentIdKind kind() const { return kind_; }
  Date birth_date() const { return birth_date_; }
  Sex sex() const;
  // The six-digit address code ("110105"); for a foreign permanent resident, the
  // province of issue followed by "0000".
  std::string region_code() const;
  // Where the address code points, as named in the birth year ("北京市 朝阳区").
  const std::string& region_name() const { return region_name_; }
  // Three-digit nationality code of a foreign permanent resident ("682"), else "".
  std::string nationality_code() const;
  // True if the number was given in the 15-digit first-generation form.
  bool legacy_15() const { return legacy_15_; }
  // Things worth telling that do not make the number invalid (in English).
  const std::vector<std::string>& notes() const { return notes_; }

  // Whole years of age on `day`.
  int AgeOn(Date day) const;

  friend bool operator==(const ResidentId& a, const ResidentId& b) { return a.value_ == b.value_; }

 private:
  ResidentId() = default;

  std::string value_;
  ResidentIdKind kind_ = ResidentIdKind::kResidentId;
  Date birth_date_;
  std::string region_name_;
  bool legacy_15_ = false;
  std::vector<std::string> notes_;
};

// The GB 11643-1999 check character of the first 17 digits of `digits`.
char ResidentIdCheckCharacter(std::string_view digits);

}  // namespace icp
