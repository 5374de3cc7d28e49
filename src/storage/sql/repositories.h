#pragma once

#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ports/database.h"
#include "storage/common/pii_vault.h"
#include "storage/sql/connection.h"

namespace icp::sql {

// The audit head as this process last wrote it, shared by its units of work (PostgreSQL):
// a unit of work chains its entries onto it without reading the head first, and the schema
// refuses them (audit.chain) if another writer moved the head meanwhile; then it reads the
// head and chains again (docs/storage.md, "Units of work").
class AuditHeadCache {
 public:
  struct Head {
    std::int64_t seq = 0;
    std::string hash;
  };
  std::optional<Head> Get() const;
  // Remembers `head` unless a later one is known.
  void Put(Head head);
  void Forget();

 private:
  mutable std::mutex mutex_;
  std::optional<Head> head_;
};

// What every repository of one unit of work shares. `failed` is set by the first statement
// that fails: on PostgreSQL the transaction is then dead, so on both engines the unit of
// work refuses further statements and its commit.
struct Session {
  Connection& connection;
  const PiiVault& vault;
  bool failed = false;
  bool ended = false;  // committed: a further statement would run outside any transaction
  AuditHeadCache* audit_head = nullptr;  // PostgreSQL's units of work; nullptr elsewhere

  // Runs a statement; any engine error marks the session failed.
  Result<Rows> Run(std::string_view statement, std::span<const Value> params = {});
  // Runs statements as one batch (Connection::Batch: one round trip on PostgreSQL); a
  // failure marks the session failed and names the statement that failed.
  std::expected<std::vector<Rows>, BatchFailure> RunBatch(std::span<const Statement> statements);
  // A write refused by the repository itself (a stale revision, a rewritten history): the
  // session fails as it would on an engine error, so both stores end the unit of work the
  // same way and nothing half-done can be committed.
  std::unexpected<Error> Refuse(std::unexpected<Error> refusal) {
    failed = true;
    return refusal;
  }
  // The statement text for this engine: `sqlite` or `postgres`.
  std::string_view Pick(std::string_view sqlite, std::string_view postgres) const {
    return connection.dialect() == Dialect::kSqlite ? sqlite : postgres;
  }
};

// Whether the domain index of record `id` already has rows for the document with
// `content_hash` (`count_statement`: SELECT count(*) … WHERE id = $1 AND content_hash = $2).
// The index rows follow the document (migrations/0001_init.sql): rows of an earlier document
// are replaced, rows of the current one are left as they are.
Result<bool> IndexedForDocument(Session& s, std::string_view count_statement, std::int64_t id,
                                const std::string& content_hash);

class AccountRepository final : public icp::AccountRepository {
 public:
  explicit AccountRepository(Session& s) : s_(s) {}
  Result<AccountId> Insert(const Account& account) override;
  Result<Account> Get(AccountId id) override;
  Result<Account> FindByLogin(std::string_view login) override;
  Result<void> Update(const Account& account) override;
  Result<std::vector<Account>> List(AccountId after, std::size_t limit) override;

 private:
  Result<Account> One(std::string_view statement, const Value& key, const std::string& what);
  Result<std::vector<Account>> Select(std::string_view statement, std::span<const Value> params);
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
  Result<std::vector<ApiKeyRecord>> Select(std::string_view statement, const Value& key);
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
  Result<std::vector<SubjectRecord>> Select(std::string_view statement, const Value& key);
  Result<std::vector<SubjectRecord>> Select(std::string_view statement,
                                            std::span<const Value> params);
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
  Result<void> IndexDomains(const WebsiteRecord& record, WebsiteId id,
                            const std::string& content_hash);
  Result<std::vector<WebsiteRecord>> Select(std::string_view statement, const Value& key);
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
  Result<void> IndexDomains(const ApplicationRecord& record, ApplicationId id,
                            const std::string& content_hash);
  Result<void> AppendHistory(const ApplicationRecord& record, ApplicationId id,
                             std::int64_t stored_length);
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
  Result<std::vector<Resource>> Select(std::string_view statement, const Value& key);
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

// Entries are kept in memory until the unit of work commits; Flush() then chains and
// writes them under the head row's lock, the last lock the transaction takes.
class AuditLog final : public icp::AuditLog {
 public:
  explicit AuditLog(Session& s) : s_(s) {}
  Result<void> Append(AuditEntry entry) override;
  Result<std::vector<StoredAuditEntry>> Read(std::int64_t after, std::size_t limit) override;

  // Chains the pending entries onto the head (read, and on PostgreSQL locked, here) and
  // returns their INSERTs, which Commit() sends together with COMMIT
  // (Connection::CommitAfter). The statements borrow from this object until the next call.
  Result<std::vector<Statement>> Chain();
  // The same, chained onto `head` without reading it; the entries stay pending until Done().
  std::vector<Statement> ChainFrom(AuditHeadCache::Head head);
  // The entries Chain or ChainFrom gave were committed: the head is the last of them (none:
  // nullopt), and nothing is pending.
  std::optional<AuditHeadCache::Head> Done();
  bool empty() const { return pending_.empty(); }

 private:
  Session& s_;
  std::vector<AuditEntry> pending_;
  std::vector<std::vector<Value>> chained_;  // the parameters of Chain()'s statements
};

// The audit log in a read-only transaction (Connection::BeginRead).
class AuditLogReader final : public icp::AuditLogReader {
 public:
  explicit AuditLogReader(Session& s) : s_(s) {}
  Result<std::vector<StoredAuditEntry>> Read(std::int64_t after, std::size_t limit) override;
  Result<AuditVerification> Verify() override;

 private:
  Session& s_;
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

}  // namespace icp::sql
