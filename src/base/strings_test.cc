#include "base/strings.h"

#include <gtest/gtest.h>

namespace icp {
namespace {

TEST(Utf8, AcceptsChineseAndRejectsMalformedBytes) {
  EXPECT_TRUE(IsValidUtf8("京ICP备12345678号"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(Utf8, RoundTripsCodePoints) {
  auto cps = DecodeUtf8("a京😀");
  ASSERT_TRUE(cps.has_value());
  ASSERT_EQ(cps->size(), 3u);
  std::string back;
  for (char32_t cp : *cps) AppendUtf8(cp, back);
  EXPECT_EQ(back, "a京😀");
}

TEST(FoldWidth, TurnsFullWidthFormsIntoAscii) {
  EXPECT_EQ(FoldWidthAndTrim("\u3000１１０１０５ｘ\u00A0"), "110105x");
  EXPECT_EQ(FoldWidthAndTrim(" 91 110000 "), "91 110000");
  EXPECT_EQ(FoldWidthRemoveSpaces(" 91 110000\u3000600037341L "), "91110000600037341L");
}

TEST(Quote, ShowsControlAndInvalidBytesAndTruncates) {
  EXPECT_EQ(Quote("a\x01\xFF"), "\"a\\x01\\xFF\"");
  EXPECT_EQ(Quote(std::string(100, 'x'), 3), "\"xxx…\"");
  EXPECT_EQ(Quote("京\""), "\"京\\\"\"");
}

TEST(Split, KeepsEmptyFields) {
  auto parts = Split("a\t\tb", '\t');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1], "");
}

}  // namespace
}  // namespace icp
