#include "miit/authentication.h"

#include <gtest/gtest.h>

#include <array>

#include "miit/wire_error.h"

namespace icp::miit {
namespace {

TEST(RandVal, TakesTwentyLettersAndDigits) {
  EXPECT_TRUE(RandVal::Parse("aZ3kQ9xT2mB7nL4pW8vC").has_value());
}

TEST(RandVal, RefusesAShortValueWithMsgCode16) {
  Result<RandVal> r = RandVal::Parse("aZ3kQ9xT2mB7nL4pW8v");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().violations[0].field, "randVal");
  EXPECT_EQ(WireRuleMsgCode(r.error().rule()), MsgCode::kRandValTooShort);
}

TEST(RandVal, RefusesOtherCharactersAndLongerValuesWithMsgCode12) {
  EXPECT_EQ(WireRuleMsgCode(RandVal::Parse("aZ3kQ9xT2mB7nL4pW8v-").error().rule()),
            MsgCode::kAuthenticationRefused);
  EXPECT_EQ(WireRuleMsgCode(RandVal::Parse("aZ3kQ9xT2mB7nL4pW8vCC").error().rule()),
            MsgCode::kAuthenticationRefused);
}

TEST(RandVal, FromBytesGivesAValidValue) {
  std::array<std::uint8_t, 20> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 13);
  RandVal v = RandVal::FromBytes(bytes);
  EXPECT_TRUE(RandVal::Parse(v.str()).has_value());
  EXPECT_NE(RandVal::Generate(), RandVal::Generate());
}

TEST(PwdHash, RefusesAPasswordGbkCannotHold) {
  RandVal rv = RandVal::Parse("aZ3kQ9xT2mB7nL4pW8vC").value();
  Result<std::string> r = PwdHash("\xF0\x9F\x98\x80", rv);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().violations[0].field, "password");
  EXPECT_FALSE(VerifyPwdHash("\xF0\x9F\x98\x80", rv, "anything"));
}

TEST(PwdHash, VerifiesOnlyTheRightPassword) {
  RandVal rv = RandVal::Parse("aZ3kQ9xT2mB7nL4pW8vC").value();
  std::string hash = PwdHash("secret01", rv).value();
  EXPECT_TRUE(VerifyPwdHash("secret01", rv, hash));
  EXPECT_FALSE(VerifyPwdHash("secret02", rv, hash));
  EXPECT_FALSE(VerifyPwdHash("secret01", RandVal::Parse("bZ3kQ9xT2mB7nL4pW8vC").value(), hash));
  EXPECT_FALSE(VerifyPwdHash("secret01", rv, hash.substr(1)));
}

}  // namespace
}  // namespace icp::miit
