#include "miit/base64.h"

#include <gtest/gtest.h>

#include <random>

namespace icp::miit {
namespace {

TEST(Base64, EncodesTheRfcVectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, RoundTripsRandomBytes) {
  std::mt19937 rng(7);
  for (int n = 0; n < 200; ++n) {
    std::string bytes(static_cast<std::size_t>(rng() % 300), '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    Result<std::string> back = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(back.has_value()) << back.error().message;
    EXPECT_EQ(*back, bytes);
  }
}

TEST(Base64, SkipsLineBreaks) {
  Result<std::string> r = Base64Decode("Zm9v\r\nYmFy\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, "foobar");
}

TEST(Base64, RefusesACharacterOutsideTheAlphabetNamingItsOffset) {
  Result<std::string> r = Base64Decode("Zm9v*mFy", "beianInfo");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "miit.base64");
  EXPECT_EQ(r.error().violations[0].field, "beianInfo");
  EXPECT_NE(r.error().message.find("offset 4"), std::string::npos) << r.error().message;
}

TEST(Base64, RefusesALengthThatIsNotAMultipleOfFour) {
  EXPECT_EQ(Base64Decode("Zm9vYmF").error().rule(), "miit.base64");
}

TEST(Base64, RefusesPaddingInTheMiddle) {
  EXPECT_EQ(Base64Decode("Zg==Zm9v").error().rule(), "miit.base64");
  EXPECT_EQ(Base64Decode("Z===").error().rule(), "miit.base64");
}

TEST(Base64, RefusesNonZeroBitsUnderThePadding) {
  EXPECT_TRUE(Base64Decode("Zg==").has_value());
  EXPECT_EQ(Base64Decode("Zh==").error().rule(), "miit.base64");
  EXPECT_EQ(Base64Decode("Zm9=").error().rule(), "miit.base64");
}

}  // namespace
}  // namespace icp::miit
