#pragma once

#include <expected>
#include <utility>

#include "base/error.h"

namespace icp {

// The outcome of anything that can fail in an expected way: a T, or an Error.
// libstdc++ 12 has no monadic members: test with `if (!r)`, read `*r` / `r.error()`.
//
// It is std::expected<T, Error> with every constructor and member, and [[nodiscard]]
// (STYLE.md §3.2): a failure nobody looks at is a failure lost, so ignoring a Result is a
// compile error under -Werror. Where ignoring one is right, say so: `(void)` and a comment.
template <typename T>
class [[nodiscard]] Result : public std::expected<T, Error> {
 public:
  using std::expected<T, Error>::expected;
  Result() = default;
  // From a plain std::expected<T, Error>, which the inherited constructors do not take.
  Result(const std::expected<T, Error>& e) : std::expected<T, Error>(e) {}  // NOLINT: implicit
  Result(std::expected<T, Error>&& e) : std::expected<T, Error>(std::move(e)) {}  // NOLINT
};

}  // namespace icp
