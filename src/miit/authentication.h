#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"

namespace icp::miit {

// `randVal`: the fresh random string of every call, exactly 20 characters of [0-9A-Za-z]
// (BUREAU-PROTOCOL.md §1.3).
class RandVal {
 public:
  static constexpr std::size_t kLength = 20;

  // kInvalidArgument naming "randVal": rule "miit.rand_val.short" (msg_code 16) when shorter
  // than 20 characters, "miit.rand_val.form" (12) when longer or holding another character.
  static Result<RandVal> Parse(std::string_view text);

  // A value made from 20 random bytes (each taken modulo 62; the slight bias does not matter
  // for a nonce). The caller supplies the randomness: see Generate.
  static RandVal FromBytes(std::span<const std::uint8_t, kLength> bytes);

  // A value from OpenSSL's CSPRNG.
  static RandVal Generate();

  const std::string& str() const { return value_; }

  friend bool operator==(const RandVal&, const RandVal&) = default;

 private:
  explicit RandVal(std::string value) : value_(std::move(value)) {}
  std::string value_;
};

// `pwdHash` = base64(MD5(GBK bytes of password + randVal)): the password first, no separator.
// kInvalidArgument (rule "miit.gbk.unmappable", field "password") for a password GBK cannot
// hold.
Result<std::string> PwdHash(std::string_view password, const RandVal& rand_val);

// True when `pwd_hash` is the hash of `password` with `rand_val`, compared in constant time.
// False (never an error) for a password GBK cannot hold: no hash can match it.
bool VerifyPwdHash(std::string_view password, const RandVal& rand_val, std::string_view pwd_hash);

}  // namespace icp::miit
