#include "bureau_sim/sms_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <set>
#include <utility>

#include "bureau_sim/store.h"
#include "storage/common/sha256.h"
#include "storage/sqlite/connection.h"

namespace icp::bureau_sim {
namespace {

bool IsMobile(std::string_view s) {
  return s.size() == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsCode(std::string_view s) {
  return s.size() == 6 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The code points of UTF-8 text, each as its bytes; empty for text that is not UTF-8.
std::vector<std::string_view> CodePoints(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const std::size_t n = lead < 0x80           ? 1
                          : (lead >> 5) == 0x6  ? 2
                          : (lead >> 4) == 0xE  ? 3
                          : (lead >> 3) == 0x1E ? 4
                                                : 0;
    if (n == 0 || i + n > s.size()) return {};
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return {};
    }
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

std::string SmsText(std::string_view code) {
  return fmt::format(
      "【工信部ICP备案】您的短信核验码为{}，24小时内有效。请在工信部备案管理系统的短信核验页面"
      "输入手机号码、短信核验码和证件号码后六位完成核验。",
      code);
}

std::string CodeHash(std::string_view salt, std::string_view code) {
  return Sha256Hex(std::string(salt) + std::string(code));
}

struct Candidate {
  std::int64_t filing_id = 0;
  std::string state;
  std::int64_t started_at = 0;
  std::int64_t expires_at = 0;
  std::int64_t wrong_entries = 0;
  std::string salt;
  std::string hash;
  std::int64_t sent_at = 0;
  std::int64_t sendings = 0;
  bool verified = false;
};

constexpr std::string_view kCandidates =
    "SELECT v.filing_id, v.state, v.started_at, v.expires_at, v.wrong_entries, c.code_salt, "
    "c.code_hash, c.sent_at, c.sendings, c.verified_at IS NOT NULL "
    "FROM sms_codes c JOIN sms_verifications v ON v.filing_id = c.filing_id "
    "WHERE c.mobile = $1 ORDER BY v.started_at, v.filing_id";

Result<std::vector<Candidate>> CandidatesFor(sql::Connection& connection, std::string_view mobile) {
  const sql::Value params[] = {std::string(mobile)};
  Result<sql::Rows> rows = connection.Query(kCandidates, params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<Candidate> out;
  for (const sql::Row& row : rows->rows) {
    Candidate c{row.Int(0),  row.Text(1), row.Int(2), row.Int(3), row.Int(4),
                row.Text(5), row.Text(6), row.Int(7), row.Int(8), row.Int(9) == 1};
    if (Result<void> ok = row.Check(); !ok) return std::unexpected(ok.error());
    out.push_back(std::move(c));
  }
  return out;
}

// Why no pending verification waits for a mobile that has `candidates` (none pending among
// them): never asked, the last one timed out, failed, or verified (nullopt: verified).
std::optional<Error> NothingPending(const std::vector<Candidate>& candidates) {
  if (candidates.empty()) {
    Error e{ErrorCode::kNotFound, "no SMS verification waits for this mobile", {}};
    e.violations.push_back({"mobile", "sms.mobile", e.message, "该手机号码没有待核验的备案申请"});
    return e;
  }
  const Candidate& last = candidates.back();
  if (last.state == "timed_out") {
    Error e{ErrorCode::kFailedPrecondition,
            "the SMS verification timed out (24 h): the application was returned",
            {}};
    e.violations.push_back({"mobile", "sms.timed_out", e.message,
                            "短信核验已超时（24小时），备案申请已退回接入服务商"});
    return e;
  }
  if (last.state == "failed") {
    Error e{ErrorCode::kFailedPrecondition,
            "the SMS verification failed (six wrong entries): the application was returned",
            {}};
    e.violations.push_back(
        {"mobile", "sms.failed", e.message, "短信核验错误次数超过限制，备案申请已退回接入服务商"});
    return e;
  }
  return std::nullopt;
}

SmsEntryOutcome Outcome(SmsEntryOutcome::Kind kind, int remaining = 0) {
  using Kind = SmsEntryOutcome::Kind;
  SmsEntryOutcome o;
  o.kind = kind;
  o.remaining = remaining;
  switch (kind) {
    case Kind::kVerifiedOthersPending:
      o.message_zh = "您的短信核验完成，请等待其他核验人进行短信核验";
      o.message = "Your SMS verification is complete; waiting for the other verifiers";
      break;
    case Kind::kAllVerified:
      o.message_zh = "短信核验完成，备案申请将提交管局审核";
      o.message = "SMS verification complete; the application goes to the bureau's review";
      break;
    case Kind::kAlreadyVerified:
      o.message_zh = "该手机号码已完成短信核验";
      o.message = "This mobile has already completed its SMS verification";
      break;
    case Kind::kWrong:
      o.message_zh = fmt::format(
          "短信核验信息有误，请核对手机号码、短信核验码和证件号码后六位，还可尝试{}次", remaining);
      o.message =
          fmt::format("Wrong mobile, code or certificate digits; {} more tries allowed", remaining);
      break;
    case Kind::kFailed:
      o.message_zh = "短信核验错误次数超过限制，备案申请已退回接入服务商";
      o.message =
          "Too many wrong entries: the SMS verification failed and the application "
          "was returned";
      break;
  }
  return o;
}

}  // namespace

std::string CertificateTail(std::string_view certificate_number) {
  std::vector<std::string_view> points = CodePoints(certificate_number);
  if (points.size() > 6) points.erase(points.begin(), points.end() - 6);
  std::string out;
  for (std::string_view p : points) {
    if (p.size() == 1 && p[0] >= 'a' && p[0] <= 'z') {
      out += static_cast<char>(p[0] - 'a' + 'A');
    } else {
      out += p;
    }
  }
  return out;
}

Result<std::unique_ptr<SmsStore>> SmsStore::Open(const std::filesystem::path& file, Random random,
                                                 std::int64_t now) {
  Result<std::unique_ptr<sqlite::Connection>> connection = sqlite::Connection::Open(file);
  if (!connection) return std::unexpected(connection.error());
  return OpenOn(std::move(*connection), std::move(random), now);
}

Result<std::unique_ptr<SmsStore>> SmsStore::OpenOn(std::unique_ptr<sql::Connection> connection,
                                                   Random random, std::int64_t now) {
  if (Result<std::vector<MigrationStatus>> migrated = sql::Migrate(*connection, Migrations(), now);
      !migrated) {
    return std::unexpected(migrated.error());
  }
  return std::unique_ptr<SmsStore>(new SmsStore(std::move(connection), std::move(random)));
}

std::string SmsStore::NewCode() {
  // Uniform over 000000..999999: draws beyond the last whole million are drawn again.
  constexpr std::uint64_t kMillion = 1'000'000;
  constexpr std::uint64_t kLimit = std::numeric_limits<std::uint64_t>::max() / kMillion * kMillion;
  std::uint64_t r = random_();
  while (r >= kLimit) r = random_();
  return fmt::format("{:06d}", r % kMillion);
}

std::string SmsStore::NewSalt() { return fmt::format("{:016x}{:016x}", random_(), random_()); }

Result<void> SmsStore::Start(std::int64_t filing_id, std::span<const SmsRecipient> recipients,
                             std::int64_t now) {
  std::vector<FieldViolation> problems;
  if (filing_id <= 0) {
    problems.push_back({"filing_id", "sms.recipients", "the filing id must be positive",
                        "备案申请编号必须为正数"});
  }
  if (recipients.empty()) {
    problems.push_back({"recipients", "sms.recipients", "an SMS verification needs a recipient",
                        "短信核验至少需要一名核验人"});
  }
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    const SmsRecipient& r = recipients[i];
    const std::string at = fmt::format("recipients[{}]", i);
    if (!IsMobile(r.mobile)) {
      problems.push_back({at + ".mobile", "sms.recipients",
                          "the mobile must be 11 digits starting 13 to 19",
                          "手机号码须为以13至19开头的11位数字"});
    }
    if (!r.certificate_number.empty() && CertificateTail(r.certificate_number).empty()) {
      problems.push_back({at + ".certificate_number", "sms.recipients",
                          "the certificate number must be UTF-8 text", "证件号码须为UTF-8文本"});
    }
    if (r.role.size() > 128 || r.name.size() > 128) {
      problems.push_back({at, "sms.recipients", "the role and the name have at most 128 bytes",
                          "角色和姓名不超过128字节"});
    }
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));

  std::lock_guard lock(mutex_);
  return InTransaction(*connection_, [&]() -> Result<void> {
    const sql::Value find[] = {filing_id};
    Result<sql::Rows> existing =
        connection_->Query("SELECT 1 FROM sms_verifications WHERE filing_id = $1", find);
    if (!existing) return std::unexpected(existing.error());
    if (!existing->empty()) return {};  // started before: a step run twice changes nothing
    const sql::Value verification[] = {filing_id, now, now + kSmsWindowSeconds};
    Result<sql::Rows> inserted = connection_->Query(
        "INSERT INTO sms_verifications (filing_id, started_at, expires_at) VALUES ($1, $2, $3)",
        verification);
    if (!inserted) return std::unexpected(inserted.error());
    std::set<std::string> mobiles;
    std::vector<std::string> ordered;  // each distinct mobile once, in the recipients' order
    for (std::size_t i = 0; i < recipients.size(); ++i) {
      const SmsRecipient& r = recipients[i];
      const sql::Value row[] = {filing_id, static_cast<std::int64_t>(i),         r.role, r.name,
                                r.mobile,  CertificateTail(r.certificate_number)};
      Result<sql::Rows> added = connection_->Query(
          "INSERT INTO sms_recipients (filing_id, position, role, name, mobile, "
          "certificate_tail) VALUES ($1, $2, $3, $4, $5, $6)",
          row);
      if (!added) return std::unexpected(added.error());
      if (mobiles.insert(r.mobile).second) ordered.push_back(r.mobile);
    }
    for (const std::string& mobile : ordered) {
      const std::string code = NewCode();
      const std::string salt = NewSalt();
      const sql::Value row[] = {filing_id, mobile, salt, CodeHash(salt, code), now};
      Result<sql::Rows> added = connection_->Query(
          "INSERT INTO sms_codes (filing_id, mobile, code_salt, code_hash, sent_at) "
          "VALUES ($1, $2, $3, $4, $5)",
          row);
      if (!added) return std::unexpected(added.error());
      if (Result<void> sent = DeliverLocked("sms", mobile, SmsText(code), now); !sent) {
        return std::unexpected(sent.error());
      }
    }
    return {};
  });
}

Result<void> SmsStore::ExpireLocked(std::int64_t now) {
  const sql::Value params[] = {now};
  Result<sql::Rows> expired = connection_->Query(
      "UPDATE sms_verifications SET state = 'timed_out', decided_at = $1 "
      "WHERE state = 'pending' AND expires_at <= $1",
      params);
  if (!expired) return std::unexpected(expired.error());
  return {};
}

Result<SmsState> SmsStore::StateOf(std::int64_t filing_id, std::int64_t now) {
  std::lock_guard lock(mutex_);
  return InTransaction(*connection_, [&]() -> Result<SmsState> {
    if (Result<void> expired = ExpireLocked(now); !expired) return std::unexpected(expired.error());
    const sql::Value params[] = {filing_id};
    Result<sql::Rows> rows =
        connection_->Query("SELECT state FROM sms_verifications WHERE filing_id = $1", params);
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
      return Refusal(ErrorCode::kNotFound, "filing_id", "sms.filing",
                     fmt::format("no SMS verification was started for filing {}", filing_id),
                     "该备案申请没有短信核验");
    }
    const std::string& state = rows->rows.front().Text(0);
    if (state == "pending") return SmsState::kPending;
    if (state == "verified") return SmsState::kVerified;
    if (state == "timed_out") return SmsState::kTimedOut;
    if (state == "failed") return SmsState::kFailed;
    return Internal("sms_verifications.state holds " + state);
  });
}

Result<SmsEntryOutcome> SmsStore::Enter(std::string_view mobile, std::string_view code,
                                        std::string_view certificate_tail, std::int64_t now) {
  std::vector<FieldViolation> problems;
  if (!IsMobile(mobile)) {
    problems.push_back({"mobile", "sms.mobile", "the mobile must be 11 digits starting 13 to 19",
                        "手机号码须为以13至19开头的11位数字"});
  }
  if (!IsCode(code)) {
    problems.push_back(
        {"code", "sms.code", "the SMS code has exactly 6 digits", "短信核验码为6位数字"});
  }
  const std::size_t tail_points = CodePoints(certificate_tail).size();
  if (tail_points == 0 || tail_points > 6) {
    problems.push_back({"certificate_tail", "sms.certificate_tail",
                        "give the last six characters of the certificate number",
                        "请输入证件号码后六位"});
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
  const std::string tail = CertificateTail(certificate_tail);

  std::lock_guard lock(mutex_);
  return InTransaction(*connection_, [&]() -> Result<SmsEntryOutcome> {
    using Kind = SmsEntryOutcome::Kind;
    if (Result<void> expired = ExpireLocked(now); !expired) return std::unexpected(expired.error());
    Result<std::vector<Candidate>> candidates = CandidatesFor(*connection_, mobile);
    if (!candidates) return std::unexpected(candidates.error());
    std::vector<Candidate> waiting;
    bool verified_pending = false;
    for (const Candidate& c : *candidates) {
      if (c.state != "pending") continue;
      if (c.verified) {
        verified_pending = true;
      } else {
        waiting.push_back(c);
      }
    }
    if (waiting.empty()) {
      if (verified_pending) return Outcome(Kind::kAlreadyVerified);
      if (std::optional<Error> why = NothingPending(*candidates)) return std::unexpected(*why);
      return Outcome(Kind::kAlreadyVerified);
    }

    // A right entry: the code of this mobile in a waiting verification, and the last six
    // characters of one of its leaders with this mobile.
    std::vector<std::int64_t> matched;
    for (const Candidate& c : waiting) {
      if (CodeHash(c.salt, code) != c.hash) continue;
      const sql::Value params[] = {c.filing_id, std::string(mobile), tail};
      Result<sql::Rows> leader = connection_->Query(
          "SELECT 1 FROM sms_recipients WHERE filing_id = $1 AND mobile = $2 "
          "AND certificate_tail IN ($3, '')",
          params);
      if (!leader) return std::unexpected(leader.error());
      if (!leader->empty()) matched.push_back(c.filing_id);
    }
    if (!matched.empty()) {
      bool all_done = true;
      for (std::int64_t filing_id : matched) {
        const sql::Value mark[] = {filing_id, std::string(mobile), now};
        Result<sql::Rows> marked = connection_->Query(
            "UPDATE sms_codes SET verified_at = $3 WHERE filing_id = $1 AND mobile = $2", mark);
        if (!marked) return std::unexpected(marked.error());
        const sql::Value decide[] = {filing_id, now};
        Result<sql::Rows> decided = connection_->Query(
            "UPDATE sms_verifications SET state = 'verified', decided_at = $2 "
            "WHERE filing_id = $1 AND NOT EXISTS (SELECT 1 FROM sms_codes "
            "WHERE filing_id = $1 AND verified_at IS NULL)",
            decide);
        if (!decided) return std::unexpected(decided.error());
        all_done = all_done && decided->affected == 1;
      }
      return Outcome(all_done ? Kind::kAllVerified : Kind::kVerifiedOthersPending);
    }

    // A wrong entry, counted against each verification waiting for this mobile; the sixth
    // fails it.
    bool failed = false;
    int remaining = kSmsWrongEntriesAllowed;
    for (const Candidate& c : waiting) {
      const std::int64_t wrong = c.wrong_entries + 1;
      const bool fails = wrong > kSmsWrongEntriesAllowed;
      const sql::Value params[] = {c.filing_id, wrong, std::string(fails ? "failed" : "pending"),
                                   fails ? sql::Value(now) : sql::Value()};
      Result<sql::Rows> counted = connection_->Query(
          "UPDATE sms_verifications SET wrong_entries = $2, state = $3, decided_at = $4 "
          "WHERE filing_id = $1",
          params);
      if (!counted) return std::unexpected(counted.error());
      failed = failed || fails;
      remaining = std::min(remaining, static_cast<int>(kSmsWrongEntriesAllowed - wrong));
    }
    return failed ? Outcome(Kind::kFailed) : Outcome(Kind::kWrong, remaining);
  });
}

Result<int> SmsStore::Resend(std::string_view mobile, std::int64_t now) {
  if (!IsMobile(mobile)) {
    return Refusal(ErrorCode::kInvalidArgument, "mobile", "sms.mobile",
                   "the mobile must be 11 digits starting 13 to 19",
                   "手机号码须为以13至19开头的11位数字");
  }
  std::lock_guard lock(mutex_);
  return InTransaction(*connection_, [&]() -> Result<int> {
    if (Result<void> expired = ExpireLocked(now); !expired) return std::unexpected(expired.error());
    Result<std::vector<Candidate>> candidates = CandidatesFor(*connection_, mobile);
    if (!candidates) return std::unexpected(candidates.error());
    std::vector<Candidate> waiting;
    for (const Candidate& c : *candidates) {
      if (c.state == "pending" && !c.verified) waiting.push_back(c);
    }
    if (waiting.empty()) {
      if (std::optional<Error> why = NothingPending(*candidates)) return std::unexpected(*why);
      return Refusal(ErrorCode::kFailedPrecondition, "mobile", "sms.verified",
                     "this mobile has already completed its SMS verification",
                     "该手机号码已完成短信核验");
    }
    for (const Candidate& c : waiting) {
      if (c.sendings >= kSmsMaxSendings) {
        Error e{ErrorCode::kResourceExhausted,
                fmt::format("the code was sent {} times: no more resends", c.sendings),
                {}};
        e.violations.push_back({"mobile", "sms.resend.limit", e.message, "短信重发次数已达上限"});
        e.retry_after = std::chrono::seconds(std::max<std::int64_t>(1, c.expires_at - now));
        return std::unexpected(std::move(e));
      }
      if (now < c.sent_at + kSmsResendIntervalSeconds) {
        const std::int64_t wait = c.sent_at + kSmsResendIntervalSeconds - now;
        Error e{ErrorCode::kResourceExhausted,
                fmt::format("a code was sent less than a minute ago: wait {} s", wait),
                {}};
        e.violations.push_back({"mobile", "sms.resend.interval", e.message,
                                fmt::format("短信发送过于频繁，请{}秒后重试", wait)});
        e.retry_after = std::chrono::seconds(wait);
        return std::unexpected(std::move(e));
      }
    }
    for (const Candidate& c : waiting) {
      const std::string code = NewCode();
      const std::string salt = NewSalt();
      const sql::Value params[] = {c.filing_id, std::string(mobile), salt, CodeHash(salt, code),
                                   now};
      Result<sql::Rows> replaced = connection_->Query(
          "UPDATE sms_codes SET code_salt = $3, code_hash = $4, sent_at = $5, "
          "sendings = sendings + 1 WHERE filing_id = $1 AND mobile = $2",
          params);
      if (!replaced) return std::unexpected(replaced.error());
      if (Result<void> sent = DeliverLocked("sms", mobile, SmsText(code), now); !sent) {
        return std::unexpected(sent.error());
      }
    }
    return static_cast<int>(waiting.size());
  });
}

Result<void> SmsStore::Deliver(std::string_view channel, std::string_view to, std::string_view text,
                               std::int64_t now) {
  std::lock_guard lock(mutex_);
  return InTransaction(*connection_,
                       [&]() -> Result<void> { return DeliverLocked(channel, to, text, now); });
}

Result<void> SmsStore::DeliverLocked(std::string_view channel, std::string_view to,
                                     std::string_view text, std::int64_t now) {
  std::vector<FieldViolation> problems;
  if (channel != "sms" && channel != "email") {
    problems.push_back({"channel", "sink.message", "the channel is \"sms\" or \"email\"", ""});
  }
  if (to.empty() || to.size() > 254) {
    problems.push_back({"to", "sink.message", "the recipient has 1 to 254 bytes", ""});
  }
  if (text.empty() || text.size() > 4096) {
    problems.push_back({"text", "sink.message", "the text has 1 to 4096 bytes", ""});
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
  const sql::Value params[] = {std::string(channel), std::string(to), std::string(text), now};
  Result<sql::Rows> inserted = connection_->Query(
      "INSERT INTO messages (channel, recipient, text, created_at) VALUES ($1, $2, $3, $4)",
      params);
  if (!inserted) return std::unexpected(inserted.error());
  return {};
}

Result<std::vector<SinkMessage>> SmsStore::MessagesTo(std::string_view to) {
  std::lock_guard lock(mutex_);
  const sql::Value params[] = {std::string(to)};
  Result<sql::Rows> rows = connection_->Query(
      "SELECT id, channel, recipient, text, created_at FROM messages WHERE recipient = $1 "
      "ORDER BY id",
      params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<SinkMessage> out;
  for (const sql::Row& row : rows->rows) {
    SinkMessage m{row.Int(0), row.Text(1), row.Text(2), row.Text(3), row.Int(4)};
    if (Result<void> ok = row.Check(); !ok) return std::unexpected(ok.error());
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace icp::bureau_sim
