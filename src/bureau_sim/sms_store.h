#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "bureau_sim/message_sink.h"
#include "bureau_sim/sms_verifier.h"
#include "storage/sql/connection.h"

namespace icp::bureau_sim {

// The rules of MIIT's SMS verification as the stand-in plays them (FACTS.md §4.4).
inline constexpr std::int64_t kSmsWindowSeconds = 24 * 3600;   // a code lives 24 h
inline constexpr int kSmsWrongEntriesAllowed = 5;              // the sixth fails the filing
inline constexpr std::int64_t kSmsResendIntervalSeconds = 60;  // between two sendings
inline constexpr int kSmsMaxSendings = 5;                      // the first and four resends

// What one entry on the portal (mobile + code + last six characters of the certificate)
// did.
struct SmsEntryOutcome {
  enum class Kind {
    kVerifiedOthersPending,  // this mobile is verified; other verifiers have not entered yet
    kAllVerified,            // this mobile was the last: the verification passed (9012)
    kAlreadyVerified,        // this mobile had verified before: nothing changed
    kWrong,                  // a wrong entry, counted; `remaining` more are allowed
    kFailed,                 // the sixth wrong entry: the verification failed (9014)
  };
  Kind kind = Kind::kWrong;
  int remaining = 0;  // wrong entries still allowed (kWrong), else 0
  std::string message_zh;
  std::string message;

  friend bool operator==(const SmsEntryOutcome&, const SmsEntryOutcome&) = default;
};

// A message the sink holds.
struct SinkMessage {
  std::int64_t id = 0;
  std::string channel;  // "sms" or "email"
  std::string to;
  std::string text;
  std::int64_t created_at = 0;

  friend bool operator==(const SinkMessage&, const SinkMessage&) = default;
};

// The SmsVerifier and the MessageSink over the stand-in's SQLite store (migration
// 0003_sms.sql, whose constraints and triggers hold the rules: a verification decided once,
// wrong entries counted one by one and never past the sixth, a code replaced only by a resend
// at least 60 s later and at most four times, a message never changed). One connection of its
// own (the file's other writers queue on SQLite's lock); every method is one transaction.
//
// Codes are 6 digits from `random` (the operating system's generator in `serve`, a seeded one
// in tests), sent as SMS through the sink in the transaction that makes them, and kept as
// SHA-256 over a random salt and the code.
class SmsStore final : public SmsVerifier, public MessageSink {
 public:
  using Random = std::function<std::uint64_t()>;

  // Opens (creating) the file and applies the stand-in's missing migrations.
  static Result<std::unique_ptr<SmsStore>> Open(const std::filesystem::path& file, Random random,
                                                std::int64_t now);
  // The same over a connection the caller opened (tests: an in-memory database).
  static Result<std::unique_ptr<SmsStore>> OpenOn(std::unique_ptr<sql::Connection> connection,
                                                  Random random, std::int64_t now);

  // SmsVerifier.
  Result<void> Start(std::int64_t filing_id, std::span<const SmsRecipient> recipients,
                     std::int64_t now) override;
  Result<SmsState> StateOf(std::int64_t filing_id, std::int64_t now) override;

  // MessageSink. kInvalidArgument (rule "sink.message") for another channel, an empty or
  // over-long recipient or text.
  Result<void> Deliver(std::string_view channel, std::string_view to, std::string_view text,
                       std::int64_t now) override;

  // One entry on the portal at `now`. The mobile picks the pending verifications that sent
  // it a code; a right code with the right last six characters verifies that mobile (a leader
  // the filing gave no certificate number for verifies with mobile + code), anything
  // else is a wrong entry counted against each of them. kInvalidArgument (rules
  // "sms.mobile", "sms.code", "sms.certificate_tail", each on its field) for a malformed
  // entry, which is not counted; kNotFound (rule "sms.mobile") when no verification waits for
  // this mobile; kFailedPrecondition (rule "sms.timed_out") when those that did have passed
  // their window (they are decided timed out then).
  Result<SmsEntryOutcome> Enter(std::string_view mobile, std::string_view code,
                                std::string_view certificate_tail, std::int64_t now);

  // Sends a new code to `mobile` for each pending verification still waiting for it; the old
  // code is dead. kNotFound / kFailedPrecondition as Enter; kResourceExhausted (rule
  // "sms.resend.interval", with the wait) within 60 s of the last sending; kResourceExhausted
  // (rule "sms.resend.limit") after four resends. Returns how many codes were sent.
  Result<int> Resend(std::string_view mobile, std::int64_t now);

  // The sink's messages to `to` (a mobile or an address), oldest first.
  Result<std::vector<SinkMessage>> MessagesTo(std::string_view to);

 private:
  SmsStore(std::unique_ptr<sql::Connection> connection, Random random)
      : connection_(std::move(connection)), random_(std::move(random)) {}

  std::string NewCode();
  std::string NewSalt();
  Result<void> DeliverLocked(std::string_view channel, std::string_view to, std::string_view text,
                             std::int64_t now);
  // Decides, at `now`, the pending verifications whose window has passed: timed out.
  Result<void> ExpireLocked(std::int64_t now);

  std::mutex mutex_;
  std::unique_ptr<sql::Connection> connection_;
  Random random_;
};

// The last six characters (Unicode code points) of a certificate number, ASCII letters in
// upper case: what the portal asks for ("567（8）" keeps its full-width brackets).
std::string CertificateTail(std::string_view certificate_number);

}  // namespace icp::bureau_sim
