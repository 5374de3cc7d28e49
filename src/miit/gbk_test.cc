#include "miit/gbk.h"

#include <gtest/gtest.h>

namespace icp::miit {
namespace {

TEST(Gbk, EncodesChineseAsTwoBytesEach) {
  Result<std::string> gbk = Utf8ToGbk("口令ab");
  ASSERT_TRUE(gbk.has_value());
  EXPECT_EQ(*gbk,
            "\xBF\xDA\xC1\xEE"
            "ab");
  Result<std::string> back = GbkToUtf8(*gbk);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, "口令ab");
}

TEST(Gbk, RefusesACharacterGbkCannotHoldNamingFieldOffsetAndCodePoint) {
  // U+20BB7 𠮷 is outside GBK (it is in GB 18030 only); it starts at byte 3.
  Result<std::string> gbk = Utf8ToGbk("吉\xF0\xA0\xAE\xB7", "subject.name");
  ASSERT_FALSE(gbk.has_value());
  ASSERT_EQ(gbk.error().violations.size(), 1u);
  EXPECT_EQ(gbk.error().violations[0].field, "subject.name");
  EXPECT_EQ(gbk.error().rule(), "miit.gbk.unmappable");
  EXPECT_NE(gbk.error().message.find("U+20BB7"), std::string::npos) << gbk.error().message;
  EXPECT_NE(gbk.error().message.find("byte 3"), std::string::npos) << gbk.error().message;
}

TEST(Gbk, RefusesAnEmoji) {
  EXPECT_EQ(Utf8ToGbk("ok \xF0\x9F\x98\x80").error().rule(), "miit.gbk.unmappable");
}

TEST(Gbk, RefusesTextThatIsNotUtf8) {
  EXPECT_EQ(Utf8ToGbk("\xFF").error().rule(), "miit.utf8.invalid");
}

TEST(Gbk, RefusesBytesThatAreNotGbkNamingTheOffset) {
  Result<std::string> text = GbkToUtf8("ab\x81\x20", "beianInfo.beianinfo");
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().rule(), "miit.gbk.invalid");
  EXPECT_EQ(text.error().violations[0].field, "beianInfo.beianinfo");
  EXPECT_NE(text.error().message.find("offset 2"), std::string::npos) << text.error().message;
}

TEST(Gbk, RefusesATruncatedDoubleByteCharacter) {
  EXPECT_EQ(GbkToUtf8("ab\xBF").error().rule(), "miit.gbk.invalid");
}

}  // namespace
}  // namespace icp::miit
