#include "cli/outbox_command.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <sstream>

#include "storage/memory/database.h"

namespace icp::cli {
namespace {

using std::chrono::seconds;
constexpr std::chrono::sys_seconds kT0{seconds(1'795'000'000)};  // 2026-11-18T11:06:40Z

struct Output {
  int code;
  std::string out;
  std::string err;
};

class OutboxCommandTest : public ::testing::Test {
 protected:
  // Three messages: 1 dead ("HTTP 503"), 2 delivered, 3 pending.
  void SetUp() override {
    auto uow = std::move(*db_->Begin());
    for (std::string_view key :
         {"application:1:submit:1", "application:2:submit:1", "application:3:submit:1"}) {
      ASSERT_TRUE(*uow->outbox().Enqueue({"bureau.submit", std::string(key), "{}", kT0}));
    }
    std::vector<ClaimedMessage> c = *uow->outbox().Claim("w", kT0, kT0 + seconds(60), 2);
    ASSERT_TRUE(uow->outbox().MarkDead(c[0].id, "w", kT0, "HTTP 503"));
    ASSERT_TRUE(uow->outbox().MarkDelivered(c[1].id, "w", kT0));
    ASSERT_TRUE(uow->Commit());
  }

  Output List(OutboxListRequest request) {
    std::ostringstream out, err;
    const int code = RunOutboxList(*db_, request, out, err);
    return {code, out.str(), err.str()};
  }
  Output Retry(OutboxRetryRequest request) {
    request.actor = "operator:test";
    std::ostringstream out, err;
    const int code = RunOutboxRetry(*db_, request, kT0 + seconds(100), out, err);
    return {code, out.str(), err.str()};
  }
  std::vector<StoredAuditEntry> Audit() { return *(*db_->Begin())->audit().Read(0, 100); }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
};

TEST_F(OutboxCommandTest, ListShowsUndeliveredMessagesAndTheCounts) {
  Output r = List({});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("1  dead  bureau.submit  application:1:submit:1  attempts 1  dead since "
                       "2026-11-18T11:06:40Z\n    last error: HTTP 503"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("3  pending  bureau.submit  application:3:submit:1"), std::string::npos);
  EXPECT_EQ(r.out.find("application:2"), std::string::npos) << "delivered is not listed";
  EXPECT_NE(r.out.find("outbox: 1 pending, 1 dead, 1 delivered"), std::string::npos);
}

TEST_F(OutboxCommandTest, ListDeadShowsOnlyDeadLettersAndJsonHasEveryField) {
  Output r = List({.dead_only = true, .json = true});
  ASSERT_EQ(r.code, 0);
  boost::json::object o = boost::json::parse(r.out).as_object();
  ASSERT_EQ(o["messages"].as_array().size(), 1u);
  const boost::json::object& m = o["messages"].as_array()[0].as_object();
  EXPECT_EQ(m.at("id").as_int64(), 1);
  EXPECT_EQ(m.at("state").as_string(), "dead");
  EXPECT_EQ(m.at("last_error").as_string(), "HTTP 503");
  EXPECT_EQ(m.at("dead_at").as_string(), "2026-11-18T11:06:40Z");
  EXPECT_EQ(o["dead"].as_int64(), 1);
}

TEST_F(OutboxCommandTest, RetryingADeadLetterIsAuditedAndRetryingItAgainIsRefused) {
  Output r = Retry({.id = 1});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "outbox message 1 will be sent again\n");
  std::vector<StoredAuditEntry> audit = Audit();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].entry.action, "outbox.retry");
  EXPECT_EQ(audit[0].entry.entity, "outbox:1");
  EXPECT_EQ(audit[0].entry.actor, "operator:test");
  Output again = Retry({.id = 1});
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("[outbox.not-dead]"), std::string::npos) << again.err;
  EXPECT_EQ(Audit().size(), 1u) << "a refused retry leaves no audit entry";
  Output missing = Retry({.id = 99});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("no outbox message 99"), std::string::npos) << missing.err;
}

TEST_F(OutboxCommandTest, RetryAllDeadRetriesEveryDeadLetter) {
  Output r = Retry({.all_dead = true});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "1 dead letter will be sent again\n");
  EXPECT_EQ((*db_->Begin())->outbox().Stats()->dead, 0);
  EXPECT_EQ(Retry({.all_dead = true}).out, "0 dead letters will be sent again\n");
}

TEST_F(OutboxCommandTest, RetryNeedsExactlyOneOfAnIdAndAllDead) {
  EXPECT_EQ(Retry({}).code, 2);
  EXPECT_EQ(Retry({.id = 1, .all_dead = true}).code, 2);
}

}  // namespace
}  // namespace icp::cli
