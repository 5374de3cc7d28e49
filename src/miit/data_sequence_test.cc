#include "miit/data_sequence.h"

#include <gtest/gtest.h>

namespace icp::miit {
namespace {

TEST(DataSequence, TakesOneToTheFourByteMaximum) {
  EXPECT_EQ(DataSequence::Parse(std::int64_t{1}).value().value(), 1);
  EXPECT_EQ(DataSequence::Parse("2147483647").value().value(), DataSequence::kMax);
  EXPECT_EQ(DataSequence::First().value(), 1);
}

TEST(DataSequence, RefusesZeroNegativeTooLargeAndText) {
  for (std::string_view bad : {"0", "-1", "2147483648", "", "1a", " 1", "+1"}) {
    Result<DataSequence> r = DataSequence::Parse(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().rule(), "miit.data_sequence");
    EXPECT_EQ(r.error().violations[0].field, "dataSequence");
  }
}

TEST(DataSequence, NextRisesByOneAndStopsAtTheMaximum) {
  EXPECT_EQ(DataSequence::First().Next().value().value(), 2);
  Result<DataSequence> next = DataSequence::Parse(DataSequence::kMax).value().Next();
  ASSERT_FALSE(next.has_value());
  EXPECT_EQ(next.error().code, ErrorCode::kFailedPrecondition);
}

TEST(CheckSequence, AcceptsTheNextNumber) {
  SequenceCheck c = CheckSequence(0, DataSequence::First());
  EXPECT_EQ(c.kind, SequenceCheck::Kind::kNext);
  EXPECT_EQ(CheckSequence(41, DataSequence::Parse(std::int64_t{42}).value()).kind,
            SequenceCheck::Kind::kNext);
}

TEST(CheckSequence, ListsTheMissingNumbersOfAGap) {
  SequenceCheck c = CheckSequence(5, DataSequence::Parse(std::int64_t{9}).value());
  EXPECT_EQ(c.kind, SequenceCheck::Kind::kGap);
  EXPECT_EQ(c.missing, (std::vector<std::int64_t>{6, 7, 8}));
  EXPECT_EQ(c.expected, 6);
}

TEST(CheckSequence, CapsTheListOfAHugeGap) {
  SequenceCheck c = CheckSequence(0, DataSequence::Parse(DataSequence::kMax).value());
  EXPECT_EQ(c.missing.size(), SequenceCheck::kMaxListed);
  EXPECT_EQ(c.missing.front(), 1);
}

TEST(CheckSequence, TellsARepeatOfTheLastFromAnOlderNumber) {
  EXPECT_EQ(CheckSequence(5, DataSequence::Parse(std::int64_t{5}).value()).kind,
            SequenceCheck::Kind::kRepeatLast);
  EXPECT_EQ(CheckSequence(5, DataSequence::Parse(std::int64_t{3}).value()).kind,
            SequenceCheck::Kind::kBehind);
}

}  // namespace
}  // namespace icp::miit
