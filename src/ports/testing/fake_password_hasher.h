#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "ports/password_hasher.h"

namespace icp {

// A hasher for use-case tests: "fake$<generation>$<password>", fast and readable. Counts
// verifications, so a test can see that an unknown login costs one as a known one does.
class FakePasswordHasher final : public PasswordHasher {
 public:
  Result<std::string> Hash(std::string_view password) override {
    return "fake$" + std::to_string(generation) + "$" + std::string(password);
  }
  bool Verify(std::string_view hash, std::string_view password) override {
    ++verifications;
    const std::size_t second = hash.find('$', 5);
    return hash.starts_with("fake$") && second != std::string_view::npos &&
           hash.substr(second + 1) == password;
  }
  bool NeedsRehash(std::string_view hash) override {
    return !hash.starts_with("fake$" + std::to_string(generation) + "$");
  }

  int generation = 1;  // raise it to make every earlier hash need a rehash
  std::atomic<int> verifications = 0;
};

// Tokens "t1-aaaa…", "t2-aaaa…": distinct, predictable, as long as the real ones.
class FakeTokenSource final : public TokenSource {
 public:
  std::string NewToken(std::size_t bytes) override {
    std::string out = "t" + std::to_string(++issued) + "-";
    const std::size_t length = (bytes * 4 + 2) / 3;
    out.resize(std::max(length, out.size()), 'a');
    return out;
  }
  int issued = 0;
};

}  // namespace icp
