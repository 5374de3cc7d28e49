// Idempotency-Key (http/api_support.h): an answer kept with its effect survives a process
// that dies between the two (issue 12, tests/reliability/crash_test.py).
#include "http/api_support.h"

#include <gtest/gtest.h>

#include <string>

#include "ports/testing/fake_clock.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp::http {
namespace {

using storage_testing::kT0;

// What a process that dies after its commit does: nothing more.
struct Died {};

class IdempotentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    caller_ = Caller{storage_testing::CreateAccount(*db_, "alice"), Role::kCustomer};
  }

  Request Create() const {
    Request q;
    q.method = "POST";
    q.target = "/v1/things";
    q.body = R"({"name":"a"})";
    q.headers["idempotency-key"] = "k1";
    q.caller = caller_;
    return q;
  }

  // The effect: an outbox message, in a unit of work of the handler's own, with the key's
  // answer kept in it when `keep`.
  Response MakeThing(IdempotencyTicket* ticket, bool keep) {
    ++runs_;
    auto uow = std::move(*db_->Begin());
    Result<bool> added =
        uow->outbox().Enqueue({"notify", "thing:" + std::to_string(runs_), "{}", clock_.Now()});
    EXPECT_TRUE(added.has_value() && *added);
    Response r;
    r.status = 201;
    r.body = R"({"id":)" + std::to_string(runs_) + "}";
    r.Set("Content-Type", "application/json");
    if (keep && ticket != nullptr) {
      EXPECT_TRUE(ticket->Keep(*uow, r).has_value());
    }
    EXPECT_TRUE(uow->Commit().has_value());
    return r;
  }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  FakeClock clock_{kT0};
  Caller caller_;
  int runs_ = 0;
};

TEST_F(IdempotentTest, AnAnswerKeptWithItsEffectIsReplayedAfterTheProcessDied) {
  // The first attempt commits its effect with the answer, then the process dies before
  // Idempotent() gets to record anything after the handler.
  EXPECT_THROW(Idempotent(Create(), *db_, clock_,
                          [&](IdempotencyTicket* t) -> Response {
                            MakeThing(t, true);
                            throw Died{};
                          }),
               Died);
  // The retry, long after the reservation went stale, gets the first answer: the handler
  // does not run again.
  clock_.Advance(std::chrono::minutes(5));
  Response again =
      Idempotent(Create(), *db_, clock_, [&](IdempotencyTicket* t) { return MakeThing(t, true); });
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, R"({"id":1})");
  EXPECT_EQ(again.Get("Idempotent-Replayed"), "true");
  EXPECT_EQ(runs_, 1);
}

TEST_F(IdempotentTest, AHandlerThatDoesNotKeepItsAnswerIsCompletedAfterIt) {
  Response first =
      Idempotent(Create(), *db_, clock_, [&](IdempotencyTicket* t) { return MakeThing(t, false); });
  EXPECT_EQ(first.status, 201);
  Response again =
      Idempotent(Create(), *db_, clock_, [&](IdempotencyTicket* t) { return MakeThing(t, false); });
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.Get("Idempotent-Replayed"), "true");
  EXPECT_EQ(runs_, 1);
}

TEST_F(IdempotentTest, AKeptAnswerIsNotCompletedTwice) {
  // Keep() finished the key in the handler's unit of work; Idempotent() must not try again
  // (a finished answer is final: the store refuses to change it).
  Response first =
      Idempotent(Create(), *db_, clock_, [&](IdempotencyTicket* t) { return MakeThing(t, true); });
  EXPECT_EQ(first.status, 201);
  auto read = std::move(*db_->Begin());
  Result<std::optional<IdempotencyRecord>> kept = read->idempotency().Find(caller_.account, "k1");
  ASSERT_TRUE(kept.has_value() && kept->has_value());
  EXPECT_TRUE((*kept)->done);
  EXPECT_EQ((*kept)->status, 201);
}

TEST_F(IdempotentTest, AnAttemptOvertakenByItsRetryAnswersWithTheRetrysAnswer) {
  Response late = Idempotent(Create(), *db_, clock_, [&](IdempotencyTicket* t) -> Response {
    // While this attempt runs, its reservation goes stale; the retry takes it over and
    // finishes first, its answer kept with its effect.
    clock_.Advance(std::chrono::minutes(2));
    Response retry = Idempotent(Create(), *db_, clock_,
                                [&](IdempotencyTicket* t2) { return MakeThing(t2, true); });
    EXPECT_EQ(retry.status, 201);
    // This attempt cannot keep its answer, so its effect rolls back with it; the use case
    // answers the error (kNotFound: no pending key).
    auto uow = std::move(*db_->Begin());
    Response mine;
    mine.status = 201;
    mine.body = R"({"id":99})";
    EXPECT_FALSE(t->Keep(*uow, mine).has_value());
    Response refused;
    refused.status = 404;
    return refused;
  });
  EXPECT_EQ(late.status, 201);
  EXPECT_EQ(late.body, R"({"id":1})");
  EXPECT_EQ(late.Get("Idempotent-Replayed"), "true");
}

TEST_F(IdempotentTest, WithoutAKeyTheHandlerRunsWithoutATicket) {
  Request q = Create();
  q.headers.erase("idempotency-key");
  bool null_ticket = false;
  Idempotent(q, *db_, clock_, [&](IdempotencyTicket* t) {
    null_ticket = t == nullptr;
    return MakeThing(t, true);
  });
  EXPECT_TRUE(null_ticket);
}

}  // namespace
}  // namespace icp::http
