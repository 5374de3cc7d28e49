#include "bureau_sim/sms_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <regex>
#include <string>

#include "storage/sqlite/connection.h"

namespace icp::bureau_sim {
namespace {

using Kind = SmsEntryOutcome::Kind;

constexpr std::int64_t kT0 = 1'800'000'000;
const std::string kSubjectMobile = "13800138000";
const std::string kWebsiteMobile = "13900139000";

class SmsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bureau_sim_sms_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto engine = std::make_shared<std::mt19937_64>(42);
    Result<std::unique_ptr<SmsStore>> store = SmsStore::Open(
        dir_ / "bureau.db", [engine] { return (*engine)(); }, kT0);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A first filing's verifiers: the subject leader and the website leader.
  static std::vector<SmsRecipient> TwoLeaders(const std::string& website_mobile) {
    return {{"Zt_xx/Fzr", "张三", kSubjectMobile, "110101199003070011"},
            {"Wz_xx[0]/Wz_Fzr", "李四", website_mobile, "44030119900101123x"}};
  }

  // The code of the last SMS sent to `mobile`.
  std::string LastCode(const std::string& mobile) {
    Result<std::vector<SinkMessage>> messages = store_->MessagesTo(mobile);
    EXPECT_TRUE(messages.has_value());
    if (!messages || messages->empty()) return "";
    std::smatch m;
    const std::string& text = messages->back().text;
    EXPECT_TRUE(std::regex_search(text, m, std::regex("核验码为([0-9]{6})"))) << text;
    return m.size() > 1 ? m[1].str() : "";
  }

  SmsEntryOutcome Enter(const std::string& mobile, const std::string& code, const std::string& tail,
                        std::int64_t now) {
    Result<SmsEntryOutcome> outcome = store_->Enter(mobile, code, tail, now);
    EXPECT_TRUE(outcome.has_value()) << outcome.error().message;
    return outcome.value_or(SmsEntryOutcome{});
  }

  SmsState State(std::int64_t filing_id, std::int64_t now) {
    Result<SmsState> state = store_->StateOf(filing_id, now);
    EXPECT_TRUE(state.has_value()) << state.error().message;
    return state.value_or(SmsState::kPending);
  }

  // A wrong code for `mobile`: the right one with its last digit changed.
  std::string WrongCode(const std::string& mobile) {
    std::string code = LastCode(mobile);
    code.back() = code.back() == '9' ? '0' : static_cast<char>(code.back() + 1);
    return code;
  }

  std::unique_ptr<sql::Connection> Raw() {
    Result<std::unique_ptr<sqlite::Connection>> c = sqlite::Connection::Open(dir_ / "bureau.db");
    EXPECT_TRUE(c.has_value());
    return std::move(*c);
  }

  std::filesystem::path dir_;
  std::unique_ptr<SmsStore> store_;
};

TEST_F(SmsStoreTest, OneSixDigitCodePerDistinctMobileAndStartingTwiceChangesNothing) {
  std::vector<SmsRecipient> same = TwoLeaders(kSubjectMobile);
  ASSERT_TRUE(store_->Start(7, same, kT0).has_value());
  ASSERT_TRUE(store_->Start(7, same, kT0 + 5).has_value());
  Result<std::vector<SinkMessage>> sent = store_->MessagesTo(kSubjectMobile);
  ASSERT_TRUE(sent.has_value());
  ASSERT_EQ(sent->size(), 1u) << "one code for the mobile both leaders share, sent once";
  EXPECT_EQ(sent->front().channel, "sms");
  EXPECT_EQ(sent->front().created_at, kT0);
  EXPECT_EQ(LastCode(kSubjectMobile).size(), 6u);

  ASSERT_TRUE(store_->Start(8, TwoLeaders(kWebsiteMobile), kT0).has_value());
  EXPECT_EQ(store_->MessagesTo(kSubjectMobile)->size(), 2u);
  EXPECT_EQ(store_->MessagesTo(kWebsiteMobile)->size(), 1u);
  EXPECT_EQ(State(8, kT0 + 1), SmsState::kPending);

  // The code is kept hashed: the stored text is not the code.
  std::unique_ptr<sql::Connection> raw = Raw();
  Result<sql::Rows> rows = raw->Query("SELECT code_hash FROM sms_codes");
  ASSERT_TRUE(rows.has_value());
  for (const sql::Row& row : rows->rows) {
    EXPECT_EQ(row.Text(0).size(), 64u);
    EXPECT_EQ(row.Text(0).find(LastCode(kWebsiteMobile)), std::string::npos);
  }
}

TEST_F(SmsStoreTest, StartRefusesRecipientsItCannotText) {
  Result<void> none = store_->Start(7, {}, kT0);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(none.error().rule(), "sms.recipients");
  std::vector<SmsRecipient> bad = TwoLeaders("0123");
  bad[0].mobile = "";
  Result<void> refused = store_->Start(7, bad, kT0);
  ASSERT_FALSE(refused.has_value());
  ASSERT_EQ(refused.error().violations.size(), 2u);
  EXPECT_EQ(refused.error().violations[0].field, "recipients[0].mobile");
  EXPECT_EQ(refused.error().violations[1].field, "recipients[1].mobile");
  EXPECT_FALSE(store_->StateOf(7, kT0).has_value()) << "nothing was started";
  EXPECT_EQ(store_->StateOf(7, kT0).error().code, ErrorCode::kNotFound);
}

TEST_F(SmsStoreTest, EveryMobileVerifiesThenTheVerificationPasses) {
  ASSERT_TRUE(store_->Start(7, TwoLeaders(kWebsiteMobile), kT0).has_value());
  SmsEntryOutcome first = Enter(kSubjectMobile, LastCode(kSubjectMobile), "070011", kT0 + 60);
  EXPECT_EQ(first.kind, Kind::kVerifiedOthersPending);
  EXPECT_EQ(first.message_zh, "您的短信核验完成，请等待其他核验人进行短信核验");
  EXPECT_EQ(State(7, kT0 + 61), SmsState::kPending);
  EXPECT_EQ(Enter(kSubjectMobile, LastCode(kSubjectMobile), "070011", kT0 + 62).kind,
            Kind::kAlreadyVerified);
  // The last six characters in lower case are the same characters.
  EXPECT_EQ(Enter(kWebsiteMobile, LastCode(kWebsiteMobile), "01123x", kT0 + 90).kind,
            Kind::kAllVerified);
  EXPECT_EQ(State(7, kT0 + 100), SmsState::kVerified);
  EXPECT_EQ(State(7, kT0 + 2 * kSmsWindowSeconds), SmsState::kVerified) << "decided once";
}

// The SmsVerifier's contract refuses only a recipient without a mobile: a leader the filing
// gives no certificate number for (an XZWZ whose Wz_Fzr has no Fzr_zjhm) verifies with mobile
// and code, whatever six characters come with them.
TEST_F(SmsStoreTest, ALeaderWithoutACertificateVerifiesWithMobileAndCode) {
  const SmsRecipient website_leader[] = {{"Wz_xx[0]/Wz_Fzr", "李四", kWebsiteMobile, ""}};
  ASSERT_TRUE(store_->Start(9, website_leader, kT0).has_value());
  EXPECT_EQ(Enter(kWebsiteMobile, WrongCode(kWebsiteMobile), "123456", kT0 + 1).kind, Kind::kWrong);
  EXPECT_EQ(Enter(kWebsiteMobile, LastCode(kWebsiteMobile), "123456", kT0 + 2).kind,
            Kind::kAllVerified);
  EXPECT_EQ(State(9, kT0 + 3), SmsState::kVerified);
}

TEST_F(SmsStoreTest, TheSixthWrongEntryFailsTheVerification) {
  ASSERT_TRUE(store_->Start(7, TwoLeaders(kWebsiteMobile), kT0).has_value());
  const std::string right = LastCode(kSubjectMobile);
  // A right code with the wrong certificate digits is a wrong entry, as a wrong code is.
  SmsEntryOutcome wrong = Enter(kSubjectMobile, right, "999999", kT0 + 1);
  EXPECT_EQ(wrong.kind, Kind::kWrong);
  EXPECT_EQ(wrong.remaining, 4);
  for (int i = 2; i <= 5; ++i) {
    SmsEntryOutcome again = Enter(kSubjectMobile, WrongCode(kSubjectMobile), "070011", kT0 + i);
    EXPECT_EQ(again.kind, Kind::kWrong);
    EXPECT_EQ(again.remaining, 5 - i);
  }
  // A malformed entry is refused without being counted.
  Result<SmsEntryOutcome> malformed = store_->Enter(kSubjectMobile, "12345", "070011", kT0 + 6);
  ASSERT_FALSE(malformed.has_value());
  EXPECT_EQ(malformed.error().violations.at(0).field, "code");
  EXPECT_EQ(State(7, kT0 + 6), SmsState::kPending) << "five wrong entries are allowed";

  SmsEntryOutcome sixth = Enter(kWebsiteMobile, WrongCode(kWebsiteMobile), "01123X", kT0 + 7);
  EXPECT_EQ(sixth.kind, Kind::kFailed);
  EXPECT_EQ(State(7, kT0 + 8), SmsState::kFailed);
  Result<SmsEntryOutcome> late = store_->Enter(kSubjectMobile, right, "070011", kT0 + 9);
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().rule(), "sms.failed");
}

TEST_F(SmsStoreTest, TheWindowIs24Hours) {
  ASSERT_TRUE(store_->Start(7, TwoLeaders(kWebsiteMobile), kT0).has_value());
  const std::string code = LastCode(kSubjectMobile);
  EXPECT_EQ(State(7, kT0 + kSmsWindowSeconds - 1), SmsState::kPending);
  Result<SmsEntryOutcome> late =
      store_->Enter(kSubjectMobile, code, "070011", kT0 + kSmsWindowSeconds);
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(late.error().rule(), "sms.timed_out");
  EXPECT_EQ(State(7, kT0 + kSmsWindowSeconds + 1), SmsState::kTimedOut);
  Result<int> resend = store_->Resend(kSubjectMobile, kT0 + kSmsWindowSeconds + 2);
  ASSERT_FALSE(resend.has_value());
  EXPECT_EQ(resend.error().rule(), "sms.timed_out");
}

TEST_F(SmsStoreTest, AResendKillsTheOldCodeAndIsRateLimited) {
  ASSERT_TRUE(store_->Start(7, TwoLeaders(kWebsiteMobile), kT0).has_value());
  const std::string old_code = LastCode(kWebsiteMobile);
  Result<int> soon = store_->Resend(kWebsiteMobile, kT0 + 59);
  ASSERT_FALSE(soon.has_value());
  EXPECT_EQ(soon.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(soon.error().rule(), "sms.resend.interval");
  EXPECT_EQ(soon.error().retry_after, std::chrono::seconds(1));

  Result<int> resent = store_->Resend(kWebsiteMobile, kT0 + 60);
  ASSERT_TRUE(resent.has_value()) << resent.error().message;
  EXPECT_EQ(*resent, 1);
  const std::string new_code = LastCode(kWebsiteMobile);
  ASSERT_NE(new_code, old_code);
  EXPECT_EQ(Enter(kWebsiteMobile, old_code, "01123X", kT0 + 61).kind, Kind::kWrong);
  EXPECT_EQ(Enter(kWebsiteMobile, new_code, "01123X", kT0 + 62).kind, Kind::kVerifiedOthersPending);
  Result<int> verified = store_->Resend(kWebsiteMobile, kT0 + 200);
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().rule(), "sms.verified");

  // Four resends at most.
  for (int i = 1; i <= 4; ++i) {
    ASSERT_TRUE(store_->Resend(kSubjectMobile, kT0 + 60 * i).has_value()) << i;
  }
  Result<int> fifth = store_->Resend(kSubjectMobile, kT0 + 600);
  ASSERT_FALSE(fifth.has_value());
  EXPECT_EQ(fifth.error().rule(), "sms.resend.limit");
  EXPECT_EQ(store_->MessagesTo(kSubjectMobile)->size(), 5u);
}

TEST_F(SmsStoreTest, AMobileNobodyAskedIsNotFoundAndNotCounted) {
  ASSERT_TRUE(store_->Start(7, TwoLeaders(kWebsiteMobile), kT0).has_value());
  Result<SmsEntryOutcome> stranger = store_->Enter("13700137000", "123456", "123456", kT0 + 1);
  ASSERT_FALSE(stranger.has_value());
  EXPECT_EQ(stranger.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(stranger.error().rule(), "sms.mobile");
  std::unique_ptr<sql::Connection> raw = Raw();
  EXPECT_EQ(raw->Query("SELECT wrong_entries FROM sms_verifications")->rows.front().Int(0), 0);
}

TEST_F(SmsStoreTest, TheSinkKeepsEveryMessage) {
  ASSERT_TRUE(
      store_->Deliver("email", "leader@example.cn", "您的备案密码为 Ab3dE6", kT0).has_value());
  Result<std::vector<SinkMessage>> mail = store_->MessagesTo("leader@example.cn");
  ASSERT_TRUE(mail.has_value());
  ASSERT_EQ(mail->size(), 1u);
  EXPECT_EQ(mail->front().channel, "email");
  EXPECT_EQ(mail->front().text, "您的备案密码为 Ab3dE6");
  Result<void> fax = store_->Deliver("fax", "", "x", kT0);
  ASSERT_FALSE(fax.has_value());
  EXPECT_EQ(fax.error().violations.size(), 2u);
}

// The schema holds the rules against any writer.
TEST_F(SmsStoreTest, TheSchemaHoldsTheRules) {
  ASSERT_TRUE(store_->Start(7, TwoLeaders(kWebsiteMobile), kT0).has_value());
  ASSERT_TRUE(store_->Deliver("sms", kSubjectMobile, "x", kT0).has_value());
  std::unique_ptr<sql::Connection> raw = Raw();
  auto refused = [&](std::string_view statement) {
    Result<sql::Rows> r = raw->Query(statement);
    return !r.has_value();
  };
  EXPECT_TRUE(refused("UPDATE sms_verifications SET wrong_entries = 2")) << "counted one by one";
  EXPECT_TRUE(
      refused("UPDATE sms_verifications SET wrong_entries = 1, state = 'failed', "
              "decided_at = started_at + 1"))
      << "failed is the sixth wrong entry";
  EXPECT_TRUE(
      refused("UPDATE sms_verifications SET state = 'verified', "
              "decided_at = started_at + 1"))
      << "verified needs every mobile";
  EXPECT_TRUE(
      refused("UPDATE sms_verifications SET state = 'timed_out', "
              "decided_at = started_at + 1"))
      << "a timeout comes after the window";
  EXPECT_TRUE(refused("UPDATE sms_verifications SET expires_at = expires_at + 1")) << "24 h";
  EXPECT_TRUE(refused("UPDATE sms_codes SET code_hash = upper(code_hash), sendings = 2")) << "60 s";
  EXPECT_TRUE(refused("UPDATE messages SET text = 'y'"));
  EXPECT_TRUE(refused("DELETE FROM messages"));
  EXPECT_TRUE(refused("DELETE FROM sms_codes"));
  ASSERT_FALSE(
      refused("UPDATE sms_verifications SET state = 'timed_out', decided_at = expires_at"));
  EXPECT_TRUE(refused("UPDATE sms_verifications SET state = 'pending', decided_at = NULL"))
      << "decided once";
  EXPECT_TRUE(refused("UPDATE sms_codes SET verified_at = 1")) << "no entry after the decision";
}

TEST(CertificateTailTest, LastSixCharactersWithAsciiLettersInUpperCase) {
  EXPECT_EQ(CertificateTail("44030119900101123x"), "01123X");
  EXPECT_EQ(CertificateTail("H01234567（8）"), "567（8）");
  EXPECT_EQ(CertificateTail("abc"), "ABC");
  EXPECT_EQ(CertificateTail("\xff\xfe"), "");
}

}  // namespace
}  // namespace icp::bureau_sim
