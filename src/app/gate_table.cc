#include "app/gate_table.h"

#include <algorithm>
#include <array>
#include <functional>

#include "base/check.h"

namespace icp {
namespace {

// The canonical province abbreviations a filing number starts with (filing_numbers_canonical
// in migrations/0001_init.sql), each 3 bytes of UTF-8.
constexpr std::array<std::string_view, 31> kProvinces = {
    "京", "津", "冀", "晋", "蒙", "辽", "吉", "黑", "沪", "苏", "浙", "皖", "闽", "赣", "鲁", "豫",
    "鄂", "湘", "粤", "桂", "琼", "渝", "蜀", "黔", "滇", "藏", "陕", "陇", "青", "宁", "新"};
constexpr std::string_view kRecord = "ICP备";   // 备案号
constexpr std::string_view kLicence = "ICP证";  // 经营许可证号
constexpr std::string_view kHao = "号";
// Packed lead bytes: 0x80 + province (备), 0xA0 + province (证). UTF-8 never starts a
// character with a byte in 0x80..0xBF, so a packed number cannot be taken for a raw one.
constexpr unsigned char kPackedRecord = 0x80;
constexpr unsigned char kPackedLicence = 0xA0;

constexpr unsigned kTagBits = 24;
constexpr std::uint64_t kTagMask = (std::uint64_t{1} << kTagBits) - 1;

std::uint64_t Hash(std::string_view s) { return std::hash<std::string_view>{}(s); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string PackFilingNumber(std::string_view n) {
  for (std::size_t p = 0; p < kProvinces.size(); ++p) {
    if (!n.starts_with(kProvinces[p])) continue;
    std::string_view rest = n.substr(kProvinces[p].size());
    unsigned char lead = 0;
    if (rest.starts_with(kRecord)) {
      lead = kPackedRecord;
    } else if (rest.starts_with(kLicence)) {
      lead = kPackedLicence;
    } else {
      break;
    }
    rest.remove_prefix(kRecord.size());
    const std::size_t digits = std::find_if_not(rest.begin(), rest.end(), IsDigit) - rest.begin();
    if (digits == 0 || !rest.substr(digits).starts_with(kHao)) break;
    std::string_view suffix = rest.substr(digits + kHao.size());
    // "" or "-" and ASCII letters and digits ("-1", "-12A").
    const bool plain_suffix =
        suffix.empty() ||
        (suffix.front() == '-' && std::all_of(suffix.begin() + 1, suffix.end(), [](char c) {
           return IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
         }));
    if (!plain_suffix) break;
    std::string out(1, static_cast<char>(lead + p));
    out.append(rest.substr(0, digits));
    out.append(suffix);
    return out;
  }
  return std::string(n);
}

std::string UnpackFilingNumber(std::string_view packed) {
  if (packed.empty()) return {};
  const auto lead = static_cast<unsigned char>(packed.front());
  const bool record = lead >= kPackedRecord && lead < kPackedRecord + kProvinces.size();
  const bool licence = lead >= kPackedLicence && lead < kPackedLicence + kProvinces.size();
  if (!record && !licence) return std::string(packed);
  std::string_view rest = packed.substr(1);
  const std::size_t digits = std::find_if_not(rest.begin(), rest.end(), IsDigit) - rest.begin();
  std::string out(kProvinces[lead - (record ? kPackedRecord : kPackedLicence)]);
  out.append(record ? kRecord : kLicence);
  out.append(rest.substr(0, digits));
  out.append(kHao);
  out.append(rest.substr(digits));
  return out;
}

void GateTable::Builder::Reserve(std::size_t entries) {
  offsets_.reserve(entries);
  arena_.reserve(entries * 32);
}

void GateTable::Builder::Add(std::string_view domain, const GateStanding& standing) {
  ICP_CHECK(!domain.empty() && domain.size() <= 253) << "a gate domain is 1..253 bytes";
  const std::string number = PackFilingNumber(standing.number);
  ICP_CHECK(number.size() < 255) << "a filing number is shorter than 255 bytes";
  offsets_.push_back(arena_.size());
  arena_.push_back(static_cast<char>(domain.size()));
  arena_.append(domain);
  arena_.push_back(static_cast<char>(number.size()));
  arena_.append(number);
  arena_.push_back(static_cast<char>(standing.lists));
}

GateTable GateTable::Builder::Build() && {
  GateTable t;
  std::size_t capacity = 16;
  // At most 70% full: a miss then ends after about two probes.
  while (capacity * 7 < offsets_.size() * 10) capacity *= 2;
  t.arena_ = std::move(arena_);
  t.arena_.shrink_to_fit();
  t.slots_.assign(capacity, 0);
  t.mask_ = capacity - 1;
  for (std::uint64_t offset : offsets_) {
    const std::string_view domain(t.arena_.data() + offset + 1,
                                  static_cast<unsigned char>(t.arena_[offset]));
    const std::uint64_t h = Hash(domain);
    const std::uint64_t slot = ((offset + 1) << kTagBits) | (h >> (64 - kTagBits));
    for (std::uint64_t i = h & t.mask_;; i = (i + 1) & t.mask_) {
      if (t.slots_[i] == 0) {
        t.slots_[i] = slot;
        break;
      }
      ICP_CHECK(t.DomainAt(t.slots_[i]) != domain) << "domain added twice: " << domain;
    }
  }
  t.size_ = offsets_.size();
  std::vector<std::uint64_t>().swap(offsets_);
  return t;
}

GateTable::GateTable() : slots_(16, 0), mask_(15) {}

std::size_t GateTable::bytes() const {
  return arena_.capacity() + slots_.capacity() * sizeof(std::uint64_t) + sizeof(*this);
}

std::string_view GateTable::DomainAt(std::uint64_t slot) const {
  const std::size_t offset = (slot >> kTagBits) - 1;
  return {arena_.data() + offset + 1, static_cast<unsigned char>(arena_[offset])};
}

GateStanding GateTable::StandingAt(std::uint64_t slot) const {
  std::size_t at = (slot >> kTagBits) - 1;
  at += 1 + static_cast<unsigned char>(arena_[at]);
  const std::size_t number_size = static_cast<unsigned char>(arena_[at]);
  GateStanding s;
  s.number = UnpackFilingNumber(std::string_view(arena_.data() + at + 1, number_size));
  s.lists = static_cast<std::uint8_t>(arena_[at + 1 + number_size]);
  return s;
}

std::uint64_t GateTable::SlotOf(std::string_view domain) const {
  const std::uint64_t h = Hash(domain);
  const std::uint64_t tag = h >> (64 - kTagBits);
  for (std::uint64_t i = h & mask_;; i = (i + 1) & mask_) {
    const std::uint64_t slot = slots_[i];
    if (slot == 0) return 0;
    if ((slot & kTagMask) == tag && DomainAt(slot) == domain) return slot;
  }
}

bool GateTable::Contains(std::string_view domain) const { return SlotOf(domain) != 0; }

std::optional<GateTable::Peek> GateTable::Look(std::string_view domain) const {
  const std::uint64_t slot = SlotOf(domain);
  if (slot == 0) return std::nullopt;
  std::size_t at = (slot >> kTagBits) - 1;
  at += 1 + static_cast<unsigned char>(arena_[at]);
  const std::size_t number_size = static_cast<unsigned char>(arena_[at]);
  return Peek{number_size > 0, static_cast<std::uint8_t>(arena_[at + 1 + number_size])};
}

std::optional<GateStanding> GateTable::Find(std::string_view domain) const {
  const std::uint64_t slot = SlotOf(domain);
  if (slot == 0) return std::nullopt;
  return StandingAt(slot);
}

}  // namespace icp
