#include "app/auth_service.h"

#include <gtest/gtest.h>

#include "ports/testing/fake_clock.h"
#include "ports/testing/fake_password_hasher.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using storage_testing::kT0;

constexpr Caller kRoot{AccountId(1), Role::kAdmin};

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The first admin, as `icpctl` or the demo data would make it.
    auto uow = db_->Begin();
    ASSERT_TRUE(uow.has_value());
    Account root{AccountId(), "root", Role::kAdmin, "Root", *hasher_.Hash("root-password"), kT0};
    ASSERT_EQ((*uow)->accounts().Insert(root).value(), kRoot.account);
    ASSERT_TRUE((*uow)->Commit().has_value());
    Result<std::unique_ptr<AuthService>> service =
        AuthService::Create(*db_, hasher_, tokens_, clock_, settings_);
    ASSERT_TRUE(service.has_value());
    auth_ = std::move(*service);
  }

  Account Customer(std::string login, std::string password = "secret-pw-1") {
    Result<Account> a = auth_->CreateAccount(
        kRoot, {login, Role::kCustomer, "客户 " + login, password, std::nullopt, std::nullopt});
    EXPECT_TRUE(a.has_value()) << a.error().message;
    return a.value_or(Account{});
  }

  std::vector<StoredAuditEntry> Audit() {
    auto uow = db_->Begin();
    return (*uow)->audit().Read(0, 1000).value();
  }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  FakePasswordHasher hasher_;
  FakeTokenSource tokens_;
  FakeClock clock_{kT0};
  AuthSettings settings_;
  std::unique_ptr<AuthService> auth_;
};

TEST_F(AuthServiceTest, SignInOpensASessionThatAuthenticates) {
  Account c = Customer("alice");
  clock_.Advance(seconds(10));
  Result<SignedIn> s = auth_->SignIn("alice", "secret-pw-1", "127.0.0.1");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->account.id, c.id);
  EXPECT_EQ(s->expires_at, kT0 + seconds(10) + settings_.session_idle);
  EXPECT_GE(s->token.size(), 43u);
  EXPECT_GE(s->csrf_token.size(), 43u);
  EXPECT_NE(s->token, s->csrf_token);
  Result<Authenticated> who = auth_->AuthenticateSession(s->token);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->caller.account, c.id);
  EXPECT_EQ(who->caller.role, Role::kCustomer);
  EXPECT_TRUE(who->by_session);
  EXPECT_EQ(who->csrf_token, s->csrf_token);
  EXPECT_EQ(Audit().back().entry.action, "session.create");
}

TEST_F(AuthServiceTest, UnknownLoginAndWrongPasswordAreRefusedAlikeAfterTheSameWork) {
  Customer("alice");
  const int before = hasher_.verifications;
  Result<SignedIn> wrong = auth_->SignIn("alice", "nope-nope", "10.0.0.1");
  const int after_wrong = hasher_.verifications;
  Result<SignedIn> unknown = auth_->SignIn("bob", "nope-nope", "10.0.0.1");
  const int after_unknown = hasher_.verifications;
  ASSERT_FALSE(wrong.has_value());
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong.error().rule(), "auth.credentials");
  EXPECT_EQ(unknown.error().code, wrong.error().code);
  EXPECT_EQ(unknown.error().message, wrong.error().message);
  EXPECT_EQ(unknown.error().rule(), wrong.error().rule());
  EXPECT_EQ(after_wrong - before, 1);
  EXPECT_EQ(after_unknown - after_wrong, 1) << "an unknown login is verified against a dummy hash";
}

TEST_F(AuthServiceTest, BackoffDoublesFromTheFreeFailuresUpToTheCap) {
  EXPECT_EQ(BackoffAfter(4, 5, seconds(2), minutes(15)), seconds(0));
  EXPECT_EQ(BackoffAfter(5, 5, seconds(2), minutes(15)), seconds(2));
  EXPECT_EQ(BackoffAfter(6, 5, seconds(2), minutes(15)), seconds(4));
  EXPECT_EQ(BackoffAfter(9, 5, seconds(2), minutes(15)), seconds(32));
  EXPECT_EQ(BackoffAfter(500, 5, seconds(2), minutes(15)), minutes(15));
}

TEST_F(AuthServiceTest, FiveFailuresPerLoginThrottleEvenTheRightPasswordUntilTheWaitIsOver) {
  Customer("alice");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(auth_->SignIn("alice", "wrong", "10.0.0.1").error().code,
              ErrorCode::kUnauthenticated);
  }
  EXPECT_TRUE(auth_->SignIn("alice", "secret-pw-1", "10.0.0.1").has_value())
      << "four failures cost nothing; a success forgets them";
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(auth_->SignIn("alice", "wrong", "10.0.0.1"));
  Result<SignedIn> held = auth_->SignIn("alice", "secret-pw-1", "10.0.0.2");
  ASSERT_FALSE(held.has_value());
  EXPECT_EQ(held.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(held.error().rule(), "auth.throttled");
  EXPECT_EQ(held.error().retry_after, seconds(2));
  const int verifications = hasher_.verifications;
  clock_.Advance(seconds(1));
  EXPECT_EQ(auth_->SignIn("alice", "secret-pw-1", "10.0.0.2").error().retry_after, seconds(1));
  EXPECT_EQ(hasher_.verifications, verifications) << "a held attempt is not even verified";
  clock_.Advance(seconds(1));
  // The sixth failure doubles the wait.
  EXPECT_EQ(auth_->SignIn("alice", "wrong", "10.0.0.2").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(auth_->SignIn("alice", "secret-pw-1", "10.0.0.2").error().retry_after, seconds(4));
  clock_.Advance(seconds(4));
  EXPECT_TRUE(auth_->SignIn("alice", "secret-pw-1", "10.0.0.2").has_value());
  EXPECT_TRUE(auth_->SignIn("alice", "secret-pw-1", "10.0.0.2").has_value())
      << "the success cleared the login's count";
}

TEST_F(AuthServiceTest, TwentyFailuresFromOneAddressThrottleEveryLoginFromIt) {
  Customer("alice");
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(auth_->SignIn("user" + std::to_string(i), "x", "10.9.9.9").error().code,
              ErrorCode::kUnauthenticated);
  }
  Result<SignedIn> held = auth_->SignIn("alice", "secret-pw-1", "10.9.9.9");
  ASSERT_FALSE(held.has_value());
  EXPECT_EQ(held.error().code, ErrorCode::kResourceExhausted);
  EXPECT_TRUE(auth_->SignIn("alice", "secret-pw-1", "10.1.1.1").has_value())
      << "another address is not held";
}

TEST_F(AuthServiceTest, FailuresFurtherApartThanTheWindowStartTheCountAgain) {
  Customer("alice");
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(auth_->SignIn("alice", "wrong", "10.0.0.1"));
  clock_.Advance(settings_.failure_window + seconds(1));
  ASSERT_FALSE(auth_->SignIn("alice", "wrong", "10.0.0.1"));
  EXPECT_TRUE(auth_->SignIn("alice", "secret-pw-1", "10.0.0.1").has_value());
}

TEST_F(AuthServiceTest, SessionsSlideUntilTheAbsoluteLimitAndEndOnSignOut) {
  Customer("alice");
  Result<SignedIn> s = auth_->SignIn("alice", "secret-pw-1", "127.0.0.1");
  ASSERT_TRUE(s.has_value());
  // Keep it busy: each request within the idle time pushes the expiry on.
  for (int i = 0; i < 11; ++i) {
    clock_.Advance(hours(1));
    ASSERT_TRUE(auth_->AuthenticateSession(s->token).has_value()) << "hour " << i + 1;
  }
  clock_.Advance(hours(1));
  Result<Authenticated> late = auth_->AuthenticateSession(s->token);
  ASSERT_FALSE(late.has_value()) << "12 hours after sign-in the session is over, busy or not";
  EXPECT_EQ(late.error().rule(), "auth.invalid");

  Result<SignedIn> t = auth_->SignIn("alice", "secret-pw-1", "127.0.0.1");
  ASSERT_TRUE(t.has_value());
  clock_.Advance(settings_.session_idle);
  EXPECT_EQ(auth_->AuthenticateSession(t->token).error().rule(), "auth.invalid")
      << "idle for session_idle";

  Result<SignedIn> u = auth_->SignIn("alice", "secret-pw-1", "127.0.0.1");
  ASSERT_TRUE(u.has_value());
  ASSERT_TRUE(auth_->SignOut(u->token).has_value());
  EXPECT_EQ(auth_->AuthenticateSession(u->token).error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(auth_->SignOut(u->token).error().rule(), "auth.invalid");
  EXPECT_EQ(auth_->AuthenticateSession("made-up").error().rule(), "auth.invalid");
}

TEST_F(AuthServiceTest, AnApiKeyIsShownOnceWorksAsBearerAndStopsWhenRevoked) {
  Account c = Customer("alice");
  const Caller alice{c.id, Role::kCustomer};
  Result<NewApiKey> key = auth_->CreateApiKey(alice, "deploy bot");
  ASSERT_TRUE(key.has_value()) << key.error().message;
  EXPECT_TRUE(key->secret.starts_with(kApiKeyMark));
  EXPECT_TRUE(key->secret.starts_with(key->key.prefix));
  EXPECT_LT(key->key.prefix.size(), key->secret.size());
  Result<std::vector<ApiKeyRecord>> listed = auth_->ListApiKeys(alice);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).name, "deploy bot");

  Result<Authenticated> who = auth_->AuthenticateApiKey(key->secret);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->caller.account, c.id);
  EXPECT_FALSE(who->by_session);
  EXPECT_EQ(auth_->ListApiKeys(alice)->at(0).last_used_at, kT0);

  const Caller mallory{Customer("mallory").id, Role::kCustomer};
  EXPECT_EQ(auth_->RevokeApiKey(mallory, key->key.id).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(auth_->RevokeApiKey(alice, key->key.id).has_value());
  EXPECT_EQ(auth_->AuthenticateApiKey(key->secret).error().rule(), "auth.invalid");
  EXPECT_EQ(auth_->RevokeApiKey(alice, key->key.id).error().rule(), "api-key.revoked");
  EXPECT_EQ(auth_->AuthenticateApiKey("icpk_guess").error().rule(), "auth.invalid");
  EXPECT_EQ(auth_->CreateApiKey(alice, "  ").error().rule(), "api-key.name");
}

TEST_F(AuthServiceTest, OnlyAnAdminManagesAccountsAndEveryProblemIsNamed) {
  Account c = Customer("alice");
  const Caller alice{c.id, Role::kCustomer};
  EXPECT_EQ(auth_->CreateAccount(alice, {"x1", Role::kAdmin, "X", "long-enough"}).error().rule(),
            "auth.role");
  EXPECT_EQ(auth_->ListAccounts(alice, AccountId(), 10).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(auth_->DisableAccount(alice, kRoot.account).error().rule(), "auth.role");
  EXPECT_EQ(auth_->GetAccount(alice, kRoot.account).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(auth_->GetAccount(alice, c.id).has_value());

  Result<Account> bad = auth_->CreateAccount(kRoot, {"Bad Login", Role::kCustomer, "", "short"});
  ASSERT_FALSE(bad.has_value());
  ASSERT_EQ(bad.error().violations.size(), 3u);
  EXPECT_EQ(bad.error().violations[0].rule, "account.login");
  EXPECT_EQ(bad.error().violations[1].rule, "account.display-name");
  EXPECT_EQ(bad.error().violations[2].rule, "account.password");
  EXPECT_EQ(
      auth_->CreateAccount(kRoot, {"alice", Role::kCustomer, "A", "long-enough"}).error().rule(),
      "account.login-taken");
}

TEST_F(AuthServiceTest, AccountsListByCursor) {
  for (int i = 0; i < 5; ++i) Customer("c" + std::to_string(i));
  Result<AccountPage> first = auth_->ListAccounts(kRoot, AccountId(), 4);
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->accounts.size(), 4u);
  ASSERT_TRUE(first->next_after.has_value());
  Result<AccountPage> second = auth_->ListAccounts(kRoot, *first->next_after, 4);
  ASSERT_EQ(second->accounts.size(), 2u);
  EXPECT_FALSE(second->next_after.has_value());
  EXPECT_EQ(second->accounts.back().login, "c4");
}

TEST_F(AuthServiceTest, DisablingEndsSessionsAndKeysAndRefusesSignIn) {
  Account c = Customer("alice");
  Result<SignedIn> s = auth_->SignIn("alice", "secret-pw-1", "127.0.0.1");
  Result<NewApiKey> key = auth_->CreateApiKey({c.id, Role::kCustomer}, "k");
  ASSERT_TRUE(s && key);
  EXPECT_EQ(auth_->DisableAccount(kRoot, kRoot.account).error().rule(), "account.disable-self");
  Result<Account> off = auth_->DisableAccount(kRoot, c.id);
  ASSERT_TRUE(off.has_value());
  EXPECT_EQ(off->status(), AccountStatus::kDisabled);
  EXPECT_EQ(auth_->AuthenticateSession(s->token).error().rule(), "auth.invalid");
  EXPECT_EQ(auth_->AuthenticateApiKey(key->secret).error().rule(), "auth.invalid");
  EXPECT_EQ(auth_->SignIn("alice", "secret-pw-1", "127.0.0.1").error().rule(), "account.disabled");
  EXPECT_EQ(auth_->SignIn("alice", "wrong-pw", "127.0.0.1").error().rule(), "auth.credentials")
      << "a wrong password says nothing about the account";
  EXPECT_EQ(auth_->DisableAccount(kRoot, c.id).error().rule(), "account.disabled");
  EXPECT_EQ(Audit().back().entry.action, "account.disable");
}

TEST_F(AuthServiceTest, RealNameAndMobileAreSetByAnAdminAndAuditedMasked) {
  Account c = Customer("alice");
  Result<Certificate> cert = Certificate::Parse(
      CertificateType::kResidentId, storage_testing::ResidentIdNumber(7), ChinaDate(kT0));
  ASSERT_TRUE(cert.has_value());
  Result<RealName> name = RealName::Make(RealNameKind::kPerson, "张小明", *cert);
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(auth_->SetRealName({c.id, Role::kCustomer}, c.id, *name).error().rule(), "auth.role");
  clock_.Advance(minutes(3));
  Result<Account> named = auth_->SetRealName(kRoot, c.id, *name);
  ASSERT_TRUE(named.has_value()) << named.error().message;
  Result<MobileNumber> mobile = MobileNumber::Parse("13800138000");
  ASSERT_TRUE(auth_->SetBoundMobile(kRoot, c.id, *mobile).has_value());

  Result<AccountIdentity> id = auth_->RealNameOf(c.id);
  ASSERT_TRUE(id.has_value());
  ASSERT_TRUE(id->real_name.has_value());
  EXPECT_EQ(id->real_name->value, *name);
  EXPECT_EQ(id->real_name->verified_at, kT0 + minutes(3));
  EXPECT_EQ(id->bound_mobile, *mobile);

  std::vector<StoredAuditEntry> audit = Audit();
  const AuditEntry& real = audit.at(audit.size() - 2).entry;
  const AuditEntry& phone = audit.back().entry;
  EXPECT_EQ(real.action, "account.real-name");
  EXPECT_EQ(real.actor, "account:1");
  EXPECT_EQ(real.details.find("张小明"), std::string::npos) << real.details;
  EXPECT_EQ(real.details.find(cert->number()), std::string::npos) << real.details;
  EXPECT_NE(real.details.find("张*明"), std::string::npos) << real.details;
  EXPECT_EQ(phone.action, "account.mobile");
  EXPECT_EQ(phone.details.find("13800138000"), std::string::npos) << phone.details;
}

TEST_F(AuthServiceTest, AStaleHashIsReplacedAtSignIn) {
  Account c = Customer("alice");
  hasher_.generation = 2;
  ASSERT_TRUE(auth_->SignIn("alice", "secret-pw-1", "127.0.0.1").has_value());
  Result<Account> stored = auth_->GetAccount(kRoot, c.id);
  EXPECT_EQ(stored->password_hash, "fake$2$secret-pw-1");
}

TEST(AuthServiceBootstrap, TheFirstAdminIsCreatedOnceOnly) {
  std::unique_ptr<memory::Database> db = memory::Database::Create();
  FakePasswordHasher hasher;
  FakeTokenSource tokens;
  FakeClock clock{kT0};
  std::unique_ptr<AuthService> auth = *AuthService::Create(*db, hasher, tokens, clock);
  Result<Account> first = auth->CreateFirstAdmin({"root", Role::kCustomer, "Root", "root-password"},
                                                 "operator:ops@host");
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->role, Role::kAdmin) << "the first account is an admin whatever was asked";
  Result<Account> second =
      auth->CreateFirstAdmin({"root2", Role::kAdmin, "Root", "root-password"}, "operator:x@y");
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().rule(), "account.admin-exists");
  EXPECT_TRUE(auth->SignIn("root", "root-password", "127.0.0.1").has_value());
}

}  // namespace
}  // namespace icp
