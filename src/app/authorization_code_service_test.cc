#include "app/authorization_code_service.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "app/resource_service.h"
#include "app/test_support.h"
#include "ports/testing/fake_clock.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using std::chrono::hours;
using storage_testing::kT0;

std::vector<std::string> Rules(const Error& e) {
  std::vector<std::string> out;
  for (const FieldViolation& v : e.violations) out.push_back(v.rule);
  return out;
}

Resource Server(std::string id, std::string account) {
  return {std::move(id),           std::move(account),
          ResourceKind::kCvm,      {"ap-guangzhou", true},
          BillingMode::kPrepaid,   false,
          {12, TermUnit::kMonths}, kT0 + hours(24 * 200),
          "203.0.113.9",           {}};
}

class AuthorizationCodeServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    names_.by_account[lender_.account.value()] = AccountVerification::kEnterprise;
    Resource lighthouse = Server("lh-1", "lender");
    lighthouse.kind = ResourceKind::kLighthouse;
    ASSERT_TRUE(resources_.Import(
        admin_, {Server("ins-1", "lender"), lighthouse, Server("ins-b", "borrower")}));
  }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  FakeClock clock_{kT0};
  EligibilityPolicy policy_;
  app_testing::FakeRealNames names_;
  app_testing::CountingCodes codes_;
  ResourceService resources_{*db_, policy_, clock_};
  AuthorizationCodeService service_{*db_, policy_, names_, codes_, clock_};
  Caller admin_{storage_testing::CreateAccount(*db_, "admin"), Role::kAdmin};
  Caller lender_{storage_testing::CreateAccount(*db_, "lender"), Role::kCustomer};
  Caller borrower_{storage_testing::CreateAccount(*db_, "borrower"), Role::kCustomer};
  Caller third_{storage_testing::CreateAccount(*db_, "third"), Role::kCustomer};
};

TEST_F(AuthorizationCodeServiceTest, OneAccountLendsAndAnotherRedeems) {
  Result<AuthorizationCode> code = service_.Create(lender_, "ins-1");
  ASSERT_TRUE(code.has_value()) << code.error().message;
  EXPECT_EQ(code->state, AuthorizationCodeState::kUnused);
  EXPECT_EQ(code->ip, "203.0.113.9");
  EXPECT_EQ(code->generated_by, "lender");
  Result<AuthorizationCode> used = service_.Redeem(borrower_, code->code);
  ASSERT_TRUE(used.has_value()) << used.error().message;
  EXPECT_EQ(used->state, AuthorizationCodeState::kUsed);
  EXPECT_EQ(used->closed_by, "borrower");
  EXPECT_EQ(service_.List(lender_)->size(), 1u);
  EXPECT_EQ(service_.List(borrower_)->size(), 1u);
  EXPECT_TRUE(service_.List(third_)->empty());
  Result<AuthorizationCode> twice = service_.Redeem(third_, code->code);
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(twice.error().rule(), "auth-code.used");
  std::vector<std::string> actions;
  auto uow = std::move(*db_->Begin());
  const std::vector<StoredAuditEntry> stored = uow->audit().Read(0, 10).value();
  for (const auto& e : stored) actions.push_back(e.entry.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"resources.import", "authorization_code.create",
                                               "authorization_code.redeem"}));
  // The lender is told once (the refused second redeem tells nobody): SMS, e-mail and the
  // console's 站内消息 under one key.
  const std::vector<OutboxEntry> queued = uow->outbox().List({}).value();
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].message.idempotency_key, "authorization_code:" + code->code + ":redeemed");
  const NotificationPage told =
      uow->notifications().List(lender_.account, std::nullopt, 10).value();
  ASSERT_EQ(told.items.size(), 1u);
  EXPECT_EQ(told.items[0].template_id, "authorization_code.redeemed");
  EXPECT_NE(told.items[0].title.find(code->code), std::string::npos) << told.items[0].title;
  EXPECT_TRUE(uow->notifications().List(borrower_.account, std::nullopt, 10)->items.empty());
}

TEST_F(AuthorizationCodeServiceTest, TheOwnerCannotRedeemItsOwnCode) {
  const AuthorizationCode code = service_.Create(lender_, "ins-1").value();
  EXPECT_EQ(service_.Redeem(lender_, code.code).error().rule(), "auth-code.own");
}

TEST_F(AuthorizationCodeServiceTest, OnlyTheServersOwnerCreates) {
  EXPECT_EQ(service_.Create(borrower_, "ins-1").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_.Create(lender_, "ins-404").error().code, ErrorCode::kNotFound);
}

TEST_F(AuthorizationCodeServiceTest, APersonalAccountAndALighthouseDoNotLend) {
  Result<AuthorizationCode> personal = service_.Create(borrower_, "ins-b");
  ASSERT_FALSE(personal.has_value());
  EXPECT_EQ(personal.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Rules(personal.error()), std::vector<std::string>{"auth-code.personal-account"});
  EXPECT_EQ(personal.error().violations[0].field, "server_id");
  EXPECT_EQ(Rules(service_.Create(lender_, "lh-1").error()),
            std::vector<std::string>{"auth-code.lighthouse"});
}

TEST_F(AuthorizationCodeServiceTest, AServerLendsAtMostFiveLiveCodes) {
  std::vector<AuthorizationCode> made;
  for (int i = 0; i < 5; ++i) made.push_back(service_.Create(lender_, "ins-1").value());
  EXPECT_EQ(Rules(service_.Create(lender_, "ins-1").error()),
            std::vector<std::string>{"auth-code.limit"});
  Result<AuthorizationCode> revoked = service_.Revoke(lender_, made[0].code);
  ASSERT_TRUE(revoked.has_value()) << revoked.error().message;
  EXPECT_EQ(revoked->state, AuthorizationCodeState::kInvalid);
  EXPECT_TRUE(service_.Create(lender_, "ins-1").has_value()) << "a revoked code does not count";
}

TEST_F(AuthorizationCodeServiceTest, RevokingIsTheOwnersAndOnlyOfAnUnusedCode) {
  const AuthorizationCode code = service_.Create(lender_, "ins-1").value();
  EXPECT_EQ(service_.Revoke(borrower_, code.code).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(service_.Revoke(lender_, code.code).has_value());
  EXPECT_EQ(service_.Revoke(lender_, code.code).error().rule(), "auth-code.invalid");
  EXPECT_EQ(service_.Redeem(borrower_, code.code).error().rule(), "auth-code.invalid");
  const AuthorizationCode second = service_.Create(lender_, "ins-1").value();
  ASSERT_TRUE(service_.Redeem(borrower_, second.code).has_value());
  EXPECT_EQ(service_.Revoke(lender_, second.code).error().rule(), "auth-code.used");
}

TEST_F(AuthorizationCodeServiceTest, ACodeDiesWithItsServer) {
  const AuthorizationCode code = service_.Create(lender_, "ins-1").value();
  clock_.Advance(hours(24 * 201));
  Result<AuthorizationCode> late = service_.Redeem(borrower_, code.code);
  ASSERT_FALSE(late.has_value());
  const std::vector<std::string> rules = Rules(late.error());
  EXPECT_NE(std::ranges::find(rules, "auth-code.server-expired"), rules.end());
}

TEST_F(AuthorizationCodeServiceTest, AnUnknownCodeIsNotFound) {
  EXPECT_EQ(service_.Redeem(borrower_, "NOPE").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_.Revoke(lender_, "NOPE").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace icp
