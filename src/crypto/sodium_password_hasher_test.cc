#include "crypto/sodium_password_hasher.h"

#include <gtest/gtest.h>

#include <set>

namespace icp::crypto {
namespace {

SodiumPasswordHasher Hasher(Argon2Limits limits = MinimumLimitsForTests()) {
  Result<SodiumPasswordHasher> h = SodiumPasswordHasher::Create(limits);
  EXPECT_TRUE(h.has_value());
  return std::move(*h);
}

TEST(SodiumPasswordHasher, HashesWithArgon2idAndVerifiesOnlyThePassword) {
  SodiumPasswordHasher hasher = Hasher();
  Result<std::string> hash = hasher.Hash("correct horse");
  ASSERT_TRUE(hash.has_value());
  EXPECT_TRUE(hash->starts_with("$argon2id$")) << *hash;
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(hasher.Verify(*hash, "correct horse"));
  EXPECT_FALSE(hasher.Verify(*hash, "correct horsE"));
  EXPECT_FALSE(hasher.Verify(*hash, ""));
  EXPECT_NE(*hasher.Hash("correct horse"), *hash) << "every hash has its own salt";
}

TEST(SodiumPasswordHasher, RefusesMalformedHashesWithoutCrashing) {
  SodiumPasswordHasher hasher = Hasher();
  EXPECT_FALSE(hasher.Verify("", "x"));
  EXPECT_FALSE(hasher.Verify("$argon2id$v=19$m=8,t=1,p=1$garbage", "x"));
  EXPECT_FALSE(hasher.Verify(std::string(500, 'a'), "x"));
  EXPECT_FALSE(hasher.Verify(std::string("$argon2id\0$", 11), "x"));
  EXPECT_TRUE(hasher.NeedsRehash("not a hash"));
}

TEST(SodiumPasswordHasher, AHashOfOtherLimitsNeedsARehash) {
  SodiumPasswordHasher fast = Hasher();
  Argon2Limits stronger = MinimumLimitsForTests();
  stronger.ops += 1;
  SodiumPasswordHasher slow = Hasher(stronger);
  Result<std::string> old_hash = fast.Hash("pw-123456");
  ASSERT_TRUE(old_hash.has_value());
  EXPECT_FALSE(fast.NeedsRehash(*old_hash));
  EXPECT_TRUE(slow.NeedsRehash(*old_hash));
  EXPECT_TRUE(slow.Verify(*old_hash, "pw-123456")) << "old hashes still verify";
}

TEST(SodiumPasswordHasher, RefusesLimitsLibsodiumDoesNotAccept) {
  Result<SodiumPasswordHasher> h = SodiumPasswordHasher::Create({0, 1024});
  ASSERT_FALSE(h.has_value());
  EXPECT_EQ(h.error().rule(), "crypto.argon2-limits");
}

TEST(SodiumTokenSource, GivesUnpaddedBase64UrlOfTheLengthAskedForAndNeverRepeats) {
  SodiumTokenSource tokens;
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string t = tokens.NewToken(32);
    EXPECT_EQ(t.size(), 43u);
    EXPECT_EQ(
        t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << t;
    EXPECT_TRUE(seen.insert(t).second);
  }
  EXPECT_EQ(tokens.NewToken(6).size(), 8u);
}

}  // namespace
}  // namespace icp::crypto
