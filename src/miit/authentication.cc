#include "miit/authentication.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>

#include "base/check.h"
#include "miit/base64.h"
#include "miit/digest.h"
#include "miit/gbk.h"
#include "miit/wire_error.h"

namespace icp::miit {
namespace {

constexpr std::string_view kAlphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

}  // namespace

Result<RandVal> RandVal::Parse(std::string_view text) {
  if (text.size() < kLength) {
    return WireError(
        rule::kRandValShort, "randVal",
        "randVal has " + std::to_string(text.size()) + " characters; it must have exactly 20",
        "随机数小于20个字符");
  }
  if (text.size() > kLength || text.find_first_not_of(kAlphabet) != std::string_view::npos) {
    return WireError(rule::kRandValForm, "randVal",
                     "randVal is exactly 20 letters and digits, not " +
                         std::to_string(text.size()) + " characters of which some are other",
                     "随机数须为20个字母或数字");
  }
  return RandVal(std::string(text));
}

RandVal RandVal::FromBytes(std::span<const std::uint8_t, kLength> bytes) {
  std::string value;
  for (std::uint8_t b : bytes) value += kAlphabet[b % kAlphabet.size()];
  return RandVal(std::move(value));
}

RandVal RandVal::Generate() {
  std::array<std::uint8_t, kLength> bytes{};
  ICP_CHECK(RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) == 1) << "RAND_bytes failed";
  return FromBytes(bytes);
}

Result<std::string> PwdHash(std::string_view password, const RandVal& rand_val) {
  Result<std::string> gbk = Utf8ToGbk(password, "password");
  if (!gbk) return std::unexpected(gbk.error());
  return Base64Encode(Md5(*gbk + rand_val.str()));
}

bool VerifyPwdHash(std::string_view password, const RandVal& rand_val, std::string_view pwd_hash) {
  Result<std::string> expected = PwdHash(password, rand_val);
  if (!expected || expected->size() != pwd_hash.size()) return false;
  return CRYPTO_memcmp(expected->data(), pwd_hash.data(), pwd_hash.size()) == 0;
}

}  // namespace icp::miit
