#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ports/database.h"
#include "storage/memory/state.h"

namespace icp::memory {

// What every repository of one unit of work shares: its copy of the tables, the committed
// audit log, and whether it may still be used. A failed write ends the unit of work as a
// failed statement ends a SQL transaction, so a caller cannot commit half a change.
class Session {
 public:
  Session(State& state, const Journal& journal) : state_(state), journal_(journal) {}

  State& state() { return state_; }
  const Journal& journal() const { return journal_; }

  // kFailedPrecondition once committed, kAborted after a failed write.
  Result<void> Usable() const;
  bool failed() const { return failed_; }
  bool committed() const { return committed_; }
  void MarkCommitted() { committed_ = true; }

  // Runs a read. A failing read (kNotFound) leaves the unit of work usable.
  template <class F>
  std::invoke_result_t<F&> Read(F&& read) {
    if (Result<void> usable = Usable(); !usable) return std::unexpected(usable.error());
    return read();
  }

  // Runs a write. Any failure but kNotFound (nothing matched, nothing changed) ends the
  // unit of work: the write may have changed part of the copy before it was refused.
  template <class F>
  std::invoke_result_t<F&> Write(F&& write) {
    if (Result<void> usable = Usable(); !usable) return std::unexpected(usable.error());
    std::invoke_result_t<F&> result = write();
    if (!result && result.error().code != ErrorCode::kNotFound) failed_ = true;
    return result;
  }

 private:
  State& state_;
  const Journal& journal_;
  bool failed_ = false;
  bool committed_ = false;
};

// kNotFound naming the row.
std::unexpected<Error> Missing(std::string_view what, std::string_view key);

// A CHECK constraint of the SQL schema: kFailedPrecondition, the engine's code, unless `holds`.
Result<void> Require(bool holds, std::string_view what);

// kFailedPrecondition when `id` names no row of `table`: a foreign key of the SQL schema.
template <class Table, class IdType>
Result<void> ForeignKey(const Table& table, IdType id, std::string_view what) {
  if (table.contains(id.value())) return {};
  return FailedPrecondition(std::string(what) + " " + std::to_string(id.value()) +
                            " does not exist (foreign key)");
}

template <class Table, class IdType>
Result<void> ForeignKey(const Table& table, const std::optional<IdType>& id,
                        std::string_view what) {
  if (!id) return {};
  return ForeignKey(table, *id, what);
}

class AccountRepository final : public icp::AccountRepository {
 public:
  explicit AccountRepository(Session& s) : s_(s) {}
  Result<AccountId> Insert(const Account& account) override;
  Result<Account> Get(AccountId id) override;
  Result<Account> FindByLogin(std::string_view login) override;
  Result<void> Update(const Account& account) override;
  Result<std::vector<Account>> List(AccountId after, std::size_t limit) override;

 private:
  Session& s_;
};

class SessionRepository final : public icp::SessionRepository {
 public:
  explicit SessionRepository(Session& s) : s_(s) {}
  Result<SessionId> Insert(const SessionRecord& record, std::string_view token) override;
  Result<SessionRecord> FindByToken(std::string_view token) override;
  Result<void> Touch(SessionId id, std::chrono::sys_seconds last_seen_at,
                     std::chrono::sys_seconds expires_at) override;
  Result<void> Revoke(SessionId id, std::chrono::sys_seconds at) override;
  Result<std::int64_t> RevokeAllOf(AccountId account, std::chrono::sys_seconds at) override;
  Result<std::int64_t> PurgeEnded(std::chrono::sys_seconds ended_before) override;

 private:
  Session& s_;
};

class ApiKeyRepository final : public icp::ApiKeyRepository {
 public:
  explicit ApiKeyRepository(Session& s) : s_(s) {}
  Result<ApiKeyId> Insert(const ApiKeyRecord& record, std::string_view secret) override;
  Result<ApiKeyRecord> Get(ApiKeyId id) override;
  Result<ApiKeyRecord> FindBySecret(std::string_view secret) override;
  Result<std::vector<ApiKeyRecord>> ListByAccount(AccountId account) override;
  Result<void> MarkUsed(ApiKeyId id, std::chrono::sys_seconds at) override;
  Result<void> Revoke(ApiKeyId id, std::chrono::sys_seconds at) override;
  Result<std::int64_t> RevokeAllOf(AccountId account, std::chrono::sys_seconds at) override;

 private:
  Session& s_;
};

class LoginThrottle final : public icp::LoginThrottle {
 public:
  explicit LoginThrottle(Session& s) : s_(s) {}
  Result<ThrottleState> Get(std::string_view key) override;
  Result<ThrottleState> RecordFailure(std::string_view key, std::chrono::sys_seconds at,
                                      std::chrono::sys_seconds window_start) override;
  Result<void> Delay(std::string_view key, std::chrono::sys_seconds at) override;
  Result<void> Clear(std::string_view key) override;

 private:
  Session& s_;
};

class SubjectRepository final : public icp::SubjectRepository {
 public:
  explicit SubjectRepository(Session& s) : s_(s) {}
  Result<SubjectId> Insert(const SubjectRecord& record) override;
  Result<SubjectRecord> Get(SubjectId id) override;
  Result<std::optional<SubjectRecord>> FindByCertificate(const Certificate& c) override;
  Result<std::int64_t> Update(const SubjectRecord& record) override;
  Result<std::vector<SubjectRecord>> ListByAccount(AccountId account) override;
  Result<std::optional<SubjectRecord>> FindByNumber(const FilingNumber& number) override;
  Result<std::vector<SubjectRecord>> ListByUnitName(std::string_view name, SubjectId after,
                                                    std::size_t limit) override;

 private:
  Session& s_;
};

class WebsiteRepository final : public icp::WebsiteRepository {
 public:
  explicit WebsiteRepository(Session& s) : s_(s) {}
  Result<WebsiteId> Insert(const WebsiteRecord& record) override;
  Result<WebsiteRecord> Get(WebsiteId id) override;
  Result<std::optional<WebsiteRecord>> FindByDomain(const DomainName& domain) override;
  Result<std::int64_t> Update(const WebsiteRecord& record) override;
  Result<std::vector<WebsiteRecord>> ListBySubject(SubjectId subject) override;
  Result<std::optional<WebsiteRecord>> FindByNumber(const FilingNumber& number) override;

 private:
  Session& s_;
};

class FilingNumberRegistry final : public icp::FilingNumberRegistry {
 public:
  explicit FilingNumberRegistry(Session& s) : s_(s) {}
  Result<void> Issue(const IssuedNumber& issued) override;
  Result<void> Cancel(const FilingNumber& number, std::chrono::sys_seconds at) override;
  Result<std::optional<IssuedNumber>> Find(const FilingNumber& number) override;

 private:
  Session& s_;
};

class ApplicationRepository final : public icp::ApplicationRepository {
 public:
  explicit ApplicationRepository(Session& s) : s_(s) {}
  Result<ApplicationId> Insert(const ApplicationRecord& record) override;
  Result<ApplicationRecord> Get(ApplicationId id) override;
  Result<std::int64_t> Update(const ApplicationRecord& record) override;
  Result<std::vector<ApplicationRecord>> List(const ApplicationQuery& query) override;
  Result<std::vector<ApplicationId>> ListDue(std::chrono::sys_seconds now,
                                             std::size_t limit) override;
  Result<std::optional<ApplicationId>> FindOpenBySubject(const Certificate& c) override;
  Result<std::optional<ApplicationId>> FindOpenByDomain(const DomainName& domain) override;

 private:
  Session& s_;
};

class MaterialRepository final : public icp::MaterialRepository {
 public:
  explicit MaterialRepository(Session& s) : s_(s) {}
  Result<MaterialId> Insert(const MaterialRecord& record) override;
  Result<MaterialRecord> Get(MaterialId id) override;
  Result<std::vector<MaterialRecord>> List(ApplicationId application) override;
  Result<void> Remove(MaterialId id) override;

 private:
  Session& s_;
};

class ResourceRepository final : public icp::ResourceRepository {
 public:
  explicit ResourceRepository(Session& s) : s_(s) {}
  Result<void> Upsert(const Resource& resource) override;
  Result<Resource> Get(std::string_view id) override;
  Result<std::vector<Resource>> ListByAccount(std::string_view account) override;

 private:
  Result<void> Write(const Resource& resource, const std::optional<std::string>& parent);
  Session& s_;
};

class AuthorizationCodeRepository final : public icp::AuthorizationCodeRepository {
 public:
  explicit AuthorizationCodeRepository(Session& s) : s_(s) {}
  Result<void> Insert(const AuthorizationCode& code) override;
  Result<AuthorizationCode> Get(std::string_view code) override;
  Result<void> Transition(std::string_view code, AuthorizationCodeState from,
                          AuthorizationCodeState to, std::string_view by,
                          std::chrono::sys_seconds at) override;
  Result<std::vector<AuthorizationCode>> ListByServer(std::string_view server_id) override;
  Result<std::vector<AuthorizationCode>> ListByAccount(std::string_view account) override;

 private:
  Session& s_;
};

class VerificationRepository final : public icp::VerificationRepository {
 public:
  explicit VerificationRepository(Session& s) : s_(s) {}
  Result<VerificationId> Insert(const VerificationRecord& record) override;
  Result<VerificationRecord> Get(VerificationId id) override;
  Result<std::vector<VerificationRecord>> List(ApplicationId application) override;
  Result<void> Review(VerificationId id, VerificationState state, std::string_view reason,
                      AccountId reviewer, std::chrono::sys_seconds at) override;

 private:
  Session& s_;
};

// Entries wait in the unit of work until it commits; Flush() then chains them onto the
// committed log (the caller holds the database's lock).
class AuditLog final : public icp::AuditLog {
 public:
  explicit AuditLog(Session& s) : s_(s) {}
  Result<void> Append(AuditEntry entry) override;
  Result<std::vector<StoredAuditEntry>> Read(std::int64_t after, std::size_t limit) override;

  // Chains the pending entries onto `journal` with `key`.
  void Flush(Journal& journal, const audit_chain::Key& key);

 private:
  Session& s_;
  std::vector<AuditEntry> pending_;
};

// The audit log of a read transaction: a copy of the committed journal taken when it began.
class AuditLogReader final : public icp::AuditLogReader {
 public:
  AuditLogReader(Journal snapshot, const audit_chain::Key& key)
      : snapshot_(std::move(snapshot)), key_(key) {}
  Result<std::vector<StoredAuditEntry>> Read(std::int64_t after, std::size_t limit) override;
  Result<AuditVerification> Verify() override;

 private:
  Journal snapshot_;
  audit_chain::Key key_;
};

class NotificationRepository final : public icp::NotificationRepository {
 public:
  explicit NotificationRepository(Session& s) : s_(s) {}
  Result<NotificationPage> List(AccountId account, std::optional<NotificationId> before,
                                std::size_t limit) override;
  Result<std::int64_t> UnreadCount(AccountId account) override;
  Result<bool> Add(const StoredNotification& notification) override;
  Result<StoredNotification> MarkRead(AccountId account, NotificationId id,
                                      std::chrono::sys_seconds at) override;
  Result<std::int64_t> MarkAllRead(AccountId account, std::chrono::sys_seconds at) override;

 private:
  Session& s_;
};

class ReviewJournal final : public icp::ReviewJournal {
 public:
  explicit ReviewJournal(Session& s) : s_(s) {}
  Result<void> Append(const ReviewNote& note) override;
  Result<std::vector<ReviewNote>> List(ApplicationId application) override;

 private:
  Session& s_;
};

class IdempotencyStore final : public icp::IdempotencyStore {
 public:
  explicit IdempotencyStore(Session& s) : s_(s) {}
  Result<std::optional<IdempotencyRecord>> Find(AccountId account, const std::string& key) override;
  Result<bool> Reserve(const IdempotencyRecord& pending) override;
  Result<bool> TakeOver(AccountId account, const std::string& key,
                        std::chrono::sys_seconds stale_before,
                        std::chrono::sys_seconds now) override;
  Result<void> Complete(AccountId account, const std::string& key, int status,
                        const std::string& response) override;
  Result<void> Release(AccountId account, const std::string& key) override;
  Result<std::int64_t> Purge(std::chrono::sys_seconds created_before) override;

 private:
  Session& s_;
};

class TransferRepository final : public icp::TransferRepository {
 public:
  explicit TransferRepository(Session& s) : s_(s) {}
  Result<TransferId> Insert(const TransferRecord& record) override;
  Result<TransferRecord> Get(TransferId id) override;
  Result<std::vector<TransferRecord>> List(const TransferQuery& query) override;
  Result<std::int64_t> Decide(TransferId id, std::int64_t revision, TransferState to, AccountId by,
                              std::chrono::sys_seconds at, std::string_view reason) override;
  Result<std::int64_t> MoveSubject(TransferId id, std::int64_t subject_revision) override;

 private:
  Session& s_;
};

class GateRepository final : public icp::GateRepository {
 public:
  explicit GateRepository(Session& s) : s_(s) {}
  Result<std::int64_t> LastChange() override;
  Result<std::vector<GateChange>> ChangesAfter(std::int64_t after, std::size_t limit) override;
  Result<std::vector<FiledDomain>> ListFiled(std::string_view after, std::size_t limit) override;
  Result<std::optional<FiledDomain>> FindFiled(std::string_view domain) override;
  Result<std::vector<GateListEntry>> ListEntries() override;
  Result<std::vector<GateListEntry>> FindEntries(std::string_view domain) override;
  Result<bool> PutEntry(const GateListEntry& entry) override;
  Result<bool> RemoveEntry(GateList list, std::string_view domain) override;

 private:
  Session& s_;
};

}  // namespace icp::memory
