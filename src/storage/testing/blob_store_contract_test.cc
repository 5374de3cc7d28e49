// The contract of ports/blob_store.h, run against every BlobStore: the memory fake and the
// file system adapter (StoresOfBlobsUnderTest, defined by the test binary).
#include "storage/testing/blob_store_contract.h"

#include <gtest/gtest.h>

namespace icp::storage_testing {
namespace {

// FIPS 180-4's own example.
constexpr std::string_view kAbcSha256 =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

class BlobStoreContract : public ::testing::TestWithParam<BlobStoreUnderTest> {
 protected:
  void SetUp() override { store_ = GetParam().make(); }
  BlobStoreUnderTest::Instance store_;
};

TEST_P(BlobStoreContract, NamesABlobByItsSha256AndReadsItBack) {
  Result<std::string> name = store_.blobs->Put("abc");
  ASSERT_TRUE(name.has_value()) << name.error().message;
  EXPECT_EQ(*name, kAbcSha256);
  Result<std::string> bytes = store_.blobs->Get(*name);
  ASSERT_TRUE(bytes.has_value()) << bytes.error().message;
  EXPECT_EQ(*bytes, "abc");
  EXPECT_EQ(store_.blobs->Has(*name).value(), true);
}

TEST_P(BlobStoreContract, StoresTheSameBytesOnce) {
  std::string binary("\0\x01\xff png?", 9);
  Result<std::string> first = store_.blobs->Put(binary);
  Result<std::string> second = store_.blobs->Put(binary);
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(store_.blobs->Get(*first).value(), binary);
}

TEST_P(BlobStoreContract, AnUnknownBlobIsNotFound) {
  EXPECT_EQ(store_.blobs->Get(kAbcSha256).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_.blobs->Has(kAbcSha256).value(), false);
}

TEST_P(BlobStoreContract, RefusesNamesThatAreNotASha256) {
  for (std::string_view bad :
       {std::string_view("../../etc/passwd"), std::string_view(""),
        std::string_view("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"),
        kAbcSha256.substr(1)}) {
    Result<std::string> got = store_.blobs->Get(bad);
    ASSERT_FALSE(got.has_value()) << bad;
    EXPECT_EQ(got.error().rule(), "blob.name") << bad;
    EXPECT_FALSE(store_.blobs->Has(bad).has_value()) << bad;
  }
}

TEST_P(BlobStoreContract, RefusesABlobWhoseBytesNoLongerMatchItsName) {
  Result<std::string> name = store_.blobs->Put("abc");
  ASSERT_TRUE(name.has_value());
  store_.tamper(*name, "abd");
  Result<std::string> got = store_.blobs->Get(*name);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kInternal);
  EXPECT_EQ(got.error().rule(), "storage.corrupt");
}

TEST_P(BlobStoreContract, PuttingTheBytesAgainRepairsATamperedBlob) {
  Result<std::string> name = store_.blobs->Put("abc");
  ASSERT_TRUE(name.has_value());
  store_.tamper(*name, "abd");
  ASSERT_TRUE(store_.blobs->Put("abc").has_value());
  EXPECT_EQ(store_.blobs->Get(*name).value(), "abc");
}

INSTANTIATE_TEST_SUITE_P(Stores, BlobStoreContract, ::testing::ValuesIn(BlobStoresUnderTest()),
                         [](const ::testing::TestParamInfo<BlobStoreUnderTest>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace icp::storage_testing
