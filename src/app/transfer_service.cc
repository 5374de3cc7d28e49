#include "app/transfer_service.h"

#include <algorithm>
#include <utility>

#include "app/audit_details.h"
#include "app/material_service.h"
#include "app/notification.h"
#include "base/check.h"
#include "base/date.h"
#include "base/strings.h"
#include "ports/storage_errors.h"

namespace icp {
namespace {

constexpr std::size_t kMaxEvidence = 16;
constexpr std::size_t kMaxFileName = 255;

std::unexpected<Error> NoSuchTransfer(TransferId id) {
  return NotFound("transfer " + std::to_string(id.value()) + " does not exist");
}

std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(std::ranges::count_if(
      s, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool HasControl(std::string_view text, bool allow_newlines) {
  return std::ranges::any_of(text, [&](char c) {
    const auto u = static_cast<unsigned char>(c);
    if (allow_newlines && (c == '\n' || c == '\r' || c == '\t')) return false;
    return u < 0x20 || u == 0x7f;
  });
}

// A free text a person writes (a reason): present, well-formed, not too long.
void CheckText(std::string_view text, std::string_view field, std::string_view rule,
               std::size_t max_chars, std::vector<FieldViolation>& problems) {
  if (TrimAsciiSpaces(text).empty() || !IsValidUtf8(text) || HasControl(text, true) ||
      CodePoints(text) > max_chars) {
    problems.push_back(
        {std::string(field), std::string(rule),
         std::string(field) + " needs 1 to " + std::to_string(max_chars) + " characters of text",
         "请填写原因（1 至 " + std::to_string(max_chars) + " 个字符）"});
  }
}

std::string ActorOf(const Caller& caller) { return AccountActor(caller.account.value()); }

std::string Entity(TransferId id) { return "transfer:" + std::to_string(id.value()); }

std::string NumberParam(const std::optional<FilingNumber>& n) {
  return n ? n->canonical() : std::string("（未下发备案号）");
}

// Queues a notification in the unit of work, under a key that names the event once.
Result<void> Tell(UnitOfWork& uow, std::string_view template_id, AccountId account,
                  std::map<std::string, std::string> params, const std::string& key,
                  std::chrono::sys_seconds now) {
  Notification n{std::string(template_id), account, std::nullopt, std::move(params)};
  if (Result<bool> queued = EnqueueNotification(uow, n, key, now); !queued) {
    return std::unexpected(queued.error());
  }
  return {};
}

Result<void> Audit(UnitOfWork& uow, std::chrono::sys_seconds now, const Caller& caller,
                   std::string_view action, std::string entity, const AuditDetails& details) {
  return uow.audit().Append(
      {now, ActorOf(caller), std::string(action), std::move(entity), details.str()});
}

// transfer.real-name: the account's verified real name is the subject's name (seed 000's
// realname.subject-name, without the mobile: the new account's mobile is not on record yet).
Result<void> RealNameMatches(UnitOfWork& uow, AccountId account, const Subject& subject) {
  Result<Account> a = uow.accounts().Get(account);
  if (!a) return std::unexpected(a.error());
  if (!a->real_name || !IsValidUtf8(subject.name) ||
      FoldWidthAndTrim(subject.name) != a->real_name->value.name()) {
    return Refusal(ErrorCode::kFailedPrecondition, "subject", "transfer.real-name",
                   a->real_name ? "the account's verified real name is not the subject's name: "
                                  "only the subject itself may ask for its records"
                                : "the account has no verified real name yet",
                   a->real_name ? "账号实名认证的名称与备案主体名称不一致，不能申请转移"
                                : "账号尚未完成实名认证");
  }
  return {};
}

// What stands in the way of moving `subject` from `from` now, as the request and the
// approval both check it.
Result<void> Movable(UnitOfWork& uow, const SubjectRecord& subject, AccountId from) {
  if (subject.cancelled) {
    return Refusal(ErrorCode::kFailedPrecondition, "subject", "transfer.subject-cancelled",
                   "the subject's filing was cancelled: there is nothing to transfer",
                   "该主体备案已注销，无法转移");
  }
  if (subject.account != from) {
    return Refusal(ErrorCode::kFailedPrecondition, "subject", "transfer.subject-moved",
                   "the subject is no longer under the account the transfer was asked from",
                   "该主体已不在申请转出的账号下");
  }
  Result<std::optional<ApplicationId>> open =
      uow.applications().FindOpenBySubject(subject.subject.certificate);
  if (!open) return std::unexpected(open.error());
  if (*open) return transfer_errors::OpenApplication();
  return {};
}

}  // namespace

Result<TransferView> TransferService::Request(const Caller& caller, const TransferRequest& request,
                                              const BeforeCommit& before_commit) {
  if (caller.role != Role::kCustomer) {
    return Refusal(ErrorCode::kPermissionDenied, "", "auth.role",
                   "only customers ask for a transfer", "仅客户可申请备案转移");
  }
  std::vector<FieldViolation> problems;
  if (request.subject_number.has_value() == request.certificate.has_value()) {
    problems.push_back({"subject", "transfer.subject",
                        "name the subject by its subject_number or by its certificate (one)",
                        "请填写主体备案号或主体证件（二选一）"});
  }
  CheckText(request.reason, "reason", "transfer.reason", options_.max_reason_chars, problems);
  if (request.evidence.size() > kMaxEvidence) {
    problems.push_back({"evidence", "transfer.evidence-count",
                        "at most " + std::to_string(kMaxEvidence) + " files",
                        "证明材料最多 " + std::to_string(kMaxEvidence) + " 个文件"});
  }
  std::vector<TransferEvidence> evidence;
  for (std::size_t i = 0; i < request.evidence.size() && i < kMaxEvidence; ++i) {
    const TransferEvidenceUpload& up = request.evidence[i];
    const std::string at = "evidence[" + std::to_string(i) + "]";
    std::optional<TransferEvidenceKind> kind = TransferEvidenceKindFromName(up.kind);
    if (!kind) {
      problems.push_back(
          {at + ".kind", "transfer.evidence-kind",
           "kind is " +
               JoinNames(NamesOf(AllTransferEvidenceKinds(), TransferEvidenceKindName), " or "),
           "材料类型无效"});
    }
    if (up.file_name.empty() || up.file_name.size() > kMaxFileName || !IsValidUtf8(up.file_name) ||
        HasControl(up.file_name, false) || up.file_name.find_first_of("/\\") != std::string::npos) {
      problems.push_back({at + ".file_name", "material.file-name",
                          "file_name needs 1 to 255 bytes without slashes or control characters.",
                          "文件名须为 1 至 255 字节，且不含斜杠或控制字符。"});
    }
    if (!kind) continue;
    const FileLimit* limit = limits_.For(TransferEvidenceKindName(*kind));
    ICP_CHECK(limit != nullptr) << "the limits name every transfer evidence kind";
    std::vector<FieldViolation> file_problems;
    Result<std::optional<FileFacts>> facts = InspectFile(sniffer_, *limit, up.bytes, file_problems);
    if (!facts) return std::unexpected(facts.error());
    for (FieldViolation& v : file_problems) {
      v.field = at + ".content";
      problems.push_back(std::move(v));
    }
    if (*facts && file_problems.empty()) {
      evidence.push_back(
          {*kind, up.file_name, "", std::string(FileTypeMime((*facts)->type)), (*facts)->size});
    }
  }
  for (TransferEvidenceKind required :
       {TransferEvidenceKind::kTransferLetter, TransferEvidenceKind::kIdentityDocument}) {
    if (std::ranges::none_of(request.evidence, [&](const TransferEvidenceUpload& e) {
          return e.kind == TransferEvidenceKindName(required);
        })) {
      problems.push_back({"evidence", "transfer.evidence-missing",
                          "the request needs a " + std::string(TransferEvidenceKindName(required)),
                          "缺少" + std::string(TransferEvidenceKindLabel(required))});
    }
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));

  Result<std::unique_ptr<UnitOfWork>> begun = db_.Begin();
  if (!begun) return std::unexpected(begun.error());
  UnitOfWork& uow = **begun;
  std::optional<SubjectRecord> subject;
  if (request.subject_number) {
    Result<std::optional<IssuedNumber>> issued = uow.numbers().Find(*request.subject_number);
    if (!issued) return std::unexpected(issued.error());
    if (*issued && !(*issued)->website) {
      Result<SubjectRecord> s = uow.subjects().Get((*issued)->subject);
      if (!s) return std::unexpected(s.error());
      subject = std::move(*s);
    }
  } else {
    Result<std::optional<SubjectRecord>> s = uow.subjects().FindByCertificate(*request.certificate);
    if (!s) return std::unexpected(s.error());
    subject = std::move(*s);
  }
  const std::string field = request.subject_number ? "subject_number" : "certificate";
  if (!subject) {
    return Refusal(ErrorCode::kNotFound, field, "transfer.subject-unknown",
                   "no subject on record here has this " + field,
                   "本平台没有该主体备案号或证件对应的备案主体");
  }
  if (subject->account == caller.account) {
    return Refusal(ErrorCode::kFailedPrecondition, field, "transfer.same-account",
                   "the subject is already under this account", "该主体已在本账号下");
  }
  if (Result<void> ok = Movable(uow, *subject, subject->account); !ok)
    return std::unexpected(ok.error());
  if (Result<void> ok = RealNameMatches(uow, caller.account, subject->subject); !ok) {
    return std::unexpected(ok.error());
  }

  const std::chrono::sys_seconds now = clock_.Now();
  TransferRecord record;
  record.subject = subject->id;
  record.from_account = subject->account;
  record.to_account = caller.account;
  record.reason = request.reason;
  record.created_at = now;
  record.objection_until =
      now + std::chrono::duration_cast<std::chrono::seconds>(options_.objection_window);
  // Every file passed its checks (or the request was refused above), in the request's order.
  ICP_CHECK(evidence.size() == request.evidence.size()) << "each upload has its evidence";
  for (std::size_t i = 0; i < evidence.size(); ++i) {
    Result<std::string> sha256 = blobs_.Put(request.evidence[i].bytes);
    if (!sha256) return std::unexpected(sha256.error());
    evidence[i].sha256 = std::move(*sha256);
  }
  record.evidence = std::move(evidence);
  Result<TransferId> id = uow.transfers().Insert(record);
  if (!id) return std::unexpected(id.error());
  record.id = *id;
  record.revision = 1;

  AuditDetails details;
  details.Add("subject", subject->id.value())
      .Add("from", AccountActor(record.from_account.value()))
      .Add("to", AccountActor(record.to_account.value()))
      .Add("evidence", static_cast<std::int64_t>(record.evidence.size()));
  if (Result<void> ok = Audit(uow, now, caller, "transfer.request", Entity(*id), details); !ok) {
    return std::unexpected(ok.error());
  }
  if (Result<void> ok =
          Tell(uow, notification_template::kTransferRequested, record.from_account,
               {{"transfer", std::to_string(id->value())},
                {"subject_number", NumberParam(subject->number)},
                {"objection_until", FormatIsoDate(ChinaDate(record.objection_until))}},
               Entity(*id) + ":requested", now);
      !ok) {
    return std::unexpected(ok.error());
  }
  TransferView view{std::move(record), subject->number};
  if (before_commit) {
    if (Result<void> ok = before_commit(uow, view); !ok) return std::unexpected(ok.error());
  }
  if (Result<void> ok = uow.Commit(); !ok) return std::unexpected(ok.error());
  return view;
}

Result<TransferPage> TransferService::List(const Caller& caller, std::optional<TransferState> state,
                                           TransferId after, std::size_t limit) {
  ICP_CHECK(limit > 0) << "a page has room";
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  TransferQuery query{std::nullopt, state, after, limit + 1};
  if (!caller.is_staff()) query.to_account = caller.account;
  Result<std::vector<TransferRecord>> found = (*read)->transfers().List(query);
  if (!found) return std::unexpected(found.error());
  TransferPage page;
  if (found->size() > limit) {
    found->resize(limit);
    page.next = found->back().id;
  }
  for (TransferRecord& t : *found) {
    Result<SubjectRecord> s = (*read)->subjects().Get(t.subject);
    if (!s) return std::unexpected(s.error());
    page.items.push_back({std::move(t), s->number});
  }
  return page;
}

namespace {

// A transfer the caller may read: staff, the requester, the old account; kNotFound otherwise.
Result<TransferRecord> Readable(StoreReader& store, const Caller& caller, TransferId id) {
  Result<TransferRecord> t = store.transfers().Get(id);
  if (!t) {
    if (t.error().code == ErrorCode::kNotFound) return NoSuchTransfer(id);
    return std::unexpected(t.error());
  }
  if (!caller.is_staff() && t->to_account != caller.account && t->from_account != caller.account) {
    return NoSuchTransfer(id);
  }
  return t;
}

Result<TransferView> ViewOf(StoreReader& store, TransferRecord t) {
  Result<SubjectRecord> s = store.subjects().Get(t.subject);
  if (!s) return std::unexpected(s.error());
  return TransferView{std::move(t), s->number};
}

// The transfer `caller` may read, still pending and at `revision`: what every decision starts
// from (kNotFound, transfer.decided, or storage.revision otherwise).
Result<TransferRecord> PendingAt(StoreReader& store, const Caller& caller, TransferId id,
                                 std::int64_t revision) {
  Result<TransferRecord> t = Readable(store, caller, id);
  if (!t) return t;
  if (t->state != TransferState::kPending) return transfer_errors::Decided(id.value());
  if (t->revision != revision) return storage_errors::StaleRevision("transfer", id.value());
  return t;
}

// Reads transfer `id` as `uow` leaves it and commits: what every decision answers.
Result<TransferView> CommitAndView(UnitOfWork& uow, TransferId id) {
  Result<TransferRecord> after = uow.transfers().Get(id);
  if (!after) return std::unexpected(after.error());
  Result<TransferView> view = ViewOf(uow, std::move(*after));
  if (!view) return view;
  if (Result<void> ok = uow.Commit(); !ok) return std::unexpected(ok.error());
  return view;
}

}  // namespace

Result<TransferView> TransferService::Get(const Caller& caller, TransferId id) {
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  Result<TransferRecord> t = Readable(**read, caller, id);
  if (!t) return std::unexpected(t.error());
  return ViewOf(**read, std::move(*t));
}

Result<std::pair<TransferEvidence, std::string>> TransferService::Evidence(const Caller& caller,
                                                                           TransferId id,
                                                                           std::size_t index) {
  TransferEvidence evidence;
  {
    Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
    if (!read) return std::unexpected(read.error());
    Result<TransferRecord> t = Readable(**read, caller, id);
    if (!t) return std::unexpected(t.error());
    // The old account reads the request, never the requester's papers.
    if (!caller.is_staff() && t->to_account != caller.account) return NoSuchTransfer(id);
    if (index >= t->evidence.size()) {
      return NotFound("transfer " + std::to_string(id.value()) + " has no evidence " +
                      std::to_string(index));
    }
    evidence = t->evidence[index];
  }
  Result<std::string> bytes = blobs_.Get(evidence.sha256);
  if (!bytes) return std::unexpected(bytes.error());
  return std::pair{std::move(evidence), std::move(*bytes)};
}

Result<TransferView> TransferService::Withdraw(const Caller& caller, TransferId id,
                                               std::int64_t revision, bool confirmed) {
  Result<std::unique_ptr<UnitOfWork>> begun = db_.Begin();
  if (!begun) return std::unexpected(begun.error());
  UnitOfWork& uow = **begun;
  Result<TransferRecord> t = Readable(uow, caller, id);
  if (!t) return std::unexpected(t.error());
  if (t->to_account != caller.account) return NoSuchTransfer(id);
  if (!confirmed) {
    return Refusal(ErrorCode::kFailedPrecondition, "confirm", "transfer.confirm",
                   "withdrawing cannot be undone: send {\"confirm\": true}",
                   "撤回后不可恢复，请确认（confirm: true）");
  }
  if (t->state != TransferState::kPending) return transfer_errors::Decided(id.value());
  if (t->revision != revision) return storage_errors::StaleRevision("transfer", id.value());
  const std::chrono::sys_seconds now = clock_.Now();
  Result<std::int64_t> rev =
      uow.transfers().Decide(id, revision, TransferState::kWithdrawn, caller.account, now, "");
  if (!rev) return std::unexpected(rev.error());
  AuditDetails details;
  details.Add("state", TransferStateName(TransferState::kWithdrawn));
  if (Result<void> ok = Audit(uow, now, caller, "transfer.withdraw", Entity(id), details); !ok) {
    return std::unexpected(ok.error());
  }
  return CommitAndView(uow, id);
}

Result<TransferView> TransferService::Object(const Caller& caller, TransferId id,
                                             std::int64_t revision, std::string_view reason) {
  std::vector<FieldViolation> problems;
  CheckText(reason, "reason", "transfer.decision-reason", options_.max_reason_chars, problems);
  if (!problems.empty()) return InvalidFields(std::move(problems));
  Result<std::unique_ptr<UnitOfWork>> begun = db_.Begin();
  if (!begun) return std::unexpected(begun.error());
  UnitOfWork& uow = **begun;
  Result<TransferRecord> t = PendingAt(uow, caller, id, revision);
  if (!t) return std::unexpected(t.error());
  if (t->from_account != caller.account) return NoSuchTransfer(id);
  const std::chrono::sys_seconds now = clock_.Now();
  if (now > t->objection_until) {
    return Refusal(
        ErrorCode::kFailedPrecondition, "", "transfer.objection-closed",
        "the time to object ended on " + FormatIsoDate(ChinaDate(t->objection_until)) +
            "; contact support",
        "异议期已于 " + FormatIsoDate(ChinaDate(t->objection_until)) + " 结束，请联系客服");
  }
  Result<std::int64_t> rev =
      uow.transfers().Decide(id, revision, TransferState::kObjected, caller.account, now, reason);
  if (!rev) return std::unexpected(rev.error());
  AuditDetails details;
  details.Add("state", TransferStateName(TransferState::kObjected));
  if (Result<void> ok = Audit(uow, now, caller, "transfer.object", Entity(id), details); !ok) {
    return std::unexpected(ok.error());
  }
  if (Result<void> ok =
          Tell(uow, notification_template::kTransferDecided, t->to_account,
               {{"transfer", std::to_string(id.value())},
                {"outcome", std::string(TransferStateLabel(TransferState::kObjected))}},
               Entity(id) + ":objected", now);
      !ok) {
    return std::unexpected(ok.error());
  }
  return CommitAndView(uow, id);
}

Result<TransferView> TransferService::Approve(const Caller& caller, TransferId id,
                                              std::int64_t revision, std::string_view reason) {
  return Decide(caller, id, revision, TransferState::kApproved, reason);
}

Result<TransferView> TransferService::Reject(const Caller& caller, TransferId id,
                                             std::int64_t revision, std::string_view reason) {
  return Decide(caller, id, revision, TransferState::kRejected, reason);
}

Result<TransferView> TransferService::Decide(const Caller& caller, TransferId id,
                                             std::int64_t revision, TransferState to,
                                             std::string_view reason) {
  if (caller.role != Role::kAdmin) {
    return Refusal(ErrorCode::kPermissionDenied, "", "auth.role",
                   "only an admin decides a transfer", "仅管理员可处理备案转移申请");
  }
  std::vector<FieldViolation> problems;
  CheckText(reason, "reason", "transfer.decision-reason", options_.max_reason_chars, problems);
  if (!problems.empty()) return InvalidFields(std::move(problems));
  Result<std::unique_ptr<UnitOfWork>> begun = db_.Begin();
  if (!begun) return std::unexpected(begun.error());
  UnitOfWork& uow = **begun;
  Result<TransferRecord> t = PendingAt(uow, caller, id, revision);
  if (!t) return std::unexpected(t.error());
  const std::chrono::sys_seconds now = clock_.Now();
  Result<SubjectRecord> subject = uow.subjects().Get(t->subject);
  if (!subject) return std::unexpected(subject.error());
  if (to == TransferState::kApproved) {
    if (now < t->objection_until) {
      return Refusal(ErrorCode::kFailedPrecondition, "", "transfer.objection-window",
                     "the old account may object until " +
                         FormatIsoDate(ChinaDate(t->objection_until)) + "; approve after that",
                     "原账号异议期至 " + FormatIsoDate(ChinaDate(t->objection_until)) +
                         "，异议期结束后方可同意");
    }
    if (Result<void> ok = Movable(uow, *subject, t->from_account); !ok) {
      return std::unexpected(ok.error());
    }
    if (Result<void> ok = RealNameMatches(uow, t->to_account, subject->subject); !ok) {
      return std::unexpected(ok.error());
    }
  }
  Result<std::int64_t> rev = uow.transfers().Decide(id, revision, to, caller.account, now, reason);
  if (!rev) return std::unexpected(rev.error());
  AuditDetails details;
  details.Add("state", TransferStateName(to)).Add("subject", t->subject.value());
  const std::string_view action =
      to == TransferState::kApproved ? "transfer.approve" : "transfer.reject";
  if (Result<void> ok = Audit(uow, now, caller, action, Entity(id), details); !ok) {
    return std::unexpected(ok.error());
  }
  if (to == TransferState::kApproved) {
    Result<std::int64_t> moved = uow.transfers().MoveSubject(id, subject->revision);
    if (!moved) return std::unexpected(moved.error());
    Result<std::vector<WebsiteRecord>> sites = uow.websites().ListBySubject(t->subject);
    if (!sites) return std::unexpected(sites.error());
    AuditDetails move;
    move.Add("transfer", id.value())
        .Add("from", AccountActor(t->from_account.value()))
        .Add("to", AccountActor(t->to_account.value()))
        .Add("websites", static_cast<std::int64_t>(sites->size()))
        .Add("revision", *moved);
    if (Result<void> ok = Audit(uow, now, caller, "subject.transfer",
                                "subject:" + std::to_string(t->subject.value()), move);
        !ok) {
      return std::unexpected(ok.error());
    }
    if (Result<void> ok = Tell(uow, notification_template::kTransferMoved, t->from_account,
                               {{"transfer", std::to_string(id.value())},
                                {"subject_number", NumberParam(subject->number)}},
                               Entity(id) + ":moved", now);
        !ok) {
      return std::unexpected(ok.error());
    }
  }
  if (Result<void> ok = Tell(uow, notification_template::kTransferDecided, t->to_account,
                             {{"transfer", std::to_string(id.value())},
                              {"outcome", std::string(TransferStateLabel(to))}},
                             Entity(id) + ":decided", now);
      !ok) {
    return std::unexpected(ok.error());
  }
  return CommitAndView(uow, id);
}

}  // namespace icp
