#include "domain/email.h"

#include <gtest/gtest.h>

#include "domain/test_inputs.h"

namespace icp {
namespace {

TEST(Email, AcceptsAndNormalisesTheDomain) {
  Result<Email> e = Email::Parse(" Zhang.San+icp@Example.COM.CN ");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->str(), "Zhang.San+icp@example.com.cn");
  EXPECT_EQ(e->local_part(), "Zhang.San+icp");
  EXPECT_EQ(e->domain(), "example.com.cn");
  EXPECT_EQ(Email::Parse("admin＠例子.中国")->domain(), "xn--fsqu00a.xn--fiqs8s");
}

TEST(Email, TellsWhatIsWrong) {
  EXPECT_EQ(Email::Parse("no-at-sign").error().rule(), "email.format");
  EXPECT_EQ(Email::Parse("@example.com").error().rule(), "email.format");
  EXPECT_EQ(Email::Parse("a..b@example.com").error().rule(), "email.local-part");
  EXPECT_EQ(Email::Parse(".a@example.com").error().rule(), "email.local-part");
  EXPECT_EQ(Email::Parse(std::string(65, 'a') + "@example.com").error().rule(), "email.local-part");
  EXPECT_EQ(Email::Parse("张三@example.com").error().rule(), "email.local-part");
  EXPECT_EQ(Email::Parse("a@localhost").error().rule(), "email.domain.single-label");
  EXPECT_EQ(Email::Parse("a@exa mple.com").error().rule(), "email.domain.label");
  EXPECT_EQ(Email::Parse("").error().rule(), "email.empty");
  EXPECT_EQ(Email::Parse(testing_inputs::kNotUtf8).error().rule(), "email.encoding");
  EXPECT_EQ(Email::Parse(testing_inputs::kAbsurdlyLong).error().rule(), "email.length");
}

}  // namespace
}  // namespace icp
