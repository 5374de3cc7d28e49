#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace icp {

// A strongly typed row id (STYLE.md §3.3): an ApplicationId cannot be passed where a
// SubjectId is expected. Ids are assigned by the store, are positive, and never reused.
template <class Tag>
class Id {
 public:
  constexpr Id() = default;
  constexpr explicit Id(std::int64_t value) : value_(value) {}

  constexpr std::int64_t value() const { return value_; }
  constexpr bool valid() const { return value_ > 0; }

  friend constexpr auto operator<=>(Id, Id) = default;

 private:
  std::int64_t value_ = 0;
};

}  // namespace icp

template <class Tag>
struct std::hash<icp::Id<Tag>> {
  std::size_t operator()(icp::Id<Tag> id) const noexcept {
    return std::hash<std::int64_t>{}(id.value());
  }
};
