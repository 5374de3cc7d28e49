#include "storage/common/audit_chain.h"

#include <sodium.h>

#include <array>

#include "base/check.h"

namespace icp::audit_chain {
namespace {

void Field(crypto_auth_hmacsha256_state& state, std::string_view value) {
  std::array<unsigned char, 8> length{};
  std::uint64_t n = value.size();
  for (int i = 7; i >= 0; --i, n >>= 8) length[static_cast<std::size_t>(i)] = n & 0xff;
  crypto_auth_hmacsha256_update(&state, length.data(), length.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(value.data()),
                                value.size());
}

}  // namespace

Key RandomKey() {
  ICP_CHECK(sodium_init() >= 0) << "libsodium failed to initialise";
  Key key{};
  randombytes_buf(key.data(), key.size());
  return key;
}

std::string Hash(const Key& key, std::string_view prev_hash, std::int64_t seq,
                 const AuditEntry& entry) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), key.size());
  Field(state, prev_hash);
  Field(state, std::to_string(seq));
  Field(state, std::to_string(entry.at.time_since_epoch().count()));
  Field(state, entry.actor);
  Field(state, entry.action);
  Field(state, entry.entity);
  Field(state, entry.details);
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> digest{};
  crypto_auth_hmacsha256_final(&state, digest.data());
  sodium_memzero(&state, sizeof state);
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

void Verifier::Break(std::int64_t seq, std::string reason) {
  result_.first_broken = seq;
  result_.reason = std::move(reason);
}

bool Verifier::Add(const StoredAuditEntry& stored) {
  if (!result_.ok()) return false;
  const std::int64_t expected = last_seq_ + 1;
  if (stored.seq != expected) {
    Break(expected, "entry " + std::to_string(expected) + " is missing (next stored is " +
                        std::to_string(stored.seq) + ")");
    return false;
  }
  if (stored.prev_hash != last_hash_) {
    Break(stored.seq, "entry " + std::to_string(stored.seq) +
                          " does not link to the entry before it (prev_hash differs)");
    return false;
  }
  if (Hash(key_, stored.prev_hash, stored.seq, stored.entry) != stored.hash) {
    Break(stored.seq, "entry " + std::to_string(stored.seq) +
                          " was changed after it was written, or written without the audit "
                          "key (its hash does not match)");
    return false;
  }
  ++result_.entries;
  last_seq_ = stored.seq;
  last_hash_ = stored.hash;
  return true;
}

void Verifier::Unreadable(std::string why) {
  if (!result_.ok()) return;
  Break(last_seq_ + 1, "entry " + std::to_string(last_seq_ + 1) + " does not read back: " + why);
}

AuditVerification Verifier::Finish(std::int64_t head_seq, std::string_view head_hash) {
  if (result_.ok() && (head_seq != last_seq_ || head_hash != last_hash_)) {
    Break(last_seq_ + 1, "the log ends at entry " + std::to_string(last_seq_) +
                             " but the recorded head is entry " + std::to_string(head_seq) +
                             ": entries were removed from the end, or the head was changed");
  }
  if (result_.ok()) result_.head_hash = last_hash_;
  return result_;
}

}  // namespace icp::audit_chain
