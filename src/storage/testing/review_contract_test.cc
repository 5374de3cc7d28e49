// The review journal and the idempotency keys: the contract every store passes.
#include <gtest/gtest.h>

#include "storage/testing/contract.h"
#include "storage/testing/fixtures.h"

namespace icp::storage_testing {
namespace {

using std::chrono::hours;

class ReviewContract : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    customer_ = CreateAccount(*db_, "customer-r");
    reviewer_ = CreateAccount(*db_, "reviewer-r");
    auto uow = Begin();
    Result<ApplicationId> id =
        uow->applications().Insert(NewRecord(customer_, SampleApplication(7, "review7.cn")));
    ASSERT_TRUE(id.has_value()) << id.error().message;
    application_ = *id;
    ASSERT_TRUE(uow->Commit().has_value());
  }

  ReviewNote Reason() const {
    return {application_,
            1,
            ReviewNoteKind::kReturnReason,
            "subject.name",
            "",
            "主办单位名称与证件不一致",
            "请按营业执照填写",
            std::nullopt,
            reviewer_,
            kT0};
  }

  // Appends `note` and commits; the error if either fails.
  Result<void> Append(const ReviewNote& note) {
    auto uow = Begin();
    if (Result<void> ok = uow->review_notes().Append(note); !ok) return ok;
    return uow->Commit();
  }

  std::string Hash(char c) const { return std::string(64, c); }

  AccountId customer_;
  AccountId reviewer_;
  ApplicationId application_;
};

TEST_P(ReviewContract, NotesReadBackInOrder) {
  ReviewNote warning{application_,
                     1,
                     ReviewNoteKind::kRuleWarning,
                     "websites[0].name",
                     "national.website-name-generic",
                     "网站名称过于宽泛",
                     "",
                     std::nullopt,
                     std::nullopt,
                     kT0};
  ReviewNote call{application_, 1,  ReviewNoteKind::kContact, "",        "",
                  "",           "", ContactOutcome::kMissed,  reviewer_, kT0 + hours(1)};
  ASSERT_TRUE(Append(warning).has_value());
  ASSERT_TRUE(Append(call).has_value());
  ASSERT_TRUE(Append(Reason()).has_value());
  auto uow = Begin();
  Result<std::vector<ReviewNote>> notes = uow->review_notes().List(application_);
  ASSERT_TRUE(notes.has_value()) << notes.error().message;
  EXPECT_EQ(*notes, (std::vector<ReviewNote>{warning, call, Reason()}));
  EXPECT_TRUE(uow->review_notes().List(ApplicationId(application_.value() + 99))->empty());
}

TEST_P(ReviewContract, RefusesAReturnReasonWithoutItsField) {
  ReviewNote note = Reason();
  note.field.clear();
  Result<void> r = Append(note);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "review_notes_return_reason_on_a_field");
}

TEST_P(ReviewContract, RefusesAContactWithoutItsOutcomeAndAnActWithoutItsReviewer) {
  ReviewNote call{application_, 1,  ReviewNoteKind::kContact, "", "", "", "", std::nullopt,
                  reviewer_,    kT0};
  Result<void> no_outcome = Append(call);
  ASSERT_FALSE(no_outcome.has_value());
  EXPECT_EQ(no_outcome.error().rule(), "review_notes_contact_outcome");
  ReviewNote pass{application_, 1,  ReviewNoteKind::kPass, "",           "",
                  "",           "", std::nullopt,          std::nullopt, kT0};
  Result<void> no_reviewer = Append(pass);
  ASSERT_FALSE(no_reviewer.has_value());
  EXPECT_EQ(no_reviewer.error().rule(), "review_notes_reviewer_acts");
}

TEST_P(ReviewContract, RefusesANoteOfNoApplication) {
  ReviewNote note = Reason();
  note.application = ApplicationId(application_.value() + 99);
  EXPECT_FALSE(Append(note).has_value());
}

TEST_P(ReviewContract, AKeyIsReservedOnceAndItsAnswerIsFinal) {
  IdempotencyRecord pending{customer_, "k-1", Hash('a'), false, 0, "", kT0};
  {
    auto uow = Begin();
    EXPECT_EQ(uow->idempotency().Reserve(pending).value_or(!true), true);
    EXPECT_EQ(uow->idempotency().Reserve(pending).value_or(!false), false);
    ASSERT_TRUE(uow->Commit().has_value());
  }
  {
    // Another account has keys of its own.
    auto uow = Begin();
    IdempotencyRecord theirs = pending;
    theirs.account = reviewer_;
    EXPECT_EQ(uow->idempotency().Reserve(theirs).value_or(!true), true);
    ASSERT_TRUE(uow->idempotency().Complete(customer_, "k-1", 201, "{\"x\":1}").has_value());
    ASSERT_TRUE(uow->Commit().has_value());
  }
  auto uow = Begin();
  Result<std::optional<IdempotencyRecord>> found = uow->idempotency().Find(customer_, "k-1");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_TRUE((*found)->done);
  EXPECT_EQ((*found)->status, 201);
  EXPECT_EQ((*found)->response, "{\"x\":1}");
  EXPECT_EQ((*found)->request_hash, Hash('a'));
  // Done is final: neither completed again, nor released, nor taken over.
  EXPECT_FALSE(uow->idempotency().Complete(customer_, "k-1", 409, "{}").has_value());
}

TEST_P(ReviewContract, AStalePendingKeyCanBeTakenOverOrReleased) {
  IdempotencyRecord pending{customer_, "k-2", Hash('b'), false, 0, "", kT0};
  auto uow = Begin();
  ASSERT_TRUE(uow->idempotency().Reserve(pending).value_or(false));
  EXPECT_EQ(uow->idempotency().TakeOver(customer_, "k-2", kT0, kT0 + hours(1)).value_or(!false),
            false);  // not stale yet
  EXPECT_EQ(
      uow->idempotency().TakeOver(customer_, "k-2", kT0 + hours(1), kT0 + hours(1)).value_or(!true),
      true);
  ASSERT_TRUE(uow->idempotency().Release(customer_, "k-2").has_value());
  Result<std::optional<IdempotencyRecord>> gone = uow->idempotency().Find(customer_, "k-2");
  ASSERT_TRUE(gone.has_value());
  EXPECT_FALSE(gone->has_value());
  ASSERT_TRUE(uow->Commit().has_value());
}

// A key is forgotten once it is older than the retention, done or pending; a younger one is
// kept, and an account may then use an old key's name again.
TEST_P(ReviewContract, KeysPastTheirRetentionArePurged) {
  {
    auto uow = Begin();
    ASSERT_TRUE(uow->idempotency()
                    .Reserve({customer_, "old-done", Hash('c'), false, 0, "", kT0})
                    .value_or(false));
    ASSERT_TRUE(uow->idempotency().Complete(customer_, "old-done", 201, "{}").has_value());
    ASSERT_TRUE(uow->idempotency()
                    .Reserve({customer_, "old-pending", Hash('d'), false, 0, "", kT0})
                    .value_or(false));
    ASSERT_TRUE(uow->idempotency()
                    .Reserve({customer_, "young", Hash('e'), false, 0, "", kT0 + hours(30)})
                    .value_or(false));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  auto uow = Begin();
  EXPECT_EQ(uow->idempotency().Purge(kT0 + hours(24)).value_or(-1), 2);
  EXPECT_FALSE(uow->idempotency().Find(customer_, "old-done")->has_value());
  EXPECT_FALSE(uow->idempotency().Find(customer_, "old-pending")->has_value());
  EXPECT_TRUE(uow->idempotency().Find(customer_, "young")->has_value());
  EXPECT_EQ(uow->idempotency().Purge(kT0 + hours(24)).value_or(-1), 0) << "nothing twice";
  EXPECT_EQ(uow->idempotency()
                .Reserve({customer_, "old-done", Hash('f'), false, 0, "", kT0 + hours(25)})
                .value_or(false),
            true);
  ASSERT_TRUE(uow->Commit().has_value());
}

INSTANTIATE_TEST_SUITE_P(Stores, ReviewContract, ::testing::ValuesIn(StoresUnderTest()),
                         [](const ::testing::TestParamInfo<StoreUnderTest>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace icp::storage_testing
