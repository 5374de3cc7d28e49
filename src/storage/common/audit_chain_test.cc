#include "storage/common/audit_chain.h"

#include <gtest/gtest.h>

#include <vector>

#include "storage/common/pii_vault.h"

namespace icp::audit_chain {
namespace {

Key TestKey() {
  Key key{};
  key.fill(42);
  return key;
}

std::vector<StoredAuditEntry> Chain(int n) {
  std::vector<StoredAuditEntry> out;
  std::string prev(kGenesis);
  for (int i = 1; i <= n; ++i) {
    AuditEntry e{std::chrono::sys_seconds(std::chrono::seconds(1'700'000'000 + i)), "account:1",
                 "application.submit", "application:" + std::to_string(i), "{}"};
    std::string hash = Hash(TestKey(), prev, i, e);
    out.push_back({i, e, prev, hash});
    prev = hash;
  }
  return out;
}

AuditVerification VerifyAll(const std::vector<StoredAuditEntry>& entries, std::int64_t head_seq,
                            const std::string& head_hash) {
  Verifier v(TestKey());
  for (const StoredAuditEntry& e : entries) {
    if (!v.Add(e)) break;
  }
  return v.Finish(head_seq, head_hash);
}

TEST(AuditChainTest, AWholeChainVerifies) {
  std::vector<StoredAuditEntry> chain = Chain(5);
  AuditVerification r = VerifyAll(chain, 5, chain.back().hash);
  EXPECT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.entries, 5);
  EXPECT_EQ(r.head_hash, chain.back().hash);
  EXPECT_TRUE(VerifyAll({}, 0, std::string(kGenesis)).ok());
}

TEST(AuditChainTest, FieldsAreLengthPrefixed) {
  AuditEntry a{{}, "ab", "c", "", ""};
  AuditEntry b{{}, "a", "bc", "", ""};
  EXPECT_NE(Hash(TestKey(), kGenesis, 1, a), Hash(TestKey(), kGenesis, 1, b));
}

// Vectors computed independently with Python's hmac and hashlib (tests/cli/db_test.py does
// the same): HMAC-SHA256 over the length-prefixed fields, and the key derived from the
// master key with crypto_kdf (BLAKE2b keyed by the master, salt = subkey id 1, personal =
// "beianaud").
TEST(AuditChainTest, MatchesAnIndependentImplementation) {
  AuditEntry e{std::chrono::sys_seconds(std::chrono::seconds(1'700'000'001)), "account:1",
               "application.submit", "application:1", "{}"};
  EXPECT_EQ(Hash(TestKey(), kGenesis, 1, e),
            "7d3eaadde05759ec86b58343f1238d509a6b4e42a4565ca6047782ea064f471f");
  std::array<unsigned char, 32> master{};
  master.fill(7);
  const PiiVault vault = PiiVault::FromMasterKey(master);
  const Key& derived = vault.audit_key();
  AuditEntry zh{std::chrono::sys_seconds(std::chrono::seconds(1'700'000'001)), "账号:3", "变更",
                "application:2", "{\"说明\":\"中文\"}"};
  EXPECT_EQ(Hash(derived, kGenesis, 1, zh),
            "22ad3ed8ba104eff61ccbd3456955a48994830315af4b7a8791ecb9446acb698");
}

// Whoever can write the database but lacks the key cannot make an entry that verifies: a
// chain rebuilt under another key (or none) breaks at its first entry.
TEST(AuditChainTest, AChainNeedsTheKey) {
  std::vector<StoredAuditEntry> chain = Chain(3);
  Key other = TestKey();
  other[0] ^= 1;
  Verifier v(other);
  EXPECT_FALSE(v.Add(chain[0]));
  AuditVerification r = v.Finish(3, chain.back().hash);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.first_broken, 1);
  EXPECT_NE(r.reason.find("without the audit key"), std::string::npos) << r.reason;
  EXPECT_NE(RandomKey(), RandomKey());
}

TEST(AuditChainTest, NamesTheFirstChangedEntry) {
  std::vector<StoredAuditEntry> chain = Chain(5);
  chain[2].entry.details = "{\"tampered\":true}";
  AuditVerification r = VerifyAll(chain, 5, chain.back().hash);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.first_broken, 3);
  EXPECT_NE(r.reason.find("changed"), std::string::npos) << r.reason;
}

TEST(AuditChainTest, NamesADeletedEntryAndARewrittenOne) {
  std::vector<StoredAuditEntry> chain = Chain(5);
  std::vector<StoredAuditEntry> gap = chain;
  gap.erase(gap.begin() + 1);
  AuditVerification r = VerifyAll(gap, 5, chain.back().hash);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.first_broken, 2);

  // Rewriting an entry together with its own hash still breaks the next link.
  std::vector<StoredAuditEntry> rewritten = chain;
  rewritten[1].entry.actor = "account:666";
  rewritten[1].hash = Hash(TestKey(), rewritten[1].prev_hash, 2, rewritten[1].entry);
  r = VerifyAll(rewritten, 5, chain.back().hash);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.first_broken, 3);
}

TEST(AuditChainTest, NoticesATruncatedTail) {
  std::vector<StoredAuditEntry> chain = Chain(5);
  std::vector<StoredAuditEntry> cut(chain.begin(), chain.begin() + 3);
  AuditVerification r = VerifyAll(cut, 5, chain.back().hash);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.first_broken, 4);
}

}  // namespace
}  // namespace icp::audit_chain
