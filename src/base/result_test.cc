#include "base/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <type_traits>

namespace icp {
namespace {

struct Base {
  virtual ~Base() = default;
};
struct Derived : Base {};

Result<std::unique_ptr<Base>> Widen() {
  Result<std::unique_ptr<Derived>> d = std::make_unique<Derived>();
  if (!d) return std::unexpected(d.error());
  return std::move(*d);
}

TEST(Result, IsBuiltFromAValueAnErrorOrAPlainExpected) {
  Result<int> three = 3;
  EXPECT_EQ(*three, 3);
  Result<int> bad = InvalidArgument("no");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  const std::expected<std::string, Error> plain = "x";
  Result<std::string> from_plain = plain;
  EXPECT_EQ(*from_plain, "x");
  Result<void> done = {};
  EXPECT_TRUE(done.has_value());
  EXPECT_NE(*Widen(), nullptr);
}

TEST(Result, CopiesAResultOfBoolAsAResultNotAsItsTruth) {
  Result<bool> no = false;
  Result<bool> copy(no);
  ASSERT_TRUE(copy.has_value());
  EXPECT_FALSE(*copy);
}

// [[nodiscard]] itself is checked by the compiler: the tree builds with -Werror, where
// ignoring a Result is an error (-Wunused-result).
static_assert(std::is_base_of_v<std::expected<int, Error>, Result<int>>);

}  // namespace
}  // namespace icp
