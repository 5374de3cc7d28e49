// Transfers of a subject between accounts in memory, with every refusal of
// migrations/0007_transfers.sql: one pending transfer per subject, a transfer leaves pending
// once, and a subject changes account only through the latest approved transfer of it.
#include <algorithm>

#include "domain/application_lifecycle.h"
#include "ports/storage_errors.h"
#include "storage/common/keys.h"
#include "storage/memory/repositories.h"

namespace icp::memory {
namespace {

constexpr std::size_t kMaxReason = 2000;

bool IsHex64(std::string_view s) {
  return s.size() == 64 && std::ranges::all_of(s, [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(std::ranges::count_if(
      s, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool HasEvidence(const TransferRecord& t, TransferEvidenceKind kind) {
  return std::ranges::any_of(t.evidence, [&](const TransferEvidence& e) { return e.kind == kind; });
}

// The columns' CHECKs of a stored transfer.
Result<void> CheckRow(const State& st, const TransferRecord& t) {
  Result<void> ok = Require(t.from_account != t.to_account, "transfers_between_two_accounts");
  if (ok) ok = Require(t.objection_until >= t.created_at, "transfers_window");
  if (ok) ok = Require(!t.reason.empty() && CodePoints(t.reason) <= kMaxReason, "reason length");
  if (ok) ok = Require(CodePoints(t.decision_reason) <= kMaxReason, "decision_reason length");
  if (ok) ok = Require(t.evidence.size() <= 16, "evidence position");
  for (const TransferEvidence& e : t.evidence) {
    if (ok) ok = Require(!e.file_name.empty() && CodePoints(e.file_name) <= 255, "file_name");
    if (ok) ok = Require(IsHex64(e.sha256), "sha256");
    if (ok) {
      ok = Require(e.content_type == "image/jpeg" || e.content_type == "image/png" ||
                       e.content_type == "application/pdf",
                   "content_type");
    }
    if (ok) ok = Require(e.size > 0, "size");
  }
  if (ok) ok = ForeignKey(st.subjects, t.subject, "subject");
  if (ok) ok = ForeignKey(st.accounts, t.from_account, "account");
  if (ok) ok = ForeignKey(st.accounts, t.to_account, "account");
  return ok;
}

// The CHECKs on a decision (transfers_decision_says_why and the three on who decides).
Result<void> CheckDecision(const State& st, const TransferRecord& t, TransferState to, AccountId by,
                           std::chrono::sys_seconds at, std::string_view reason) {
  Result<void> ok = Require(to != TransferState::kPending, "transfers_decision_whole");
  if (ok) ok = ForeignKey(st.accounts, by, "account");
  if (ok) {
    ok = Require(to == TransferState::kWithdrawn || !reason.empty(), "transfers_decision_says_why");
  }
  if (ok) ok = Require(CodePoints(reason) <= kMaxReason, "decision_reason length");
  if (ok && to == TransferState::kWithdrawn) {
    ok = Require(by == t.to_account, "transfers_withdrawn_by_requester");
  }
  if (ok && to == TransferState::kObjected) {
    ok = Require(by == t.from_account && at <= t.objection_until,
                 "transfers_objected_by_old_account");
  }
  if (ok && to == TransferState::kApproved) {
    ok = Require(at >= t.objection_until, "transfers_approved_after_window");
  }
  if (!ok) return ok;
  if (to == TransferState::kApproved || to == TransferState::kRejected) {
    if (st.accounts.at(by.value()).role != Role::kAdmin) {
      return Refusal(ErrorCode::kFailedPrecondition, "", "transfer.admin-decides",
                     "only an admin approves or rejects a transfer", "备案转移申请须由管理员处理");
    }
  }
  if (to == TransferState::kApproved &&
      (!HasEvidence(t, TransferEvidenceKind::kTransferLetter) ||
       !HasEvidence(t, TransferEvidenceKind::kIdentityDocument))) {
    return Refusal(ErrorCode::kFailedPrecondition, "evidence", "transfer.evidence-missing",
                   "a transfer is approved only with the letter and the identity document",
                   "缺少备案转移申请函或经办人身份证件，不能同意");
  }
  return {};
}

// An application about the subject is open (applications.open_subject_key = its identity).
bool HasOpenApplication(const State& st, SubjectId subject) {
  const std::string& identity = st.subject_identity.at(subject.value());
  return std::ranges::any_of(st.applications, [&](const auto& row) {
    const ApplicationRecord& a = row.second;
    if (IsTerminal(a.lifecycle.state())) return false;
    if (a.subject) return *a.subject == subject;
    return keys::CertificateKey(a.application.subject.certificate) == identity;
  });
}

}  // namespace

Result<TransferId> TransferRepository::Insert(const TransferRecord& record) {
  return s_.Write([&]() -> Result<TransferId> {
    State& st = s_.state();
    if (Result<void> ok = CheckRow(st, record); !ok) return std::unexpected(ok.error());
    if (st.subjects.at(record.subject.value()).account != record.from_account) {
      return Refusal(ErrorCode::kFailedPrecondition, "", "transfer.from-owner",
                     "a transfer is asked from the account the subject is under",
                     "转出账号须为主体当前所在账号");
    }
    for (const auto& [id, t] : st.transfers) {
      if (t.subject == record.subject && t.state == TransferState::kPending) {
        return transfer_errors::PendingForSubject();
      }
    }
    TransferRecord stored = record;
    stored.id = TransferId(++st.sequences.transfers);
    stored.state = TransferState::kPending;
    stored.decided_by = std::nullopt;
    stored.decided_at = std::nullopt;
    stored.decision_reason.clear();
    stored.revision = 1;
    st.transfers.emplace(stored.id.value(), stored);
    return stored.id;
  });
}

Result<TransferRecord> TransferRepository::Get(TransferId id) {
  return s_.Read([&]() -> Result<TransferRecord> {
    auto it = s_.state().transfers.find(id.value());
    if (it == s_.state().transfers.end()) return Missing("transfer", std::to_string(id.value()));
    return it->second;
  });
}

Result<std::vector<TransferRecord>> TransferRepository::List(const TransferQuery& query) {
  return s_.Read([&]() -> Result<std::vector<TransferRecord>> {
    std::vector<TransferRecord> out;
    const auto& all = s_.state().transfers;
    for (auto it = all.upper_bound(query.after.value()); it != all.end(); ++it) {
      if (out.size() >= query.limit) break;
      const TransferRecord& t = it->second;
      if (query.to_account && t.to_account != *query.to_account) continue;
      if (query.state && t.state != *query.state) continue;
      out.push_back(t);
    }
    return out;
  });
}

Result<std::int64_t> TransferRepository::Decide(TransferId id, std::int64_t revision,
                                                TransferState to, AccountId by,
                                                std::chrono::sys_seconds at,
                                                std::string_view reason) {
  return s_.Write([&]() -> Result<std::int64_t> {
    State& st = s_.state();
    auto it = st.transfers.find(id.value());
    if (it == st.transfers.end()) return Missing("transfer", std::to_string(id.value()));
    TransferRecord& t = it->second;
    if (t.state != TransferState::kPending) return transfer_errors::Decided(id.value());
    if (t.revision != revision) return storage_errors::StaleRevision("transfer", id.value());
    if (Result<void> ok = CheckDecision(st, t, to, by, at, reason); !ok) {
      return std::unexpected(ok.error());
    }
    t.state = to;
    t.decided_by = by;
    t.decided_at = at;
    t.decision_reason = std::string(reason);
    t.revision += 1;
    return t.revision;
  });
}

Result<std::int64_t> TransferRepository::MoveSubject(TransferId id, std::int64_t subject_revision) {
  return s_.Write([&]() -> Result<std::int64_t> {
    State& st = s_.state();
    auto it = st.transfers.find(id.value());
    if (it == st.transfers.end()) return Missing("transfer", std::to_string(id.value()));
    const TransferRecord& t = it->second;
    SubjectRecord& subject = st.subjects.at(t.subject.value());
    if (subject.revision != subject_revision || subject.account != t.from_account) {
      return storage_errors::StaleRevision("subject", t.subject.value());
    }
    if (HasOpenApplication(st, t.subject)) return transfer_errors::OpenApplication();
    const std::optional<TransferId> previous = st.subject_transferred_by[t.subject.value()];
    const bool latest = std::ranges::none_of(st.transfers, [&](const auto& row) {
      return row.second.subject == t.subject && row.second.state == TransferState::kApproved &&
             row.second.id > t.id;
    });
    if (t.state != TransferState::kApproved || previous == t.id || !latest) {
      return Refusal(ErrorCode::kFailedPrecondition, "subject", "transfer.moves-subject",
                     "a subject changes account only through the latest approved transfer of it",
                     "主体只能经已同意的备案转移申请变更账号");
    }
    subject.account = t.to_account;
    subject.revision += 1;
    st.subject_transferred_by[t.subject.value()] = t.id;
    return subject.revision;
  });
}

}  // namespace icp::memory
