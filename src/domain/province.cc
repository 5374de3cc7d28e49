#include "domain/province.h"

#include <array>
#include <string>
#include <utility>

#include "base/strings.h"

namespace icp {

namespace {

struct ProvinceRow {
  std::string_view code;
  std::string_view gb_code;
  std::string_view name;
  std::string_view short_name;
  std::string_view english;
  std::string_view prefix;
  std::string_view legacy_prefix;  // seen on numbers issued before the current prefix
  std::string_view portal;
};

// FACTS.md §7.8. 蜀 and 陇 dominate numbers issued 2011-2026; 川 (2009-2015) and 甘
// (2014-2017) appear on older ones and are accepted when parsing.
constexpr std::array<ProvinceRow, 31> kRows = {{
    {"11", "110000", "北京市", "北京", "Beijing", "京", "", "bj"},
    {"12", "120000", "天津市", "天津", "Tianjin", "津", "", "tj"},
    {"13", "130000", "河北省", "河北", "Hebei", "冀", "", "he"},
    {"14", "140000", "山西省", "山西", "Shanxi", "晋", "", "sx"},
    {"15", "150000", "内蒙古自治区", "内蒙古", "Inner Mongolia", "蒙", "", "nm"},
    {"21", "210000", "辽宁省", "辽宁", "Liaoning", "辽", "", "ln"},
    {"22", "220000", "吉林省", "吉林", "Jilin", "吉", "", "jl"},
    {"23", "230000", "黑龙江省", "黑龙江", "Heilongjiang", "黑", "", "hl"},
    {"31", "310000", "上海市", "上海", "Shanghai", "沪", "", "sh"},
    {"32", "320000", "江苏省", "江苏", "Jiangsu", "苏", "", "js"},
    {"33", "330000", "浙江省", "浙江", "Zhejiang", "浙", "", "zj"},
    {"34", "340000", "安徽省", "安徽", "Anhui", "皖", "", "ah"},
    {"35", "350000", "福建省", "福建", "Fujian", "闽", "", "fj"},
    {"36", "360000", "江西省", "江西", "Jiangxi", "赣", "", "jx"},
    {"37", "370000", "山东省", "山东", "Shandong", "鲁", "", "sd"},
    {"41", "410000", "河南省", "河南", "Henan", "豫", "", "ha"},
    {"42", "420000", "湖北省", "湖北", "Hubei", "鄂", "", "hb"},
    {"43", "430000", "湖南省", "湖南", "Hunan", "湘", "", "hn"},
    {"44", "440000", "广东省", "广东", "Guangdong", "粤", "", "gd"},
    {"45", "450000", "广西壮族自治区", "广西", "Guangxi", "桂", "", "gx"},
    {"46", "460000", "海南省", "海南", "Hainan", "琼", "", "hi"},
    {"50", "500000", "重庆市", "重庆", "Chongqing", "渝", "", "cq"},
    {"51", "510000", "四川省", "四川", "Sichuan", "蜀", "川", "sc"},
    {"52", "520000", "贵州省", "贵州", "Guizhou", "黔", "", "gz"},
    {"53", "530000", "云南省", "云南", "Yunnan", "滇", "", "yn"},
    {"54", "540000", "西藏自治区", "西藏", "Tibet", "藏", "", "xz"},
    {"61", "610000", "陕西省", "陕西", "Shaanxi", "陕", "", "sn"},
    {"62", "620000", "甘肃省", "甘肃", "Gansu", "陇", "甘", "gs"},
    {"63", "630000", "青海省", "青海", "Qinghai", "青", "", "qh"},
    {"64", "640000", "宁夏回族自治区", "宁夏", "Ningxia", "宁", "", "nx"},
    {"65", "650000", "新疆维吾尔自治区", "新疆", "Xinjiang", "新", "", "xj"},
}};

const ProvinceRow& Row(int index) { return kRows[static_cast<std::size_t>(index)]; }

}  // namespace

struct ProvinceTable {
  template <std::size_t... I>
  static constexpr std::array<Province, sizeof...(I)> Make(std::index_sequence<I...>) {
    return {Province(static_cast<int>(I))...};
  }
};

namespace {
constexpr std::array<Province, 31> kAll = ProvinceTable::Make(std::make_index_sequence<31>());
}  // namespace

Result<Province> Province::FromCode(std::string_view code) {
  std::string folded = FoldWidthAndTrim(code);
  const bool shape_ok = IsAsciiDigits(folded) && (folded.size() == 2 || folded.size() == 6);
  if (shape_ok) {
    for (std::size_t i = 0; i < kRows.size(); ++i) {
      if (kRows[i].code == std::string_view(folded).substr(0, 2)) return kAll[i];
    }
  }
  return InvalidValue("province.code",
                      "no mainland province has the code " + Quote(code) +
                          " (expected two digits such as 44, or six such as 440000)",
                      "没有代码为 " + Quote(code) + " 的省份");
}

Result<Province> Province::FromPrefix(std::string_view prefix) {
  for (std::size_t i = 0; i < kRows.size(); ++i) {
    if (kRows[i].prefix == prefix ||
        (!kRows[i].legacy_prefix.empty() && kRows[i].legacy_prefix == prefix)) {
      return kAll[i];
    }
  }
  return InvalidValue("province.prefix",
                      Quote(prefix) + " is not the filing-number prefix of any province",
                      Quote(prefix) + " 不是任何省份的备案号简称");
}

Result<Province> Province::FromName(std::string_view name) {
  std::string folded = FoldWidthAndTrim(name);
  std::string lower = ToLowerAscii(folded);
  for (std::size_t i = 0; i < kRows.size(); ++i) {
    const ProvinceRow& r = kRows[i];
    if (r.name == folded || r.short_name == folded || ToLowerAscii(r.english) == lower) {
      return kAll[i];
    }
  }
  return InvalidValue("province.name", Quote(name) + " is not the name of a mainland province",
                      Quote(name) + " 不是大陆省份名称");
}

std::span<const Province> Province::All() { return kAll; }

std::string_view Province::code() const { return Row(index_).code; }
std::string_view Province::gb_code() const { return Row(index_).gb_code; }
std::string_view Province::name() const { return Row(index_).name; }
std::string_view Province::short_name() const { return Row(index_).short_name; }
std::string_view Province::english_name() const { return Row(index_).english; }
std::string_view Province::prefix() const { return Row(index_).prefix; }
std::string_view Province::portal() const { return Row(index_).portal; }

}  // namespace icp
