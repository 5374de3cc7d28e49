#pragma once

#include <string>

namespace icp {

// New authorization codes (备案授权码): unguessable, from the operating system's random
// generator (exe/random_code_source.h); a fixed sequence in tests.
class CodeSource {
 public:
  virtual ~CodeSource() = default;

  // A fresh code: "XXXX-XXXX-XXXX-XXXX" of Crockford base-32 digits (80 random bits).
  virtual std::string NewCode() = 0;
};

}  // namespace icp
