#include "domain/filing_number.h"

#include "base/strings.h"

namespace icp {
namespace {

std::unexpected<Error> Fail(std::string rule, std::string en, std::string zh) {
  return InvalidValue("filing-number." + rule, std::move(en), std::move(zh));
}

// A cursor over the normalised text.
struct Cursor {
  std::string_view rest;

  bool Eat(std::string_view token) {
    if (!rest.starts_with(token)) return false;
    rest.remove_prefix(token.size());
    return true;
  }
  std::string_view Digits() {
    std::size_t n = 0;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
    std::string_view d = rest.substr(0, n);
    rest.remove_prefix(n);
    return d;
  }
};

// The first UTF-8 character of `text`.
std::string_view FirstCharacter(std::string_view text) {
  const auto b = static_cast<unsigned char>(text[0]);
  const std::size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
  return text.substr(0, std::min(len, text.size()));
}

}  // namespace

std::string_view FilingFormName(FilingNumber::Form form) {
  switch (form) {
    case FilingNumber::Form::kRecord:
      return "record";
    case FilingNumber::Form::kLicence:
      return "licence";
    case FilingNumber::Form::kB2:
      return "b2";
  }
  return "record";
}

std::string_view FilingServiceName(FilingNumber::Service service) {
  switch (service) {
    case FilingNumber::Service::kNone:
      return "none";
    case FilingNumber::Service::kWebsite:
      return "website";
    case FilingNumber::Service::kApp:
      return "app";
    case FilingNumber::Service::kMiniProgram:
      return "mini_program";
  }
  return "none";
}

Result<FilingNumber> FilingNumber::Parse(std::string_view text) {
  if (text.size() > 256)
    return Fail("length", "a filing number is at most a few dozen characters", "备案号过长");
  if (!IsValidUtf8(text)) {
    return Fail("encoding", "the filing number is not valid UTF-8 text",
                "备案号含有无法识别的字符");
  }
  std::string folded = ToUpperAscii(FoldWidthRemoveSpaces(text));
  if (folded.empty()) return Fail("empty", "the filing number is empty", "备案号不能为空");
  if (folded.find("公网安备") != std::string::npos) {
    return Fail("police",
                "this is a public-security filing number (公网安备), which sites show beside their "
                "ICP number; it is not an ICP filing number",
                "这是公安联网备案号（公网安备），不是 ICP 备案号");
  }
  const std::string_view prefix = FirstCharacter(folded);
  Result<Province> province = Province::FromPrefix(prefix);
  if (!province) {
    return Fail("prefix",
                "a filing number starts with one of the 31 province abbreviations (京, 沪, 粤, "
                "蜀 ...); " +
                    Quote(prefix) + " is not one",
                "备案号应以省份简称开头（京、沪、粤、蜀等），" + Quote(prefix) + " 不是");
  }
  FilingNumber number(*province);
  number.prefix_ = std::string(prefix);
  Cursor c{std::string_view(folded).substr(prefix.size())};

  std::size_t serial_length = 0;
  if (c.Eat("ICP备")) {
    number.form_ = Form::kRecord;
  } else if (c.Eat("ICP证")) {
    number.form_ = Form::kLicence, serial_length = 6;
  } else if (c.Eat("B2-")) {
    number.form_ = Form::kB2, serial_length = 8;
  } else {
    return Fail("format", "after the province comes ICP备, ICP证 or B2-: " + Quote(text),
                "省份简称后应为 ICP备、ICP证 或 B2-");
  }
  number.serial_ = std::string(c.Digits());
  const std::size_t n = number.serial_.size();
  const bool serial_ok = serial_length == 0 ? (n == 8 || n == 10) : n == serial_length;
  if (!serial_ok) {
    const std::string expect = number.form_ == Form::kRecord    ? "8 or 10 digits"
                               : number.form_ == Form::kLicence ? "6 digits"
                                                                : "8 digits";
    return Fail(
        "serial",
        "the serial number has " + expect + ", not " + std::to_string(n) + ": " + Quote(text),
        "备案号序号位数不正确");
  }

  // "-N" with an optional A (App) or X (mini-program), before or after 号 (old footers
  // wrote 滇ICP备09010050-5号).
  auto service = [&]() -> Result<void> {
    if (!c.Eat("-")) return {};
    std::string_view index = c.Digits();
    if (index.empty() || index.size() > 5 || index[0] == '0') {
      return Fail("service", "after '-' comes the service's number (1, 2, ...): " + Quote(text),
                  "备案号 '-' 后应为网站序号（1、2…）");
    }
    number.service_index_ = std::stoi(std::string(index));
    number.service_ = c.Eat("A")   ? Service::kApp
                      : c.Eat("X") ? Service::kMiniProgram
                                   : Service::kWebsite;
    return {};
  };
  if (Result<void> r = service(); !r) return std::unexpected(r.error());
  if (number.form_ != Form::kB2) c.Eat("号");
  if (!number.is_service()) {
    if (Result<void> r = service(); !r) return std::unexpected(r.error());
  }
  if (!c.rest.empty()) {
    return Fail("format", "unexpected " + Quote(c.rest) + " at the end of " + Quote(text),
                "备案号末尾有多余的字符 " + Quote(c.rest));
  }

  number.value_ = number.subject_number();
  if (number.is_service()) {
    number.value_ += "-" + std::to_string(number.service_index_);
    if (number.service_ == Service::kApp) number.value_ += "A";
    if (number.service_ == Service::kMiniProgram) number.value_ += "X";
  }
  return number;
}

std::string FilingNumber::subject_number() const {
  switch (form_) {
    case Form::kRecord:
      return prefix_ + "ICP备" + serial_ + "号";
    case Form::kLicence:
      return prefix_ + "ICP证" + serial_ + "号";
    case Form::kB2:
      return prefix_ + "B2-" + serial_;
  }
  return "";
}

std::string FilingNumber::canonical() const {
  if (!legacy_prefix()) return value_;
  return std::string(province_.prefix()) + value_.substr(prefix_.size());
}

bool FilingNumber::placeholder() const {
  return serial_.find_first_not_of('0') == std::string::npos || serial_ == "12345678" ||
         serial_ == "1234567890";
}

namespace {

FieldViolation Broken(std::string rule, std::string en, std::string zh) {
  return {"", "filing-number." + rule, std::move(en), std::move(zh)};
}

Result<void> Verdict(std::vector<FieldViolation> found) {
  if (found.empty()) return {};
  return InvalidFields(std::move(found));
}

}  // namespace

Result<void> CheckSubjectNumber(const FilingNumber& number, Province province) {
  std::vector<FieldViolation> found;
  if (number.is_service()) {
    found.push_back(Broken("not-subject",
                           number.str() + " is the number of a website or App; a subject's number "
                                          "has no -N part",
                           number.str() + " 是网站或 App 的备案号，主体备案号不带 -N 后缀"));
  }
  if (number.province() != province) {
    found.push_back(Broken(
        "province",
        number.str() + " was issued in " + std::string(number.province().english_name()) +
            ", not in the subject's province " + std::string(province.english_name()),
        number.str() + " 由" + std::string(number.province().short_name()) +
            "通信管理局核发，与主体所在省份（" + std::string(province.short_name()) + "）不符"));
  }
  if (number.placeholder()) {
    found.push_back(Broken("placeholder", number.str() + " is a placeholder, never issued",
                           number.str() + " 是示例号码，从未核发"));
  }
  return Verdict(std::move(found));
}

Result<void> CheckWebsiteNumber(const FilingNumber& number, const FilingNumber& subject) {
  std::vector<FieldViolation> found;
  if (number.service() != FilingNumber::Service::kWebsite) {
    found.push_back(Broken("not-website",
                           number.str() + " is not a website's number (subject number + -N)",
                           number.str() + " 不是网站备案号（主体备案号加 -N）"));
  }
  if (number.province() != subject.province() || number.form() != subject.form() ||
      number.serial() != subject.serial()) {
    found.push_back(Broken("not-under-subject",
                           number.str() + " does not extend the subject's number " + subject.str(),
                           number.str() + " 不是主体备案号 " + subject.str() + " 下的网站备案号"));
  }
  if (number.placeholder()) {
    found.push_back(Broken("placeholder", number.str() + " is a placeholder, never issued",
                           number.str() + " 是示例号码，从未核发"));
  }
  return Verdict(std::move(found));
}

}  // namespace icp
