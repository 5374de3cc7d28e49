// The contract of accounts' personal data, sessions, API keys and the sign-in throttle:
// every store (memory, SQLite, PostgreSQL) passes every test here.
#include <gtest/gtest.h>

#include "ports/storage_errors.h"
#include "storage/testing/contract.h"
#include "storage/testing/fixtures.h"

namespace icp::storage_testing {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

const std::string kToken(43, 'T');
const std::string kCsrf(43, 'C');

class AuthContract : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    account_ = CreateAccount(*db_, "customer-1");
  }

  SessionRecord NewSession(AccountId account) {
    return {SessionId(), account, kCsrf, kT0, kT0, kT0 + hours(2), std::nullopt};
  }

  // Runs `write` in a unit of work and commits; the first error.
  template <class F>
  Result<void> InUnit(F write) {
    std::unique_ptr<UnitOfWork> uow = Begin();
    if (Result<void> r = write(*uow); !r) return r;
    return uow->Commit();
  }

  AccountId account_;
};

TEST_P(AuthContract, PersonalDataAndStatusRoundTripAndUpdate) {
  Account a;
  {
    auto uow = Begin();
    a = *uow->accounts().Get(account_);
  }
  EXPECT_EQ(a.status(), AccountStatus::kActive);
  EXPECT_FALSE(a.email || a.mobile || a.real_name);
  a.email = *Email::Parse("zhang@example.com");
  a.mobile = *MobileNumber::Parse("13800138000");
  Result<Certificate> cert =
      Certificate::Parse(CertificateType::kResidentId, ResidentIdNumber(3), ChinaDate(kT0));
  ASSERT_TRUE(cert.has_value());
  a.real_name = VerifiedRealName{*RealName::Make(RealNameKind::kPerson, "张三", *cert), kT0};
  a.disabled_at = kT0 + hours(1);
  a.display_name = "张三 (changed)";
  a.login = "ignored";  // a login never changes
  ASSERT_TRUE(InUnit([&](UnitOfWork& u) { return u.accounts().Update(a); }).has_value());
  auto uow = Begin();
  Result<Account> back = uow->accounts().Get(account_);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  a.login = "customer-1";
  EXPECT_EQ(*back, a);
  EXPECT_EQ(back->status(), AccountStatus::kDisabled);
  Account missing = a;
  missing.id = AccountId(999);
  EXPECT_EQ(uow->accounts().Update(missing).error().code, ErrorCode::kNotFound);
}

TEST_P(AuthContract, AccountsListInIdOrderFromACursor) {
  CreateAccount(*db_, "b");
  CreateAccount(*db_, "c");
  auto uow = Begin();
  Result<std::vector<Account>> all = uow->accounts().List(AccountId(), 10);
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ(all->at(2).login, "c");
  Result<std::vector<Account>> page = uow->accounts().List(all->at(0).id, 1);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ(page->at(0).login, "b");
}

TEST_P(AuthContract, ADisabledTimeBeforeCreationIsRefused) {
  auto uow = Begin();
  Account a = *uow->accounts().Get(account_);
  a.disabled_at = kT0 - seconds(1);
  EXPECT_FALSE(uow->accounts().Update(a).has_value());
  EXPECT_FALSE(uow->Commit().has_value()) << "a refused write ends the unit of work";
}

TEST_P(AuthContract, SessionsAreFoundByTokenSlideAndStayRevoked) {
  Result<SessionId> id;
  ASSERT_TRUE(InUnit([&](UnitOfWork& u) -> Result<void> {
                id = u.sessions().Insert(NewSession(account_), kToken);
                if (!id) return std::unexpected(id.error());
                return {};
              }).has_value());
  {
    auto uow = Begin();
    Result<SessionRecord> s = uow->sessions().FindByToken(kToken);
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_EQ(s->id, *id);
    EXPECT_EQ(s->account, account_);
    EXPECT_EQ(s->csrf_token, kCsrf);
    EXPECT_EQ(s->expires_at, kT0 + hours(2));
    EXPECT_EQ(uow->sessions().FindByToken(std::string(43, 'X')).error().code, ErrorCode::kNotFound);
  }
  ASSERT_TRUE(InUnit([&](UnitOfWork& u) {
                return u.sessions().Touch(*id, kT0 + hours(1), kT0 + hours(3));
              }).has_value());
  ASSERT_TRUE(
      InUnit([&](UnitOfWork& u) { return u.sessions().Revoke(*id, kT0 + hours(1)); }).has_value());
  {
    auto uow = Begin();
    Result<SessionRecord> s = uow->sessions().FindByToken(kToken);
    EXPECT_EQ(s->last_seen_at, kT0 + hours(1));
    EXPECT_EQ(s->expires_at, kT0 + hours(3));
    EXPECT_EQ(s->revoked_at, kT0 + hours(1));
  }
  Result<void> again =
      InUnit([&](UnitOfWork& u) { return u.sessions().Revoke(*id, kT0 + hours(2)); });
  EXPECT_EQ(again.error().rule(), "session.revoked");
  Result<void> touch = InUnit(
      [&](UnitOfWork& u) { return u.sessions().Touch(*id, kT0 + hours(2), kT0 + hours(4)); });
  EXPECT_EQ(touch.error().rule(), "session.revoked");
  EXPECT_EQ(
      InUnit([&](UnitOfWork& u) { return u.sessions().Revoke(SessionId(99), kT0); }).error().code,
      ErrorCode::kNotFound);
}

// Sessions that ended (expired, or revoked) before the cut are deleted; a live one, or one that
// ended after the cut, stays.
TEST_P(AuthContract, EndedSessionsArePurged) {
  auto uow = Begin();
  auto insert = [&](char t, SessionRecord r) {
    return uow->sessions().Insert(r, std::string(43, t));
  };
  SessionRecord expired = NewSession(account_);  // expires at kT0 + 2 h
  SessionRecord revoked = NewSession(account_);
  revoked.expires_at = kT0 + hours(200);  // ended by its revocation alone
  SessionRecord live = NewSession(account_);
  live.expires_at = kT0 + hours(200);
  SessionRecord late = NewSession(account_);
  late.expires_at = kT0 + hours(200);
  ASSERT_TRUE(insert('a', expired).has_value());
  Result<SessionId> r = insert('b', revoked);
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(uow->sessions().Revoke(*r, kT0 + hours(1)).has_value());
  ASSERT_TRUE(insert('c', live).has_value());
  Result<SessionId> l = insert('d', late);
  ASSERT_TRUE(l.has_value());
  ASSERT_TRUE(uow->sessions().Revoke(*l, kT0 + hours(100)).has_value());
  EXPECT_EQ(uow->sessions().PurgeEnded(kT0 + hours(50)).value_or(-1), 2);
  EXPECT_EQ(uow->sessions().FindByToken(std::string(43, 'a')).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(uow->sessions().FindByToken(std::string(43, 'b')).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(uow->sessions().FindByToken(std::string(43, 'c')).has_value());
  EXPECT_TRUE(uow->sessions().FindByToken(std::string(43, 'd')).has_value())
      << "revoked after the cut: kept";
  ASSERT_TRUE(uow->Commit().has_value());
}

TEST_P(AuthContract, ASessionTokenIsUniqueAndTimesAreOrdered) {
  ASSERT_TRUE(InUnit([&](UnitOfWork& u) -> Result<void> {
                Result<SessionId> id = u.sessions().Insert(NewSession(account_), kToken);
                if (!id) return std::unexpected(id.error());
                return {};
              }).has_value());
  {
    auto uow = Begin();
    Result<SessionId> dup = uow->sessions().Insert(NewSession(account_), kToken);
    ASSERT_FALSE(dup.has_value());
    EXPECT_EQ(dup.error().rule(), "session.token-taken");
  }
  {
    auto uow = Begin();
    SessionRecord backwards = NewSession(account_);
    backwards.expires_at = kT0 - seconds(1);
    EXPECT_FALSE(uow->sessions().Insert(backwards, std::string(43, 'U')).has_value());
  }
  {
    auto uow = Begin();
    SessionRecord weak = NewSession(account_);
    weak.csrf_token = "short";
    EXPECT_FALSE(uow->sessions().Insert(weak, std::string(43, 'V')).has_value());
  }
  {
    auto uow = Begin();
    EXPECT_FALSE(uow->sessions().Insert(NewSession(AccountId(999)), std::string(43, 'W')));
  }
}

TEST_P(AuthContract, RevokeAllOfEndsOnlyThatAccountsLiveSessionsAndKeys) {
  const AccountId other = CreateAccount(*db_, "other");
  ASSERT_TRUE(InUnit([&](UnitOfWork& u) -> Result<void> {
                for (int i = 0; i < 3; ++i) {
                  if (!u.sessions().Insert(NewSession(i < 2 ? account_ : other),
                                           std::string(43, static_cast<char>('a' + i)))) {
                    return Internal("insert");
                  }
                  ApiKeyRecord k{ApiKeyId(),  i < 2 ? account_ : other,
                                 "k",         "icpk_pre" + std::to_string(i),
                                 kT0,         std::nullopt,
                                 std::nullopt};
                  if (!u.api_keys().Insert(k, "icpk_secret" + std::to_string(i))) {
                    return Internal("insert key");
                  }
                }
                return {};
              }).has_value());
  auto uow = Begin();
  EXPECT_EQ(uow->sessions().RevokeAllOf(account_, kT0 + seconds(5)).value(), 2);
  EXPECT_EQ(uow->sessions().RevokeAllOf(account_, kT0 + seconds(6)).value(), 0);
  EXPECT_EQ(uow->api_keys().RevokeAllOf(account_, kT0 + seconds(5)).value(), 2);
  EXPECT_FALSE(uow->sessions().FindByToken(std::string(43, 'c'))->revoked_at.has_value());
  EXPECT_EQ(uow->sessions().FindByToken(std::string(43, 'a'))->revoked_at, kT0 + seconds(5));
  EXPECT_FALSE(uow->api_keys().FindBySecret("icpk_secret2")->revoked_at.has_value());
}

TEST_P(AuthContract, ApiKeysAreFoundBySecretListedAndStayRevoked) {
  ApiKeyRecord key{ApiKeyId(), account_,     "deploy",    "icpk_AbCd1234",
                   kT0,        std::nullopt, std::nullopt};
  const std::string secret = "icpk_AbCd1234" + std::string(35, 'z');
  Result<ApiKeyId> id;
  ASSERT_TRUE(InUnit([&](UnitOfWork& u) -> Result<void> {
                id = u.api_keys().Insert(key, secret);
                if (!id) return std::unexpected(id.error());
                return {};
              }).has_value());
  key.id = *id;
  {
    auto uow = Begin();
    EXPECT_EQ(*uow->api_keys().FindBySecret(secret), key);
    EXPECT_EQ(*uow->api_keys().Get(*id), key);
    EXPECT_EQ(uow->api_keys().FindBySecret("icpk_AbCd1234").error().code, ErrorCode::kNotFound)
        << "the prefix alone is not the key";
    Result<ApiKeyId> dup = uow->api_keys().Insert(key, secret + "x");
    EXPECT_EQ(dup.error().rule(), "api-key.taken") << "the prefix is unique too";
  }
  ASSERT_TRUE(InUnit([&](UnitOfWork& u) {
                return u.api_keys().MarkUsed(*id, kT0 + seconds(9));
              }).has_value());
  ASSERT_TRUE(InUnit([&](UnitOfWork& u) { return u.api_keys().Revoke(*id, kT0 + seconds(10)); }));
  EXPECT_EQ(InUnit([&](UnitOfWork& u) { return u.api_keys().MarkUsed(*id, kT0 + seconds(11)); })
                .error()
                .rule(),
            "api-key.revoked");
  auto uow = Begin();
  Result<std::vector<ApiKeyRecord>> listed = uow->api_keys().ListByAccount(account_);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).last_used_at, kT0 + seconds(9));
  EXPECT_EQ(listed->at(0).revoked_at, kT0 + seconds(10));
  EXPECT_TRUE(uow->api_keys().ListByAccount(AccountId(999))->empty());
  ApiKeyRecord unnamed = key;
  unnamed.name = "";
  unnamed.prefix = "icpk_other00";
  EXPECT_FALSE(uow->api_keys().Insert(unnamed, "icpk_other00zzz").has_value());
}

TEST_P(AuthContract, TheThrottleCountsFailuresInTheirWindowAndOnlyDelaysForward) {
  auto uow = Begin();
  LoginThrottle& t = uow->login_throttle();
  EXPECT_EQ(*t.Get("login:alice"), ThrottleState{});
  EXPECT_EQ(t.RecordFailure("login:alice", kT0, kT0 - hours(1))->failures, 1);
  EXPECT_EQ(t.RecordFailure("login:alice", kT0 + seconds(1), kT0 - hours(1))->failures, 2);
  ASSERT_TRUE(t.Delay("login:alice", kT0 + seconds(30)).has_value());
  ASSERT_TRUE(t.Delay("login:alice", kT0 + seconds(10)).has_value());
  EXPECT_EQ(*t.Get("login:alice"), (ThrottleState{2, kT0 + seconds(1), kT0 + seconds(30)}));
  EXPECT_EQ(t.Get("login:bob")->failures, 0) << "each key counts apart";
  // A failure after the window starts the count again and forgets the wait.
  EXPECT_EQ(*t.RecordFailure("login:alice", kT0 + hours(3), kT0 + hours(2)),
            (ThrottleState{1, kT0 + hours(3), std::chrono::sys_seconds{}}));
  ASSERT_TRUE(t.Clear("login:alice").has_value());
  EXPECT_EQ(*t.Get("login:alice"), ThrottleState{});
  ASSERT_TRUE(uow->Commit().has_value());
}

INSTANTIATE_TEST_SUITE_P(Stores, AuthContract, ::testing::ValuesIn(StoresUnderTest()),
                         [](const ::testing::TestParamInfo<StoreUnderTest>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace icp::storage_testing
