#pragma once

#include <expected>

#include "base/error.h"

namespace icp {

// The outcome of anything that can fail in an expected way: a T, or an Error.
// libstdc++ 12 has no monadic members: test with `if (!r)`, read `*r` / `r.error()`.
template <typename T>
using Result = std::expected<T, Error>;

}  // namespace icp
