// registry-gen: a national registry of filed records, deterministic by seed (issue 12), as
// JSON Lines for `icp-bureau import` (src/bureau_sim/import.h): one subject per line with its
// websites, their domains, accesses and numbers.
//
//   registry-gen [--seed N] [--subjects N] [--websites N] [--isp-ids A,B,...]
//                [--suffixes data/reference/filing_suffixes.tsv]          > registry.jsonl
//
// Every value is valid where Beian checks it: resident IDs (GB 11643, ISO 7064 MOD 11-2) with
// a real county code and birth date, credit codes (GB 32100 MOD 31) embedding valid
// organisation codes (GB 11714), mobile numbers in real segments, registrable domains under the
// approved suffixes of data/reference/filing_suffixes.tsv in a realistic mix (internationalised
// names included), and filing numbers unique per province and year. Subjects, domains and
// certificates are unique by construction (each is a bijection of its index), so no set of
// 10 million names is kept: memory stays flat at any size. The same seed and sizes give the
// same bytes on every run and machine (no std:: distributions, whose output is unspecified).

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "domain/province.h"

namespace {

// SplitMix64: a counter-based hash, so record i's values depend on (seed, i) only.
std::uint64_t Mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

class Draw {
 public:
  Draw(std::uint64_t seed, std::uint64_t stream, std::uint64_t index)
      : state_(Mix(seed ^ Mix(stream ^ Mix(index)))) {}
  std::uint64_t Next() { return state_ = Mix(state_); }
  std::uint64_t Below(std::uint64_t n) { return Next() % n; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  std::uint64_t state_;
};

__extension__ using Wide = unsigned __int128;  // for (i * a) mod n below 2^64

// A permutation of [0, n): i -> (i * a + b) mod n with a coprime to n, so distinct indexes give
// distinct values without remembering any.
std::uint64_t Permute(std::uint64_t i, std::uint64_t n, std::uint64_t seed) {
  auto gcd = [](std::uint64_t x, std::uint64_t y) {
    while (y != 0) {
      const std::uint64_t t = x % y;
      x = y;
      y = t;
    }
    return x;
  };
  std::uint64_t a = (Mix(seed) % n) | 1;
  while (gcd(a, n) != 1) a += 2;
  const std::uint64_t b = Mix(seed + 1) % n;
  return static_cast<std::uint64_t>((static_cast<Wide>(i) * a + b) % n);
}

// ---- identifiers ----

char ResidentIdCheck(std::string_view seventeen) {
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (seventeen[i] - '0') * kWeights[i];
  return "10X98765432"[sum % 11];
}

constexpr std::string_view kCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";  // GB 32100

char OrganizationCodeCheck(std::string_view eight) {
  static constexpr int kWeights[] = {3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 8; ++i) {
    const char c = eight[i];
    sum += (c >= '0' && c <= '9' ? c - '0' : c - 'A' + 10) * kWeights[i];
  }
  const int check = 11 - sum % 11;
  return check == 10 ? 'X' : check == 11 ? '0' : static_cast<char>('0' + check);
}

char CreditCodeCheck(std::string_view seventeen) {
  static constexpr int kWeights[] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                     29, 25, 13, 8,  24, 10, 30, 28};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += static_cast<int>(kCodeChars.find(seventeen[i])) * kWeights[i];
  return kCodeChars[(31 - sum % 31) % 31];
}

// ---- names ----

const std::vector<std::string> kSurnames = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"};
const std::vector<std::string> kGiven = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀", "霞", "平", "刚", "桂", "文", "华", "建", "国", "红", "玉", "兰", "春"};
const std::vector<std::string> kWords = {"星辰", "云帆", "启明", "长风", "青禾", "远航",
                                         "博雅", "嘉禾", "瑞丰", "华信", "天成", "卓越",
                                         "锦程", "恒通", "新创", "鼎盛"};
const std::vector<std::string> kTrades = {"科技",     "网络", "信息技术", "文化传媒",
                                          "电子商务", "软件", "教育科技", "数据服务"};
const std::vector<std::string> kSiteKinds = {"官网", "博客",     "商城",     "资讯",
                                             "社区", "文档中心", "在线服务", "作品集"};
const std::vector<std::string> kLatin = {"star", "cloud", "tech",  "data", "shop", "blog", "info",
                                         "net",  "soft",  "media", "home", "life", "edu",  "game"};
const std::vector<std::string> kIdnWords = {"星辰", "云帆", "启明", "青禾", "博雅", "锦程"};

std::string Base36(std::uint64_t v) {
  std::string s;
  do {
    s.insert(s.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36]);
    v /= 36;
  } while (v != 0);
  return s;
}

// ---- provinces: filings per province, roughly as the big provinces lead ----

struct ProvinceWeight {
  std::string_view gb_code;
  int weight;
};
constexpr ProvinceWeight kProvinceWeights[] = {
    {"440000", 160}, {"330000", 90}, {"320000", 85}, {"110000", 80}, {"310000", 70}, {"370000", 60},
    {"350000", 50},  {"510000", 45}, {"410000", 45}, {"420000", 40}, {"430000", 35}, {"340000", 35},
    {"130000", 30},  {"500000", 25}, {"610000", 25}, {"210000", 22}, {"120000", 20}, {"360000", 20},
    {"450000", 18},  {"530000", 15}, {"140000", 12}, {"220000", 10}, {"230000", 10}, {"520000", 10},
    {"150000", 8},   {"620000", 6},  {"460000", 6},  {"650000", 5},  {"640000", 3},  {"630000", 2},
    {"540000", 2}};

struct ProvinceInfo {
  std::string gb_code;
  std::string prefix;
  int weight;
  std::vector<std::string> counties;  // 6-digit codes under it, for resident IDs
};

// ---- suffixes ----

struct Suffix {
  std::string name;
  int weight;
};

std::vector<Suffix> LoadSuffixes(const std::string& path) {
  // The common ones lead, every other approved suffix gets a small share.
  static const std::pair<std::string_view, int> kCommon[] = {
      {"com", 450}, {"cn", 250},    {"com.cn", 70}, {"net", 60}, {"top", 30}, {"xyz", 15},
      {"org", 15},  {"net.cn", 10}, {"vip", 10},    {"中国", 8}, {"cc", 8},   {"site", 5}};
  std::ifstream in(path);
  std::vector<Suffix> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t tab = line.find('\t');
    if (tab == std::string::npos || line.compare(tab + 1, 8, "approved") != 0) continue;
    Suffix s{line.substr(0, tab), 1};
    // Reserved for government bodies and public institutions: not for a generic registry.
    if (s.name == "gov.cn" || s.name == "政务" || s.name == "公益") continue;
    for (const auto& [name, weight] : kCommon) {
      if (s.name == name) s.weight = weight;
    }
    out.push_back(std::move(s));
  }
  return out;
}

template <typename T>
const T& Weighted(const std::vector<T>& items, int total, Draw& d) {
  int x = static_cast<int>(d.Below(static_cast<std::uint64_t>(total)));
  for (const T& item : items) {
    if ((x -= item.weight) < 0) return item;
  }
  return items.back();
}

struct Options {
  std::uint64_t seed = 1;
  std::uint64_t subjects = 1000;
  std::uint64_t websites = 2000;
  std::vector<std::int64_t> isp_ids = {440000000001};
  std::string suffixes = "data/reference/filing_suffixes.tsv";
  std::string regions = "data/reference/cn_admin_division_codes.loc.dat";
};

// County codes per province from loc.dat (python-stdnum's format: "11 province=…" lines, then
// "  0101 county=…" under them); only codes in use today (no range, or "[1983-]").
void LoadCounties(const std::string& path, std::vector<ProvinceInfo>& provinces) {
  std::ifstream in(path);
  std::string line;
  ProvinceInfo* current = nullptr;
  while (std::getline(in, line)) {
    if (line.size() > 2 && line[0] >= '0' && line[0] <= '9') {
      current = nullptr;
      for (ProvinceInfo& p : provinces) {
        if (line.compare(0, 2, p.gb_code, 0, 2) == 0) current = &p;
      }
    } else if (current != nullptr && line.starts_with("  ") && line.size() > 7 &&
               line.compare(4, 2, "00") != 0 && line.compare(2, 2, "00") != 0) {
      const std::size_t open = line.find('[');
      if (open != std::string::npos && line.compare(open + 5, 2, "-]") != 0) continue;
      current->counties.push_back(current->gb_code.substr(0, 2) + line.substr(2, 4));
    }
  }
}

bool ParseNumber(std::string_view text, std::uint64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

int Usage(const char* why) {
  std::cerr << "registry-gen: " << why
            << "\nusage: registry-gen [--seed N] [--subjects N] [--websites N] "
               "[--isp-ids A,B,...] [--suffixes FILE] [--regions FILE]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) return Usage("a flag without its value");
    const std::string_view value = argv[++i];
    std::uint64_t n = 0;
    if (flag == "--seed" && ParseNumber(value, n)) {
      o.seed = n;
    } else if (flag == "--subjects" && ParseNumber(value, n) && n > 0) {
      o.subjects = n;
    } else if (flag == "--websites" && ParseNumber(value, n)) {
      o.websites = n;
    } else if (flag == "--isp-ids") {
      o.isp_ids.clear();
      for (std::size_t at = 0; at <= value.size();) {
        const std::size_t comma = std::min(value.find(',', at), value.size());
        if (!ParseNumber(value.substr(at, comma - at), n) || n == 0) return Usage("bad --isp-ids");
        o.isp_ids.push_back(static_cast<std::int64_t>(n));
        at = comma + 1;
      }
    } else if (flag == "--suffixes") {
      o.suffixes = value;
    } else if (flag == "--regions") {
      o.regions = value;
    } else {
      return Usage("unknown flag or bad value");
    }
  }
  if (o.websites < o.subjects) return Usage("--websites must be at least --subjects");
  if (o.subjects > 999'999ULL * 19 || o.subjects > 1000ULL * 365 * 60) {
    return Usage("more subjects than distinct numbers or persons");
  }

  std::vector<ProvinceInfo> provinces;
  int province_total = 0;
  for (const ProvinceWeight& w : kProvinceWeights) {
    auto p = icp::Province::FromCode(w.gb_code);
    if (!p) return Usage("unknown province in the weight table");
    provinces.push_back({std::string(w.gb_code), std::string(p->prefix()), w.weight, {}});
    province_total += w.weight;
  }
  LoadCounties(o.regions, provinces);
  for (const ProvinceInfo& p : provinces) {
    if (p.counties.empty()) {
      std::cerr << "registry-gen: no county of " << p.gb_code << " in " << o.regions << "\n";
      return 2;
    }
  }
  const std::vector<Suffix> suffixes = LoadSuffixes(o.suffixes);
  if (suffixes.empty()) return Usage("no approved suffix read from --suffixes");
  int suffix_total = 0;
  for (const Suffix& s : suffixes) suffix_total += s.weight;

  // Numbers: a serial per (province, year), years 2008-2026.
  constexpr int kFirstYear = 2008, kYears = 19;
  std::vector<std::uint32_t> serials(provinces.size() * kYears, 0);
  const std::uint64_t base = o.websites / o.subjects;
  const std::uint64_t extra = o.websites % o.subjects;
  const std::uint64_t person_space = 1000ULL * 365 * 60;  // sequence x day, per county
  std::uint64_t domain_index = 0;
  std::string out;
  out.reserve(1 << 20);

  for (std::uint64_t i = 0; i < o.subjects; ++i) {
    Draw d(o.seed, 1, i);
    const std::size_t pi =
        static_cast<std::size_t>(&Weighted(provinces, province_total, d) - provinces.data());
    const ProvinceInfo& p = provinces[pi];
    const int year = kFirstYear + static_cast<int>(d.Below(kYears));
    const std::uint32_t serial =
        ++serials[pi * kYears + static_cast<std::size_t>(year - kFirstYear)];
    char number[64];
    std::snprintf(number, sizeof number, "%sICP备%d%06u号", p.prefix.c_str(), year, serial);
    const bool person = d.Below(100) < 38;
    // Websites: pairs of subjects share 2 x base between them, unevenly; the remainder goes
    // to the first subjects. The total is exactly --websites.
    std::uint64_t count = base;
    if (base > 1 && !(i % 2 == 0 && i + 1 == o.subjects)) {
      Draw pair(o.seed, 2, i / 2);
      const std::uint64_t a = 1 + pair.Below(2 * base - 1);
      count = i % 2 == 0 ? a : 2 * base - a;
    }
    if (i < extra) ++count;

    // The certificate: a resident ID (a person) or a credit code (a company), unique by index.
    const std::uint64_t id = Permute(i, o.subjects, o.seed);
    std::string certificate;
    int certificate_type = 0;
    std::string leader_name =
        d.Pick(kSurnames) + d.Pick(kGiven) + (d.Below(2) ? d.Pick(kGiven) : "");
    std::string leader_id;
    {
      const std::string& county = p.counties[d.Below(p.counties.size())];
      // The birth date and sequence come from the index, so persons are distinct.
      const std::uint64_t slot = Permute(i, person_space, o.seed + 7);
      const int days = static_cast<int>(slot / 1000);
      const std::chrono::sys_days born =
          std::chrono::sys_days{std::chrono::year(1950) / 1 / 1} + std::chrono::days(days);
      const std::chrono::year_month_day ymd{born};
      char body[18];
      std::snprintf(body, sizeof body, "%s%04d%02u%02u%03u", county.c_str(), int(ymd.year()),
                    unsigned(ymd.month()), unsigned(ymd.day()), unsigned(slot % 1000));
      leader_id = std::string(body, 17) + ResidentIdCheck(std::string_view(body, 17));
    }
    std::string name;
    int nature = 5;
    if (person) {
      certificate = leader_id;  // a person files as themself
      certificate_type = 2;
      name = leader_name;
    } else {
      nature = 4;
      certificate_type = 1;
      std::string org = "M";  // organisation code: 8 characters from the index, then its check
      std::uint64_t v = id;
      std::string digits;
      for (int k = 0; k < 7; ++k) {
        digits.insert(digits.begin(), "0123456789ABCDEFGHJKLMNPQRTUWXY"[v % 31]);
        v /= 31;
      }
      org += digits;
      // GB 11714 takes digits and letters; the credit code's alphabet is a subset of both.
      const std::string org9 = org + OrganizationCodeCheck(org);
      const std::string seventeen = "91" + p.counties[d.Below(p.counties.size())] + org9;
      certificate = seventeen + CreditCodeCheck(seventeen);
      name = d.Pick(kWords) + d.Pick(kTrades) + "有限公司" + Base36(id);
    }
    const std::string mobile_prefixes[] = {"138", "139", "135", "186", "188", "150", "177", "199"};
    char mobile[16];
    std::snprintf(mobile, sizeof mobile, "%s%08llu", mobile_prefixes[d.Below(8)].c_str(),
                  static_cast<unsigned long long>(d.Below(100'000'000)));

    out += "{\"subject\": {\"number\": \"";
    out += number;
    out += "\", \"name\": \"" + name + "\", \"nature\": " + std::to_string(nature);
    out += ", \"certificate\": {\"type\": " + std::to_string(certificate_type) +
           ", \"number\": \"" + certificate + "\"}, \"region\": {\"province\": " + p.gb_code + "}";
    out += ", \"leader\": {\"name\": \"" + leader_name + "\", \"mobiles\": \"" + mobile +
           "\", \"emails\": \"contact" + Base36(id) +
           "@example.cn\", \"certificate_type\": 2"
           ", \"certificate_number\": \"" +
           leader_id + "\"}";
    // Filed at 09:00 Beijing time on a day of its number's year (epoch seconds).
    const std::chrono::sys_days filed_day =
        std::chrono::sys_days{std::chrono::year(year) / 1 / 1} + std::chrono::days(d.Below(365));
    const std::int64_t filed_at =
        std::chrono::duration_cast<std::chrono::seconds>(filed_day.time_since_epoch()).count() +
        3600;
    out += ", \"filed_at\": " + std::to_string(filed_at) + "}, \"websites\": [";
    for (std::uint64_t w = 0; w < count; ++w) {
      Draw dw(o.seed, 3, domain_index);
      if (w > 0) out += ", ";
      const std::uint64_t domains = dw.Below(10) < 8 ? 1 : 2;
      std::string list;
      std::string first;
      for (std::uint64_t k = 0; k < domains; ++k) {
        const std::uint64_t unique = Permute(domain_index++, 1ULL << 40, o.seed + 3);
        const Suffix& s = Weighted(suffixes, suffix_total, dw);
        // About 2% internationalised names, always under a suffix that takes them.
        const bool idn = dw.Below(50) == 0;
        const std::string label =
            idn ? dw.Pick(kIdnWords) + Base36(unique) : dw.Pick(kLatin) + Base36(unique);
        const std::string domain = label + "." + (idn ? std::string("中国") : s.name);
        if (k == 0) first = domain;
        list += (k ? ", \"" : "\"") + domain + "\"";
      }
      const std::int64_t isp = o.isp_ids[dw.Below(o.isp_ids.size())];
      char ip[32];
      std::snprintf(ip, sizeof ip, "%u.%u.%u.%u", 1 + unsigned(dw.Below(222)),
                    unsigned(dw.Below(256)), unsigned(dw.Below(256)), 1 + unsigned(dw.Below(254)));
      out += "{\"number\": \"" + std::string(number) + "-" + std::to_string(w + 1) +
             "\", \"name\": \"" +
             (person ? leader_name + "的" : name.substr(0, name.find("有限"))) +
             dw.Pick(kSiteKinds) + "\", \"home_url\": \"www." + first + "\", \"domains\": [" +
             list + "], \"languages\": [1], \"leader\": {\"name\": \"" + leader_name +
             "\", \"mobiles\": \"" + mobile + "\", \"emails\": \"web" + Base36(id) +
             "@example.cn\"}, \"accesses\": [{\"isp_id\": " + std::to_string(isp) +
             ", \"ips\": [\"" + ip + "\"], \"locations\": [" + std::to_string(1 + dw.Below(31)) +
             "], \"methods\": [3]}]}";
    }
    out += "]}\n";
    if (out.size() > (1 << 20) - 8192) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
