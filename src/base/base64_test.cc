#include "base/base64.h"

#include <gtest/gtest.h>

namespace icp {
namespace {

TEST(Base64, EncodesTheRfcVectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodesWhatItEncodes) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    const std::string part = all.substr(0, n);
    EXPECT_EQ(Base64Decode(Base64Encode(part)), part) << n;
  }
  EXPECT_EQ(Base64Decode("Zm8="), "fo");
}

TEST(Base64, RefusesWhatIsNotCanonical) {
  EXPECT_FALSE(Base64Decode("Zm8").has_value()) << "length";
  EXPECT_FALSE(Base64Decode("Zm9v\n").has_value()) << "whitespace";
  EXPECT_FALSE(Base64Decode("Zm-v").has_value()) << "URL-safe alphabet";
  EXPECT_FALSE(Base64Decode("Zg=v").has_value()) << "padding inside";
  EXPECT_FALSE(Base64Decode("Zg==Zm9v").has_value()) << "padding before the end";
  EXPECT_FALSE(Base64Decode("Zh==").has_value()) << "unused bits set";
}

TEST(Base64, NamesWhereAndWhyATextIsNotBase64) {
  EXPECT_EQ(Base64Decode("Zm-v").error().offset, 2u);
  EXPECT_EQ(Base64Decode("Zm-v").error().what, "a character outside the alphabet");
  EXPECT_EQ(Base64Decode("Zg=vZm9v").error().what, "'=' before the end");
  EXPECT_EQ(Base64Decode("Zh==").error().what, "the bits before the padding are not zero");
}

TEST(Base64, SkipsLineBreaksOnlyWhenAsked) {
  EXPECT_FALSE(Base64Decode("Zm9v\r\nYmFy").has_value());
  EXPECT_EQ(Base64Decode("Zm9v\r\nYmFy", true), "foobar");
  EXPECT_EQ(Base64Decode("Zm9v\nYm-y", true).error().offset, 7u)
      << "the offset is in the text as given, line breaks counted";
}

}  // namespace
}  // namespace icp
