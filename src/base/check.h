#pragma once

#include <cstdlib>
#include <iostream>
#include <sstream>

// ICP_CHECK(cond) << "why": aborts the process when an internal invariant does not hold.
// Never used on input: input gets a Result (STYLE.md §3.2).
#define ICP_CHECK(cond) \
  if (cond) {           \
  } else                \
    ::icp::internal::CheckFailure(__FILE__, __LINE__, #cond).stream()

namespace icp::internal {

class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition) {
    stream_ << file << ":" << line << ": ICP_CHECK failed: " << condition << " ";
  }
  CheckFailure(const CheckFailure&) = delete;
  CheckFailure& operator=(const CheckFailure&) = delete;
  [[noreturn]] ~CheckFailure() {
    std::cerr << stream_.str() << std::endl;
    std::abort();
  }
  std::ostream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

}  // namespace icp::internal
