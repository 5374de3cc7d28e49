// The fixed vectors of testdata/vectors.txt, made by testdata/make_vectors.py with Python's
// codecs, zipfile and hashlib and with `openssl enc`: what an independent implementation
// sends must decode here, and what we send must be what it checked.
#include <gtest/gtest.h>

#include "miit/authentication.h"
#include "miit/digest.h"
#include "miit/payload.h"
#include "miit/test_vectors.h"
#include "miit/wire_error.h"

namespace icp::miit {
namespace {

class Vectors : public ::testing::Test {
 protected:
  std::map<std::string, std::string> v_ = testing::LoadVectors();
  AesKey key_ = AesKey::Parse(v_["aes.key"], v_["aes.iv"]).value();

  WirePayload Wire(const std::string& name, std::int64_t encrypt = 0) {
    return {v_.at(name + ".info"), v_.at(name + ".hash"), encrypt};
  }
};

TEST_F(Vectors, PwdHashMatchesTheProtocolsVectors) {
  RandVal rv = RandVal::Parse(v_["pwd.rand_val"]).value();
  EXPECT_EQ(PwdHash(v_["pwd.ascii.password"], rv).value(), v_["pwd.ascii.hash"]);
  EXPECT_EQ(PwdHash(v_["pwd.gbk.password"], rv).value(), v_["pwd.gbk.hash"]);
  EXPECT_NE(PwdHash(v_["pwd.gbk.password"], rv).value(), v_["pwd.utf8_wrong.hash"]);
  // And the values BUREAU-PROTOCOL.md §1.3 prints.
  EXPECT_EQ(v_["pwd.ascii.hash"], "Wy3xhGl5PmoCTNPlKNYtxg==");
  EXPECT_EQ(v_["pwd.gbk.hash"], "o+QqqRN+A3nLo1VkJ3W5LA==");
}

TEST_F(Vectors, IcpPasswordIsLowerCaseMd5Hex) {
  EXPECT_EQ(Md5Hex(v_["icpmm.password"]), v_["icpmm.md5hex"]);
}

TEST_F(Vectors, DecodesPythonsPlainPayload) {
  Result<DecodedPayload> r = DecodePayload(Wire("py.plain"), {});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->text, v_["text"]);
}

TEST_F(Vectors, DecodesOpensslsAesPayload) {
  Result<DecodedPayload> r = DecodePayload(Wire("py.aes", 1), {.key = key_});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->text, v_["text"]);
}

TEST_F(Vectors, EncodesWhatPythonChecked) {
  // make_vectors.py --check decodes these two with zipfile, hashlib and openssl.
  WirePayload plain = EncodePayload(v_["text"], {}).value();
  EXPECT_EQ(plain.beian_info, v_["icp.plain.info"]);
  EXPECT_EQ(plain.beian_info_hash, v_["icp.plain.hash"]);
  WirePayload aes =
      EncodePayload(v_["text"], {.encrypt = EncryptAlgorithm::kAes, .key = key_}).value();
  EXPECT_EQ(aes.beian_info, v_["icp.aes.info"]);
  EXPECT_EQ(aes.beian_info_hash, v_["icp.aes.hash"]);
}

TEST_F(Vectors, RefusesPythonsTwoEntryZipWithMsgCode17) {
  Result<DecodedPayload> r = DecodePayload(Wire("py.two_entries"), {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(WireRuleMsgCode(r.error().rule()), MsgCode::kNotOneFile);
}

TEST_F(Vectors, RefusesPythonsNonGbkEntry) {
  Result<DecodedPayload> r = DecodePayload(Wire("py.not_gbk"), {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "miit.gbk.invalid");
  EXPECT_EQ(r.error().violations[0].field, "beianInfo.beianinfo");
}

TEST_F(Vectors, RefusesPythonsZipBombOverTheLimitWithMsgCode18) {
  Result<DecodedPayload> r = DecodePayload(Wire("py.bomb"), {.max_bytes = 1024 * 1024});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(WireRuleMsgCode(r.error().rule()), MsgCode::kFileTooLarge);
  EXPECT_TRUE(DecodePayload(Wire("py.bomb"), {}).has_value());
}

TEST_F(Vectors, RefusesPythonsEntryWithAPathForAName) {
  Result<DecodedPayload> r = DecodePayload(Wire("py.bad_name"), {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "miit.zip.file_name");
}

}  // namespace
}  // namespace icp::miit
