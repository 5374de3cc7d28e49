#include "base/error.h"

#include <gtest/gtest.h>

#include "base/result.h"

namespace icp {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidValue("half.odd", "an odd number has no integer half");
  return n / 2;
}

TEST(Error, ResultCarriesValueOrError) {
  Result<int> ok = Half(4);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 2);
  Result<int> bad = Half(3);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().rule(), "half.odd");
}

TEST(Error, AtFieldPrefixesEveryViolation) {
  Error e = InvalidFields({{"", "a", "m1", ""}, {"mobile", "b", "m2", ""}}).error();
  Error placed = e.AtField("subject.principal");
  EXPECT_EQ(placed.violations[0].field, "subject.principal");
  EXPECT_EQ(placed.violations[1].field, "subject.principal.mobile");
  EXPECT_EQ(placed.message, "2 problems: m1; mobile: m2");
}

TEST(Error, AtFieldOnAPlainErrorRecordsThePath) {
  Error e = NotFound("no such filing").error().AtField("filing_id");
  ASSERT_EQ(e.violations.size(), 1u);
  EXPECT_EQ(e.violations[0].field, "filing_id");
}

TEST(Error, CodeNamesAreTheWireForm) {
  EXPECT_EQ(ErrorCodeName(ErrorCode::kFailedPrecondition), "FAILED_PRECONDITION");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kAborted), "ABORTED");
}

}  // namespace
}  // namespace icp
