#include "miit/result_code.h"

#include <gtest/gtest.h>

#include <set>

#include "miit/msg_code.h"

namespace icp::miit {
namespace {

TEST(ResultCode, ListsEachCodeOnceWithNameAndChineseText) {
  std::set<std::int64_t> numbers;
  std::set<std::string_view> names;
  for (const ResultCodeInfo& info : kResultCodeInfo) {
    EXPECT_TRUE(numbers.insert(ResultCodeNumber(info.code)).second) << info.name;
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    EXPECT_FALSE(info.label.empty()) << info.name;
    EXPECT_EQ(kResultCodes.Name(info.code), info.name);
  }
  // ICP 1001-1068 and 1999 in full.
  for (std::int64_t n = 1001; n <= 1068; ++n) EXPECT_TRUE(numbers.contains(n)) << n;
  EXPECT_TRUE(numbers.contains(1999));
}

TEST(ResultCode, ClassifiesAsTheProtocolTable) {
  EXPECT_EQ(ClassifyResult(1001), ResultClass::kApproved);
  EXPECT_EQ(ClassifyResult(1002), ResultClass::kReturned);
  EXPECT_EQ(ClassifyResult(1005), ResultClass::kConflict);
  EXPECT_EQ(ClassifyResult(1025), ResultClass::kState);
  EXPECT_EQ(ClassifyResult(1016), ResultClass::kUnknownReference);
  EXPECT_EQ(ClassifyResult(5001), ResultClass::kProvider);
  EXPECT_EQ(ClassifyResult(1060), ResultClass::kInformational);
  EXPECT_EQ(ClassifyResult(5008), ResultClass::kReturned);
  EXPECT_EQ(ClassifyResult(4242), ResultClass::kProvider);  // not in the table
}

TEST(ResultCode, FindsByNumber) {
  EXPECT_EQ(ResultCodeFromNumber(1004), ResultCode::kInvalidDomain);
  EXPECT_EQ(kResultCodes.Label(ResultCode::kInvalidDomain), "无效域名");
  EXPECT_EQ(ResultCodeFromNumber(1069), std::nullopt);
}

TEST(MsgCode, ListsEveryCodeOfTheSpecWithItsText) {
  for (std::int64_t n : {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10,  11,  12,
                         13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 901, 902, 999}) {
    std::optional<MsgCode> code = MsgCodeFromNumber(n);
    ASSERT_TRUE(code.has_value()) << n;
    EXPECT_FALSE(kMsgCodes.Label(*code).empty());
  }
  EXPECT_EQ(MsgCodeFromNumber(23), std::nullopt);
  EXPECT_TRUE(IsSuccess(MsgCode::kCallAgain));
  EXPECT_FALSE(IsSuccess(MsgCode::kSequenceGap));
}

}  // namespace
}  // namespace icp::miit
