#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace icp {

// The kinds of personal identifier FindUnmaskedPersonalData recognises: those the domain's
// value types can tell from other numbers by a check character or an allocated range.
enum class PersonalDataKind {
  kResidentId,      // GB 11643 layout: real birth date, right check character
  kMobile,          // mainland mobile number in an allocated segment, bare or +86 / 0086
  kEmail,           // an e-mail address whose local part is not masked
  kTaiwanId,        // Taiwan national ID, right check digit
  kHongKongIdCard,  // Hong Kong identity card as printed, "P174468(6)", right check character
};

std::string_view PersonalDataKindName(PersonalDataKind kind);   // "resident ID number", ...
std::string_view PersonalDataKindLabel(PersonalDataKind kind);  // "居民身份证号码", ...

// One identifier found in a text. Offsets count code points, not bytes.
struct PersonalDataFound {
  PersonalDataKind kind = PersonalDataKind::kResidentId;
  std::size_t offset = 0;
  std::size_t length = 0;

  friend bool operator==(const PersonalDataFound&, const PersonalDataFound&) = default;
};

// Every unmasked personal identifier in `text` (PIPL art. 51), in order. Meant for text that
// must hold none, such as audit details and outbox payloads: the masked forms of
// personal_data.h ("440***********1512", "138****8000", "z***@example.com") are not found.
//
// An identifier is found when it stands on its own: not inside a longer run of ASCII letters
// and digits (a hash, a token), so "13800138000" is found in `{"mobile":"13800138000"}` and
// in "手机13800138000" but not in "ab13800138000". Full-width digits count as digits.
// Numbers without a check character or an allocated range (passports, 15-digit
// first-generation identity numbers, permit numbers) are not recognised: too many ordinary
// numbers look like them. Never fails; invalid UTF-8 is scanned byte by byte.
std::vector<PersonalDataFound> FindUnmaskedPersonalData(std::string_view text);

}  // namespace icp
