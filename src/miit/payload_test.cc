#include "miit/payload.h"

#include <gtest/gtest.h>

#include <random>

#include "miit/base64.h"
#include "miit/wire_error.h"

namespace icp::miit {
namespace {

AesKey Key() { return AesKey::Parse("0123456789abcdef", "0102030405060708").value(); }

constexpr std::string_view kText =
    "<?xml version=\"1.0\" encoding=\"GBK\"?><UploadData version=\"V.3.0\"><ICP>"
    "<Qqdwid>1</Qqdwid></ICP><!-- 示例科技有限公司 --></UploadData>";

// Random text of characters GBK holds: ASCII and CJK from the GB 2312 range.
std::string RandomGbkText(std::mt19937& rng) {
  static constexpr std::string_view kChars[] = {"a",  "Z",  "0",  "<",  "&",  " ",  "\n", "示",
                                                "例", "科", "技", "粤", "备", "号", "，", "（"};
  std::string out;
  for (std::size_t n = rng() % 400; n > 0; --n) out += kChars[rng() % std::size(kChars)];
  return out;
}

TEST(Payload, RoundTripsRandomTextPlainAndEncrypted) {
  std::mt19937 rng(5);
  for (int n = 0; n < 60; ++n) {
    std::string text = RandomGbkText(rng);
    EncodeOptions options;
    if (n % 2 == 1) {
      options.encrypt = EncryptAlgorithm::kAes;
      options.key = Key();
    }
    Result<WirePayload> wire = EncodePayload(text, options);
    ASSERT_TRUE(wire.has_value()) << wire.error().message;
    EXPECT_EQ(wire->encrypt_algorithm, n % 2);
    Result<DecodedPayload> back = DecodePayload(*wire, {.key = Key()});
    ASSERT_TRUE(back.has_value()) << back.error().message;
    EXPECT_EQ(back->text, text);
    EXPECT_EQ(back->entry_name, "beianinfo");
  }
}

TEST(Payload, HashesTheZipNotTheCiphertext) {
  Result<WirePayload> plain = EncodePayload(kText, {});
  Result<WirePayload> aes = EncodePayload(kText, {.encrypt = EncryptAlgorithm::kAes, .key = Key()});
  ASSERT_TRUE(plain.has_value() && aes.has_value());
  EXPECT_EQ(plain->beian_info_hash, aes->beian_info_hash);
  EXPECT_NE(plain->beian_info, aes->beian_info);
}

TEST(Payload, RefusesTextGbkCannotHoldNamingTheOffset) {
  Result<WirePayload> wire = EncodePayload("<a>\xF0\x9F\x98\x80</a>", {});
  ASSERT_FALSE(wire.has_value());
  EXPECT_EQ(wire.error().rule(), "miit.gbk.unmappable");
  EXPECT_EQ(wire.error().violations[0].field, "xml");
  EXPECT_NE(wire.error().message.find("byte 3"), std::string::npos);
}

TEST(Payload, RefusesAHashMismatchWithMsgCode7) {
  WirePayload wire = EncodePayload(kText, {}).value();
  wire.beian_info_hash = Base64Encode(std::string(16, 'x'));
  Result<DecodedPayload> r = DecodePayload(wire, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "miit.hash.mismatch");
  EXPECT_EQ(WireRuleMsgCode(r.error().rule()), MsgCode::kHashMismatch);
}

TEST(Payload, RefusesAHashThatIsNotSixteenBytes) {
  WirePayload wire = EncodePayload(kText, {}).value();
  wire.beian_info_hash = Base64Encode("short");
  EXPECT_EQ(DecodePayload(wire, {}).error().violations[0].field, "beianInfoHash");
}

TEST(Payload, RefusesBadBase64InEitherField) {
  WirePayload wire = EncodePayload(kText, {}).value();
  WirePayload bad_info = wire;
  bad_info.beian_info.insert(8, "!");
  Result<DecodedPayload> r = DecodePayload(bad_info, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "miit.base64");
  EXPECT_EQ(r.error().violations[0].field, "beianInfo");
  WirePayload bad_hash = wire;
  bad_hash.beian_info_hash = "====";
  EXPECT_EQ(DecodePayload(bad_hash, {}).error().violations[0].field, "beianInfoHash");
}

TEST(Payload, RefusesAZipThatIsNotAZipWithMsgCode8) {
  WirePayload wire;
  wire.beian_info = Base64Encode("plain text, not zipped");
  wire.beian_info_hash = Base64Encode(Md5("plain text, not zipped"));
  Result<DecodedPayload> r = DecodePayload(wire, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(WireRuleMsgCode(r.error().rule()), MsgCode::kUnzipFailed);
}

TEST(Payload, RefusesUnknownAlgorithmIds) {
  WirePayload wire = EncodePayload(kText, {}).value();
  WirePayload e = wire;
  e.encrypt_algorithm = 2;
  EXPECT_EQ(WireRuleMsgCode(DecodePayload(e, {}).error().rule()), MsgCode::kBadEncryptAlgorithm);
  WirePayload h = wire;
  h.hash_algorithm = 1;
  EXPECT_EQ(WireRuleMsgCode(DecodePayload(h, {}).error().rule()), MsgCode::kBadHashAlgorithm);
  WirePayload c = wire;
  c.compression_format = 3;
  EXPECT_EQ(WireRuleMsgCode(DecodePayload(c, {}).error().rule()), MsgCode::kBadCompressionFormat);
}

TEST(Payload, RefusesPlainWhenEncryptionIsRequiredAndAesWithoutAKey) {
  WirePayload plain = EncodePayload(kText, {}).value();
  EXPECT_EQ(DecodePayload(plain, {.require_encryption = true}).error().rule(),
            "miit.encrypt_algorithm");
  WirePayload aes = EncodePayload(kText, {.encrypt = EncryptAlgorithm::kAes, .key = Key()}).value();
  EXPECT_EQ(DecodePayload(aes, {}).error().rule(), "miit.encrypt_algorithm");
}

TEST(Payload, RefusesTheWrongKeyWithMsgCode6) {
  WirePayload aes = EncodePayload(kText, {.encrypt = EncryptAlgorithm::kAes, .key = Key()}).value();
  AesKey other = AesKey::Parse("0123456789abcdeX", "0102030405060708").value();
  Result<DecodedPayload> r = DecodePayload(aes, {.key = other});
  ASSERT_FALSE(r.has_value());
  // Either the padding fails (6) or, rarely, the MD5 of the garbage does not match (7).
  EXPECT_TRUE(r.error().rule() == "miit.aes.decrypt" || r.error().rule() == "miit.hash.mismatch");
}

TEST(Payload, RefusesAPayloadOverTheLimitBeforeDecodingIt) {
  WirePayload wire = EncodePayload(kText, {}).value();
  Result<DecodedPayload> r = DecodePayload(wire, {.max_bytes = 10});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(WireRuleMsgCode(r.error().rule()), MsgCode::kFileTooLarge);
  // Refused on the base64's length, before decoding, decrypting or hashing anything.
  EXPECT_NE(r.error().message.find("beianInfo is larger"), std::string::npos) << r.error().message;
}

TEST(Payload, DecodesAnyBytesToAResult) {
  std::mt19937 rng(13);
  WirePayload good = EncodePayload(kText, {}).value();
  std::string zip = Base64Decode(good.beian_info).value();
  for (int n = 0; n < 500; ++n) {
    std::string mutated = zip;
    for (int k = 0; k < 3; ++k) mutated[rng() % mutated.size()] = static_cast<char>(rng());
    WirePayload wire{Base64Encode(mutated), Base64Encode(Md5(mutated))};
    Result<DecodedPayload> r = DecodePayload(wire, {});
    if (!r.has_value()) {
      EXPECT_FALSE(r.error().rule().empty());
    }
  }
}

}  // namespace
}  // namespace icp::miit
