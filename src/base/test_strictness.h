#pragma once

#include <cstdlib>
#include <string_view>

namespace icp {

// For tests only. A test that cannot run here (no PostgreSQL, not root) skips, except where
// a skip would hide that it never ran: in CI (CI=true) and under `make test`
// (ICP_REQUIRE_PG=1) a skip is a failure.
inline bool SkipsAreFailures() {
  const char* ci = std::getenv("CI");
  const char* pg = std::getenv("ICP_REQUIRE_PG");
  return (ci != nullptr && std::string_view(ci) == "true") ||
         (pg != nullptr && std::string_view(pg) == "1");
}

}  // namespace icp

// In a gtest test or fixture: skips with `why`, or fails with it when skips are failures.
#define ICP_SKIP_OR_FAIL(why)        \
  do {                               \
    if (::icp::SkipsAreFailures()) { \
      FAIL() << why;                 \
    } else {                         \
      GTEST_SKIP() << why;           \
    }                                \
  } while (false)
