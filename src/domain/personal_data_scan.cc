#include "domain/personal_data_scan.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

#include "base/strings.h"
#include "domain/email.h"
#include "domain/hong_kong_identity_card.h"
#include "domain/mobile_number.h"
#include "domain/resident_id.h"
#include "domain/taiwan_national_id.h"

namespace icp {
namespace {

// A code point that is neither a letter, a digit nor a separator we look at.
constexpr char kOther = '\x01';

// One ASCII character per code point of `text`: full-width forms folded to ASCII (people
// type "１３８…"), the ideographic space to ' ', anything else to kOther. So an index into the
// result is a code point offset into `text`.
std::string Fold(std::string_view text) {
  std::string out;
  std::optional<std::vector<char32_t>> cps = DecodeUtf8(text);
  if (!cps) {
    for (char c : text) out += static_cast<unsigned char>(c) < 0x80 ? c : kOther;
    return out;
  }
  out.reserve(cps->size());
  for (char32_t cp : *cps) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp >= 0xFF01 && cp <= 0xFF5E) {
      out += static_cast<char>(cp - 0xFEE0);
    } else if (cp == 0x3000) {
      out += ' ';
    } else {
      out += kOther;
    }
  }
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsAlnum(char c) { return IsDigit(c) || IsLetter(c); }
bool AllDigits(std::string_view s) { return !s.empty() && std::ranges::all_of(s, IsDigit); }

int Number(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

// GB 11643: a non-zero address code, a real birth date after 1900, the check character.
bool IsResidentId(std::string_view t) {
  if (t.size() != 18 || !AllDigits(t.substr(0, 17)) || t[0] == '0') return false;
  const char last = t[17] == 'x' ? 'X' : t[17];
  if (!IsDigit(last) && last != 'X') return false;
  const std::chrono::year_month_day birth{std::chrono::year(Number(t.substr(6, 4))),
                                          std::chrono::month(Number(t.substr(10, 2))),
                                          std::chrono::day(Number(t.substr(12, 2)))};
  if (!birth.ok() || birth.year() < std::chrono::year(1900)) return false;
  return ResidentIdCheckCharacter(t) == last;
}

bool IsMobile(std::string_view digits) {
  return digits.size() == 11 && digits[0] == '1' && AllDigits(digits) &&
         MobileSegments::Builtin().Find(digits) != nullptr;
}

// A bare number, or one with the country code run in: 8613800138000, 008613800138000.
bool IsMobileToken(std::string_view t) {
  if (t.size() == 13 && t.starts_with("86")) return IsMobile(t.substr(2));
  if (t.size() == 15 && t.starts_with("0086")) return IsMobile(t.substr(4));
  return IsMobile(t);
}

bool IsTaiwanId(std::string_view t) {
  return t.size() == 10 && IsLetter(t[0]) && AllDigits(t.substr(1)) &&
         TaiwanNationalId::Parse(t).has_value();
}

// The length of the ASCII letter-and-digit run starting at `i`.
std::size_t RunLength(std::string_view f, std::size_t i) {
  std::size_t j = i;
  while (j < f.size() && IsAlnum(f[j])) ++j;
  return j - i;
}

// A mobile number printed in groups, "138-0013-8000" or "138 0013 8000", starting at `i`
// (the start of a run of three digits): its length, or 0.
std::size_t GroupedMobileAt(std::string_view f, std::size_t i) {
  if (f.size() < i + 13) return 0;
  const char sep = f[i + 3];
  if (sep != '-' && sep != ' ') return 0;
  if (f[i + 8] != sep || RunLength(f, i + 4) != 4 || RunLength(f, i + 9) != 4) return 0;
  const std::string digits = std::string(f.substr(i, 3)) + std::string(f.substr(i + 4, 4)) +
                             std::string(f.substr(i + 9, 4));
  return IsMobile(digits) ? 13 : 0;
}

// A Hong Kong identity card as printed, "P174468(6)": the run at `i` is 1-2 letters and six
// digits and a bracketed check character follows. Its length, or 0.
std::size_t HongKongIdCardAt(std::string_view f, std::size_t i, std::size_t run) {
  if ((run != 7 && run != 8) || !IsLetter(f[i]) || !AllDigits(f.substr(i + run - 6, 6))) return 0;
  if (run == 8 && !IsLetter(f[i + 1])) return 0;
  const std::size_t end = i + run;
  if (f.size() < end + 3 || f[end] != '(' || f[end + 2] != ')') return 0;
  if (end + 3 < f.size() && IsAlnum(f[end + 3])) return 0;
  return HongKongIdentityCard::Parse(f.substr(i, run + 3)) ? run + 3 : 0;
}

void FindNumbers(std::string_view f, std::vector<PersonalDataFound>& out) {
  std::size_t i = 0;
  while (i < f.size()) {
    const std::size_t run = RunLength(f, i);
    if (run == 0) {
      ++i;
      continue;
    }
    const std::string_view token = f.substr(i, run);
    std::size_t length = run;
    std::optional<PersonalDataKind> kind;
    if (IsResidentId(token)) {
      kind = PersonalDataKind::kResidentId;
    } else if (IsMobileToken(token)) {
      kind = PersonalDataKind::kMobile;
    } else if (IsTaiwanId(token)) {
      kind = PersonalDataKind::kTaiwanId;
    } else if (run == 3 && (length = GroupedMobileAt(f, i)) != 0) {
      kind = PersonalDataKind::kMobile;
    } else if ((length = HongKongIdCardAt(f, i, run)) != 0) {
      kind = PersonalDataKind::kHongKongIdCard;
    }
    if (kind) {
      out.push_back({*kind, i, length});
      i += length;
    } else {
      i += run;
    }
  }
}

bool IsLocalPartChar(char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '*';
}
bool IsHostChar(char c) { return IsAlnum(c) || c == '.' || c == '-'; }

// Addresses around each '@' whose local part has no '*' (masked ones keep a star).
void FindEmails(std::string_view f, std::vector<PersonalDataFound>& out) {
  for (std::size_t at = f.find('@'); at != std::string_view::npos; at = f.find('@', at + 1)) {
    std::size_t begin = at;
    while (begin > 0 && IsLocalPartChar(f[begin - 1])) --begin;
    std::size_t end = at + 1;
    while (end < f.size() && IsHostChar(f[end])) ++end;
    while (end > at + 1 && (f[end - 1] == '.' || f[end - 1] == '-')) --end;  // a sentence's end
    const std::string_view local = f.substr(begin, at - begin);
    const std::string_view host = f.substr(at + 1, end - at - 1);
    if (local.empty() || local.find('*') != std::string_view::npos ||
        host.find('.') == std::string_view::npos) {
      continue;
    }
    if (Email::Parse(f.substr(begin, end - begin))) {
      out.push_back({PersonalDataKind::kEmail, begin, end - begin});
    }
  }
}

}  // namespace

std::string_view PersonalDataKindName(PersonalDataKind kind) {
  switch (kind) {
    case PersonalDataKind::kResidentId:
      return "resident ID number";
    case PersonalDataKind::kMobile:
      return "mobile number";
    case PersonalDataKind::kEmail:
      return "e-mail address";
    case PersonalDataKind::kTaiwanId:
      return "Taiwan ID number";
    case PersonalDataKind::kHongKongIdCard:
      return "Hong Kong identity card number";
  }
  return "personal identifier";
}

std::string_view PersonalDataKindLabel(PersonalDataKind kind) {
  switch (kind) {
    case PersonalDataKind::kResidentId:
      return "居民身份证号码";
    case PersonalDataKind::kMobile:
      return "手机号码";
    case PersonalDataKind::kEmail:
      return "电子邮箱";
    case PersonalDataKind::kTaiwanId:
      return "台湾身份证号码";
    case PersonalDataKind::kHongKongIdCard:
      return "香港身份证号码";
  }
  return "个人信息";
}

std::vector<PersonalDataFound> FindUnmaskedPersonalData(std::string_view text) {
  const std::string folded = Fold(text);
  std::vector<PersonalDataFound> found;
  FindNumbers(folded, found);
  FindEmails(folded, found);
  std::ranges::sort(found, {}, &PersonalDataFound::offset);
  return found;
}

}  // namespace icp
