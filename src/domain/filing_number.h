#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "domain/province.h"

namespace icp {

// A filing number (备案号) or an ICP licence number used in its place (FACTS.md §7.9, §9.7):
//   subject  京ICP备12345678号 / 陇ICP备2021003158号   (serial: 8 digits YY+6, or 10 YYYY+6)
//   licence  京ICP证030173号 / 粤B2-20090059            (holders of an ICP operating licence)
//   service  any of those + "-N" (website), "-NA" (App), "-NX" (mini-program / quick app)
// Parsing is lenient about what people and old footers write (spaces, full-width forms,
// a missing 号, 滇ICP备09010050-5号) and emits the strict form.
class FilingNumber {
 public:
  enum class Form {
    kRecord,   // ICP备: a filing record
    kLicence,  // ICP证: an ICP operating licence number
    kB2,       // B2-: a value-added telecom licence number
  };
  enum class Service { kNone, kWebsite, kApp, kMiniProgram };

  // kInvalidArgument: rules filing-number.{empty, encoding, length, prefix, police, format,
  // serial, service}. The public-security number (京公网安备…) is refused with its own rule.
  static Result<FilingNumber> Parse(std::string_view text);

  // As written: with a legacy prefix when it was written with one (川ICP备…).
  const std::string& str() const { return value_; }
  // The one form of the number, with the province's current prefix (蜀ICP备… for
  // 川ICP备…): what stores keep and compare, so a number and its alias are one number.
  std::string canonical() const;
  Province province() const { return province_; }
  Form form() const { return form_; }
  const std::string& serial() const { return serial_; }
  // The subject's number: this number without its "-N" part.
  std::string subject_number() const;
  bool is_service() const { return service_ != Service::kNone; }
  Service service() const { return service_; }
  int service_index() const { return service_index_; }  // 0 for a subject number
  // True when written with a legacy province prefix (川 for 蜀, 甘 for 陇).
  bool legacy_prefix() const { return prefix_ != province_.prefix(); }
  // True for documented dummies (all-zero serial, 12345678): well-formed, never issued.
  bool placeholder() const;

  friend bool operator==(const FilingNumber& a, const FilingNumber& b) {
    return a.value_ == b.value_;
  }

 private:
  explicit FilingNumber(Province province) : province_(province) {}

  std::string value_;
  Province province_;
  Form form_ = Form::kRecord;
  std::string serial_;
  Service service_ = Service::kNone;
  int service_index_ = 0;
  std::string prefix_;  // as written: the canonical prefix or a legacy alias
};

// Whether `number` can be the number of a subject on record in `province` (the import of
// filed records): every reason it cannot, as one kInvalidArgument with rules
// filing-number.{not-subject, province, placeholder} on field "".
Result<void> CheckSubjectNumber(const FilingNumber& number, Province province);
// Whether `number` can be the number of a website of the subject numbered `subject`: rules
// filing-number.{not-website, not-under-subject, placeholder}.
Result<void> CheckWebsiteNumber(const FilingNumber& number, const FilingNumber& subject);

std::string_view FilingFormName(FilingNumber::Form form);           // "record", "licence", "b2"
std::string_view FilingServiceName(FilingNumber::Service service);  // "none", "website", ...

}  // namespace icp
