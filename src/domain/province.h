#pragma once

#include <span>
#include <string_view>

#include "base/result.h"

namespace icp {

// One of the 31 provincial-level divisions of mainland China where websites are filed,
// each with its own communications administration (管局). Hong Kong, Macao and Taiwan are
// not provinces here: nobody files with them. Data: FACTS.md §7.8 (GB/T 2260 codes, the
// prefix of filing numbers, the MIIT portal code).
class Province {
 public:
  // "44", "440000" (any GB/T 2260 code whose first two digits name a province) -> 广东.
  // kInvalidArgument (rule "province.code") otherwise.
  static Result<Province> FromCode(std::string_view code);

  // The one-character prefix of filing numbers: "粤" -> 广东. The legacy prefixes 川 (四川)
  // and 甘 (甘肃) are accepted as aliases of 蜀 and 陇. kInvalidArgument ("province.prefix").
  static Result<Province> FromPrefix(std::string_view prefix);

  // "广东", "广东省", "Guangdong" -> 广东. kInvalidArgument ("province.name").
  static Result<Province> FromName(std::string_view name);

  // The 31 provinces in GB/T 2260 order.
  static std::span<const Province> All();

  std::string_view code() const;          // "44"
  std::string_view gb_code() const;       // "440000"
  std::string_view name() const;          // "广东省"
  std::string_view short_name() const;    // "广东"
  std::string_view english_name() const;  // "Guangdong"
  std::string_view prefix() const;        // "粤": canonical filing-number prefix
  std::string_view portal() const;        // "gd": MIIT provincial portal code

  friend bool operator==(Province a, Province b) { return a.index_ == b.index_; }

 private:
  explicit constexpr Province(int index) : index_(index) {}
  friend struct ProvinceTable;

  int index_;
};

}  // namespace icp
