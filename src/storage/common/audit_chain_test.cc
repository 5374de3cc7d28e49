#include "storage/common/audit_chain.h"

#include <gtest/gtest.h>

#include <vector>

namespace icp::audit_chain {
namespace {

std::vector<StoredAuditEntry> Chain(int n) {
  std::vector<StoredAuditEntry> out;
  std::string prev(kGenesis);
  for (int i = 1; i <= n; ++i) {
    AuditEntry e{std::chrono::sys_seconds(std::chrono::seconds(1'700'000'000 + i)), "account:1",
                 "application.submit", "application:" + std::to_string(i), "{}"};
    std::string hash = Hash(prev, i, e);
    out.push_back({i, e, prev, hash});
    prev = hash;
  }
  return out;
}

AuditVerification VerifyAll(const std::vector<StoredAuditEntry>& entries, std::int64_t head_seq,
                            const std::string& head_hash) {
  Verifier v;
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
  EXPECT_NE(Hash(kGenesis, 1, a), Hash(kGenesis, 1, b));
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
  rewritten[1].hash = Hash(rewritten[1].prev_hash, 2, rewritten[1].entry);
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
