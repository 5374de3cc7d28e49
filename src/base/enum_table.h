#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace icp {

// One enumerator with the name used in JSON, data files and the CLI, and its Chinese label.
template <typename E>
struct EnumEntry {
  E value;
  std::string_view name;        // "first_filing"
  std::string_view label = {};  // "首次备案"
};

// The names of an enum as one constexpr table, so that every enum the product speaks about is
// listed once, in order, and looked up the same way:
//   constexpr EnumTable<ApplicationType, 11> kTypes({{{ApplicationType::kFirstFiling, ...}}});
//   kTypes.Name(t); kTypes.Label(t); kTypes.FromName("first_filing"); kTypes.All();
template <typename E, std::size_t N>
class EnumTable {
 public:
  constexpr explicit EnumTable(std::array<EnumEntry<E>, N> entries) : entries_(entries) {
    for (std::size_t i = 0; i < N; ++i) values_[i] = entries[i].value;
  }

  // "" for a value not in the table (a bug in the caller: every enumerator is listed).
  constexpr std::string_view Name(E value) const { return Find(value).name; }
  constexpr std::string_view Label(E value) const { return Find(value).label; }

  constexpr std::optional<E> FromName(std::string_view name) const {
    for (const EnumEntry<E>& e : entries_) {
      if (e.name == name) return e.value;
    }
    return std::nullopt;
  }

  // Every value, in table order.
  constexpr std::span<const E> All() const { return values_; }

 private:
  constexpr const EnumEntry<E>& Find(E value) const {
    for (const EnumEntry<E>& e : entries_) {
      if (e.value == value) return e;
    }
    return kMissing;
  }

  static constexpr EnumEntry<E> kMissing{E{}, {}, {}};
  std::array<EnumEntry<E>, N> entries_;
  std::array<E, N> values_{};
};

}  // namespace icp
