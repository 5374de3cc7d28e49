#pragma once

#include <mutex>
#include <random>
#include <string>

#include "ports/code_source.h"

namespace icp {

// Authorization codes from the operating system's random generator (std::random_device reads
// getrandom(2) on Linux): 16 Crockford base-32 digits, 80 bits, in groups of four.
class RandomCodeSource final : public CodeSource {
 public:
  std::string NewCode() override {
    static constexpr char kDigits[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    std::lock_guard lock(mutex_);
    std::string out;
    for (int i = 0; i < 16; ++i) {
      if (i > 0 && i % 4 == 0) out += '-';
      out += kDigits[device_() % 32];
    }
    return out;
  }

 private:
  std::mutex mutex_;
  std::random_device device_;
};

}  // namespace icp
